"""Logging in and out, sessions, redirects, rights, CSRF, headers and cookies of the portal."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import Engine

from adapters.bodylimit import WsgiApp
from adapters.portaal.app import create_portaal_app
from adapters.portaal.kopregels import CSP
from store.gebruikers import nieuwe_link, voeg_toe_aan_gemeente
from store.portaalsessies import MISLUKT
from store.settings import Settings
from tests.portaal.conftest import (
    BASE_URL,
    BEHEERDER,
    MEDEWERKER,
    NU,
    PEILDATUM,
    WACHTWOORD,
    Bezoeker,
    Gebruikers,
    Klok,
    csrf_uit,
)

BESCHERMD = ["/portaal/", "/portaal/registertoets", "/portaal/gebruikers", "/portaal/gebruikers/1"]


def _h1(html: str) -> list[str]:
    return re.findall(r"<h1>(.*?)</h1>", html, re.S)


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found is not None
    return found.group(1)


def assert_pagina(r: httpx.Response, status: int, h1: str) -> None:
    """A whole page: status, HTML in Dutch with exactly one h1, the security headers."""
    assert r.status_code == status, r.text[:2000]
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="nl">' in r.text
    assert _h1(r.text) == [h1]
    assert "Traceback" not in r.text
    assert_kopregels(r)


def assert_kopregels(r: httpx.Response) -> None:
    assert r.headers["content-security-policy"] == CSP
    assert "script-src 'none'" in CSP and "frame-ancestors 'none'" in CSP
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("pad", BESCHERMD)
def test_a_protected_page_without_session_redirects_to_login_and_back(
    bezoeker: Bezoeker, gebruikers: Gebruikers, pad: str
) -> None:
    r = bezoeker.get(pad)
    assert r.status_code == 303
    assert_kopregels(r)
    login = r.headers["location"]
    assert urlsplit(login).path == "/portaal/inloggen"
    assert parse_qs(urlsplit(login).query)["volgende"] == [pad]
    pagina = bezoeker.get(login)
    assert_pagina(pagina, 200, "Inloggen")
    assert f'value="{pad}"' in pagina.text  # the way back rides along in the form
    r = bezoeker.post(
        "/portaal/inloggen",
        {"email": BEHEERDER, "wachtwoord": WACHTWOORD, "volgende": pad},
        csrf=csrf_uit(pagina.text),
    )
    assert (r.status_code, r.headers["location"]) == (303, pad)


@pytest.mark.parametrize(
    "volgende",
    [
        "https://evil.example/portaal/",
        "//evil.example/portaal/",
        "/\\evil.example",
        "/api/v1/registertoets",
        "/portaal/../api/v1/signalen",
        "/portaal/%2E%2e/api/v1/signalen",
        "javascript:alert(1)",
        "",
    ],
)
def test_login_goes_back_only_to_a_page_of_the_portal(
    bezoeker: Bezoeker, gebruikers: Gebruikers, volgende: str
) -> None:
    data = {"email": BEHEERDER, "wachtwoord": WACHTWOORD, "volgende": volgende}
    r = bezoeker.post("/portaal/inloggen", data)
    assert (r.status_code, r.headers["location"]) == (303, "/portaal/")


def test_every_page_answers_as_a_logged_in_user_and_the_menu_follows_the_rights(
    beheerder: Bezoeker, nieuwe_bezoeker: Callable[[], Bezoeker], gebruikers: Gebruikers
) -> None:
    pages = {
        "/portaal/": "Welkom bij Samenloop",
        "/portaal/registertoets": "Registertoets",
        "/portaal/gebruikers": "Gebruikers",
        f"/portaal/gebruikers/{gebruikers.medewerker}": f"Gebruiker {MEDEWERKER}",
    }
    for pad, h1 in pages.items():
        assert_pagina(beheerder.get(pad), 200, h1)
    home = beheerder.get("/portaal/").text
    assert 'href="/portaal/registertoets"' in home and 'href="/portaal/gebruikers"' in home
    medewerker = nieuwe_bezoeker()
    medewerker.login(MEDEWERKER)
    home = medewerker.get("/portaal/").text
    assert 'href="/portaal/registertoets"' in home
    assert 'href="/portaal/gebruikers"' not in home
    for pad in ("/portaal/gebruikers", f"/portaal/gebruikers/{gebruikers.medewerker}"):
        assert_pagina(medewerker.get(pad), 403, "Geen toegang")
    r = medewerker.post(
        f"/portaal/gebruikers/{gebruikers.beheerder}/blokkeren", {}, csrf=csrf_uit(home)
    )
    assert_pagina(r, 403, "Geen toegang")
    assert beheerder.get("/portaal/").status_code == 200  # nothing changed


def test_a_user_without_rights_sees_no_menu(
    engine: Engine, nieuwe_bezoeker: Callable[[], Bezoeker], gebruikers: Gebruikers
) -> None:
    nieuw = voeg_toe_aan_gemeente(engine, "0363", "niets@amsterdam.example", [], NU)
    from store.wachtwoordlinks import stel_in

    stel_in(engine, nieuw.token, WACHTWOORD, NU)
    b = nieuwe_bezoeker()
    b.login("niets@amsterdam.example")
    home = b.get("/portaal/")
    assert_pagina(home, 200, "Welkom bij Samenloop")
    assert "Hoofdmenu" not in home.text and "nog geen rechten" in home.text
    assert_pagina(b.get("/portaal/registertoets"), 403, "Geen toegang")


def test_login_page_and_errors(bezoeker: Bezoeker, gebruikers: Gebruikers) -> None:
    assert_pagina(bezoeker.get("/portaal/inloggen"), 200, "Inloggen")
    r = bezoeker.post("/portaal/inloggen", {"email": "", "wachtwoord": ""})
    assert_pagina(r, 200, "Inloggen")
    assert "Vul uw e-mailadres in." in r.text and "Vul uw wachtwoord in." in r.text
    assert 'href="#email"' in r.text  # summarised at the top, linked to the field
    r = bezoeker.post("/portaal/inloggen", {"email": BEHEERDER, "wachtwoord": "fout fout fout"})
    assert_pagina(r, 200, "Inloggen")
    assert MISLUKT in r.text
    assert "fout fout fout" not in r.text  # a password is never sent back
    assert bezoeker.get("/portaal/").status_code == 303


def test_login_renews_the_session_id_and_logout_ends_it_for_good(
    bezoeker: Bezoeker, nieuwe_bezoeker: Callable[[], Bezoeker], gebruikers: Gebruikers
) -> None:
    bezoeker.login(BEHEERDER)
    eerste = bezoeker.client.cookies["samenloop_sessie"]
    # Logged in again (the login page from before, the session cookie still there): a new id.
    data = {"email": BEHEERDER, "wachtwoord": WACHTWOORD}
    formulier = bezoeker.client.cookies["samenloop_formulier"]
    assert bezoeker.post("/portaal/inloggen", data, csrf=formulier).status_code == 303
    tweede = bezoeker.client.cookies["samenloop_sessie"]
    assert tweede != eerste
    replay = nieuwe_bezoeker()
    replay.client.cookies.set("samenloop_sessie", eerste, domain="samenloop.test", path="/portaal/")
    assert replay.get("/portaal/").status_code == 303
    r = bezoeker.post("/portaal/uitloggen", {})
    assert (r.status_code, r.headers["location"]) == (303, "/portaal/inloggen?melding=uitgelogd")
    assert "samenloop_sessie" not in bezoeker.client.cookies
    assert "U bent uitgelogd." in bezoeker.get(r.headers["location"]).text
    replay.client.cookies.set("samenloop_sessie", tweede, domain="samenloop.test", path="/portaal/")
    assert replay.get("/portaal/").status_code == 303  # the replayed cookie no longer works


def test_a_fixed_session_id_from_before_the_login_is_not_kept(
    bezoeker: Bezoeker, gebruikers: Gebruikers
) -> None:
    bezoeker.client.cookies.set(
        "samenloop_sessie", "door-een-aanvaller", domain="samenloop.test", path="/portaal/"
    )
    bezoeker.login(BEHEERDER)
    assert bezoeker.client.cookies["samenloop_sessie"] != "door-een-aanvaller"


def test_logged_in_user_on_the_login_page_goes_home(beheerder: Bezoeker) -> None:
    assert beheerder.get("/portaal/inloggen").headers["location"] == "/portaal/"


def test_sessions_expire_idle_and_at_most(
    beheerder: Bezoeker, klok: Klok, gebruikers: Gebruikers
) -> None:
    klok.verder(minutes=29)
    assert beheerder.get("/portaal/").status_code == 200
    klok.verder(minutes=30)
    assert beheerder.get("/portaal/").status_code == 303  # 30 minutes idle
    beheerder.login(BEHEERDER)
    for _ in range(23):  # a page every 20 minutes
        klok.verder(minutes=20)
        assert beheerder.get("/portaal/").status_code == 200
    klok.verder(minutes=20)  # 8 hours after the login
    assert beheerder.get("/portaal/").status_code == 303


def test_lockout_through_the_login_form(bezoeker: Bezoeker, klok: Klok, gebruikers: Gebruikers):  # type: ignore[no-untyped-def]
    for _ in range(5):
        bezoeker.post("/portaal/inloggen", {"email": BEHEERDER, "wachtwoord": "niet het goede"})
    r = bezoeker.login(BEHEERDER)
    assert r.status_code == 200 and MISLUKT in r.text
    klok.verder(minutes=15)
    assert bezoeker.login(BEHEERDER).status_code == 303


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    beheerder: Bezoeker, nieuwe_bezoeker: Callable[[], Bezoeker], gebruikers: Gebruikers
) -> None:
    pad = f"/portaal/gebruikers/{gebruikers.medewerker}/blokkeren"
    for token in ("", "verkeerd", csrf_uit(nieuwe_bezoeker().get("/portaal/inloggen").text)):
        r = beheerder.post(pad, {}, csrf=token)
        assert_pagina(r, 403, "Formulier verlopen")
        assert "Er is niets gewijzigd" in r.text
    r = beheerder.client.post(pad, data={})  # no token at all
    assert_pagina(r, 403, "Formulier verlopen")
    r = beheerder.client.post(pad, content=b"{}", headers={"Content-Type": "application/json"})
    assert r.status_code == 403
    assert "actief" in beheerder.get(f"/portaal/gebruikers/{gebruikers.medewerker}").text
    r = beheerder.post("/portaal/uitloggen", {}, csrf="verkeerd")
    assert r.status_code == 403
    assert beheerder.get("/portaal/").status_code == 200  # still logged in


def test_the_login_form_needs_its_token_too(bezoeker: Bezoeker, gebruikers: Gebruikers) -> None:
    data = {"email": BEHEERDER, "wachtwoord": WACHTWOORD, "csrf": "verzonnen"}
    r = bezoeker.client.post("/portaal/inloggen", data=data)
    assert_pagina(r, 403, "Formulier verlopen")
    assert "samenloop_sessie" not in bezoeker.client.cookies


def test_no_state_change_on_get(beheerder: Bezoeker, gebruikers: Gebruikers) -> None:
    for pad in ("/portaal/uitloggen", f"/portaal/gebruikers/{gebruikers.medewerker}/blokkeren"):
        r = beheerder.get(pad)
        assert r.status_code == 405
        assert_kopregels(r)
    assert "actief" in beheerder.get(f"/portaal/gebruikers/{gebruikers.medewerker}").text
    assert beheerder.get("/portaal/").status_code == 200


def test_unknown_pages_and_the_bare_prefix(beheerder: Bezoeker) -> None:
    assert_pagina(beheerder.get("/portaal/bestaat-niet"), 404, "Pagina niet gevonden")
    assert_pagina(beheerder.get("/portaal/gebruikers/abc"), 404, "Pagina niet gevonden")
    assert beheerder.get("/portaal").headers["location"] == "/portaal/"


def test_cookies_are_httponly_samesite_lax_and_not_secure_over_plain_http(
    bezoeker: Bezoeker, gebruikers: Gebruikers
) -> None:
    r = bezoeker.login(BEHEERDER)
    cookie = next(c for c in r.headers.get_list("set-cookie") if "samenloop_sessie" in c)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/portaal/" in cookie
    assert "Secure" not in cookie
    assert "Max-Age" not in cookie and "Expires" not in cookie  # the server ends sessions


def test_over_https_cookies_are_secure_and_hsts_is_sent(
    settings: Settings, engine: Engine, gebruikers: Gebruikers, klok: Klok
) -> None:
    https = Settings(database_url=settings.database_url, public_url="https://samenloop.example")
    app: WsgiApp = create_portaal_app(https, engine, nu=klok, vandaag=lambda: PEILDATUM)
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE_URL) as client:
        page = client.get("/portaal/inloggen")
        form_cookie = page.headers["set-cookie"]
        assert (
            "Secure" in form_cookie and "HttpOnly" in form_cookie and "SameSite=Lax" in form_cookie
        )
        assert page.headers["strict-transport-security"].startswith("max-age=")
        data = {"email": BEHEERDER, "wachtwoord": WACHTWOORD, "csrf": csrf_uit(page.text)}
        r = client.post(
            "/portaal/inloggen",
            data=data,
            headers={"Cookie": f"samenloop_formulier={client.cookies['samenloop_formulier']}"},
        )
        cookie = next(c for c in r.headers.get_list("set-cookie") if "samenloop_sessie" in c)
        assert "Secure" in cookie


def test_the_stylesheet_is_served_with_the_headers(bezoeker: Bezoeker) -> None:
    r = bezoeker.get("/portaal/static/portaal.css")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/css")
    assert ":focus-visible" in r.text
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["content-security-policy"] == CSP
    assert bezoeker.get("/portaal/static/../app.py").status_code == 404


def test_no_page_has_inline_script_or_style(beheerder: Bezoeker, gebruikers: Gebruikers) -> None:
    for pad in ("/portaal/", "/portaal/registertoets", "/portaal/gebruikers", "/portaal/x"):
        html = beheerder.get(pad).text
        assert "<script" not in html and "<style" not in html and " style=" not in html
        assert " on" not in re.sub(r"[^<]*", "", html)  # no onclick= and the like
    assert "<script" not in beheerder.get("/portaal/inloggen").text


def test_a_body_over_the_maximum_is_refused_before_the_page(
    beheerder: Bezoeker, gebruikers: Gebruikers, settings: Settings
) -> None:
    r = beheerder.client.post(
        "/portaal/registertoets",
        content=b"bsn=" + b"9" * (settings.max_body + 1),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413
    assert_kopregels(r)
    assert "<h1>Te groot</h1>" in r.text


def test_a_new_link_for_a_logged_in_user_does_not_end_the_session_until_used(
    engine: Engine, beheerder: Bezoeker, gebruikers: Gebruikers
) -> None:
    org = int(_org_id(engine, gebruikers.beheerder))
    nieuwe_link(engine, org, gebruikers.beheerder, NU)
    assert beheerder.get("/portaal/").status_code == 200


def _org_id(engine: Engine, gebruiker_id: int) -> int:
    from sqlalchemy import select

    from store.models_portaal import Gebruiker

    with engine.connect() as conn:
        found = conn.scalar(select(Gebruiker.organisatie_id).where(Gebruiker.id == gebruiker_id))
    assert found is not None
    return int(found)


def test_requests_are_logged_by_route_and_organisation_without_a_bsn_or_token(
    beheerder: Bezoeker, gebruikers: Gebruikers, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.logcheck import leak

    caplog.set_level("INFO", logger="samenloop.request")
    beheerder.get(f"/portaal/gebruikers/{gebruikers.medewerker}")
    beheerder.get("/portaal/static/portaal.css")
    beheerder.post("/portaal/registertoets", {"bsn": "999900006", "wet": "wmo"})
    lines = [
        getattr(r, "samenloop_fields", "") for r in caplog.records if r.name == "samenloop.request"
    ]
    assert any(
        '"path":"/portaal/gebruikers/{id}","operation":"portaal.gebruiker.get","organisation":"0363"'
        in line
        for line in lines
    ), lines
    assert any('"operation":"portaal.static"' in line for line in lines)
    assert any('"operation":"portaal.registertoets.post"' in line for line in lines)
    assert all(leak(line, ()) is None for line in lines)


def test_the_service_mounts_the_portal_under_its_prefix_only(
    settings: Settings, engine: Engine, gebruikers: Gebruikers
) -> None:
    from adapters.wsgi import create_app

    app = create_app(settings, engine)
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE_URL) as client:
        assert_pagina(client.get("/portaal/inloggen"), 200, "Inloggen")
        assert client.get("/portaal").headers["location"] == "/portaal/"
        assert client.get("/portaal/").status_code == 303
        other = client.get("/portaalx")
        assert other.status_code == 404
        assert other.headers["content-type"] == "application/problem+json"  # REST's 404
        assert client.get("/health").status_code == 200
