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
from pathlib import Path
from typing import IO

import httpx

BIN = Path(sys.executable).parent
# What the processes started by serve() wrote, one entry per process, in this test process.
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


@contextmanager
def serve(
    database_url: str,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    log: IO[bytes] | None = None,
) -> Iterator[str]:
    """Start the service as a user does; yield its base URL; stop it afterwards. Its stdout and
    stderr go to `log` (a file opened for writing) or to a file of its own."""
    port = free_port()
    environment = {**os.environ, "SAMENLOOP_DATABASE_URL": database_url, **(env or {})}
    command = [str(BIN / "samenloop"), "serve", "--port", str(port), "--workers", str(workers)]
    with ExitStack() as stack:
        out = log if log is not None else stack.enter_context(tempfile.TemporaryFile())
        proc = subprocess.Popen(command, env=environment, stdout=out, stderr=out)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(base + "/health")
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            OUTPUTS.append(_written(out))


def _written(out: IO[bytes]) -> bytes:
    """Everything the process wrote to out (to the file itself, not through this object)."""
    name = getattr(out, "name", None)
    if isinstance(name, str):  # a caller's file, opened for writing only
        return Path(name).read_bytes()
    out.seek(0)  # a temporary file of our own, opened for reading too
    return out.read()
