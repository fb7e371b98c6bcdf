"""Retention (`samenloop bewaartermijn opschonen`): exactly what is past its period goes, the
latest run and the nightly run's memory stay, a controle changes nothing, a rerun finds nothing,
and a purge changes no later signal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from store.bewaartermijn import Opschoning, Termijnen, maanden_terug, opschonen
from store.demo import synthetic_bsns
from store.models import Aanlevering, Abonnement, AuditRegistertoets, RegisterLoad, RegisterMutatie
from store.models_signalen import (
    MailUitgaand,
    Signaal,
    SignaalBestand,
    SignaalGeheugen,
    SignaalRun,
)
from store.signalen import run
from tests.conftest import _clean
from tests.signalen.scenario import Abo, abonneer, gemeenten, register, signalen

BSNS = list(islice(synthetic_bsns(), 4))
DAGEN = (date(2026, 3, 1), date(2026, 3, 14), date(2026, 3, 15), date(2026, 4, 1))
VOLGENDE = date(2026, 4, 2)
# On 2028-03-15, 24 months keep what lies on or after 2026-03-15.
OPSCHOONDATUM = date(2028, 3, 15)
TWEE_JAAR = Termijnen(audit=24, signalen=24)


def _staat(dag: date) -> tuple[str, date, date, date | None]:
    """A register state that differs per run day, so that every run signals a change."""
    return ("Ja", dag - timedelta(days=1), dag, None)


def _scenario(engine: Engine, sessions: sessionmaker[Session]) -> dict[str, int]:
    orgs = gemeenten(sessions, DAGEN[0])
    abos = [Abo("0363", BSNS[0]), Abo("0437", BSNS[1]), Abo("0599", BSNS[0])]
    abonneer(engine, orgs, abos, on=DAGEN[0])
    for dag in DAGEN:
        register(engine, {BSNS[0]: _staat(dag), BSNS[1]: _staat(dag), BSNS[2]: _staat(dag)})
        run(engine, dag)
    return orgs


def _audit(engine: Engine, org: int, *tijdstippen: datetime) -> None:
    rows = [
        {"tijdstip": t, "organisatie_id": org, "operatie": "Registertoets", "bsn": BSNS[0]}
        for t in tijdstippen
    ]
    with engine.begin() as conn:
        conn.execute(insert(AuditRegistertoets), [{**r, "uitkomst": "JA"} for r in rows])


def _counts(engine: Engine) -> dict[str, int]:
    tables: dict[str, Any] = {
        "audit": AuditRegistertoets,
        "signaal": Signaal,
        "bestand": SignaalBestand,
        "mail": MailUitgaand,
        "run": SignaalRun,
        "abonnement": Abonnement,
        "mutatie": RegisterMutatie,
    }
    with engine.connect() as conn:
        return {
            name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for name, t in tables.items()
        }


def _signal_days(engine: Engine) -> list[date]:
    with engine.connect() as conn:
        query = select(Signaal.peildatum).distinct().order_by(Signaal.peildatum)
        return list(conn.execute(query).scalars())


def _memory(engine: Engine) -> list[tuple[Any, ...]]:
    g = SignaalGeheugen
    query = select(
        g.wet, g.gemeentecode, g.bsn, g.wlz_status, g.afgiftedatum, g.ingangsdatum,
        g.einddatum, g.gesignaleerd_op,
    ).order_by(g.bsn, g.gemeentecode)  # fmt: skip
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


@pytest.mark.parametrize(
    ("dag", "maanden", "grens"),
    [
        (date(2028, 3, 15), 24, date(2026, 3, 15)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2028, 2, 29), 12, date(2027, 2, 28)),
        (date(2026, 1, 31), 1, date(2025, 12, 31)),
        (date(2026, 1, 10), 0, date(2026, 1, 10)),
    ],
)
def test_months_back_are_calendar_months(dag: date, maanden: int, grens: date) -> None:
    assert maanden_terug(dag, maanden) == grens


def test_the_purge_removes_exactly_what_is_older(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    orgs = _scenario(engine, sessions)
    _audit(
        engine,
        orgs["0363"],
        datetime(2026, 3, 14, 22, 59, 59, tzinfo=UTC),  # 14 March 23:59:59 in Amsterdam: goes
        datetime(2026, 3, 14, 23, 0, tzinfo=UTC),  # 15 March 00:00 in Amsterdam: stays
        datetime(2026, 1, 2, 12, 0, tzinfo=UTC),  # goes
    )
    before = _counts(engine)
    res = opschonen(engine, OPSCHOONDATUM, TWEE_JAAR)
    assert (res.grenzen.audit, res.grenzen.signalen) == (date(2026, 3, 15), date(2026, 3, 15))
    assert (res.audit, res.signalen, res.bestanden, res.controle) == (2, 6, 4, False)
    assert _signal_days(engine) == [date(2026, 3, 15), date(2026, 4, 1)]
    after = _counts(engine)
    assert after == {
        **before,
        "audit": before["audit"] - 2,
        "signaal": before["signaal"] - 6,
        "bestand": before["bestand"] - 4,
        "mutatie": before["mutatie"] - 6,  # the first two loads, compared by the first two runs
    }
    with engine.connect() as conn:
        kept = conn.execute(select(AuditRegistertoets.tijdstip)).scalar_one()
    assert kept.replace(tzinfo=UTC) == datetime(2026, 3, 14, 23, 0, tzinfo=UTC)


def _mutaties(engine: Engine) -> list[int]:
    """Per register mutation left, which load it came with (1: the first; the scenario loads
    once before each run day)."""
    with engine.connect() as conn:
        loads = conn.execute(select(RegisterLoad.id).order_by(RegisterLoad.id)).scalars().all()
        ids = conn.execute(select(RegisterMutatie.load_id).order_by(RegisterMutatie.id)).scalars()
        return [loads.index(i) + 1 for i in ids]


def test_the_register_history_goes_as_far_as_the_runs_before_the_date_compared_it(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _scenario(engine, sessions)
    assert _mutaties(engine) == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]
    # On 2028-03-15 the runs of 1 and 14 March 2026 lie before the limit: their loads go.
    assert opschonen(engine, OPSCHOONDATUM, TWEE_JAAR).mutaties == 6
    assert _mutaties(engine) == [3, 3, 3, 4, 4, 4]
    # The latest run stays however old, and so does what no run has compared yet: a load
    # after it (one record in, the three others out as an initial load removes them).
    register(engine, {BSNS[3]: _staat(VOLGENDE)})
    assert opschonen(engine, date(2035, 1, 1), Termijnen(audit=1, signalen=1)).mutaties == 3
    assert _mutaties(engine) == [4, 4, 4, 5, 5, 5, 5]


def test_runs_that_recorded_no_point_in_the_history_let_none_of_it_go(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _scenario(engine, sessions)
    with engine.begin() as conn:  # as runs from before migration 0010
        conn.execute(update(SignaalRun).values(register_mutatie_tot=None))
    assert opschonen(engine, OPSCHOONDATUM, TWEE_JAAR).mutaties == 0
    assert len(_mutaties(engine)) == 12


def test_the_latest_run_stays_however_old(engine: Engine, sessions: sessionmaker[Session]) -> None:
    _scenario(engine, sessions)
    res = opschonen(engine, date(2035, 1, 1), Termijnen(audit=1, signalen=1))
    assert res.grenzen.signalen == DAGEN[-1]
    assert _signal_days(engine) == [DAGEN[-1]]
    with engine.connect() as conn:
        files = conn.execute(select(SignaalBestand.peildatum).distinct()).scalars().all()
        runs = conn.execute(select(SignaalRun.peildatum).order_by(SignaalRun.peildatum)).scalars()
        assert (files, list(runs)) == ([DAGEN[-1]], list(DAGEN))


def test_controle_changes_nothing_and_counts_what_the_purge_removes(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    orgs = _scenario(engine, sessions)
    _audit(engine, orgs["0599"], datetime(2025, 6, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC))
    before = _counts(engine)
    controle = opschonen(engine, OPSCHOONDATUM, TWEE_JAAR, controle=True)
    assert _counts(engine) == before
    purge = opschonen(engine, OPSCHOONDATUM, TWEE_JAAR)
    assert (controle.controle, purge.controle) == (True, False)
    assert _numbers(controle) == _numbers(purge) == (1, 6, 4, 0, 6)


def _numbers(res: Opschoning) -> tuple[int, int, int, int, int]:
    return (res.audit, res.signalen, res.bestanden, res.mails, res.mutaties)


def test_a_second_purge_finds_nothing_and_small_batches_give_the_same_result(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    orgs = _scenario(engine, sessions)
    old = datetime(2025, 6, 1, tzinfo=UTC)
    _audit(engine, orgs["0363"], *(old + timedelta(minutes=i) for i in range(7)))
    first = opschonen(engine, OPSCHOONDATUM, TWEE_JAAR, batch=2)
    assert _numbers(first) == (7, 6, 4, 0, 6)
    after = _counts(engine)
    again = opschonen(engine, OPSCHOONDATUM, TWEE_JAAR, batch=2)
    assert _numbers(again) == (0, 0, 0, 0, 0)
    assert _counts(engine) == after


def test_zero_months_keeps_everything_of_that_kind(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    orgs = _scenario(engine, sessions)
    _audit(engine, orgs["0363"], datetime(2020, 1, 1, tzinfo=UTC))
    before = _counts(engine)
    res = opschonen(engine, OPSCHOONDATUM, Termijnen(audit=0, signalen=0))
    assert (res.grenzen.audit, res.grenzen.signalen, _numbers(res)) == (None, None, (0, 0, 0, 0, 0))
    assert _counts(engine) == before


def _aanlevering(engine: Engine, org: int, ontvangen: datetime) -> None:
    values = {"organisatie_id": org, "wet": "wmo", "bestandsnaam": "a.csv", "initieel": False}
    with engine.begin() as conn:
        conn.execute(
            insert(Aanlevering),
            {
                **values,
                "ontvangen_op": ontvangen,
                "peildatum": ontvangen.date(),
                "status": "afgeleverd",
                "aantal_regels": 1,
                "verslag": {},
            },
        )


def _mails(engine: Engine) -> list[tuple[str, bool]]:
    m = MailUitgaand
    with engine.connect() as conn:
        rows = conn.execute(select(m.soort, m.verzonden_op.is_not(None)).order_by(m.id))
        return [(soort, bool(sent)) for soort, sent in rows]


def test_sent_mails_go_but_a_reminder_of_an_open_lapse_stays(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    orgs = gemeenten(sessions, date(2025, 12, 1))
    abonneer(engine, orgs, [Abo("0363", BSNS[0])], on=date(2025, 12, 1))
    register(engine, {BSNS[0]: _staat(date(2026, 1, 20))})
    _aanlevering(engine, orgs["0363"], datetime(2025, 12, 1, 10, tzinfo=UTC))
    run(engine, date(2026, 1, 31))  # one file mail and the 60-day reminder
    sent = datetime(2026, 1, 30, 12, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(update(MailUitgaand).values(aangemaakt_op=sent, verzonden_op=sent))
        conn.execute(insert(MailUitgaand), _unsent(orgs["0363"], sent))
    res = opschonen(engine, date(2028, 6, 1), TWEE_JAAR)
    assert res.mails == 1  # the file mail; the reminder guards its lapse, the unsent one waits
    assert _mails(engine) == [("herinnering", True), ("bestand", False)]
    run(engine, date(2026, 2, 1))
    assert _mails(engine) == [("herinnering", True), ("bestand", False)]  # no second reminder
    _aanlevering(engine, orgs["0363"], sent + timedelta(days=3))
    assert opschonen(engine, date(2028, 6, 1), TWEE_JAAR).mails == 1
    assert _mails(engine) == [("bestand", False)]


def _unsent(org: int, at: datetime) -> dict[str, Any]:
    return {
        "organisatie_id": org,
        "soort": "bestand",
        "sleutel": "wmo:2026-01-15",
        "aan": "pb@0363.example",
        "onderwerp": "o",
        "tekst": "t",
        "aangemaakt_op": at,
        "pogingen": 3,
    }


def _run_after(
    engine: Engine, sessions: sessionmaker[Session], purge: Termijnen | None
) -> tuple[list[tuple[str, ...]], list[tuple[Any, ...]]]:
    _clean(engine)
    _scenario(engine, sessions)
    if purge is not None:
        opschonen(engine, date(2035, 1, 1), purge)
        assert _signal_days(engine) == [DAGEN[-1]], "only the latest run's signals are left"
    register(engine, {BSNS[0]: _staat(VOLGENDE), BSNS[2]: _staat(DAGEN[-1])})
    run(engine, VOLGENDE)
    return signalen(sessions, VOLGENDE), _memory(engine)


def test_a_purge_changes_no_later_signal(engine: Engine, sessions: sessionmaker[Session]) -> None:
    without = _run_after(engine, sessions, None)
    assert without[0], "the scenario signals on the next day"
    assert _run_after(engine, sessions, Termijnen(audit=1, signalen=1)) == without


def _cli(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, ["bewaartermijn", "opschonen", *args], env=env)


def test_the_command_prints_counts_and_controle_says_it_changed_nothing(
    cli_env: dict[str, str], engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _scenario(engine, sessions)
    controle = _cli(cli_env, "--datum", "2028-03-15", "--controle")
    assert controle.exit_code == 0, controle.output
    assert controle.stdout.splitlines() == [
        "audit: 24 maanden: wat voor 2026-03-15 ligt",
        "signalen: 24 maanden: wat voor 2026-03-15 ligt",
        "controle, niets gewijzigd; zou verwijderen: 0 auditrecord(s), 6 signaal/signalen, "
        "4 signaalbestand(en), 0 verzonden mail(s), 6 registermutatie(s)",
    ]
    env = {**cli_env, "SAMENLOOP_BEWAAR_AUDIT": "0"}
    purge = _cli(env, "--datum", "2028-03-15")
    assert purge.exit_code == 0, purge.output
    assert purge.stdout.splitlines()[0] == "audit: alles bewaard (SAMENLOOP_BEWAAR_AUDIT=0)"
    assert purge.stdout.splitlines()[-1].startswith("verwijderd: 0 auditrecord(s), 6 signaal")
    assert not any(b in purge.output + controle.output for b in BSNS)


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        (("--datum", "15-03-2028"), {}, 2, "--datum"),
        (("--onbekend",), {}, 2, "--onbekend"),
        ((), {"SAMENLOOP_BEWAAR_SIGNALEN": "twee jaar"}, 3, "SAMENLOOP_BEWAAR_SIGNALEN"),
    ],
)
def test_wrong_usage_and_a_bad_setting_exit_with_one_message(
    cli_env: dict[str, str], args: tuple[str, ...], env: dict[str, str], code: int, message: str
) -> None:
    result = _cli({**cli_env, **env}, *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output
