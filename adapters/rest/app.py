"""PLACEHOLDER until the REST issue lands: only /health."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine

from store.db import DatabaseUnavailable, check_connection
from store.settings import Settings

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def create_rest_app(settings: Settings, engine: Engine) -> WsgiApp:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/health":
            start_response("404 Not Found", [("Content-Type", "application/problem+json")])
            return [b'{"status": 404, "title": "Niet gevonden"}']
        try:
            check_connection(engine)
        except DatabaseUnavailable:
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"status": "database niet bereikbaar"}']
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"status": "ok"}']

    return app
