"""Instellingen in the portal: the mail address for the service's mails, and the Wmo signal file
version with the number of new signals a switch to version 2 gives, as `samenloop org set
--signaalversie` says it; a refused value changes nothing."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select

from adapters.cli import cli
from store import demo
from store.models import Organisatie
from store.signalen import run, zorgwissel
from tests.portaal.conftest import MEDEWERKER, PEILDATUM, Bezoeker, Gebruikers, csrf_uit
from tests.portaal.test_toegang import assert_pagina

PAGINA = "/portaal/instellingen"


@pytest.fixture
def nacht(engine: Engine, demo_set: demo.DemoSet, gebruikers: Gebruikers) -> demo.DemoSet:
    demo.deliver_populations(engine, demo_set, PEILDATUM)
    assert run(engine, PEILDATUM).signalen > 0
    return demo_set


def _org(engine: Engine, code: str = "0363") -> tuple[int, str | None, int]:
    o = Organisatie
    with engine.connect() as conn:
        row = conn.execute(select(o.id, o.mail, o.signaalversie).where(o.code == code)).one()
    return row[0], row[1], row[2]


def _verwacht(engine: Engine) -> int:
    with engine.connect() as conn:
        return zorgwissel(conn, _org(engine)[0], PEILDATUM, True)


def test_the_page_shows_the_mail_and_what_version_2_would_give(
    beheerder: Bezoeker, nacht: demo.DemoSet, engine: Engine
) -> None:
    r = beheerder.get(PAGINA)
    assert_pagina(r, 200, "Instellingen")
    assert r.headers["cache-control"] == "no-store"
    mail = _org(engine)[1]
    assert mail and f'value="{mail}"' in r.text
    n = _verwacht(engine)  # the store's count, as `org set --signaalversie` prints it
    assert f"Overstappen naar versie 2 geeft bij de volgende run <strong>{n}</strong>" in r.text
    assert '<label class="veld__label" for="mail">' in r.text
    assert 'aria-current="page">Instellingen<' in r.text


def test_switching_to_version_2_as_the_cli_does(
    beheerder: Bezoeker, nacht: demo.DemoSet, engine: Engine, cli_env: dict[str, str]
) -> None:
    n = _verwacht(engine)
    r = beheerder.post(PAGINA + "/signaalversie", {"versie": "2"})
    assert r.status_code == 303
    assert r.headers["location"] == f"{PAGINA}?gewijzigd=versie2&nieuw={n}"
    assert _org(engine)[2] == 2
    pagina = beheerder.get(r.headers["location"])
    assert f"Die run geeft door de overstap {n} nieuwe signalen." in pagina.text
    assert "Overstappen naar versie 2" not in pagina.text and "versie 2</strong>" in pagina.text
    assert beheerder.post(PAGINA + "/signaalversie", {"versie": "1"}).status_code == 303
    assert _org(engine)[2] == 1
    args = ["org", "set", "--gemeente", "0363", "--signaalversie", "2", "--datum", "2026-03-01"]
    result = CliRunner().invoke(cli, args, env=cli_env)
    assert f"de run voor 2026-03-01 geeft {n} nieuwe signalen" in result.stdout


def test_the_mail_address(beheerder: Bezoeker, nacht: demo.DemoSet, engine: Engine) -> None:
    r = beheerder.post(PAGINA + "/mail", {"mail": " wmo-beheer@amsterdam.example "})
    assert r.status_code == 303 and r.headers["location"] == f"{PAGINA}?gewijzigd=mail"
    assert _org(engine)[1] == "wmo-beheer@amsterdam.example"
    assert "is opgeslagen" in beheerder.get(r.headers["location"]).text


@pytest.mark.parametrize(
    ("mail", "melding"), [("geen adres", "is geen mailadres"), ("", "Vul een e-mailadres in.")]
)
def test_a_bad_mail_address_changes_nothing(
    beheerder: Bezoeker, nacht: demo.DemoSet, engine: Engine, mail: str, melding: str
) -> None:
    voor = _org(engine)
    r = beheerder.post(PAGINA + "/mail", {"mail": mail})
    assert_pagina(r, 200, "Instellingen")
    naast = r.text.split('id="mail-fout">')[1].split("</p>")[0]
    assert melding in naast
    assert 'class="foutenoverzicht"' in r.text
    assert _org(engine) == voor


def test_a_bad_version_changes_nothing(
    beheerder: Bezoeker, nacht: demo.DemoSet, engine: Engine
) -> None:
    r = beheerder.post(PAGINA + "/signaalversie", {"versie": "3"})
    assert_pagina(r, 200, "Instellingen")
    assert 'id="versie-fout"' in r.text
    assert _org(engine)[2] == 1


def test_without_a_csrf_token_nothing_changes(
    beheerder: Bezoeker, nacht: demo.DemoSet, engine: Engine
) -> None:
    voor = _org(engine)
    for pad, data in (("/mail", {"mail": "x@y.example"}), ("/signaalversie", {"versie": "2"})):
        r = beheerder.client.post(PAGINA + pad, data=data)
        assert_pagina(r, 403, "Formulier verlopen")
        r = beheerder.post(PAGINA + pad, data, csrf="vals")
        assert r.status_code == 403
    assert _org(engine) == voor


def test_without_the_right_403(bezoeker: Bezoeker, nacht: demo.DemoSet, engine: Engine) -> None:
    assert bezoeker.login(MEDEWERKER).status_code == 303
    assert_pagina(bezoeker.get(PAGINA), 403, "Geen toegang")
    token = csrf_uit(bezoeker.get("/portaal/").text)
    r = bezoeker.post(PAGINA + "/signaalversie", {"versie": "2"}, csrf=token)
    assert r.status_code == 403
    assert _org(engine)[2] == 1
    assert not re.search(r'href="/portaal/instellingen"', bezoeker.get("/portaal/").text)
