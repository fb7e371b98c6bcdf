"""The REST API over the wire, as users call it: `samenloop serve` (gunicorn) on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from store import demo
from store.settings import Settings
from tests.rest.conftest import AMSTERDAM, URL, assert_common_headers, assert_problem, audit_count
from tests.server import serve


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
