"""SAMENLOOP_JEUGDWET in both positions (doorontwikkeling-2023.md section 1): aan, `jw` works;
uit, `jw` is a client error everywhere (CLI exit 1, REST 400 on `wet`), nothing of it is stored,
and the nightly run makes no Jeugdwet signals and leaves the Jw population as it is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select

from store.models import Aanlevering, Abonnement
from store.models_signalen import SignaalGeheugen
from tests.jeugdwet.conftest import D, Rest, bestand, run_cli
from tests.rest.conftest import assert_documented, assert_invalid_params, assert_problem

DAG = D.isoformat()
UIT = "de Jeugdwet (jw) staat uit in deze service; toegestaan: wmo"
POPULATIE = Path(bestand("meerdere-dagen-jw-populatie-0363.csv")).read_bytes()

ROUTES = [
    ("POST", "/api/v1/aanleveringen?wet=jw", 201),
    ("GET", "/api/v1/aanleveringen?wet=jw", 200),
    ("GET", "/api/v1/abonnementen?wet=jw", 200),
    ("GET", f"/api/v1/signalen?datum={DAG}&wet=jw", 200),
    ("GET", "/api/v1/signalen/bestanden?wet=jw", 200),
    ("GET", f"/api/v1/signalen/bestanden/{DAG}?wet=jw", 404),
    ("GET", f"/api/v1/rapporten/aantal-signalen?van={DAG}&tot={DAG}&wet=jw", 200),
]


def _call(client: httpx.Client, method: str, url: str) -> httpx.Response:
    if method == "POST":
        return client.post(url, content=POPULATIE, headers={"Content-Type": "text/csv"})
    return client.get(url)


def _count(engine: Engine, table: type[Aanlevering] | type[Abonnement]) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


@pytest.mark.parametrize(("method", "url", "status"), ROUTES)
@pytest.mark.parametrize("jeugdwet", [True, False], ids=["aan", "uit"])
def test_every_rest_route_takes_jw_only_while_aan(
    rest: Rest,
    tokens: dict[str, str],
    engine: Engine,
    jeugdwet: bool,
    method: str,
    url: str,
    status: int,
) -> None:
    response = _call(rest("0363", tokens["0363"], jeugdwet=jeugdwet), method, url)
    assert_documented(response)
    if jeugdwet:
        assert response.status_code == status, response.text
        return
    assert_invalid_params(assert_problem(response, 400), {"wet": UIT})
    assert (_count(engine, Aanlevering), _count(engine, Abonnement)) == (0, 0)


def test_an_unknown_wet_names_only_the_active_ones(rest: Rest, tokens: dict[str, str]) -> None:
    for jeugdwet, toegestaan in ((True, "wmo, jw"), (False, "wmo")):
        client = rest("0363", tokens["0363"], jeugdwet=jeugdwet)
        body = assert_problem(client.get("/api/v1/signalen/bestanden?wet=wlz"), 400)
        assert_invalid_params(body, {"wet": f"onbekende wet; toegestaan: {toegestaan}"})


def test_a_jw_aanlevering_is_not_shown_while_uit(rest: Rest, tokens: dict[str, str]) -> None:
    aan = _call(rest("0363", tokens["0363"]), "POST", "/api/v1/aanleveringen?wet=jw")
    location = aan.headers["location"]
    uit = rest("0363", tokens["0363"], jeugdwet=False)
    assert uit.get("/api/v1/aanleveringen").json()["aanleveringen"] == []
    assert_problem(uit.get(location), 404)
    assert rest("0363", tokens["0363"]).get(location).json()["wet"] == "jw"


CLI = [
    ["populatie", "upload", "--gemeente", "0363", "--wet", "jw", bestand("zelfde-bsn-jw.csv")],
    ["populatie", "rapport", "--gemeente", "0363", "--wet", "jw", "--datum", DAG],
    ["signalen", "export", "--gemeente", "0363", "--wet", "jw", "--datum", DAG],
    ["signalen", "rapport", "--gemeente", "0363", "--wet", "jw", "--van", DAG, "--tot", DAG],
    ["org", "set", "--gemeente", "0363", "--wet", "jw", "--samenwerking", "0437"],
]


@pytest.mark.parametrize("args", CLI, ids=lambda a: " ".join(a[:2]))
@pytest.mark.parametrize("jeugdwet", ["aan", "uit"])
def test_every_cli_command_takes_jw_only_while_aan(
    cli_env: dict[str, str], tokens: dict[str, str], engine: Engine, jeugdwet: str, args: list[str]
) -> None:
    result = run_cli({**cli_env, "SAMENLOOP_JEUGDWET": jeugdwet}, *args)
    if jeugdwet == "aan":
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {UIT} (SAMENLOOP_JEUGDWET=uit)"
    assert (_count(engine, Aanlevering), _count(engine, Abonnement)) == (0, 0)


def test_the_wmo_carries_on_while_uit(uit_env: dict[str, str], tokens: dict[str, str]) -> None:
    args = ["populatie", "upload", "--gemeente", "0363", "--datum", DAG]
    result = run_cli(uit_env, *args, bestand("zelfde-bsn-wmo.csv"))
    assert result.exit_code == 0, result.output


def _jw_abonnementen(engine: Engine) -> list[tuple[str, date | None]]:
    with engine.connect() as conn:
        a, g = Abonnement, SignaalGeheugen
        keys = (g.bsn == a.bsn) & (g.wet == a.wet) & (g.gemeentecode == a.gemeentecode)
        rows = conn.execute(
            select(a.bsn, g.gesignaleerd_op).outerjoin(g, keys).where(a.wet == "jw").order_by(a.bsn)
        )
        return [(bsn, op) for bsn, op in rows]


def test_the_nightly_run_leaves_the_jeugdwet_alone_while_uit(
    cli_env: dict[str, str], uit_env: dict[str, str], tokens: dict[str, str], engine: Engine
) -> None:
    """A Jw population delivered while aan: uit, no Jw signal and not even the ended Jw
    subscription is removed; aan again, the next run removes it and signals the rest."""
    register = [
        bestand("meerdere-dagen-register-initieel.csv"),
        bestand("zelfde-bsn-register-initieel.csv"),
    ]
    assert run_cli(cli_env, "register", "load", "--initieel", register[0]).exit_code == 0
    assert run_cli(cli_env, "register", "load", register[1]).exit_code == 0
    upload = ["populatie", "upload", "--gemeente", "0363", "--datum", DAG]
    assert run_cli(cli_env, *upload, bestand("zelfde-bsn-wmo.csv")).exit_code == 0
    jw = bestand("meerdere-dagen-jw-populatie-0363.csv")
    assert run_cli(cli_env, *upload, "--wet", "jw", jw).exit_code == 0
    first = run_cli(uit_env, "signalen", "run", "--datum", DAG)
    assert "run 2026-03-01: 2 signalen in 1 bestand(en), 0 beëindigde" in first.output
    ended = run_cli(uit_env, "signalen", "run", "--datum", "2026-03-03")
    assert "run 2026-03-03: 0 signalen in 0 bestand(en), 0 beëindigde" in ended.output
    bsns = ["999900225", "999900237", "999900249", "999900250"]
    assert _jw_abonnementen(engine) == [(b, None) for b in bsns]
    aan = run_cli(cli_env, "signalen", "run", "--datum", "2026-03-04")
    assert "run 2026-03-04: 2 signalen in 1 bestand(en), 1 beëindigde" in aan.output
    export = ["signalen", "export", "--gemeente", "0363", "--wet", "jw", "--datum", "2026-03-04"]
    lines = run_cli(cli_env, *export).stdout.splitlines()[1:]
    assert [r.split(",")[2] for r in lines] == ["999900225", "999900237"]
