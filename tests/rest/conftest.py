"""Fixtures for the REST adapter: the app in-process on the test database, with the demo set."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.bodylimit import WsgiApp
from adapters.rest import create_rest_app
from adapters.rest.headers import COMMON
from store import demo
from store.models import AuditRegistertoets
from store.settings import Settings

PEILDATUM = date(2026, 3, 1)
URL = "/api/v1/registertoets"
AMSTERDAM = ("0363", "demo-amsterdam")
ROTTERDAM_BEARER = {"Authorization": "Bearer demo-rotterdam"}
BASE_URL = "http://samenloop.test"


@pytest.fixture
def demo_set(engine: Engine, sessions: sessionmaker[Session]) -> demo.DemoSet:
    return demo.fill(engine, sessions, PEILDATUM)


@pytest.fixture
def rest_app(settings: Settings, engine: Engine, demo_set: demo.DemoSet) -> WsgiApp:
    return create_rest_app(settings, engine)


@pytest.fixture
def client(rest_app: WsgiApp) -> Iterator[httpx.Client]:
    """In-process, as gemeente 0363 (HTTP Basic)."""
    transport = httpx.WSGITransport(app=rest_app)
    with httpx.Client(transport=transport, base_url=BASE_URL, auth=AMSTERDAM) as c:
        yield c


@pytest.fixture
def anonymous(rest_app: WsgiApp) -> Iterator[httpx.Client]:
    """In-process, without credentials."""
    with httpx.Client(transport=httpx.WSGITransport(app=rest_app), base_url=BASE_URL) as c:
        yield c


def audit_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(AuditRegistertoets)) or 0)


def assert_common_headers(response: httpx.Response) -> None:
    for name, value in COMMON:
        assert response.headers.get(name) == value, name


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """A problem+json of this status with every documented member, and the common headers."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert_common_headers(response)
    body: dict[str, Any] = json.loads(response.content)
    assert list(body) == ["type", "title", "status", "detail", "invalidParams"]
    assert body["status"] == status
    assert body["type"].startswith("urn:samenloop:probleem:")
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text
    if status == 400:
        assert body["invalidParams"], "a 400 lists what was wrong"
    else:
        assert body["invalidParams"] is None
    return body
