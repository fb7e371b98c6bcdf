"""A Jeugdwet population over several nights, as operators and gemeenten use it: uploaded by CLI
and REST, its own signals, files named for jw, the signals API, both reports and the mail.

fixtures/jeugdwet/meerdere-dagen-*: 0363 delivers a Jw population for 0363 and 0437 (one client
begins on 01-04-2026, one ends on 03-03-2026), 0599 one client; nobody has a Wmo population.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from store.models_signalen import MailUitgaand
from tests.jeugdwet.conftest import Rest, bestand, run_cli
from tests.rest.conftest import assert_documented

DAG1, DAG2, DAG3, APRIL = "2026-03-01", "2026-03-02", "2026-03-03", "2026-04-01"
# Jeugdwet files are always version 2 (doorontwikkeling section 6); no zorg rows here, so the
# zorg columns are empty and the advies is A5 (Ja) or A4 (Onbekend).
KOP = (
    "Code aanleverende gemeente,Gemeentecode,BSN,WlzStatus,Afgiftedatum,Ingangsdatum,Einddatum,"
    "Leveringsvormen,Startdatum zorg,Bron startdatum zorg,Advies,Advies regel,Advies per"
)
A4, A5 = ",,,,,ONBEKEND,A4,", ",,,,,ONBEKEND,A5,"


def _upload_0599(rest: Rest, tokens: dict[str, str]) -> None:
    client = rest("0599", tokens["0599"])
    response = client.post(
        "/api/v1/aanleveringen?wet=jw&initieel=true",
        content=Path(bestand("meerdere-dagen-jw-populatie-0599.csv")).read_bytes(),
        headers={"Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    assert_documented(response)
    assert (response.json()["wet"], response.json()["status"]) == ("jw", "afgeleverd")


@pytest.fixture
def nachten(
    cli_env: dict[str, str], tokens: dict[str, str], rest: Rest, engine: Engine
) -> dict[str, str]:
    """Upload both Jw populations and run the nights of 1, 2, 3 March and 1 April."""
    load = run_cli(
        cli_env, "register", "load", "--initieel", bestand("meerdere-dagen-register-initieel.csv")
    )
    assert load.exit_code == 0, load.output
    upload = run_cli(
        cli_env, "populatie", "upload", "--gemeente", "0363", "--wet", "jw", "--initieel",
        "--datum", DAG1, bestand("meerdere-dagen-jw-populatie-0363.csv"),
    )  # fmt: skip
    assert upload.exit_code == 0, upload.output
    assert "Wet:" in upload.output and " jw\n" in upload.output
    _upload_0599(rest, tokens)
    out = {DAG1: run_cli(cli_env, "signalen", "run", "--datum", DAG1).output}
    mutaties = bestand("meerdere-dagen-register-mutaties-dag2.csv")
    assert run_cli(cli_env, "register", "load", mutaties).exit_code == 0
    for dag in (DAG2, DAG3, APRIL):
        out[dag] = run_cli(cli_env, "signalen", "run", "--datum", dag).output
    return out


def test_each_night_signals_the_jeugdwet_population(nachten: dict[str, str]) -> None:
    assert "run 2026-03-01: 4 signalen in 2 bestand(en), 0 beëindigde" in nachten[DAG1]
    assert "run 2026-03-02: 1 signalen in 1 bestand(en), 0 beëindigde" in nachten[DAG2]
    assert "run 2026-03-03: 0 signalen in 0 bestand(en), 1 beëindigde" in nachten[DAG3]
    assert "run 2026-04-01: 1 signalen in 1 bestand(en), 0 beëindigde" in nachten[APRIL]


def test_the_jw_files_and_no_wmo_file(nachten: dict[str, str], cli_env: dict[str, str]) -> None:
    def export(wet: str, dag: str) -> list[str]:
        args = ["signalen", "export", "--gemeente", "0363", "--wet", wet, "--datum", dag]
        result = run_cli(cli_env, *args)
        assert result.exit_code == 0, result.output
        return result.stdout.splitlines()

    assert export("jw", DAG1) == [
        KOP,
        "0363,0363,999900225,Ja,10-02-2026,15-02-2026" + A5,
        "0363,0363,999900250,Ja,10-02-2026,15-02-2026" + A5,
        "0363,0437,999900237,Onbekend,01-05-2019,01-05-2019" + A4,
    ]
    assert export("jw", DAG2) == [KOP, "0363,0437,999900237,Ja,01-03-2026,01-03-2026" + A5]
    assert export("jw", APRIL) == [KOP, "0363,0363,999900249,Ja,10-02-2026,15-02-2026" + A5]
    assert export("wmo", DAG1) == [] and export("jw", DAG3) == []


def test_the_reports_of_the_jeugdwet(nachten: dict[str, str], cli_env: dict[str, str]) -> None:
    args = ["--gemeente", "0363", "--wet", "jw"]
    tellingen = run_cli(cli_env, "signalen", "rapport", *args, "--van", DAG1, "--tot", APRIL)
    assert tellingen.stdout.splitlines()[1:] == [
        "0363,0363,01-03-2026,2",
        "0363,0437,01-03-2026,1",
        "0363,0437,02-03-2026,1",
        "0363,0363,01-04-2026,1",
    ]
    wmo = run_cli(
        cli_env, "signalen", "rapport", "--gemeente", "0363", "--van", DAG1, "--tot", APRIL
    )
    assert len(wmo.stdout.splitlines()) == 1
    populatie = run_cli(cli_env, "populatie", "rapport", *args, "--datum", DAG3)
    assert [r.split(",")[1:3] for r in populatie.stdout.splitlines()[1:]] == [
        ["0363", "999900225"],
        ["0363", "999900249"],
        ["0437", "999900237"],
    ]
    leeg = run_cli(cli_env, "populatie", "rapport", "--gemeente", "0363", "--datum", DAG3)
    assert len(leeg.stdout.splitlines()) == 1


def test_the_signals_api_shows_only_the_wet_asked_for(
    nachten: dict[str, str], rest: Rest, tokens: dict[str, str]
) -> None:
    client = rest("0363", tokens["0363"])
    jw = client.get(f"/api/v1/signalen?datum={DAG1}&wet=jw")
    assert_documented(jw)
    assert jw.json()["wet"] == "jw"
    assert sorted(s["bsn"] for s in jw.json()["signalen"]) == [
        "999900225",
        "999900237",
        "999900250",
    ]
    wmo = client.get(f"/api/v1/signalen?datum={DAG1}")
    assert (wmo.json()["wet"], wmo.json()["signalen"]) == ("wmo", [])
    gewijzigd = client.get(f"/api/v1/signalen?datum={DAG2}&wet=jw").json()["signalen"]
    assert [(s["regel"], s["vorigeStand"]["wlzStatus"]) for s in gewijzigd] == [
        ("gewijzigd", "Onbekend")
    ]


def test_the_files_list_and_download(
    nachten: dict[str, str], rest: Rest, tokens: dict[str, str], cli_env: dict[str, str]
) -> None:
    client = rest("0363", tokens["0363"])
    lijst = client.get("/api/v1/signalen/bestanden?wet=jw")
    assert_documented(lijst)
    assert [(b["datum"], b["bestandsnaam"]) for b in lijst.json()["bestanden"]] == [
        (APRIL, "wlz-signalen-0363-jw-20260401.csv"),
        (DAG2, "wlz-signalen-0363-jw-20260302.csv"),
        (DAG1, "wlz-signalen-0363-jw-20260301.csv"),
    ]
    assert client.get("/api/v1/signalen/bestanden").json()["bestanden"] == []
    download = client.get(lijst.json()["bestanden"][2]["_links"]["bestand"]["href"])
    assert_documented(download)
    disposition = 'attachment; filename="wlz-signalen-0363-jw-20260301.csv"'
    assert download.headers["content-disposition"] == disposition
    args = ["signalen", "export", "--gemeente", "0363", "--wet", "jw", "--datum", DAG1]
    assert download.text == run_cli(cli_env, *args).stdout
    assert client.get(f"/api/v1/signalen/bestanden/{DAG1}").status_code == 404  # no Wmo file


def test_the_rest_reports_and_aanleveringen(
    nachten: dict[str, str], rest: Rest, tokens: dict[str, str]
) -> None:
    client = rest("0363", tokens["0363"], today=date(2026, 3, 3))
    rapport = client.get(f"/api/v1/rapporten/aantal-signalen?van={DAG1}&tot={APRIL}&wet=jw")
    assert_documented(rapport)
    assert (
        "aantal-wlz-signalen-0363-jw-20260301-20260401.csv"
        in rapport.headers["content-disposition"]
    )
    assert len(rapport.text.splitlines()) == 1 + 4
    abonnementen = client.get("/api/v1/abonnementen?wet=jw")
    assert_documented(abonnementen)
    assert "abonnementen-0363-jw-20260303.csv" in abonnementen.headers["content-disposition"]
    assert len(abonnementen.text.splitlines()) == 1 + 3
    aanleveringen = client.get("/api/v1/aanleveringen?wet=jw")
    assert_documented(aanleveringen)
    assert [a["wet"] for a in aanleveringen.json()["aanleveringen"]] == ["jw"]
    assert client.get("/api/v1/aanleveringen?wet=wmo").json()["aanleveringen"] == []


def test_the_mail_names_the_jeugdwet(nachten: dict[str, str], engine: Engine) -> None:
    with engine.connect() as conn:
        mails = conn.execute(
            select(MailUitgaand.onderwerp, MailUitgaand.tekst).where(
                MailUitgaand.soort == "bestand"
            )
        ).all()
    assert [m.onderwerp for m in mails] == [
        "Wlz signalen: nieuw bestand (jw) van 01-03-2026",
        "Wlz signalen: nieuw bestand (jw) van 02-03-2026",
        "Wlz signalen: nieuw bestand (jw) van 01-04-2026",
    ]
    assert "/api/v1/signalen/bestanden/2026-03-01?wet=jw" in mails[0].tekst
    assert not any("9999002" in m.tekst for m in mails)


def test_a_jw_client_is_not_a_wmo_client(
    nachten: dict[str, str], rest: Rest, tokens: dict[str, str]
) -> None:
    """0599's Jw signal is its own; 0363 sees nothing of it, in either wet."""
    mine = rest("0599", tokens["0599"]).get(f"/api/v1/signalen?datum={DAG1}&wet=jw")
    assert [s["bsn"] for s in mine.json()["signalen"]] == ["999900262"]
    client = rest("0363", tokens["0363"])
    for wet in ("jw", "wmo"):
        body = client.get(f"/api/v1/signalen?datum={DAG1}&wet={wet}").json()
        assert "999900262" not in {s["bsn"] for s in body["signalen"]}
