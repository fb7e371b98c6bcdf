"""A BSN in a gemeente's Wmo and its Jeugdwet population at once: two subscriptions, each wet
signalled on its own (doorontwikkeling-2023.md section 5).

fixtures/jeugdwet/zelfde-bsn-*: 0363's Wmo population has 999900274 (0363) and 999900286 (0437),
its Jw population 999900274 again and 999900298; on day 2 CIZ issues 999900274 a new indication.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from store.models import Abonnement
from tests.jeugdwet.conftest import bestand, run_cli

DAG1, DAG2, DAG3 = "2026-03-01", "2026-03-02", "2026-03-03"


def _upload(env: dict[str, str], wet: str, naam: str, *extra: str) -> None:
    args = ["populatie", "upload", "--gemeente", "0363", "--wet", wet, "--datum", DAG1]
    result = run_cli(env, *args, *extra, bestand(naam))
    assert result.exit_code == 0, result.output


@pytest.fixture
def beide(cli_env: dict[str, str], tokens: dict[str, str]) -> dict[str, str]:
    register = bestand("zelfde-bsn-register-initieel.csv")
    assert run_cli(cli_env, "register", "load", "--initieel", register).exit_code == 0
    _upload(cli_env, "wmo", "zelfde-bsn-wmo.csv", "--initieel")
    _upload(cli_env, "jw", "zelfde-bsn-jw.csv", "--initieel")
    return cli_env


def _export(env: dict[str, str], wet: str, dag: str) -> list[str]:
    args = ["signalen", "export", "--gemeente", "0363", "--wet", wet, "--datum", dag]
    return [r.split(",")[2] for r in run_cli(env, *args).stdout.splitlines()[1:]]


def test_each_wet_gets_its_own_first_signal_and_its_own_change(beide: dict[str, str]) -> None:
    first = run_cli(beide, "signalen", "run", "--datum", DAG1)
    assert "run 2026-03-01: 4 signalen in 2 bestand(en)" in first.output
    assert _export(beide, "wmo", DAG1) == ["999900274", "999900286"]
    assert _export(beide, "jw", DAG1) == ["999900274", "999900298"]
    mutaties = bestand("zelfde-bsn-register-mutaties-dag2.csv")
    assert run_cli(beide, "register", "load", mutaties).exit_code == 0
    second = run_cli(beide, "signalen", "run", "--datum", DAG2)
    assert "run 2026-03-02: 2 signalen in 2 bestand(en)" in second.output
    assert _export(beide, "wmo", DAG2) == ["999900274"]
    assert _export(beide, "jw", DAG2) == ["999900274"]
    third = run_cli(beide, "signalen", "run", "--datum", DAG3)
    assert "run 2026-03-03: 0 signalen in 0 bestand(en)" in third.output


def test_a_jw_initieel_replaces_only_the_jw_population(
    beide: dict[str, str], engine: Engine
) -> None:
    """An initial Jw file without 999900274 removes its Jw subscription, never its Wmo one."""
    _upload(beide, "jw", "meerdere-dagen-jw-populatie-0363.csv", "--initieel")
    with engine.connect() as conn:
        rows = conn.execute(
            select(Abonnement.wet, Abonnement.bsn).where(Abonnement.bsn == "999900274")
        ).all()
    assert [tuple(r) for r in rows] == [("wmo", "999900274")]
    wmo = run_cli(beide, "populatie", "rapport", "--gemeente", "0363", "--datum", DAG1)
    assert len(wmo.stdout.splitlines()) == 1 + 2
