"""What the resources of the aanleveringen and signalen share: the store, who calls, links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import falcon
from sqlalchemy import Engine

from adapters.rest.answers import Link, link
from adapters.rest.auth import authorize
from adapters.rest.openapi import BASE_PATH
from store.auth import Caller
from store.datums import vandaag
from store.rollen import Recht
from store.settings import Settings


@dataclass(frozen=True)
class Context:
    engine: Engine
    settings: Settings
    # Today in Europe/Amsterdam: the processing date of an aanlevering, the report's peildatum.
    today: Callable[[], date] = field(default=vandaag)

    def caller(self, req: falcon.Request, recht: Recht) -> Caller:
        """The calling organisation: 401 for a stranger, 403 for a role without the right."""
        return authorize(req, self.settings, self.engine, recht)

    def link(self, path: str, **query: object) -> Link:
        """An absolute link under SAMENLOOP_PUBLIC_URL (never the Host header a caller sent)."""
        return link(self.settings.public_url + BASE_PATH, path, **query)
