"""`samenloop audit rapport`: registertoetsen per organisation per Amsterdam day, without a BSN."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import islice

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from store.auditrapport import gebruik
from store.demo import synthetic_bsns
from store.models import AuditRegistertoets, Organisatie
from store.organisaties import add_gemeente

BSN = next(islice(synthetic_bsns(), 3, None))
KOP = (
    "Datum,Rol,Organisatie,Aantal,Registertoets,RegistertoetsUitgebreid,RegistertoetsSamenloop,"
    "JA,NEE,Geweigerd,Maal mediaan,Uitschieter"
)


@pytest.fixture
def orgs(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions.begin() as session:
        for code in ("0363", "0599", "0014"):
            add_gemeente(session, code, peildatum=date(2026, 1, 1))
    with sessions() as session:
        return {
            code: id_ for code, id_ in session.execute(select(Organisatie.code, Organisatie.id))
        }


def _calls(
    engine: Engine,
    org: int,
    tijdstip: datetime,
    n: int = 1,
    operatie: str = "Registertoets",
    uitkomst: str = "JA",
) -> None:
    bsn = None if uitkomst not in ("JA", "NEE") else BSN
    row = {"tijdstip": tijdstip, "organisatie_id": org, "operatie": operatie, "bsn": bsn}
    with engine.begin() as conn:
        conn.execute(insert(AuditRegistertoets), [{**row, "uitkomst": uitkomst}] * n)


def _days(engine: Engine, van: date, tot: date) -> list[date]:
    with engine.connect() as conn:
        return [g.datum for g in gebruik(conn, van, tot)]


def _rapport(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, ["audit", "rapport", *args], env=env)


@pytest.mark.parametrize(
    ("tijdstip", "dag"),
    [
        # summer time (UTC+2): 23:30 UTC on 31 March is 01:30 on 1 April
        (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), date(2026, 4, 1)),
        (datetime(2026, 3, 31, 21, 59, 59, tzinfo=UTC), date(2026, 3, 31)),
        (datetime(2026, 3, 31, 22, 0, tzinfo=UTC), date(2026, 4, 1)),
        # winter time (UTC+1)
        (datetime(2026, 1, 15, 22, 59, 59, tzinfo=UTC), date(2026, 1, 15)),
        (datetime(2026, 1, 15, 23, 0, tzinfo=UTC), date(2026, 1, 16)),
        # the nights the clocks change: 29 March and 25 October 2026
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 29)),
        (datetime(2026, 3, 29, 22, 30, tzinfo=UTC), date(2026, 3, 30)),
        (datetime(2026, 10, 24, 22, 30, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 22, 30, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), date(2026, 10, 26)),
    ],
)
def test_a_call_counts_on_its_europe_amsterdam_day(
    engine: Engine, orgs: dict[str, int], tijdstip: datetime, dag: date
) -> None:
    _calls(engine, orgs["0363"], tijdstip)
    assert _days(engine, date(2026, 1, 1), date(2026, 12, 31)) == [dag]


def test_van_and_tot_are_whole_amsterdam_days(engine: Engine, orgs: dict[str, int]) -> None:
    for moment in (
        datetime(2026, 3, 31, 21, 59, 59, tzinfo=UTC),  # 31 March 23:59:59: before van
        datetime(2026, 3, 31, 22, 0, tzinfo=UTC),  # 1 April 00:00
        datetime(2026, 4, 1, 21, 59, 59, tzinfo=UTC),  # 1 April 23:59:59
        datetime(2026, 4, 1, 22, 0, tzinfo=UTC),  # 2 April 00:00: after tot
    ):
        _calls(engine, orgs["0363"], moment)
    with engine.connect() as conn:
        (only,) = gebruik(conn, date(2026, 4, 1), date(2026, 4, 1))
    assert (only.datum, only.aantal) == (date(2026, 4, 1), 2)


def test_the_report_counts_per_organisation_and_flags_the_outlier(
    cli_env: dict[str, str], engine: Engine, orgs: dict[str, int]
) -> None:
    dag = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    _calls(engine, orgs["0363"], dag, 3)
    _calls(engine, orgs["0363"], dag, 2, operatie="RegistertoetsUitgebreid", uitkomst="NEE")
    _calls(engine, orgs["0599"], dag, 5)
    _calls(engine, orgs["0599"], dag, 1, uitkomst="BSN_ONGELDIG")
    _calls(engine, orgs["0599"], dag, 2, operatie="RegistertoetsSamenloop", uitkomst="JA")
    _calls(engine, orgs["0014"], dag, 150, uitkomst="NEE")
    _calls(engine, orgs["0599"], datetime(2026, 5, 5, 9, 0, tzinfo=UTC), 4)
    result = _rapport(cli_env, "--van", "2026-05-01", "--tot", "2026-05-31")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        KOP,
        "04-05-2026,gemeente,0014,150,150,0,0,0,150,0,18.8,ja",
        "04-05-2026,gemeente,0363,5,3,2,0,3,2,0,0.6,nee",
        "04-05-2026,gemeente,0599,8,6,0,2,7,0,1,1.0,nee",
        "05-05-2026,gemeente,0599,4,4,0,0,4,0,0,1.0,nee",
    ]
    assert BSN not in result.output


def test_a_period_without_calls_is_a_header_only(
    cli_env: dict[str, str], engine: Engine, orgs: dict[str, int]
) -> None:
    result = _rapport(cli_env, "--van", "2026-05-01", "--tot", "2026-05-01")
    assert (result.exit_code, result.stdout) == (0, KOP + "\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--van", "2026-05-02", "--tot", "2026-05-01"), "--van ligt na --tot"),
        (("--van", "02-05-2026", "--tot", "2026-05-31"), "--van"),
        (("--van", "2026-05-01"), "--tot"),
    ],
)
def test_wrong_usage_exits_2_with_one_clear_message(
    cli_env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    result = _rapport(cli_env, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
