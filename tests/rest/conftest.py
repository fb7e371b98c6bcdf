"""Fixtures for the REST adapter: the app in-process on the test database, with the demo set."""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import schemathesis
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.bodylimit import WsgiApp
from adapters.rest import create_rest_app
from adapters.rest.headers import COMMON
from adapters.rest.openapi import BASE_PATH, load_document
from store import demo
from store.models import AuditRegistertoets
from store.settings import Settings

PEILDATUM = date(2026, 3, 1)
URL = "/api/v1/registertoets"
AMSTERDAM = ("0363", "demo-amsterdam")
ROTTERDAM = ("0599", "demo-rotterdam")
ROTTERDAM_BEARER = {"Authorization": "Bearer demo-rotterdam"}
BASE_URL = "http://samenloop.test"
Connect = Callable[[tuple[str, str]], httpx.Client]


@pytest.fixture
def demo_set(engine: Engine, sessions: sessionmaker[Session]) -> demo.DemoSet:
    return demo.fill(engine, sessions, PEILDATUM, zorg=False)  # tests add their own zorg rows


@pytest.fixture
def rest_app(settings: Settings, engine: Engine, demo_set: demo.DemoSet) -> WsgiApp:
    """The app on the demo set, with 'today' (an aanlevering's processing date) fixed at D."""
    return create_rest_app(settings, engine, today=lambda: PEILDATUM)


@pytest.fixture
def client(rest_app: WsgiApp) -> Iterator[httpx.Client]:
    """In-process, as gemeente 0363 (HTTP Basic)."""
    transport = httpx.WSGITransport(app=rest_app)
    with httpx.Client(transport=transport, base_url=BASE_URL, auth=AMSTERDAM) as c:
        yield c


@pytest.fixture
def connect(rest_app: WsgiApp) -> Iterator[Connect]:
    """In-process clients with other credentials (gemeentecode, token), closed after the test."""
    with contextlib.ExitStack() as stack:

        def make(auth: tuple[str, str]) -> httpx.Client:
            transport = httpx.WSGITransport(app=rest_app)
            client = httpx.Client(transport=transport, base_url=BASE_URL, auth=auth)
            return stack.enter_context(client)

        yield make


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


def assert_invalid_params(body: dict[str, Any], expected: dict[str, str]) -> None:
    """A 400's invalidParams name exactly the expected fields, each (its first reason)
    starting with the expected text."""
    found: dict[str, str] = {}
    for p in body["invalidParams"]:
        found.setdefault(p["name"], p["reason"])
    assert set(found) == set(expected), found
    for name, reason in expected.items():
        assert found[name].startswith(reason), (name, found[name])


@functools.cache
def _document_schema() -> Any:
    return schemathesis.openapi.from_dict(load_document())


def assert_documented(response: httpx.Response) -> None:
    """The answer is what the OpenAPI document says this operation answers (status, media type,
    headers, body schema): the same check schemathesis makes, on answers it cannot provoke."""
    path = response.request.url.path.removeprefix(BASE_PATH)
    operation = _document_schema().find_operation_by_path(response.request.method, path)
    assert operation is not None, path
    operation.validate_response(response)
