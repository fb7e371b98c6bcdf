"""Who is calling, read from the request by store.auth (the same rules as SOAP)."""

from __future__ import annotations

import falcon
from sqlalchemy import Engine

from adapters.requestinfo import Environ, name_organisation
from store.auth import Caller, Credentials, NietGeauthenticeerd, credentials, identify
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


def require_right(
    engine: Engine, creds: Credentials, recht: Recht, environ: Environ | None = None
) -> Caller:
    """The caller, when its role has this right: 401 for a stranger, 403 for a role without it.

    The registertoets comes here only for a request refused before the core runs (the core
    identifies the caller in its own transaction); the other routes come here first. With the
    request's environ, the caller is named for the request log.
    """
    with engine.connect() as conn:
        caller = identify(conn, creds)
    if environ is not None:
        name_organisation(environ, caller)
    if not mag(caller.rol, recht):
        raise GeenToegang
    return caller


def authorize(req: falcon.Request, settings: Settings, engine: Engine, recht: Recht) -> Caller:
    """Who is calling, checked before anything of the request is read."""
    return require_right(engine, request_credentials(req, settings), recht, req.env)
