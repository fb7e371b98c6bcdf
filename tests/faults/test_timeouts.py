"""Nothing waits longer than configured: a database host that never answers, a statement that
waits for a lock. And the long jobs are not cut short by the timeout meant for requests.

PostgreSQL session only: these are PostgreSQL's timeouts (SQLite has its busy timeout).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from adapters.wsgi import create_app
from store.db import for_jobs, make_engine
from store.demo import fill, synthetic_bsns
from store.register import RegisterRegel, load_feed
from store.settings import Settings
from tests.faults.conftest import BOUND, DB_TIMEOUT, D
from tests.faults.traffic import DOWN, REST, SOAP, call
from tests.procs import poll

pytestmark = pytest.mark.postgres

BSN = next(synthetic_bsns())


@contextmanager
def _client(settings: Settings) -> Iterator[httpx.Client]:
    """The whole service in-process, on an engine that is disposed afterwards."""
    engine = make_engine(settings)
    transport = httpx.WSGITransport(app=create_app(settings, engine))
    try:
        with httpx.Client(transport=transport, base_url="http://samenloop.test") as client:
            yield client
    finally:
        engine.dispose()


def _timed(client: httpx.Client, kind: str) -> tuple[str, float]:
    began = time.monotonic()
    if kind == "health":
        outcome = str(client.get("/health").status_code)
    else:
        outcome = call(client, kind, BSN)
    return outcome, time.monotonic() - began


def test_a_host_that_never_answers_gets_503_and_0051_after_the_timeout(
    hung_database: str,
) -> None:
    kinds = (SOAP, REST, "health")
    settings = Settings(database_url=hung_database, db_timeout=DB_TIMEOUT)
    with _client(settings) as client, ThreadPoolExecutor(len(kinds)) as pool:
        got = dict(zip(kinds, pool.map(lambda k: _timed(client, k), kinds), strict=True))
    outcomes = {kind: outcome for kind, (outcome, _) in got.items()}
    assert outcomes == {SOAP: DOWN, REST: DOWN, "health": "503"}
    assert all(DB_TIMEOUT <= seconds < BOUND for _, seconds in got.values()), got


def test_a_request_waits_no_longer_than_the_statement_timeout(
    settings: Settings, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    fill(engine, sessions, D)
    with engine.connect() as blocker, blocker.begin():
        blocker.exec_driver_sql("LOCK TABLE audit_registertoets IN ACCESS EXCLUSIVE MODE")
        with _client(replace(settings, statement_timeout=1)) as client:
            got = {kind: _timed(client, kind) for kind in (SOAP, REST)}
    assert {kind: outcome for kind, (outcome, _) in got.items()} == {SOAP: DOWN, REST: DOWN}
    assert all(1 <= seconds < 1 + 2 for _, seconds in got.values()), got


def _waited_longer_than(engine: Engine, seconds: float) -> bool:
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND now() - query_start > make_interval(secs => :s)"
    )
    with engine.connect() as conn:
        return bool(conn.execute(query, {"s": seconds}).scalar_one())


def test_a_job_outlasts_the_request_timeout(settings: Settings, engine: Engine) -> None:
    """A register load that waits (here: for a lock) longer than a request may, carries on."""
    short = make_engine(replace(settings, statement_timeout=1, job_timeout=60))
    regels = [RegisterRegel(1, "T", BSN, "Ja", D, D)]
    try:
        with ThreadPoolExecutor(1) as pool:
            with engine.connect() as blocker, blocker.begin():
                blocker.exec_driver_sql("LOCK TABLE register_load IN SHARE MODE")
                load = pool.submit(load_feed, short, regels, initieel=True, bestandsnaam="x")
                poll(lambda: _waited_longer_than(engine, 1.5), 20, "the load waited 1.5 s")
            assert load.result(timeout=30).geaccepteerd
    finally:
        short.dispose()


def test_each_connection_carries_its_timeouts_and_keepalives(settings: Settings) -> None:
    tuned = make_engine(replace(settings, db_timeout=3, statement_timeout=7, job_timeout=99))
    try:
        with tuned.connect() as conn:
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar_one() == "7s"
            driver = conn.connection.driver_connection
            assert driver is not None
            parameters = driver.info.get_parameters()
        with for_jobs(tuned).begin() as conn:
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar_one() == "99s"
    finally:
        tuned.dispose()
    assert parameters["connect_timeout"] == "3"
    assert parameters["keepalives"] == "1"
    assert (parameters["keepalives_idle"], parameters["tcp_user_timeout"]) == ("3", "3000")
