"""A real service for tests that go over the wire: `samenloop serve` (gunicorn) on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

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


@contextmanager
def serve(
    database_url: str,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    log: IO[bytes] | int = subprocess.DEVNULL,
) -> Iterator[str]:
    """Start the service as a user does; yield its base URL; stop it afterwards."""
    port = free_port()
    environment = {**os.environ, "SAMENLOOP_DATABASE_URL": database_url, **(env or {})}
    command = [str(BIN / "samenloop"), "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(command, env=environment, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/health")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
