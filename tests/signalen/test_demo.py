"""The demo as a user meets it: `samenloop demo`, `signalen run`, then the files by CLI and API
and the mail; the files hold what the rules (beslisregels.md section 4) predict for the demo,
for the Wmo and for 0363's Jeugdwet population (a version 2 file, with the zorg columns)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from adapters.cli import cli
from adapters.rest import create_rest_app
from store import demo
from store.settings import Settings

D = date(2026, 3, 1)
KOP = "Code aanleverende gemeente,Gemeentecode,BSN,WlzStatus,Afgiftedatum,Ingangsdatum,Einddatum"
KOP_V2 = (
    KOP + ",Leveringsvormen,Startdatum zorg,Bron startdatum zorg,Advies,Advies regel,Advies per"
)
DEMO = demo.demo_set()


def _cli(env: dict[str, str], *args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result


def _regel(aanleverend: str, gemeentecode: str, client: int) -> str:
    """A signal line as the rules predict it: the register record's state, dd-mm-jjjj."""
    r = DEMO.register[client]
    datums = (r.afgiftedatum, r.ingangsdatum, r.einddatum)
    tekst = ",".join(d.strftime("%d-%m-%Y") if d else "" for d in datums)
    return f"{aanleverend},{gemeentecode},{r.bsn},{r.wlz_status},{tekst}"


# Rule 1 on the first run: Ja and Onbekend are signalled, Nee is not, a BSN without a register
# record is not, and neither is a subscription that has not begun (0344's).
VERWACHT = {
    "0363": [KOP, _regel("0363", "0363", 0), _regel("0363", "0437", 1)],
    "0599": [KOP, _regel("0599", "0599", 0), _regel("0599", "0599", 3)],
    "0344": [],
}
# 0363's Jeugdwet children: the Ja with Verblijf planned from 01-02-2026 (advies JA, A6) and the
# Onbekend in 0437 (A4) are signalled, the Nee is not; the other gemeenten deliver no Jw.
VERWACHT_JW = {
    "0363": [
        KOP_V2,
        _regel("0363", "0363", 7) + ",4,01-02-2026,zorgkantoor,JA,A6,01-02-2026",
        _regel("0363", "0437", 8) + ",,,,ONBEKEND,A4,",
    ],
    "0599": [],
    "0344": [],
}
VERWACHT_PER_WET = {"wmo": VERWACHT, "jw": VERWACHT_JW}


@pytest.fixture
def nacht(cli_env: dict[str, str], smtp: tuple[int, list[bytes]]) -> Iterator[dict[str, str]]:
    env = {**cli_env, "SAMENLOOP_SMTP_HOST": "127.0.0.1", "SAMENLOOP_SMTP_PORT": str(smtp[0])}
    out = _cli(env, "demo", "--datum", D.isoformat()).output
    assert "Wmo-populatie van 0363: 4 regels, afgeleverd" in out
    assert "Jeugdwet-populatie van 0363: 3 regels, afgeleverd" in out
    _cli(env, "signalen", "run", "--datum", D.isoformat())
    yield env


def _sorted(lines: list[str]) -> list[str]:
    return lines[:1] + sorted(lines[1:])


def _assert_files_as_predicted(nacht: dict[str, str]) -> None:
    for wet, per_gemeente in VERWACHT_PER_WET.items():
        for gemeente, verwacht in per_gemeente.items():
            args = ("--gemeente", gemeente, "--wet", wet, "--datum", "2026-03-01")
            export = _cli(nacht, "signalen", "export", *args)
            assert _sorted(export.stdout.splitlines()) == _sorted(verwacht), (gemeente, wet)


def test_the_demo_nights_files_are_what_the_rules_predict(nacht: dict[str, str]) -> None:
    _assert_files_as_predicted(nacht)


def test_the_demo_gemeenten_fetch_their_file_by_api(
    nacht: dict[str, str], settings: Settings, engine: Engine
) -> None:
    app = create_rest_app(settings, engine)
    for g in demo.GEMEENTEN:
        auth = (g.code, g.token)
        for wet, per_gemeente in VERWACHT_PER_WET.items():
            with httpx.Client(transport=httpx.WSGITransport(app=app), auth=auth) as client:
                r = client.get(f"http://demo/api/v1/signalen/bestanden/2026-03-01?wet={wet}")
            if per_gemeente[g.code]:
                assert r.status_code == 200
                assert _sorted(r.text.splitlines()) == _sorted(per_gemeente[g.code])
            else:
                assert r.status_code == 404


def test_the_demo_gemeenten_with_a_file_get_one_mail_without_bsns(
    nacht: dict[str, str], smtp: tuple[int, list[bytes]]
) -> None:
    ontvangers = sorted(str(message_from_bytes(m)["To"]) for m in smtp[1])
    per_bestand = [g.mail for v in VERWACHT_PER_WET.values() for g in demo.GEMEENTEN if v[g.code]]
    assert ontvangers == sorted(per_bestand)
    for mail in smtp[1]:
        assert not any(r.bsn in mail.decode() for r in DEMO.register)


def test_rerunning_the_demo_night_changes_nothing(nacht: dict[str, str]) -> None:
    again = _cli(nacht, "signalen", "run", "--datum", D.isoformat())
    assert "was al voltooid (6 signalen); niets nieuws" in again.output
    _assert_files_as_predicted(nacht)


def test_with_the_jeugdwet_uit_the_demo_delivers_no_jw_population(
    cli_env: dict[str, str],
) -> None:
    uit = {**cli_env, "SAMENLOOP_JEUGDWET": "uit"}
    out = _cli(uit, "demo", "--datum", D.isoformat()).output
    assert "Wmo-populatie van 0363" in out and "Jeugdwet-populatie" not in out
    nacht = _cli(uit, "signalen", "run", "--datum", D.isoformat()).output
    assert "4 signalen in 2 bestand(en)" in nacht
