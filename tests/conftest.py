"""Fixtures shared by every test: one database per test run (per xdist worker), on either engine.

SAMENLOOP_TEST_DATABASE=sqlite (default) or a PostgreSQL URL such as
postgresql+psycopg://postgres@127.0.0.1:5432/test; for PostgreSQL a fresh database is created
for the run and dropped afterwards, so runs never share state.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from store import migrate
from store.db import make_engine, make_sessions
from store.schema import metadata
from store.settings import Settings
from tests import logcheck, server
from tests.databases import throwaway_database

logcheck.in_process_apps_logged()

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TARGET = os.environ.get("SAMENLOOP_TEST_DATABASE", "sqlite")
KEEP = frozenset({"gemeente", "alembic_version"})


def pytest_report_header() -> str:
    return f"samenloop database engine: {TARGET.split(':')[0]}"


@pytest.fixture(scope="session", autouse=True)
def no_bsn_or_token_logged() -> Iterator[logcheck.LeakWatch]:
    """Each test process (each xdist worker) checks every log line of its own traffic, and at
    its end what the servers it started wrote: a leak fails the run (an error at teardown)."""
    with logcheck.watching(logcheck.LeakWatch()) as watch:
        yield watch
    for output in server.OUTPUTS:
        watch.check_output(output)
    assert not watch.leaks, logcheck.report(watch)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `postgres` (a throwaway cluster of their own, PostgreSQL settings) run once,
    in the PostgreSQL session; the SQLite session reports them as skipped."""
    if TARGET != "sqlite":
        return
    skip = pytest.mark.skip(reason="runs in the PostgreSQL session only")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(TARGET, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture(scope="session")
def migrated(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def _clean(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name not in KEEP:
                conn.execute(table.delete())


@pytest.fixture
def engine(migrated: Engine) -> Iterator[Engine]:
    _clean(migrated)
    yield migrated
    _clean(migrated)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessions(engine)


@pytest.fixture
def cli_env(settings: Settings, engine: Engine) -> dict[str, str]:
    """Environment for running the CLI against the test database."""
    return {"SAMENLOOP_DATABASE_URL": settings.database_url}


def fixture_path(*parts: str) -> Path:
    return FIXTURES.joinpath(*parts)
