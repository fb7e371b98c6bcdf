"""The REST API over the wire, as users call it: `samenloop serve` (gunicorn) on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from adapters.files.aanlevering import MAX_BYTES
from store import demo
from store.settings import Settings
from tests.conftest import fixture_path
from tests.rest.conftest import AMSTERDAM, URL, assert_common_headers, assert_problem, audit_count
from tests.server import serve

UPLOAD = "/api/v1/aanleveringen?wet=wmo"


@pytest.fixture
def served(
    settings: Settings, engine: Engine, demo_set: demo.DemoSet, tmp_path: Path
) -> Iterator[str]:
    log = tmp_path / "server.log"
    with log.open("wb") as out, serve(settings.database_url, workers=2, log=out) as base:
        yield base
    text = log.read_text(errors="replace")
    for regel in demo_set.register:
        assert regel.bsn not in text, "no BSN in the server's log"


@pytest.mark.slow
def test_the_rest_api_over_gunicorn(served: str, engine: Engine, settings: Settings) -> None:
    with httpx.Client(base_url=served, auth=AMSTERDAM, timeout=10) as client:
        ja = client.post(URL, json={"bsn": "999900006"})
        assert ja.status_code == 200
        assert ja.json()["samenloop"] is True
        assert_common_headers(ja)
        assert client.post(URL, json={"bsn": "999900079"}).json()["samenloop"] is False
        assert_problem(client.post(URL, json={"bsn": "999900007"}), 400)
        assert_problem(httpx.post(served + URL, json={"bsn": "999900006"}), 401)
        chunked = iter([b'{"bsn": "', b"9" * settings.max_body, b'"}'])
        too_big = client.post(URL, content=chunked, headers={"Content-Type": "application/json"})
        assert_problem(too_big, 413)
        small = iter([b'{"bsn": ', b'"999900006"}'])
        chunked_ok = client.post(URL, content=small, headers={"Content-Type": "application/json"})
        assert chunked_ok.json()["samenloop"] is True
        assert_problem(client.post(URL + "/", json={"bsn": "999900006"}), 404)
        assert client.get(URL).headers["allow"] == "POST, OPTIONS"
        assert httpx.get(served + "/api/v1/openapi.json").json()["info"]["version"]
        assert client.get("/health").json() == {"status": "ok"}
    assert audit_count(engine) == 4


def _raw(base: str, head: str) -> bytes:
    """Send only a request head (no body) and read the answer: the service must not wait."""
    host, _, port = base.removeprefix("http://").partition(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(head.encode("latin-1"))
        return conn.recv(65536)


@pytest.mark.slow
def test_an_aanlevering_over_the_wire(served: str) -> None:
    data = fixture_path("rest", "meerdere-fouten-hersteld.csv").read_bytes()
    headers = {"Content-Type": "text/csv", "Content-Disposition": 'attachment; filename="a.csv"'}
    with httpx.Client(base_url=served, auth=AMSTERDAM, timeout=10) as client:
        chunked = client.post(UPLOAD, content=iter([data[:40], data[40:]]), headers=headers)
        assert chunked.status_code == 201, chunked.text
        assert chunked.json()["nieuw"] == 5
        tekst = client.get(httpx.URL(chunked.headers["location"]).path + "/verslag")
        assert tekst.headers["content-type"] == "text/plain; charset=utf-8"
        assert "Bestand:                                    a.csv" in tekst.text
        abonnementen = client.get("/api/v1/abonnementen")
        assert abonnementen.text.count("\n") == 1 + 5
    head = f"POST {UPLOAD} HTTP/1.1\r\nHost: t\r\nContent-Type: text/csv\r\n"
    too_big = f"Content-Length: {MAX_BYTES + 1}\r\n\r\n"
    assert _raw(served, head + too_big).startswith(b"HTTP/1.1 401 "), "no credentials: 401 first"
    auth = "Authorization: Bearer demo-amsterdam\r\n"
    assert _raw(served, head + auth + too_big).startswith(b"HTTP/1.1 413 ")
