"""Ophalen in the portal: the days with a signal file per wet, the file as the REST and CLI
download give it, a day's signals and a signal's "why"; never a BSN in a URL, another
gemeente's signal or file 404."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, insert, select, update

from adapters.cli import cli
from adapters.portaal import pagina_ophalen
from adapters.portaal.app import create_portaal_app
from adapters.portaal.paden import mail_links
from adapters.rest import create_rest_app
from store import demo
from store.models import Organisatie
from store.models_signalen import Signaal, SignaalBestand
from store.settings import Settings
from store.signalen import run
from store.uitgaand import queue_run_mails
from tests.portaal.conftest import (
    BASE_URL,
    BEHEERDER,
    MEDEWERKER,
    PEILDATUM,
    Bezoeker,
    Gebruikers,
)
from tests.portaal.test_toegang import assert_pagina

D = PEILDATUM
_HREF = re.compile(r'(?:href|action)="([^"]+)"')


@pytest.fixture
def nacht(engine: Engine, demo_set: demo.DemoSet, gebruikers: Gebruikers) -> demo.DemoSet:
    """Every demo gemeente delivered its populations; the run of D made the files."""
    demo.deliver_populations(engine, demo_set, D)
    assert run(engine, D).signalen > 0
    return demo_set


def _ids(engine: Engine, code: str, wet: str = "wmo") -> list[int]:
    s = Signaal
    query = (
        select(s.id)
        .join(Organisatie, Organisatie.id == s.organisatie_id)
        .where(Organisatie.code == code, s.wet == wet)
        .order_by(s.id)
    )
    with engine.connect() as conn:
        return list(conn.scalars(query))


def _bsns(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(Signaal.bsn)))


def _links(html: str) -> list[str]:
    return _HREF.findall(html)


def _geen_bsn_in_links(html: str, bsns: set[str]) -> None:
    for link in _links(html):
        assert not any(b in link for b in bsns), link


def test_the_days_per_wet_newest_first_with_counts(
    beheerder: Bezoeker, nacht: demo.DemoSet, engine: Engine
) -> None:
    r = beheerder.get("/portaal/ophalen")
    assert_pagina(r, 200, "Ophalen")
    assert r.headers["cache-control"] == "no-store"
    wmo, jw = r.text.index('id="wet-wmo"'), r.text.index('id="wet-jw"')
    assert wmo < jw, "Wmo first"
    assert "01-03-2026" in r.text
    assert '/portaal/ophalen/wmo/2026-03-01/bestand"' in r.text
    _geen_bsn_in_links(r.text, _bsns(engine))
    assert 'aria-current="page">Ophalen<' in r.text


def test_counts_have_a_thousands_separator_and_days_are_paged(
    beheerder: Bezoeker, nacht: demo.DemoSet, engine: Engine
) -> None:
    with engine.begin() as conn:
        org = conn.scalar(select(Organisatie.id).where(Organisatie.code == "0363"))
        conn.execute(
            update(SignaalBestand)
            .where(SignaalBestand.organisatie_id == org, SignaalBestand.wet == "wmo")
            .values(aantal=12345)
        )
        conn.execute(
            insert(SignaalBestand),
            [
                {"organisatie_id": org, "wet": "wmo", "peildatum": D - timedelta(days=n),
                 "aantal": n, "versie": 1}
                for n in range(1, 40)
            ],
        )  # fmt: skip
    r = beheerder.get("/portaal/ophalen")
    assert "12.345" in r.text
    assert r.text.count('/bestand"') >= pagina_ophalen.DAGEN_PER_PAGINA
    oudere = re.search(r'href="(/portaal/ophalen\?wet=wmo&amp;voor=[0-9-]+)"', r.text)
    assert oudere is not None
    r2 = beheerder.get(oudere.group(1).replace("&amp;", "&"))
    assert_pagina(r2, 200, "Ophalen")
    assert 'id="wet-jw"' not in r2.text, "one wet's older days"
    assert "01-03-2026" not in r2.text.split("<h2")[1] and "21-01-2026" in r2.text


def test_the_download_is_the_rest_and_cli_file(
    beheerder: Bezoeker,
    nacht: demo.DemoSet,
    settings: Settings,
    engine: Engine,
    cli_env: dict[str, str],
) -> None:
    for wet in ("wmo", "jw"):
        r = beheerder.get(f"/portaal/ophalen/{wet}/2026-03-01/bestand")
        assert r.status_code == 200, r.text[:500]
        naam = f"wlz-signalen-0363-{wet}-20260301.csv"
        assert r.headers["content-disposition"] == f'attachment; filename="{naam}"'
        assert r.headers["content-type"] == "text/csv; charset=utf-8"
        assert r.headers["cache-control"] == "no-store"
        args = ["signalen", "export", "--gemeente", "0363", "--wet", wet, "--datum", "2026-03-01"]
        export = CliRunner().invoke(cli, args, env=cli_env)
        assert export.exit_code == 0
        assert r.content == export.stdout.encode("utf-8")
        rest = httpx.Client(
            transport=httpx.WSGITransport(app=create_rest_app(settings, engine)),
            base_url="http://samenloop.test",
            auth=("0363", "demo-amsterdam"),
        )
        with rest:
            api = rest.get(f"/api/v1/signalen/bestanden/2026-03-01?wet={wet}")
        assert api.status_code == 200 and api.content == r.content
    jw_kop = beheerder.get("/portaal/ophalen/jw/2026-03-01/bestand").text.splitlines()[0]
    assert jw_kop.endswith("Advies per"), "Jeugdwet files are version 2"


@pytest.mark.parametrize(
    "path",
    [
        "/portaal/ophalen/wmo/2026-03-02/bestand",
        "/portaal/ophalen/wmo/2026-02-30/bestand",
        "/portaal/ophalen/wmo/01-03-2026/bestand",
        "/portaal/ophalen/wlz/2026-03-01/bestand",
        "/portaal/ophalen/wmo/2026-03-02",
        "/portaal/ophalen/wmo/2026-02-30",
        "/portaal/ophalen/wlz/2026-03-01",
        "/portaal/ophalen?wet=wlz",
        "/portaal/signalen/999999999",
    ],
)
def test_what_is_not_there_is_404(beheerder: Bezoeker, nacht: demo.DemoSet, path: str) -> None:
    assert_pagina(beheerder.get(path), 404, "Pagina niet gevonden")


def test_a_day_lists_its_signals_linking_by_id(
    beheerder: Bezoeker, nacht: demo.DemoSet, engine: Engine
) -> None:
    r = beheerder.get("/portaal/ophalen/wmo/2026-03-01")
    assert_pagina(r, 200, "Signalen Wmo van 01-03-2026")
    ids = _ids(engine, "0363")
    for sid in ids:
        assert f'href="/portaal/signalen/{sid}"' in r.text
    _geen_bsn_in_links(r.text, _bsns(engine))


def test_a_signal_says_why(beheerder: Bezoeker, nacht: demo.DemoSet, engine: Engine) -> None:
    sid = _ids(engine, "0363", "jw")[0]
    r = beheerder.get(f"/portaal/signalen/{sid}")
    assert_pagina(r, 200, "Waarom dit signaal?")
    assert "Eerste signaal" in r.text and "regel <code>eerste</code>" in r.text
    assert "Niets: dit is het eerste signaal" in r.text
    assert "Toelichting" in r.text and "Advies" in r.text
    with engine.connect() as conn:
        bsn = conn.scalar(select(Signaal.bsn).where(Signaal.id == sid))
    assert bsn is not None
    assert f"<dd>{bsn}</dd>" in r.text
    assert bsn not in r.text.split("<title>")[1].split("</title>")[0]


def test_a_changed_signal_shows_the_earlier_state(
    beheerder: Bezoeker, nacht: demo.DemoSet, engine: Engine
) -> None:
    sid = _ids(engine, "0363")[0]
    with engine.begin() as conn:
        conn.execute(
            update(Signaal)
            .where(Signaal.id == sid)
            .values(regel="gewijzigd", vorige_status="Nee", vorige_afgiftedatum=date(2025, 1, 2),
                    vorige_ingangsdatum=date(2025, 1, 3))
        )  # fmt: skip
    r = beheerder.get(f"/portaal/signalen/{sid}")
    assert "Gewijzigd" in r.text and "02-01-2025" in r.text and "<dd>Nee</dd>" in r.text


def test_another_gemeentes_signal_is_404(
    beheerder: Bezoeker, nacht: demo.DemoSet, engine: Engine
) -> None:
    for sid in _ids(engine, "0599"):
        assert_pagina(beheerder.get(f"/portaal/signalen/{sid}"), 404, "Pagina niet gevonden")


def test_without_the_right_403(bezoeker: Bezoeker, nacht: demo.DemoSet, engine: Engine) -> None:
    assert bezoeker.login(MEDEWERKER).status_code == 303
    sid = _ids(engine, "0363")[0]
    for path in (
        "/portaal/ophalen",
        "/portaal/ophalen/wmo/2026-03-01",
        "/portaal/ophalen/wmo/2026-03-01/bestand",
        f"/portaal/signalen/{sid}",
    ):
        assert_pagina(bezoeker.get(path), 403, "Geen toegang")
    assert "/portaal/ophalen" not in bezoeker.get("/portaal/").text


def test_no_signals(beheerder: Bezoeker, gebruikers: Gebruikers) -> None:
    r = beheerder.get("/portaal/ophalen")
    assert_pagina(r, 200, "Ophalen")
    assert "Geen signalen." in r.text


def test_jeugdwet_switched_off(settings: Settings, engine: Engine, nacht: demo.DemoSet) -> None:
    app = create_portaal_app(replace(settings, jeugdwet=False), engine)
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE_URL) as client:
        b = Bezoeker(client)
        assert b.login(BEHEERDER).status_code == 303
        r = b.get("/portaal/ophalen")
        assert 'id="wet-wmo"' in r.text and 'id="wet-jw"' not in r.text
        assert b.get("/portaal/ophalen/jw/2026-03-01/bestand").status_code == 404
        jw_signaal = _ids(engine, "0363", "jw")[0]
        assert b.get(f"/portaal/signalen/{jw_signaal}").status_code == 404


def test_the_nightly_mails_link_to_the_days_signals_and_to_aanleveren(
    beheerder: Bezoeker, nacht: demo.DemoSet, engine: Engine
) -> None:
    """The mails' links (made from SAMENLOOP_PUBLIC_URL and the portal's paths) open the page
    of the day's file and the Aanleveren page."""
    links = mail_links(BASE_URL + "/")
    dag = links.bestand("wmo", D)
    assert dag == f"{BASE_URL}/portaal/ophalen/wmo/2026-03-01"
    assert_pagina(beheerder.get(dag.removeprefix(BASE_URL)), 200, "Signalen Wmo van 01-03-2026")
    aanleveren = beheerder.get(links.aanleveren.removeprefix(BASE_URL))
    assert aanleveren.status_code == 200
    with engine.begin() as conn:
        assert queue_run_mails(conn, D, links=links) == 0  # the run queued them already, once
    assert "Aanleveren" in aanleveren.text
