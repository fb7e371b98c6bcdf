"""Aanleveren in the portal: a multipart upload checked and applied as the API does, the
verslag at once and kept (page and text, the text equal to REST's), the earlier aanleveringen,
the reminder date; bad input a Dutch message next to the field and nothing changed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import Engine, func, select

from adapters.portaal import pagina_aanleveren, upload
from adapters.portaal.app import create_portaal_app
from adapters.rest import create_rest_app
from store import demo
from store.models import Aanlevering, Abonnement, Organisatie
from store.rollen import Rol
from store.settings import Settings
from store.verslag import Aantallen, Verslag, bewaar
from tests.portaal.conftest import (
    BASE_URL,
    BEHEERDER,
    MEDEWERKER,
    NU,
    PEILDATUM,
    ROTTERDAMMER,
    Bezoeker,
    Gebruikers,
    csrf_uit,
)
from tests.portaal.test_toegang import assert_pagina

PAGINA = "/portaal/aanleveren"


@pytest.fixture
def gevuld(demo_set: demo.DemoSet, gebruikers: Gebruikers) -> demo.DemoSet:
    return demo_set


def _csv(demo_set: demo.DemoSet) -> bytes:
    return "".join(f"{r.bsn},0363,01-01-2026,\n" for r in demo_set.register[:3]).encode()


def _stuur(
    b: Bezoeker,
    inhoud: bytes,
    naam: str = "populatie.csv",
    media: str = "text/csv",
    *,
    wet: str = "wmo",
    soort: str = "mutaties",
    csrf: str | None = None,
) -> httpx.Response:
    token = csrf if csrf is not None else csrf_uit(b.get(PAGINA).text)
    data = {"csrf": token, "wet": wet, "soort": soort}
    return b.client.post(PAGINA, data=data, files={"bestand": (naam, inhoud, media)})


def _tellingen(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        aanleveringen = conn.scalar(select(func.count()).select_from(Aanlevering)) or 0
        abonnementen = conn.scalar(select(func.count()).select_from(Abonnement)) or 0
    return aanleveringen, abonnementen


def test_the_page(beheerder: Bezoeker, gevuld: demo.DemoSet) -> None:
    r = beheerder.get(PAGINA)
    assert_pagina(r, 200, "Aanleveren")
    assert 'enctype="multipart/form-data"' in r.text
    assert '<label class="veld__label" for="bestand">' in r.text
    assert "Er zijn nog geen aanleveringen." in r.text and "nog geen" in r.text
    assert 'aria-current="page">Aanleveren<' in r.text


def test_a_good_file_is_afgeleverd_and_listed_with_the_reminder_date(
    beheerder: Bezoeker, gevuld: demo.DemoSet, engine: Engine, settings: Settings
) -> None:
    r = _stuur(beheerder, _csv(gevuld))
    assert_pagina(r, 200, "Verwerkingsverslag")
    assert "<strong>afgeleverd</strong>" in r.text and "afgeleverd en verwerkt" in r.text
    assert _tellingen(engine) == (1, 3)
    lijst = beheerder.get(PAGINA)
    assert "populatie.csv" in lijst.text and "<td>afgeleverd</td>" in lijst.text
    assert "<td>01-03-2026</td><td>30-04-2026</td>" in lijst.text, "last accepted + 60 days"
    # the reminder goes when the aanlevering is more than 60 days old: the night after that date
    assert '<th scope="col">Herinnering na</th>' in lijst.text
    found = re.search(r'href="/portaal/aanleveren/([0-9]+)/verslag"', lijst.text)
    assert found is not None
    aid = found.group(1)
    assert_pagina(beheerder.get(f"{PAGINA}/{aid}"), 200, "Verwerkingsverslag")
    tekst = beheerder.get(f"{PAGINA}/{aid}/verslag")
    disposition = f'attachment; filename="verwerkingsverslag-{aid}.txt"'
    assert tekst.headers["content-disposition"] == disposition
    rest_app = create_rest_app(settings, engine, today=lambda: PEILDATUM)
    with httpx.Client(
        transport=httpx.WSGITransport(app=rest_app),
        base_url="http://t",
        auth=("0363", "demo-amsterdam"),
    ) as rest:
        api = rest.get(f"/api/v1/aanleveringen/{aid}/verslag")
    assert api.status_code == 200 and api.content == tekst.content


def test_controle_keeps_nothing(beheerder: Bezoeker, gevuld: demo.DemoSet, engine: Engine) -> None:
    r = _stuur(beheerder, _csv(gevuld), soort="controle")
    assert_pagina(r, 200, "Verwerkingsverslag")
    assert "er is niets verwerkt" in r.text and "(alleen controle)" in r.text
    assert _tellingen(engine) == (0, 0)


def test_a_bad_file_is_afgekeurd_with_its_errors(
    beheerder: Bezoeker, gevuld: demo.DemoSet, engine: Engine
) -> None:
    r = _stuur(beheerder, b"999900007,0363,01-01-2026,\n")
    assert_pagina(r, 200, "Verwerkingsverslag")
    assert "<strong>afgekeurd</strong>" in r.text and "elfproef" in r.text
    assert _tellingen(engine)[1] == 0
    assert "<td>afgekeurd</td>" in beheerder.get(PAGINA).text


@pytest.mark.parametrize(
    ("soort", "kop"),
    [
        ("mutaties", "Het bestand is afgekeurd; er is niets verwerkt."),
        ("controle", "Het bestand is gecontroleerd en heeft fouten; er is niets verwerkt."),
    ],
)
def test_a_rejected_file_is_announced_as_an_error_at_the_top(
    beheerder: Bezoeker, gevuld: demo.DemoSet, soort: str, kop: str
) -> None:
    """Found in a real browser: the rejection was a green role="status" box (the one of a
    success), and a controle that found errors said only "gecontroleerd". Now it is the error
    summary at the top (role="alert"), with the number of errors linking to their list."""
    bsn = gevuld.register[0].bsn
    r = _stuur(beheerder, f"999900007,0363,01-01-2026,\n{bsn},9999,,\n".encode(), soort=soort)
    assert_pagina(r, 200, "Verwerkingsverslag")
    overzicht = re.search(r'<div class="foutenoverzicht" role="alert".*?</div>', r.text, re.S)
    assert overzicht is not None
    assert f">{kop}</h2>" in overzicht.group(0)
    assert '<a href="#fouten-kop">2 fouten</a>' in overzicht.group(0)
    assert '<h2 id="fouten-kop">Fouten</h2>' in r.text
    assert 'role="status"' not in r.text


def test_an_accepted_file_is_announced_as_a_status(
    beheerder: Bezoeker, gevuld: demo.DemoSet
) -> None:
    r = _stuur(beheerder, _csv(gevuld))
    assert '<p class="melding" role="status">Het bestand is afgeleverd en verwerkt.</p>' in r.text
    assert 'role="alert"' not in r.text


@pytest.mark.parametrize(
    ("inhoud", "naam", "media", "melding"),
    [
        (b"", "leeg.csv", "text/csv", "Het bestand is leeg."),
        (b"PK\x03\x04", "populatie.xlsx", "application/zip", "Kies een CSV-bestand"),
        (b"%PDF-1.4", "populatie.csv", "application/pdf", "Dit is geen CSV-bestand"),
    ],
)
def test_not_a_csv_file_is_a_message_next_to_the_field(
    beheerder: Bezoeker,
    gevuld: demo.DemoSet,
    engine: Engine,
    inhoud: bytes,
    naam: str,
    media: str,
    melding: str,
) -> None:
    r = _stuur(beheerder, inhoud, naam, media)
    assert_pagina(r, 200, "Aanleveren")
    naast = r.text.split('id="bestand-fout">')[1].split("</p>")[0]
    assert melding in naast
    assert 'class="foutenoverzicht"' in r.text
    assert _tellingen(engine) == (0, 0)


def test_no_file_chosen(beheerder: Bezoeker, gevuld: demo.DemoSet, engine: Engine) -> None:
    token = csrf_uit(beheerder.get(PAGINA).text)
    data = {"csrf": token, "wet": "wmo", "soort": "mutaties"}
    leeg = {"bestand": ("", b"", "application/octet-stream")}
    r = beheerder.client.post(PAGINA, data=data, files=leeg)
    assert_pagina(r, 200, "Aanleveren")
    assert "Kies het bestand met de populatie." in r.text
    assert _tellingen(engine) == (0, 0)


def test_too_large_is_413_and_nothing_changes(
    beheerder: Bezoeker, gevuld: demo.DemoSet, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upload, "LIMIET", 1000)
    groot = _csv(gevuld) * 10_000  # over SAMENLOOP_MAX_BODY too
    r = _stuur(beheerder, groot)
    assert r.status_code == 413 and "Te groot" in r.text
    assert _tellingen(engine) == (0, 0)


def test_the_upload_limit_is_the_apis(beheerder: Bezoeker, gevuld: demo.DemoSet) -> None:
    """A file over SAMENLOOP_MAX_BODY (64 KiB) but within the aanlevering's 60 MB is taken."""
    regel = f"{gevuld.register[0].bsn},0363,01-01-2026,\n".encode()
    r = _stuur(beheerder, regel * 3000, soort="controle")
    assert_pagina(r, 200, "Verwerkingsverslag")


def test_without_csrf_nothing_changes(
    beheerder: Bezoeker, gevuld: demo.DemoSet, engine: Engine
) -> None:
    r = _stuur(beheerder, _csv(gevuld), csrf="vals")
    assert_pagina(r, 403, "Formulier verlopen")
    assert _tellingen(engine) == (0, 0)


def test_another_gemeentes_verslag_is_404(
    beheerder: Bezoeker,
    gevuld: demo.DemoSet,
    nieuwe_bezoeker: Callable[[], Bezoeker],
    engine: Engine,
) -> None:
    assert _stuur(beheerder, _csv(gevuld)).status_code == 200
    with engine.connect() as conn:
        aid = conn.scalar(select(Aanlevering.id))
    ander = nieuwe_bezoeker()
    assert ander.login(ROTTERDAMMER).status_code == 303
    for path in (f"{PAGINA}/{aid}", f"{PAGINA}/{aid}/verslag", f"{PAGINA}/999999"):
        assert_pagina(ander.get(path), 404, "Pagina niet gevonden")
    assert "populatie.csv" not in ander.get(PAGINA).text


def test_without_the_right_403(bezoeker: Bezoeker, gevuld: demo.DemoSet, engine: Engine) -> None:
    assert bezoeker.login(MEDEWERKER).status_code == 303
    assert_pagina(bezoeker.get(PAGINA), 403, "Geen toegang")
    token = csrf_uit(bezoeker.get("/portaal/").text)
    r = _stuur(bezoeker, b"999900006,0363,01-01-2026,\n", csrf=token)
    assert r.status_code == 403
    assert _tellingen(engine) == (0, 0)


def _bewaard(engine: Engine, namen: list[str], wet: str = "wmo") -> None:
    """Kept aanleveringen of 0363 (through the store's writer), in this order."""
    with engine.begin() as conn:
        gemeente = (Organisatie.rol == Rol.GEMEENTE) & (Organisatie.code == "0363")
        org = conn.scalar(select(Organisatie.id).where(gemeente))
        assert org is not None
        for naam in namen:
            v = Verslag(naam, "0363", wet, False, False, NU, PEILDATUM, 3, Aantallen(nieuw=3))
            bewaar(conn, org, v)


def test_the_list_is_paged_newest_first(
    beheerder: Bezoeker, gevuld: demo.DemoSet, engine: Engine
) -> None:
    n = pagina_aanleveren.PER_PAGINA
    _bewaard(engine, [f"bestand-{i:02d}.csv" for i in range(n + 5)])
    r = beheerder.get(PAGINA)
    assert r.text.count('/verslag" download') == n
    assert f"bestand-{n + 4:02d}.csv" in r.text and "bestand-04.csv" not in r.text
    assert "Naar de nieuwste aanleveringen" not in r.text
    oudere = re.search(r'href="(/portaal/aanleveren\?voor=[0-9]+)"', r.text)
    assert oudere is not None
    r2 = beheerder.get(oudere.group(1))
    assert_pagina(r2, 200, "Aanleveren")
    assert r2.text.count('/verslag" download') == 5
    assert "bestand-04.csv" in r2.text and "bestand-00.csv" in r2.text
    assert "bestand-05.csv" not in r2.text
    assert "Oudere aanleveringen</a>" not in r2.text
    assert '<a href="/portaal/aanleveren">Naar de nieuwste aanleveringen</a>' in r2.text


@pytest.mark.parametrize("voor", ["1", "abc", "0", "-5", "99999999999", "٣"])
def test_a_page_before_any_or_a_bad_cursor(
    beheerder: Bezoeker, gevuld: demo.DemoSet, engine: Engine, voor: str
) -> None:
    _bewaard(engine, ["bestand.csv"])
    r = beheerder.get(PAGINA, params={"voor": voor})
    assert_pagina(r, 200, "Aanleveren")
    if voor == "1":  # the only one has an id of 1 or more: nothing before it
        assert "Er zijn geen oudere aanleveringen." in r.text
    else:  # no cursor: the newest
        assert "bestand.csv" in r.text


def test_a_switched_off_wet_takes_no_place_on_a_page(
    settings: Settings, engine: Engine, gevuld: demo.DemoSet
) -> None:
    _bewaard(engine, ["wmo.csv"])
    _bewaard(engine, [f"jw-{i}.csv" for i in range(pagina_aanleveren.PER_PAGINA + 1)], wet="jw")
    app = create_portaal_app(replace(settings, jeugdwet=False), engine)
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE_URL) as client:
        b = Bezoeker(client)
        assert b.login(BEHEERDER).status_code == 303
        r = b.get(PAGINA)
    assert "wmo.csv" in r.text and "jw-" not in r.text and "Oudere aanleveringen" not in r.text
