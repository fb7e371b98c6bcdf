"""A real service for tests that go over the wire: `samenloop serve` (gunicorn) on 127.0.0.1.

Everything a served process writes (its JSON log lines on stderr) is kept in OUTPUTS when it
stops, for the session-wide check that no BSN or token was logged (tests/logcheck.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from tests.procs import children

BIN = Path(sys.executable).parent
# What the processes started here wrote, one entry per process, in this test process.
OUTPUTS: list[bytes] = []


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
    out: IO[bytes]

    def workers(self) -> set[int]:
        return children(self.master.pid)


def _start(
    database_url: str, workers: int, env: dict[str, str] | None, out: IO[bytes], port: int | None
) -> Service:
    port = port or free_port()
    environment = {**os.environ, "SAMENLOOP_DATABASE_URL": database_url, **(env or {})}
    command = [str(BIN / "samenloop"), "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(command, env=environment, stdout=out, stderr=out)
    return Service(f"http://127.0.0.1:{port}", proc, out)


def _written(out: IO[bytes]) -> bytes:
    """Everything the process wrote to out (to the file itself, not through this object)."""
    name = getattr(out, "name", None)
    if isinstance(name, str):  # a caller's file, opened for writing only
        return Path(name).read_bytes()
    out.seek(0)  # a temporary file of our own, opened for reading too
    return out.read()


@contextmanager
def services(
    database_url: str,
    count: int,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    log: IO[bytes] | None = None,
    port: int | None = None,
) -> Iterator[list[Service]]:
    """Start count services at once (as several nodes); yield them once each answers. Their
    stdout and stderr go to `log` (a file opened for writing) or to a file of each its own.
    `port` (for one service only) when the caller must know it first, say for
    SAMENLOOP_PUBLIC_URL."""
    assert port is None or count == 1
    started: list[Service] = []
    with ExitStack() as stack:
        try:
            for _ in range(count):
                out = log if log is not None else stack.enter_context(tempfile.TemporaryFile())
                started.append(_start(database_url, workers, env, out, port))
            for running in started:
                wait_for(running.base + "/health")
            yield started
        finally:
            _stop(started)


def _stop(started: list[Service]) -> None:
    for running in started:
        running.master.terminate()
    for running in started:
        running.master.wait(timeout=20)
    for running in started:
        OUTPUTS.append(_written(running.out))


@contextmanager
def service(
    database_url: str,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    log: IO[bytes] | None = None,
    port: int | None = None,
) -> Iterator[Service]:
    """Start the service as a user does; yield it once it answers; stop it afterwards."""
    with services(database_url, 1, workers=workers, env=env, log=log, port=port) as (running,):
        yield running


@contextmanager
def serve(
    database_url: str,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    log: IO[bytes] | None = None,
) -> Iterator[str]:
    """Start the service as a user does; yield its base URL; stop it afterwards."""
    with service(database_url, workers=workers, env=env, log=log) as running:
        yield running.base
