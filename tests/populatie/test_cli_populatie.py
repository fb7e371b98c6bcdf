"""`samenloop populatie`: upload, verslag, rapport, with exit codes 0/1/2/3 (interfaces.md 4)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from adapters.files.rapporten import ABONNEMENTEN_KOP
from store.models import Aanlevering
from tests.populatie.conftest import aanlevering

DATUM = ("--datum", "2026-03-01")


def _run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def _upload(env: dict[str, str], name: str, *extra: str) -> tuple[int, str, str]:
    path = str(aanlevering(name))
    return _run(env, "populatie", "upload", "--gemeente", "0363", *DATUM, *extra, path)


def _kept(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Aanlevering)) or 0)


def test_upload_then_rapport_gives_back_what_was_delivered(
    cli_env: dict[str, str], gemeenten: None
) -> None:
    code, out, err = _upload(cli_env, "initieel-geldig.csv", "--initieel")
    assert (code, err) == (0, "")
    assert "  Status:                                     afgeleverd" in out
    assert "  Soort:                                      initieel" in out
    assert "  Nieuw:                                      4" in out
    code, out, _ = _run(cli_env, "populatie", "rapport", "--gemeente", "0363", *DATUM)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert out.splitlines()[0] == (
        "Code aanleverende gemeente,Gemeentecode,BSN,Ingangsdatum,Einddatum,"
        "IB Mutatiedatum,IB Creatiedatum"
    )
    assert tuple(rows[0]) == ABONNEMENTEN_KOP
    delivered = list(csv.reader(io.StringIO(aanlevering("initieel-geldig.csv").read_text())))
    assert sorted(r[1:5] for r in rows[1:]) == sorted([r[1], r[0], r[2], r[3]] for r in delivered)
    assert {(r[0], r[5], r[6]) for r in rows[1:]} == {("0363", "01-03-2026", "01-03-2026")}


def test_rapport_leaves_out_what_has_ended_on_the_peildatum(
    cli_env: dict[str, str], gemeenten: None
) -> None:
    assert _upload(cli_env, "initieel-geldig.csv")[0] == 0
    code, out, _ = _run(
        cli_env, "populatie", "rapport", "--gemeente", "0363", "--datum", "2027-01-01"
    )
    assert code == 0
    assert [r[2] for r in csv.reader(io.StringIO(out))][1:] == [
        "999900006",
        "999900018",
        "999900031",
    ]


def test_an_afgekeurd_upload_prints_the_verslag_and_exits_1(
    cli_env: dict[str, str], gemeenten: None, sessions: sessionmaker[Session]
) -> None:
    code, out, err = _upload(cli_env, "meerdere-fouten.csv")
    assert code == 1
    assert "  Status:                                     afgekeurd" in out
    assert "Fouten (7):\n  regel 2, BSN: voldoet niet aan de elfproef\n" in out
    assert err.strip() == "Error: aanlevering afgekeurd: 7 fout(en); er is niets gewijzigd"
    assert _kept(sessions) == 1


def test_controle_exits_like_an_upload_and_keeps_nothing(
    cli_env: dict[str, str], gemeenten: None, sessions: sessionmaker[Session]
) -> None:
    code, out, _ = _upload(cli_env, "initieel-geldig.csv", "--controle")
    assert code == 0 and "controle: er is niets gewijzigd of bewaard" in out
    assert _upload(cli_env, "bsn-elfproef.csv", "--controle")[0] == 1
    assert _kept(sessions) == 0
    _, out, _ = _run(cli_env, "populatie", "rapport", "--gemeente", "0363", *DATUM)
    assert out.splitlines()[1:] == []


def test_json_verslag_and_fetching_it_later(cli_env: dict[str, str], gemeenten: None) -> None:
    code, out, _ = _upload(cli_env, "dubbel-bsn.csv", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["status"], data["nieuw"], data["aantalWaarschuwingen"]) == ("afgeleverd", 3, 1)
    code, later, _ = _run(cli_env, "populatie", "verslag", "--gemeente", "0363", "--json")
    assert code == 0 and json.loads(later) == data
    code, tekst, _ = _run(cli_env, "populatie", "verslag", "--gemeente", "0363", str(data["id"]))
    assert code == 0 and "Waarschuwingen (1):" in tekst
    code, lijst, _ = _run(cli_env, "populatie", "aanleveringen", "--gemeente", "0363")
    assert code == 0 and lijst.startswith(f"{data['id']} ") and "dubbel-bsn.csv" in lijst
    code, _, err = _run(cli_env, "populatie", "verslag", "--gemeente", "0599")
    assert code == 1 and "geen aanlevering gevonden van gemeente 0599" in err


def test_exit_codes_for_usage_environment_and_unknown_senders(
    cli_env: dict[str, str], gemeenten: None, tmp_path: Path
) -> None:
    assert _run(cli_env, "populatie", "upload", "x.csv")[0] == 2  # --gemeente missing
    assert _run(cli_env, "populatie", "upload", "--gemeente", "0363")[0] == 2  # FILE missing
    assert _run(cli_env, "populatie", "upload", "--gemeente", "0363", "--wet", "wlz", "x")[0] == 2
    code, _, err = _run(
        cli_env, "populatie", "upload", "--gemeente", "0363", str(tmp_path / "weg.csv")
    )
    assert code == 3 and err.strip().endswith("weg.csv: No such file or directory")
    code, _, err = _run(
        cli_env, "populatie", "upload", "--gemeente", "0344", str(aanlevering("leeg.csv"))
    )
    assert (code, err.strip()) == (
        1,
        "Error: gemeente 0344 is niet geregistreerd als aanleverende gemeente",
    )
    code, _, err = _run(cli_env, "populatie", "rapport", "--gemeente", "0344")
    assert code == 1 and "niet geregistreerd" in err


def test_an_unmigrated_database_says_what_to_do(tmp_path: Path) -> None:
    env = {"SAMENLOOP_DATABASE_URL": f"sqlite:///{tmp_path}/leeg.db"}
    code, _, err = _run(env, "populatie", "rapport", "--gemeente", "0363")
    assert code == 3 and "voer eerst 'samenloop db upgrade' uit" in err
    assert "Traceback" not in err
