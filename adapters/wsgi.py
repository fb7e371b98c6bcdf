"""The one WSGI application gunicorn serves: SOAP under /soap/, everything else (REST under
/api/v1/, /health, later the portal) in the REST app. Both share one engine and one store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine

from adapters.rest import create_rest_app
from soap_service.app import create_soap_app
from store.db import make_engine
from store.settings import Settings

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

SOAP_PREFIX = "/soap/"


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> WsgiApp:
    """The service; on its own engine unless given one (whose owner then disposes it)."""
    settings = settings or Settings.from_env()
    engine = engine or make_engine(settings)
    soap = create_soap_app(settings, engine)
    rest = create_rest_app(settings, engine)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if str(environ.get("PATH_INFO", "")).startswith(SOAP_PREFIX):
            return soap(environ, start_response)
        return rest(environ, start_response)

    return app
