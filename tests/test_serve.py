"""The service as users run it: `samenloop serve` (gunicorn) on 127.0.0.1, and /health."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine

from adapters.wsgi import create_app
from store.settings import Settings
from tests.server import serve


@pytest.fixture
def served(settings: Settings, engine: Engine) -> Iterator[str]:
    with serve(settings.database_url) as base:
        yield base


def test_gunicorn_serves_health(served: str) -> None:
    response = httpx.get(served + "/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_is_503_when_the_database_is_unreachable() -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/none", db_timeout=1)
    transport = httpx.WSGITransport(app=create_app(settings))
    with httpx.Client(transport=transport, base_url="http://t") as client:
        assert client.get("/health").status_code == 503
