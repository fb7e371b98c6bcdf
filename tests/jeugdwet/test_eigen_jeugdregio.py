"""Aanleverrechten per wet and who sees what: 0363 delivers the Wmo population of 0363 and 0437,
but 0437 delivers its own Jeugdwet population (a jeugdregio that is not the Wmo verband).

fixtures/jeugdwet/eigen-jeugdregio-*: 999900304 in 0437's Jw population, 999900316 in the Wmo
population 0363 delivers for 0437; both have a Ja indication.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.jeugdwet.conftest import D, Rest, bestand, run_cli
from tests.rest.conftest import assert_documented

DAG = D.isoformat()
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def jeugdregio(cli_env: dict[str, str], tokens: dict[str, str]) -> dict[str, str]:
    """0363 gives up 0437's Jeugdwet; 0437 registers for the Jeugdwet alone. Code -> token."""
    both = run_cli(cli_env, "org", "add", "--gemeente", "0437", "--datum", DAG)
    assert both.exit_code == 1
    assert "voor gemeentecode 0437 levert gemeente 0363 al aan (wmo)" in both.output
    args = ["org", "set", "--gemeente", "0363", "--wet", "jw", "--samenwerking", "", "--datum", DAG]
    assert run_cli(cli_env, *args).exit_code == 0
    added = run_cli(cli_env, "org", "add", "--gemeente", "0437", "--wet", "jw", "--datum", DAG)
    assert added.exit_code == 0, added.output
    register = bestand("eigen-jeugdregio-register.csv")
    assert run_cli(cli_env, "register", "load", "--initieel", register).exit_code == 0
    return {**tokens, "0437": added.stdout.splitlines()[-1]}


def test_org_list_shows_the_rights_per_wet(
    jeugdregio: dict[str, str], cli_env: dict[str, str]
) -> None:
    out = run_cli(cli_env, "org", "list").stdout
    assert "gemeente 0363 actief levert-voor=0363,0437 oin=- levert-voor-jw=0363" in out
    assert "gemeente 0437 actief levert-voor=- oin=- levert-voor-jw=0437" in out


def test_each_delivers_only_the_wet_it_has_the_right_for(
    jeugdregio: dict[str, str], cli_env: dict[str, str], rest: Rest
) -> None:
    client = rest("0437", jeugdregio["0437"])
    data = Path(bestand("eigen-jeugdregio-jw-0437.csv")).read_bytes()
    jw = client.post("/api/v1/aanleveringen?wet=jw", content=data, headers=CSV)
    assert jw.status_code == 201, jw.text
    wmo = client.post("/api/v1/aanleveringen?wet=wmo", content=data, headers=CSV)
    assert wmo.status_code == 400
    assert_documented(wmo)
    assert "0437 hoort niet bij de gemeenten waarvoor 0437 aanlevert voor de wmo (geen)" in wmo.text
    upload = ["populatie", "upload", "--gemeente", "0363", "--datum", DAG]
    wmo_0363 = bestand("eigen-jeugdregio-wmo-0363.csv")
    assert run_cli(cli_env, *upload, "--wet", "wmo", wmo_0363).exit_code == 0
    refused = run_cli(cli_env, *upload, "--wet", "jw", wmo_0363)
    assert refused.exit_code == 1
    assert "0437 hoort niet bij de gemeenten waarvoor 0363 aanlevert voor de jw (0363)" in (
        refused.output
    )


def test_each_aanleverende_gemeente_sees_only_its_own_signals_per_wet(
    jeugdregio: dict[str, str], cli_env: dict[str, str], rest: Rest
) -> None:
    upload = ["populatie", "upload", "--datum", DAG]
    jw = bestand("eigen-jeugdregio-jw-0437.csv")
    assert run_cli(cli_env, *upload, "--gemeente", "0437", "--wet", "jw", jw).exit_code == 0
    wmo = bestand("eigen-jeugdregio-wmo-0363.csv")
    assert run_cli(cli_env, *upload, "--gemeente", "0363", wmo).exit_code == 0
    run = run_cli(cli_env, "signalen", "run", "--datum", DAG)
    assert "2 signalen in 2 bestand(en)" in run.output

    def seen(code: str, wet: str) -> list[tuple[str, str, str]]:
        response = rest(code, jeugdregio[code]).get(f"/api/v1/signalen?datum={DAG}&wet={wet}")
        assert_documented(response)
        return [
            (s["codeAanleverendeGemeente"], s["gemeentecode"], s["bsn"])
            for s in response.json()["signalen"]
        ]

    assert seen("0437", "jw") == [("0437", "0437", "999900304")]
    assert seen("0437", "wmo") == []  # the hoofdgemeente's Wmo signal for 0437 is not its own
    assert seen("0363", "wmo") == [("0363", "0437", "999900316")]
    assert seen("0363", "jw") == []
    assert seen("0599", "jw") == [] and seen("0599", "wmo") == []
    files = rest("0437", jeugdregio["0437"]).get("/api/v1/signalen/bestanden?wet=jw").json()
    assert [b["bestandsnaam"] for b in files["bestanden"]] == ["wlz-signalen-0437-jw-20260301.csv"]
