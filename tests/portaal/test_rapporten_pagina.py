"""Rapporten in the portal: the abonnementen of each wet and the Aantal Wlz signalen over a
period, byte for byte what REST and the CLI give; a bad period is a message, not a file."""

from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from adapters.cli import cli
from adapters.rest import create_rest_app
from store import demo
from store.settings import Settings
from store.signalen import run
from tests.portaal.conftest import MEDEWERKER, PEILDATUM, ROTTERDAMMER, Bezoeker, Gebruikers
from tests.portaal.test_toegang import assert_pagina

AANTAL = "/portaal/rapporten/aantal-signalen"


@pytest.fixture
def nacht(engine: Engine, demo_set: demo.DemoSet, gebruikers: Gebruikers) -> demo.DemoSet:
    demo.deliver_populations(engine, demo_set, PEILDATUM)
    assert run(engine, PEILDATUM).signalen > 0
    return demo_set


def _rest(settings: Settings, engine: Engine) -> httpx.Client:
    app = create_rest_app(settings, engine, today=lambda: PEILDATUM)
    transport = httpx.WSGITransport(app=app)
    return httpx.Client(transport=transport, base_url="http://t", auth=("0363", "demo-amsterdam"))


def test_the_page(beheerder: Bezoeker, nacht: demo.DemoSet) -> None:
    r = beheerder.get("/portaal/rapporten")
    assert_pagina(r, 200, "Rapporten")
    assert "Wmo abonnementen" in r.text and "Jw abonnementen" in r.text
    assert '<label class="veld__label" for="van">Van</label>' in r.text
    assert 'value="01-03-2026"' in r.text, "the period starts on the first of this month"
    assert 'aria-current="page">Rapporten<' in r.text


@pytest.mark.parametrize("wet", ["wmo", "jw"])
def test_abonnementen_are_the_rest_report(
    beheerder: Bezoeker, nacht: demo.DemoSet, settings: Settings, engine: Engine, wet: str
) -> None:
    r = beheerder.get(f"/portaal/rapporten/abonnementen?wet={wet}")
    assert r.status_code == 200
    naam = f"abonnementen-0363-{wet}-20260301.csv"
    assert r.headers["content-disposition"] == f'attachment; filename="{naam}"'
    assert r.headers["cache-control"] == "no-store"
    with _rest(settings, engine) as rest:
        api = rest.get(f"/api/v1/abonnementen?wet={wet}")
    assert api.status_code == 200 and api.content == r.content
    assert r.text.startswith("Code aanleverende gemeente,") and r.text.count("\n") > 1


def test_aantal_signalen_is_the_rest_and_cli_report(
    beheerder: Bezoeker,
    nacht: demo.DemoSet,
    settings: Settings,
    engine: Engine,
    cli_env: dict[str, str],
) -> None:
    r = beheerder.get(AANTAL, params={"wet": "wmo", "van": "01-01-2026", "tot": "31-03-2026"})
    assert r.status_code == 200, r.text[:1000]
    naam = "aantal-wlz-signalen-0363-wmo-20260101-20260331.csv"
    assert r.headers["content-disposition"] == f'attachment; filename="{naam}"'
    with _rest(settings, engine) as rest:
        api = rest.get("/api/v1/rapporten/aantal-signalen?van=2026-01-01&tot=2026-03-31&wet=wmo")
    assert api.content == r.content
    args = ["signalen", "rapport", "--gemeente", "0363", "--van", "2026-01-01"]
    cli_out = CliRunner().invoke(cli, [*args, "--tot", "2026-03-31"], env=cli_env)
    assert cli_out.exit_code == 0 and cli_out.stdout.encode() == r.content
    assert "01-03-2026" in r.text
    jw = beheerder.get(AANTAL, params={"wet": "jw", "van": "01-03-2026", "tot": "01-03-2026"})
    assert jw.status_code == 200 and "jw" in jw.headers["content-disposition"]


@pytest.mark.parametrize(
    ("van", "tot", "veld", "melding"),
    [
        ("01-04-2026", "31-03-2026", "van", "Van ligt na tot en met"),
        ("2026-01-01", "31-03-2026", "van", "geen datum in de vorm dd-mm-jjjj"),
        ("01-01-2026", "31-02-2026", "tot", "bestaat niet in de kalender"),
        ("", "31-03-2026", "van", "Vul de eerste dag in."),
    ],
)
def test_a_bad_period_is_a_message_next_to_the_field(
    beheerder: Bezoeker, nacht: demo.DemoSet, van: str, tot: str, veld: str, melding: str
) -> None:
    r = beheerder.get(AANTAL, params={"wet": "wmo", "van": van, "tot": tot})
    assert_pagina(r, 200, "Rapporten")
    assert "content-disposition" not in r.headers
    assert f'<p class="veldfout" id="{veld}-fout">' in r.text
    naast = r.text.split(f'id="{veld}-fout">')[1].split("</p>")[0]
    assert melding in naast
    assert 'class="foutenoverzicht"' in r.text and f'href="#{veld}"' in r.text
    assert 'aria-invalid="true"' in r.text


def test_an_unknown_wet(beheerder: Bezoeker, nacht: demo.DemoSet) -> None:
    assert beheerder.get("/portaal/rapporten/abonnementen?wet=wlz").status_code == 404
    r = beheerder.get(AANTAL, params={"wet": "wlz", "van": "01-01-2026", "tot": "31-03-2026"})
    assert_pagina(r, 200, "Rapporten")
    assert "content-disposition" not in r.headers


def test_without_the_right_403(bezoeker: Bezoeker, nacht: demo.DemoSet) -> None:
    assert bezoeker.login(MEDEWERKER).status_code == 303
    for path in ("/portaal/rapporten", "/portaal/rapporten/abonnementen?wet=wmo", AANTAL):
        assert_pagina(bezoeker.get(path), 403, "Geen toegang")


def test_only_the_own_gemeente(
    bezoeker: Bezoeker, nacht: demo.DemoSet, settings: Settings, engine: Engine
) -> None:
    """Rotterdam's user gets Rotterdam's report, whatever it asks."""
    assert bezoeker.login(ROTTERDAMMER).status_code == 303
    r = bezoeker.get("/portaal/rapporten/abonnementen?wet=wmo&gemeente=0363")
    assert "abonnementen-0599-wmo" in r.headers["content-disposition"]
    assert all(line.startswith("0599,") for line in r.text.splitlines()[1:])
