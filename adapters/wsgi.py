"""The one WSGI application: /health now; SOAP under /soap/ and REST under /api/v1/ mount here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from store.db import DatabaseUnavailable, check_connection, make_engine
from store.settings import Settings

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def create_app(settings: Settings | None = None) -> WsgiApp:
    settings = settings or Settings.from_env()
    engine = make_engine(settings)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/health":
            body = b'{"status": 404, "title": "Niet gevonden"}'
            start_response("404 Not Found", [("Content-Type", "application/problem+json")])
            return [body]
        try:
            check_connection(engine)
        except DatabaseUnavailable:
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"status": "database niet bereikbaar"}']
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"status": "ok"}']

    return app
