"""The database stopped (cleanly, then as a crash) and started again while a real gunicorn with
two workers answers registertoets traffic: fast 0051 / 503 answers while it is away, answers
again as soon as it is back, without restarting the service or any of its workers. The service
also starts while its database is down.

PostgreSQL session only: it stops a throwaway cluster of its own (tests/pgcluster.py).
"""

from __future__ import annotations

from typing import IO

import httpx
import pytest

from store.demo import DemoSet
from tests.faults.conftest import BOUND, DB_TIMEOUT, UNLIMITED
from tests.faults.traffic import DOWN, OK, Answer, Traffic, summary
from tests.pgcluster import PgCluster
from tests.procs import poll
from tests.server import Service, service

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ENV = {**UNLIMITED, "SAMENLOOP_DB_TIMEOUT": str(DB_TIMEOUT), "SAMENLOOP_STATEMENT_TIMEOUT": "2"}


def _health(svc: Service) -> int:
    return httpx.get(svc.base + "/health", timeout=BOUND + 5).status_code


def _outage(cluster: PgCluster, svc: Service, traffic: Traffic, mode: str) -> None:
    traffic.wait_for(OK, traffic.mark())
    cluster.stop(mode)
    traffic.wait_for(DOWN, traffic.mark(), each=3)
    assert _health(svc) == 503
    cluster.start()
    traffic.wait_for(OK, traffic.mark(), each=3, timeout=BOUND + 5)
    assert _health(svc) == 200


def _allowed(answer: Answer) -> bool:
    return answer.outcome in (OK, DOWN) and answer.seconds < BOUND


def test_the_database_stopped_and_started_under_load(
    cluster: PgCluster, cluster_database: tuple[str, DemoSet], server_log: IO[bytes]
) -> None:
    url, demo = cluster_database
    cluster.stop()  # the service starts without its database, and answers when it comes
    with service(url, workers=2, env=ENV, log=server_log) as svc:
        assert _health(svc) == 503
        cluster.start()
        poll(lambda: _health(svc) == 200, BOUND, "the service found its database")
        poll(lambda: len(svc.workers()) == 2, 30, "both workers run")
        workers = svc.workers()
        traffic = Traffic(svc.base, demo.register[0].bsn, timeout=BOUND + 30)
        traffic.start()
        try:
            for mode in ("fast", "immediate"):
                _outage(cluster, svc, traffic, mode)
        finally:
            answers = traffic.stop()
        assert svc.workers() == workers, "the service recovered without a new worker"
    wrong = [a for a in answers if not _allowed(a)]
    assert not wrong, (wrong[:5], summary(answers))
