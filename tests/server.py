"""A real service for tests that go over the wire: `samenloop serve` (gunicorn) on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from tests.procs import children

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


@dataclass(frozen=True)
class Service:
    """A running `samenloop serve`: its base URL and its gunicorn master process."""

    base: str
    master: subprocess.Popen[bytes]

    def workers(self) -> set[int]:
        return children(self.master.pid)


def _start(
    database_url: str, workers: int, env: dict[str, str] | None, log: IO[bytes] | int
) -> Service:
    port = free_port()
    environment = {**os.environ, "SAMENLOOP_DATABASE_URL": database_url, **(env or {})}
    command = [str(BIN / "samenloop"), "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(command, env=environment, stdout=log, stderr=log)
    return Service(f"http://127.0.0.1:{port}", proc)


@contextmanager
def services(
    database_url: str,
    count: int,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    log: IO[bytes] | int = subprocess.DEVNULL,
) -> Iterator[list[Service]]:
    """Start count services at once (as several nodes); yield them once each answers."""
    started: list[Service] = []
    try:
        for _ in range(count):
            started.append(_start(database_url, workers, env, log))
        for running in started:
            wait_for(running.base + "/health")
        yield started
    finally:
        for running in started:
            running.master.terminate()
        for running in started:
            running.master.wait(timeout=20)


@contextmanager
def service(
    database_url: str,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    log: IO[bytes] | int = subprocess.DEVNULL,
) -> Iterator[Service]:
    """Start the service as a user does; yield it once it answers; stop it afterwards."""
    with services(database_url, 1, workers=workers, env=env, log=log) as (running,):
        yield running


@contextmanager
def serve(
    database_url: str,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    log: IO[bytes] | int = subprocess.DEVNULL,
) -> Iterator[str]:
    """Start the service as a user does; yield its base URL; stop it afterwards."""
    with service(database_url, workers=workers, env=env, log=log) as running:
        yield running.base
