"""The whole app (adapters.wsgi) in-process on the demo set, with its request log captured."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import adapters.wsgi
from adapters.jsonlog import JsonFormatter
from adapters.wsgi import create_app
from store import db, demo
from store.settings import Settings

PEILDATUM = date(2026, 3, 1)
AMSTERDAM = ("0363", "demo-amsterdam")
METRICS_TOKEN = "scrape-geheim-0123456789abcdef"
Line = dict[str, Any]
MakeClient = Callable[..., httpx.Client]


class Lines(logging.Handler):
    """Every record of the service's loggers, as the JSON line production would write."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.text: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.text.append(self.format(record))

    @property
    def requests(self) -> list[Line]:
        lines = (json.loads(t) for t in self.text)
        return [line for line in lines if line["logger"] == "samenloop.request"]

    def only(self) -> Line:
        (line,) = self.requests
        return line


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    service = logging.getLogger("samenloop")
    level = service.level
    service.addHandler(handler)
    service.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        service.removeHandler(handler)
        service.setLevel(level)


@pytest.fixture
def demo_set(engine: Engine, sessions: sessionmaker[Session]) -> demo.DemoSet:
    return demo.fill(engine, sessions, PEILDATUM)


@pytest.fixture
def made_engines(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Engine]]:
    """The engines adapters.wsgi.create_app makes in a test, disposed after it (PostgreSQL
    connections left to the garbage collector warn)."""
    engines: list[Engine] = []

    def make_engine(settings: Settings) -> Engine:
        engines.append(db.make_engine(settings))
        return engines[-1]

    monkeypatch.setattr(adapters.wsgi, "make_engine", make_engine)
    yield engines
    for engine in engines:
        engine.dispose()


@pytest.fixture
def make_client(
    settings: Settings, demo_set: demo.DemoSet, made_engines: list[Engine]
) -> Iterator[MakeClient]:
    """Clients of the whole app, made with these settings changed (e.g. metrics_token)."""
    clients: list[httpx.Client] = []

    def make(remote_addr: str = "127.0.0.1", **changes: Any) -> httpx.Client:
        app = create_app(dataclasses.replace(settings, **changes))
        transport = httpx.WSGITransport(app=app, remote_addr=remote_addr)
        client = httpx.Client(transport=transport, base_url="http://samenloop.test")
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: MakeClient) -> httpx.Client:
    return make_client()
