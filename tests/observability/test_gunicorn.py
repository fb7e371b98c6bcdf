"""Through `samenloop serve` with two gunicorn workers: JSON lines on stderr, the X-Request-ID
header, and /metrics adding up what both workers counted."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from store.demo import DemoSet
from store.settings import Settings
from tests.logcheck import leak, parsed
from tests.observability.conftest import AMSTERDAM, METRICS_TOKEN
from tests.observability.test_metrics import BEARER, samples, value
from tests.server import serve
from tests.soap.conftest import envelope

pytestmark = pytest.mark.slow

REST = "/api/v1/registertoets"
SOAP = "/soap/registertoets"
BSN = "999900006"


@contextmanager
def _served(settings: Settings, server_log: Path) -> Iterator[str]:
    """Two workers; their output is read once they stopped (a line is written when its answer
    is closed, which may be just after the client has it)."""
    env = {"SAMENLOOP_METRICS_TOKEN": METRICS_TOKEN}
    with (
        server_log.open("wb") as out,
        serve(settings.database_url, workers=2, env=env, log=out) as base,
    ):
        yield base


def _registertoets(base: str, n: int) -> httpx.Response:
    headers = {"X-Request-ID": f"t-{n}"}
    with httpx.Client(base_url=base, auth=AMSTERDAM, timeout=10) as client:
        if n % 4 == 0:
            body = envelope("Registertoets", BSN)
            return client.post(SOAP, content=body, headers={**headers, "Content-Type": "text/xml"})
        return client.post(REST, json={"bsn": BSN}, headers=headers)


def _requests(server_log: Path) -> list[dict[str, Any]]:
    lines = parsed(server_log.read_bytes())
    return [line for line in lines if line["logger"] == "samenloop.request"]


def _traffic(base: str, server_log: Path) -> int:
    """Concurrent registertoetsen until both workers answered some; how many were sent."""
    sent = 0
    for _ in range(10):
        with ThreadPoolExecutor(max_workers=6) as pool:
            answers = list(pool.map(lambda n: _registertoets(base, n), range(sent, sent + 24)))
        assert [a.headers["X-Request-ID"] for a in answers] == [
            f"t-{n}" for n in range(sent, sent + 24)
        ]
        assert {a.status_code for a in answers} == {200}
        sent += 24
        if len({line["pid"] for line in _requests(server_log)}) == 2:
            return sent
    raise AssertionError("one worker answered everything")


def test_two_workers_log_json_and_one_scrape_counts_both(
    settings: Settings, demo_set: DemoSet, tmp_path: Path
) -> None:
    server_log = tmp_path / "stderr.log"
    with _served(settings, server_log) as served:
        sent = _traffic(served, server_log)
        soap = len([n for n in range(sent) if n % 4 == 0])
        for _ in range(6):  # whichever worker answers a scrape, it shows both workers' counts
            found = samples(httpx.get(served + "/metrics", headers=BEARER, timeout=10).text)
            total = "samenloop_http_requests_total"
            assert value(found, total, operation="rest.registertoets", status="200") == sent - soap
            assert value(found, total, operation="soap.Registertoets", status="200") == soap
            assert value(found, "samenloop_database_up") == 1
    lines = _requests(server_log)
    toetsen = [line for line in lines if line["request_id"].startswith("t-")]
    assert sorted(line["request_id"] for line in toetsen) == sorted(f"t-{n}" for n in range(sent))
    assert {(line["organisation"], line["status"]) for line in toetsen} == {("0363", 200)}


def _unwelcome(base: str) -> None:
    """Requests with a BSN where none belongs: in a header, a URL, a broken envelope, a request
    line gunicorn itself refuses."""
    with httpx.Client(base_url=base, timeout=10) as client:
        refused = client.post(REST, json={"bsn": BSN}, headers={"X-Request-ID": BSN})
        assert refused.status_code == 401
        assert refused.headers["X-Request-ID"] != BSN
        assert client.get(f"/api/v1/{BSN}").status_code == 404
        bearer = {"Authorization": "Bearer demo-amsterdam"}
        assert client.post(SOAP, content=f"<x>{BSN}".encode(), headers=bearer).status_code == 500
    host, _, port = base.removeprefix("http://").partition(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(f"GET /?bsn={BSN} HTTP/1.1 extra\r\n\r\n".encode())
        assert conn.recv(100).startswith(b"HTTP/1.1 400 ")


def test_every_line_on_stderr_is_json_without_a_bsn_or_token(
    settings: Settings, demo_set: DemoSet, tmp_path: Path
) -> None:
    server_log = tmp_path / "stderr.log"
    with _served(settings, server_log) as served:
        _unwelcome(served)
    output = server_log.read_bytes().decode()
    lines = parsed(output.encode())  # raises on any line that is not JSON
    assert all(str(line["time"]).endswith("Z") for line in lines)
    assert any(line["logger"] == "gunicorn.error" for line in lines), "gunicorn's own lines too"
    assert any(line["message"] == "Invalid request from ip=127.0.0.1" for line in lines)
    statuses = [line["status"] for line in lines if line["logger"] == "samenloop.request"]
    # Two workers write to one stderr: their lines need not come in the order of the requests.
    assert sorted(int(str(s)) for s in statuses[-3:]) == [401, 404, 500]
    for text in output.splitlines():
        assert leak(text, ["demo-amsterdam"]) is None, text
    assert "Traceback" not in output
