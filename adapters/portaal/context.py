"""What the portal's pages share: the store, the clock, the templates, the cookies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import falcon
from sqlalchemy import Engine

from adapters.portaal import paden
from adapters.portaal.kopregels import is_https
from adapters.portaal.weergave import Weergave
from store.datums import vandaag
from store.settings import Settings

SESSIE_COOKIE = "samenloop_sessie"


def _nu() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Portaal:
    engine: Engine
    settings: Settings
    weergave: Weergave
    # The moment (UTC) sessions and links are judged by, and today in Europe/Amsterdam (the
    # registertoets's peildatum); the tests set both.
    nu: Callable[[], datetime] = field(default=_nu)
    vandaag: Callable[[], date] = field(default=vandaag)

    @property
    def https(self) -> bool:
        return is_https(self.settings.public_url)

    def zet_cookie(self, resp: falcon.Response, naam: str, waarde: str) -> None:
        """A cookie for the portal's paths only: HttpOnly, SameSite=Lax set explicitly, Secure
        unless SAMENLOOP_PUBLIC_URL is plain http; no expiry (the server ends sessions)."""
        resp.set_cookie(
            naam,
            waarde,
            path=paden.PREFIX + "/",
            secure=self.https,
            http_only=True,
            same_site="Lax",
        )

    def wis_cookie(self, resp: falcon.Response, naam: str) -> None:
        resp.unset_cookie(naam, path=paden.PREFIX + "/", same_site="Lax")
