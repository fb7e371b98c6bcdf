"""A gunicorn worker killed (SIGKILL) in the middle of a request: gunicorn starts a new one and
no other request fails; only the one in flight on that worker is lost.

Both sessions (each engine): the dead worker's database connections die with it.
"""

from __future__ import annotations

import base64
import os
import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from store.demo import fill
from store.settings import Settings
from tests.faults.conftest import UNLIMITED, D
from tests.faults.traffic import OK, Traffic, summary
from tests.procs import poll, serving
from tests.server import Service, service

pytestmark = pytest.mark.slow

_AUTH = base64.b64encode(b"0363:demo-amsterdam").decode()
# An aanlevering whose body never arrives in full: the worker that took it waits for the rest.
_HALF_AN_UPLOAD = (
    "POST /api/v1/aanleveringen HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    f"Authorization: Basic {_AUTH}\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\n"
    "999900006,0363,01-01-2020,\r\n"
).encode()


@contextmanager
def _in_flight(svc: Service) -> Iterator[tuple[socket.socket, int]]:
    """A request that a worker has taken and is busy with; (its socket, that worker)."""
    port = int(svc.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(_HALF_AN_UPLOAD)
        client_port = sock.getsockname()[1]
        found: list[int] = []

        def taken() -> bool:
            worker = serving(svc.workers(), port, client_port)
            found.extend([worker] if worker else [])
            return bool(found)

        poll(taken, 30, "a worker took the request")
        yield sock, found[0]


def _lost(sock: socket.socket) -> bool:
    """True when the connection ended without any answer."""
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True


def test_a_worker_killed_mid_request_is_replaced_and_no_other_request_fails(
    settings: Settings, engine: Engine, sessions: sessionmaker[Session], server_log: IO[bytes]
) -> None:
    demo = fill(engine, sessions, D)
    with service(settings.database_url, workers=2, env=UNLIMITED, log=server_log) as svc:
        poll(lambda: len(svc.workers()) == 2, 30, "both workers run")
        traffic = Traffic(svc.base, demo.register[0].bsn)
        traffic.start()
        try:
            traffic.wait_for(OK, 0)
            with _in_flight(svc) as (sock, worker):
                os.kill(worker, signal.SIGKILL)
                assert _lost(sock)
            poll(lambda: len(svc.workers() - {worker}) == 2, 30, "gunicorn replaced the worker")
            traffic.wait_for(OK, traffic.mark(), each=5)
        finally:
            answers = traffic.stop()
    assert all(a.outcome == OK for a in answers), summary(answers)
