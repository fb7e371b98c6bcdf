"""Who is calling, read from the request by store.auth (the same rules as SOAP)."""

from __future__ import annotations

import falcon
from sqlalchemy import Engine

from store.auth import Credentials, NietGeauthenticeerd, credentials, identify
from store.registertoets import GeenToegang
from store.rollen import Recht, mag
from store.settings import Settings


def request_credentials(req: falcon.Request, settings: Settings) -> Credentials:
    """The caller's credentials; none at all is a 401 before anything is looked up."""
    creds = credentials(
        req.get_header("Authorization"),
        req.get_header(settings.oin_header),
        req.remote_addr,
        settings,
    )
    if creds is None:
        raise NietGeauthenticeerd
    return creds


def require_right(engine: Engine, creds: Credentials, recht: Recht) -> None:
    """For a request refused before the core runs: a stranger still gets 401, not the reason.

    The happy path never comes here: the core identifies the caller in its own transaction.
    """
    with engine.connect() as conn:
        caller = identify(conn, creds)
    if not mag(caller.rol, recht):
        raise GeenToegang
