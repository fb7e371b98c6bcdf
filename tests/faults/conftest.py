"""Fixtures for the fault tests: a throwaway PostgreSQL cluster that the tests may stop."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO

import pytest

from store import migrate
from store.db import make_engine, make_sessions
from store.demo import DemoSet, fill
from store.settings import Settings
from tests.pgcluster import PgCluster, throwaway_cluster

D = date(2026, 3, 1)
# The traffic of these tests is far above the registertoets rate limit of one organisation.
UNLIMITED = {"SAMENLOOP_REGISTERTOETS_LIMIET": "0"}
DB_TIMEOUT = 2  # seconds: SAMENLOOP_DB_TIMEOUT of the service under test (libpq's minimum)
# No answer may take longer than the configured timeout, plus a margin for a loaded machine.
BOUND = DB_TIMEOUT + 3.0


@pytest.fixture(scope="session")
def cluster() -> Iterator[PgCluster]:
    """One cluster per test process, initialised once (about a second)."""
    with throwaway_cluster() as running:
        yield running


@pytest.fixture
def cluster_database(cluster: PgCluster) -> tuple[str, DemoSet]:
    """A new database on the running cluster, migrated and filled with the demo set."""
    if not cluster.running:
        cluster.start()
    url = cluster.create_database()
    engine = make_engine(Settings(database_url=url))
    try:
        migrate.upgrade(engine)
        demo = fill(engine, make_sessions(engine), D)
    finally:
        engine.dispose()
    return url, demo


@pytest.fixture
def hung_database() -> Iterator[str]:
    """The URL of a server that takes TCP connections (the kernel completes them) and never
    says a word: what a hung or overloaded host looks like to a client."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{listener.getsockname()[1]}/samenloop"


@pytest.fixture
def server_log(tmp_path: Path) -> Iterator[IO[bytes]]:
    """Where gunicorn writes (read it when a test fails)."""
    with (tmp_path / "gunicorn.log").open("wb") as log:
        yield log
