"""The one WSGI application gunicorn serves: SOAP under /soap/, the portal under /portaal/,
/metrics (off by default), everything else (REST under /api/v1/, /health) in the REST app. All
share one engine and one store, behind the request log (adapters.requestlog): one JSON line, the
X-Request-ID header and the request metrics for every request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine

from adapters.metrics import PATH as METRICS_PATH
from adapters.metrics import RequestMetrics, exposition, metrics_app
from adapters.portaal.app import create_portaal_app
from adapters.portaal.paden import PREFIX as PORTAAL
from adapters.requestlog import observe
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
    portaal = create_portaal_app(settings, engine)
    metrics = RequestMetrics()
    scrape = metrics_app(settings, exposition(metrics, engine), rest)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if path.startswith(SOAP_PREFIX):
            return soap(environ, start_response)
        if path == PORTAAL or path.startswith(PORTAAL + "/"):
            return portaal(environ, start_response)
        if path == METRICS_PATH:
            return scrape(environ, start_response)
        return rest(environ, start_response)

    return observe(app, metrics.observe)
