"""Two app processes (two gunicorns, as two nodes behind the terminator) on one database answer
alike, and what changes through one node or the CLI is what the other answers at once: nothing
is kept per process that could go stale.

PostgreSQL session only: several nodes against one PostgreSQL is the deployment that scales.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import IO

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from store.demo import DemoSet, fill
from store.models import AuditRegistertoets
from store.settings import Settings
from tests.conftest import fixture_path
from tests.faults.conftest import UNLIMITED, D
from tests.faults.traffic import AMSTERDAM
from tests.server import services
from tests.soap.conftest import XML_HEADERS, envelope

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _answers(
    client: httpx.Client, bsn: str, auth: tuple[str, str] = AMSTERDAM
) -> tuple[int, bytes]:
    rest = client.post("/api/v1/registertoets", json={"bsn": bsn}, auth=auth)
    return rest.status_code, rest.content


def _soap(client: httpx.Client, bsn: str) -> bytes:
    body = envelope("RegistertoetsUitgebreid", bsn)
    return client.post("/soap/registertoets", content=body, headers=XML_HEADERS).content


def _same_registertoets(nodes: list[httpx.Client], demo: DemoSet) -> int:
    """Every demo BSN (and one without samenloop) on both nodes; the number of calls."""
    bsns = [r.bsn for r in demo.register] + list(demo.zonder_samenloop)
    for bsn in bsns:
        assert len({_answers(node, bsn) for node in nodes}) == 1
        assert len({_soap(node, bsn) for node in nodes}) == 1
    return 2 * len(bsns) * len(nodes)


def _upload_on_one_seen_on_the_other(a: httpx.Client, b: httpx.Client) -> None:
    csv = fixture_path("aanlevering", "initieel-geldig.csv").read_bytes()
    headers = {"Content-Type": "text/csv"}
    made = a.post(
        "/api/v1/aanleveringen?wet=wmo&initieel=true", content=csv, headers=headers, auth=AMSTERDAM
    )
    assert made.status_code == 201, made.text
    seen = b.get(httpx.URL(made.headers["Location"]).path, auth=AMSTERDAM)
    assert (seen.status_code, seen.json()) == (200, made.json())


def _new_token_counts_everywhere_at_once(
    nodes: list[httpx.Client], settings: Settings, bsn: str
) -> int:
    env = {"SAMENLOOP_DATABASE_URL": settings.database_url}
    issued = CliRunner().invoke(cli, ["org", "token", "--gemeente", "0363"], env=env)
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.splitlines()[-1]
    for node in nodes:
        assert _answers(node, bsn)[0] == 401
        assert _answers(node, bsn, ("0363", token))[0] == 200
    return len(nodes)


def test_two_app_processes_on_one_database_answer_alike(
    settings: Settings, engine: Engine, sessions: sessionmaker[Session], server_log: IO[bytes]
) -> None:
    demo = fill(engine, sessions, D)
    with ExitStack() as stack:
        started = stack.enter_context(
            services(settings.database_url, 2, env=UNLIMITED, log=server_log)
        )
        nodes = [stack.enter_context(httpx.Client(base_url=s.base, timeout=30)) for s in started]
        calls = _same_registertoets(nodes, demo)
        _upload_on_one_seen_on_the_other(*nodes)
        _upload_on_one_seen_on_the_other(*reversed(nodes))
        calls += _new_token_counts_everywhere_at_once(nodes, settings, demo.register[0].bsn)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditRegistertoets)) == calls
