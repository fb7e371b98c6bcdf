"""The service as users run it: `samenloop serve` (gunicorn) on 127.0.0.1, and /health."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from adapters.wsgi import create_app
from store.settings import Settings

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(url)


@pytest.fixture
def served(settings: Settings, engine: Engine) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "SAMENLOOP_DATABASE_URL": settings.database_url}
    proc = subprocess.Popen(
        [str(BIN / "samenloop"), "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/health")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        assert proc.stderr is not None
        proc.stderr.close()


def test_gunicorn_serves_health(served: str) -> None:
    response = httpx.get(served + "/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_is_503_when_the_database_is_unreachable() -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/none", db_timeout=1)
    transport = httpx.WSGITransport(app=create_app(settings))
    with httpx.Client(transport=transport, base_url="http://t") as client:
        assert client.get("/health").status_code == 503
