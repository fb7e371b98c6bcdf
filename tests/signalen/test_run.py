"""The nightly run as an operator uses it: files, export, report, replay, lock, mail, crashes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from adapters.portaal.paden import mail_links
from store import signalen as run_module
from store.demo import synthetic_bsns
from store.models import Aanlevering, Abonnement
from store.models_signalen import MailUitgaand, Signaal, SignaalGeheugen, SignaalRun
from tests.conftest import TARGET
from tests.locks import write_barrier
from tests.procs import has_open, kill_when, poll, spawn_cli
from tests.server import free_port
from tests.signalen.scenario import STAAT_2, Abo, D, abonneer, gemeenten, register, signalen
from tests.state import assert_rerun_ends_as_reference, copy_of, table_contents

BSNS = list(islice(synthetic_bsns(), 6))


def _cli(env: dict[str, str], *args: str) -> Any:
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def scenario(engine: Engine, sessions: sessionmaker[Session]) -> dict[str, int]:
    orgs = gemeenten(sessions)
    abonneer(
        engine,
        orgs,
        [
            Abo("0363", BSNS[0]),
            Abo("0437", BSNS[1]),
            Abo("0599", BSNS[0]),
            Abo("0363", BSNS[2], einddatum=D + timedelta(days=1)),
        ],
    )
    register(
        engine,
        {
            BSNS[0]: STAAT_2,
            BSNS[1]: ("Onbekend", date(2020, 1, 1), date(2020, 1, 1), None),
            BSNS[2]: STAAT_2,
        },
    )
    return orgs


def test_run_export_and_report(cli_env: dict[str, str], scenario: dict[str, int]) -> None:
    result = _cli(cli_env, "signalen", "run", "--datum", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert (
        "run 2026-03-01: 4 signalen in 2 bestand(en), 0 beëindigde abonnementen verwijderd"
        in result.output
    )
    export = _cli(cli_env, "signalen", "export", "--gemeente", "0363", "--datum", "2026-03-01")
    assert export.stdout.splitlines() == [
        "Code aanleverende gemeente,Gemeentecode,BSN,WlzStatus,Afgiftedatum,Ingangsdatum,Einddatum",
        f"0363,0363,{BSNS[0]},Ja,10-02-2026,15-02-2026,",
        f"0363,0363,{BSNS[2]},Ja,10-02-2026,15-02-2026,",
        f"0363,0437,{BSNS[1]},Onbekend,01-01-2020,01-01-2020,",
    ]
    none = _cli(cli_env, "signalen", "export", "--gemeente", "0363", "--datum", "2026-03-02")
    assert (none.exit_code, none.stdout) == (0, "")
    # The next day: the subscription with einddatum 2026-03-02 goes, nothing new is signalled.
    result = _cli(cli_env, "signalen", "run", "--datum", "2026-03-02")
    assert (
        "run 2026-03-02: 0 signalen in 0 bestand(en), 1 beëindigde abonnementen verwijderd"
        in result.output
    )
    report = _cli(
        cli_env,
        "signalen",
        "rapport",
        "--gemeente",
        "0363",
        "--van",
        "2026-03-01",
        "--tot",
        "2026-03-31",
    )
    assert report.stdout.splitlines() == [
        "Code aanleverende gemeente,Gemeentecode,Datum gecreëerde signalen,Aantal signalen",
        "0363,0363,01-03-2026,2",
        "0363,0437,01-03-2026,1",
    ]
    bad = _cli(
        cli_env,
        "signalen",
        "rapport",
        "--gemeente",
        "0363",
        "--van",
        "2026-04-01",
        "--tot",
        "2026-03-01",
    )
    assert bad.exit_code == 2


def test_rerun_creates_nothing_and_a_replay_is_refused(
    cli_env: dict[str, str], scenario: dict[str, int], sessions: sessionmaker[Session]
) -> None:
    assert _cli(cli_env, "signalen", "run", "--datum", "2026-03-01").exit_code == 0
    again = _cli(cli_env, "signalen", "run", "--datum", "2026-03-01")
    assert again.exit_code == 0 and "was al voltooid (4 signalen); niets nieuws" in again.output
    replay = _cli(cli_env, "signalen", "run", "--datum", "2026-02-27")
    assert replay.exit_code == 1
    assert "ligt voor de laatste voltooide run (2026-03-01); gebruik --forceer" in replay.output
    forced = _cli(cli_env, "signalen", "run", "--datum", "2026-02-27", "--forceer")
    assert forced.exit_code == 0, forced.output
    # Forced, it made no signal again and left the published file alone.
    assert len(signalen(sessions)) == 4 and signalen(sessions, date(2026, 2, 27)) == []


def test_a_removed_subscription_forgets_and_a_new_one_gets_a_first_signal(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    orgs = gemeenten(sessions)
    abonneer(engine, orgs, [Abo("0363", BSNS[0], einddatum=date(2026, 3, 5))])
    register(engine, {BSNS[0]: STAAT_2})
    run_module.run(engine, D)
    with sessions() as s:
        assert s.scalar(select(SignaalGeheugen.wlz_status)) == "Ja"
    run_module.run(engine, date(2026, 3, 5))
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Abonnement)) == 0
    abonneer(engine, orgs, [Abo("0363", BSNS[0])], on=date(2026, 3, 6))
    run_module.run(engine, date(2026, 3, 6))
    assert signalen(sessions, date(2026, 3, 6)) == [("0363", "0363", BSNS[0], "Ja", "eerste")]


def test_why_a_changed_signal_was_made(engine: Engine, sessions: sessionmaker[Session]) -> None:
    orgs = gemeenten(sessions)
    abonneer(engine, orgs, [Abo("0363", BSNS[0])])
    register(engine, {BSNS[0]: STAAT_2})
    run_module.run(engine, date(2026, 2, 20))
    register(engine, {BSNS[0]: ("Nee", date(2026, 2, 27), date(2026, 2, 15), date(2026, 2, 28))})
    run_module.run(engine, D)
    with sessions() as s:
        sig = s.scalars(select(Signaal).where(Signaal.peildatum == D)).one()
    assert (sig.regel, sig.vorige_status, sig.vorige_afgiftedatum) == (
        "gewijzigd",
        "Ja",
        date(2026, 2, 10),
    )


def test_mail_per_file_and_retry_when_the_server_was_down(
    cli_env: dict[str, str],
    scenario: dict[str, int],
    smtp: tuple[int, list[bytes]],
    sessions: sessionmaker[Session],
) -> None:
    port, received = smtp
    down = {**cli_env, "SAMENLOOP_SMTP_HOST": "127.0.0.1", "SAMENLOOP_SMTP_PORT": str(free_port())}
    down["SAMENLOOP_PUBLIC_URL"] = "https://samenloop.example/"
    result = _cli(down, "signalen", "run", "--datum", "2026-03-01")
    assert result.exit_code == 0
    assert "mail: 0 verzonden, 1 blijven staan voor de volgende run" in result.output
    up = {**cli_env, "SAMENLOOP_SMTP_HOST": "127.0.0.1", "SAMENLOOP_SMTP_PORT": str(port)}
    result = _cli(up, "signalen", "run", "--datum", "2026-03-02")
    assert "mail: 1 verzonden" in result.output
    assert len(received) == 1
    mail = message_from_bytes(received[0])
    assert mail["To"] == "pb@0363.example"
    assert "nieuw bestand (wmo) van 01-03-2026" in mail["Subject"]
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "In het portaal: https://samenloop.example/portaal/ophalen/wmo/2026-03-01" in (
        body.splitlines()
    )
    assert not any(b in received[0].decode() for b in BSNS)
    with sessions() as s:
        assert s.scalar(select(MailUitgaand.pogingen)) == 2


def test_sixty_day_reminder_once_per_lapse(
    engine: Engine, scenario: dict[str, int], sessions: sessionmaker[Session]
) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(Aanlevering),
            {
                "organisatie_id": scenario["0363"],
                "wet": "wmo",
                "bestandsnaam": "a.csv",
                "ontvangen_op": datetime.now(UTC),
                "peildatum": date(2025, 12, 1),
                "initieel": False,
                "status": "afgeleverd",
                "aantal_regels": 1,
                "verslag": {},
            },
        )
    links = mail_links("https://samenloop.example")
    run_module.run(engine, date(2026, 1, 30), links=links)
    run_module.run(engine, date(2026, 1, 31), links=links)
    run_module.run(engine, D, links=links)
    with sessions() as s:
        reminders = s.execute(
            select(MailUitgaand.sleutel, MailUitgaand.tekst).where(
                MailUitgaand.soort == "herinnering"
            )
        ).all()
    assert [sleutel for sleutel, _ in reminders] == ["2025-12-01"]
    assert "In het portaal: https://samenloop.example/portaal/aanleveren\n" in reminders[0][1]


def _spawn_run(env: dict[str, str], datum: str) -> subprocess.Popen[bytes]:
    code = "from adapters.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "signalen", "run", "--datum", datum],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _kill_mid_run_postgres(cli_env: dict[str, str], engine: Engine) -> None:
    """SHARE mode lets the run read signaal_run and do all its work, then blocks its final
    INSERT of the run record: the kill lands after every write and before the commit."""
    with write_barrier(engine, "signaal_run") as reached:
        proc = spawn_cli(cli_env, "signalen", "run", "--datum", "2026-03-01")
        kill_when(proc, lambda: reached(proc), "the run came to its run record")


def _kill_mid_run_sqlite(cli_env: dict[str, str], engine: Engine, database: str) -> None:
    """Kill as soon as the run's writes reach the write-ahead log."""
    wal = Path(database + "-wal")
    engine.dispose()  # no other connection may hold the log open
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert not wal.exists() or wal.stat().st_size == 0
    env = {**cli_env, "SAMENLOOP_DB_TIMEOUT": "30"}
    with write_barrier(engine, "signaal_run"):  # started, the run waits for the write lock
        proc = spawn_cli(env, "signalen", "run", "--datum", "2026-03-01")
        poll(lambda: has_open(proc.pid, Path(database)), 30, "the run opened the database")
    kill_when(proc, lambda: wal.exists() and wal.stat().st_size > 0, "the run wrote to the log")


@pytest.mark.slow
def test_killed_run_leaves_nothing_and_the_rerun_ends_as_a_clean_run(
    cli_env: dict[str, str], engine: Engine, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    orgs = gemeenten(sessions)
    bsns = list(islice(synthetic_bsns(), 8000))
    abonneer(engine, orgs, [Abo(code, b) for b in bsns for code in ("0363", "0437", "0599")])
    register(engine, dict.fromkeys(bsns, STAAT_2))
    before = table_contents(engine)
    with copy_of(engine, tmp_path) as reference:
        if TARGET == "sqlite":
            _kill_mid_run_sqlite(cli_env, engine, engine.url.database or "")
        else:
            _kill_mid_run_postgres(cli_env, engine)
        assert table_contents(engine) == before
        run = ["signalen", "run", "--datum", "2026-03-01"]
        assert_rerun_ends_as_reference(engine, cli_env, reference, run)
    assert len(signalen(sessions)) == 24000


# The signals of the scenario on 2026-03-01, as one run makes them (test_run_export_and_report).
ONE_RUN = [
    ("0363", "0363", BSNS[0], "Ja", "eerste"),
    ("0363", "0363", BSNS[2], "Ja", "eerste"),
    ("0363", "0437", BSNS[1], "Onbekend", "eerste"),
    ("0599", "0599", BSNS[0], "Ja", "eerste"),
]


def _refused_while_the_first_runs(cli_env: dict[str, str], engine: Engine) -> list[str]:
    """PostgreSQL: the first run is held halfway (it holds the run lock); the second, started
    then, is refused at once; the first then completes."""
    with write_barrier(engine, "signaal_run") as reached:
        first = _spawn_run(cli_env, "2026-03-01")
        poll(lambda: reached(first), 30, "the first run is halfway")
        second = _spawn_run(cli_env, "2026-03-01")
        _, refused = second.communicate(timeout=60)
        assert second.returncode == 1 and first.poll() is None
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    return [out.decode(), refused.decode()]


def _waiting_for_one_another(cli_env: dict[str, str], engine: Engine) -> list[str]:
    """SQLite: both runs start while the database's write lock is held, and wait for it
    together; released, one runs and the other then finds the run done."""
    database = Path(engine.url.database or "")
    env = {**cli_env, "SAMENLOOP_DB_TIMEOUT": "30"}
    with write_barrier(engine, "signaal_run"):
        procs = [_spawn_run(env, "2026-03-01") for _ in range(2)]
        poll(lambda: all(has_open(p.pid, database) for p in procs), 30, "both runs opened it")
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    # The one that ran first, then the one that found the run done.
    return sorted((out.decode() for out, _ in outputs), key=lambda o: "al voltooid" in o)


def test_two_runs_at_once_make_one_result(
    cli_env: dict[str, str],
    engine: Engine,
    sessions: sessionmaker[Session],
    scenario: dict[str, int],
) -> None:
    if TARGET == "sqlite":
        done, waited = _waiting_for_one_another(cli_env, engine)
        assert "was al voltooid (4 signalen); niets nieuws" in waited
    else:
        done, refused = _refused_while_the_first_runs(cli_env, engine)
        assert "er loopt al een signalenrun; deze run is niet gestart" in refused
    assert "run 2026-03-01: 4 signalen in 2 bestand(en)" in done
    assert signalen(sessions) == ONE_RUN
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(SignaalRun)) == 1
