"""Signals version 2 over several nights (doorontwikkeling-2023.md section 6): a zorgkantoor
delivery for a signalled client gives a version 2 gemeente a new signal, a version 1 gemeente
none; Jeugdwet is always version 2; switching is not retroactive and says what it will give."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import islice

from click.testing import CliRunner
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from store import signalen as run_module
from store.demo import synthetic_bsns
from tests.signalen.scenario import (
    STAAT_2,
    Abo,
    D,
    abonneer,
    gemeenten,
    register,
    signalen,
    zorgkantoor,
)

A, B = list(islice(synthetic_bsns(), 2))
D1, D2 = D + timedelta(days=1), D + timedelta(days=2)
V1_KOP = "Code aanleverende gemeente,Gemeentecode,BSN,WlzStatus,Afgiftedatum,Ingangsdatum,Einddatum"
V2_KOP = (
    V1_KOP + ",Leveringsvormen,Startdatum zorg,Bron startdatum zorg,Advies,Advies regel,Advies per"
)


def _cli(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return str(result.output)


def _export(env: dict[str, str], code: str, day: date, wet: str = "wmo") -> list[str]:
    out = _cli(env, "signalen", "export", "--gemeente", code, "--wet", wet, "--datum", str(day))
    return out.splitlines()


def _first_night(engine: Engine, sessions: sessionmaker[Session], *abos: Abo) -> None:
    abonneer(engine, gemeenten(sessions), abos)
    register(engine, {A: STAAT_2})
    run_module.run(engine, D)


def test_a_zorgkantoor_delivery_signals_version_2_and_not_version_1(
    engine: Engine, sessions: sessionmaker[Session], cli_env: dict[str, str]
) -> None:
    _first_night(engine, sessions, Abo("0363", A), Abo("0599", A))
    out = _cli(
        cli_env, "org", "set", "--gemeente", "0363", "--signaalversie", "2", "--datum", str(D1)
    )
    assert "signaalversie 2: de run voor 2026-03-02 geeft 0 nieuwe signalen" in out
    zorgkantoor(engine, A, "4", date(2026, 2, 1))
    run_module.run(engine, D1)
    assert signalen(sessions, D1) == [("0363", "0363", A, "Ja", "gewijzigd")]
    assert _export(cli_env, "0363", D1) == [
        V2_KOP,
        f"0363,0363,{A},Ja,10-02-2026,15-02-2026,,4,01-02-2026,zorgkantoor,JA,A6,01-02-2026",
    ]
    # The file made before the switch stays version 1; the same state is not signalled again.
    assert _export(cli_env, "0363", D) == [V1_KOP, f"0363,0363,{A},Ja,10-02-2026,15-02-2026,"]
    run_module.run(engine, D2)
    assert signalen(sessions, D2) == []


def test_switching_says_how_many_signals_the_next_run_gives(
    engine: Engine, sessions: sessionmaker[Session], cli_env: dict[str, str]
) -> None:
    _first_night(engine, sessions, Abo("0363", A), Abo("0437", A), Abo("0599", A))
    zorgkantoor(engine, A, "7", date(2026, 2, 1))
    zorgkantoor(engine, A, "2", date(2026, 2, 1))
    out = _cli(
        cli_env, "org", "set", "--gemeente", "0363", "--signaalversie", "2", "--datum", str(D1)
    )
    assert "geeft 2 nieuwe signalen" in out  # 0363 delivers for itself and 0437
    run_module.run(engine, D1)
    assert [s[1] for s in signalen(sessions, D1)] == ["0363", "0437"]
    assert _export(cli_env, "0363", D1)[1].endswith(
        ",2|7,01-02-2026,zorgkantoor,DEELS,A7,01-02-2026"
    )


def test_jeugdwet_files_are_always_version_2(
    engine: Engine, sessions: sessionmaker[Session], cli_env: dict[str, str]
) -> None:
    _first_night(engine, sessions, Abo("0363", A, wet="jw"), Abo("0363", A))
    assert _export(cli_env, "0363", D, "jw")[0] == V2_KOP
    assert _export(cli_env, "0363", D)[0] == V1_KOP
    zorgkantoor(engine, A, "4", date(2026, 2, 1))
    run_module.run(engine, D1)
    assert _export(cli_env, "0363", D1, "jw")[1].endswith(
        ",4,01-02-2026,zorgkantoor,JA,A6,01-02-2026"
    )
    assert _export(cli_env, "0363", D1) == []
