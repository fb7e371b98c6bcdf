"""Gebruikers (the gebruikersbeheerder's page) and Wachtwoord instellen (the link's page)."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.portaal.conftest import (
    BEHEERDER,
    MEDEWERKER,
    ROTTERDAMMER,
    WACHTWOORD,
    Bezoeker,
    Gebruikers,
    Klok,
)
from tests.portaal.test_toegang import assert_pagina

NIEUW = "nieuw@amsterdam.example"


def _link(html: str) -> str:
    found = re.search(r'id="link"[^>]*value="([^"]+)"', html)
    assert found is not None, "no link on the page"
    return found.group(1).replace("&amp;", "&")


def _pad(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def test_the_list_shows_the_own_organisations_users_only(
    beheerder: Bezoeker, gebruikers: Gebruikers
) -> None:
    r = beheerder.get("/portaal/gebruikers")
    assert_pagina(r, 200, "Gebruikers")
    assert BEHEERDER in r.text and MEDEWERKER in r.text
    assert ROTTERDAMMER not in r.text
    assert "(2)" in r.text  # the count in the caption
    assert "aanleveren, gebruikersbeheer, instellingen, ophalen, rapporten, registertoets" in r.text


def test_add_a_user_shows_the_link_once_and_the_link_sets_a_password(
    beheerder: Bezoeker, nieuwe_bezoeker: Callable[[], Bezoeker], gebruikers: Gebruikers
) -> None:
    r = beheerder.post("/portaal/gebruikers", {"email": NIEUW, "rechten": ["ophalen", "rapporten"]})
    assert_pagina(r, 200, "Gebruiker toegevoegd")
    link = _link(r.text)
    assert link.startswith("http://127.0.0.1:8080/portaal/wachtwoord?token=")
    assert "Rechten: ophalen, rapporten." in r.text
    assert "wachtwoord nog niet ingesteld" in beheerder.get("/portaal/gebruikers").text
    nieuw = nieuwe_bezoeker()
    page = nieuw.get(_pad(link))
    assert_pagina(page, 200, "Wachtwoord instellen")
    assert NIEUW in page.text
    token = parse_qs(urlsplit(link).query)["token"][0]
    r = nieuw.post(
        "/portaal/wachtwoord",
        {"token": token, "wachtwoord": "kort", "herhaling": "kort"},
        csrf=_csrf(page.text),
    )
    assert_pagina(r, 200, "Wachtwoord instellen")
    assert "minstens 12 tekens" in r.text
    r = nieuw.post(
        "/portaal/wachtwoord",
        {"token": token, "wachtwoord": WACHTWOORD, "herhaling": "iets anders"},
        csrf=_csrf(page.text),
    )
    assert "De twee wachtwoorden zijn niet gelijk." in r.text
    r = nieuw.post(
        "/portaal/wachtwoord",
        {"token": token, "wachtwoord": WACHTWOORD, "herhaling": WACHTWOORD},
        csrf=_csrf(page.text),
    )
    assert (r.status_code, r.headers["location"]) == (303, "/portaal/inloggen?melding=wachtwoord")
    assert "Uw wachtwoord is ingesteld." in nieuw.get(r.headers["location"]).text
    assert nieuw.login(NIEUW).status_code == 303
    home = nieuw.get("/portaal/").text
    assert 'href="/portaal/registertoets"' not in home  # only what was granted


def _csrf(html: str) -> str:
    from tests.portaal.conftest import csrf_uit

    return csrf_uit(html)


def test_a_link_used_twice_or_after_24_hours_says_so_in_dutch(
    beheerder: Bezoeker, nieuwe_bezoeker: Callable[[], Bezoeker], gebruikers: Gebruikers, klok: Klok
) -> None:
    link = _link(beheerder.post("/portaal/gebruikers", {"email": NIEUW}).text)
    token = parse_qs(urlsplit(link).query)["token"][0]
    b = nieuwe_bezoeker()
    page = b.get(_pad(link))
    data = {"token": token, "wachtwoord": WACHTWOORD, "herhaling": WACHTWOORD}
    assert b.post("/portaal/wachtwoord", data, csrf=_csrf(page.text)).status_code == 303
    again = b.get(_pad(link))
    assert_pagina(again, 200, "Wachtwoord instellen")
    assert (
        "Deze link is al gebruikt." in again.text
        and '<form method="post" action="/portaal/wachtwoord"' not in again.text
    )
    r = b.post(
        "/portaal/wachtwoord",
        {**data, "wachtwoord": "een ander wachtwoord", "herhaling": "een ander wachtwoord"},
        csrf=_csrf(page.text),
    )
    assert "Deze link is al gebruikt." in r.text
    assert b.login(NIEUW).status_code == 303  # the first password still holds
    later = _link(beheerder.post(f"/portaal/gebruikers/{_id(beheerder, NIEUW)}/link", {}).text)
    klok.verder(hours=24)
    verlopen = nieuwe_bezoeker().get(_pad(later))
    assert "Deze link is verlopen: een link is 24 uur geldig." in verlopen.text
    assert "ongeldig" in nieuwe_bezoeker().get("/portaal/wachtwoord?token=verzonnen").text
    assert "ongeldig" in nieuwe_bezoeker().get("/portaal/wachtwoord").text


def _id(b: Bezoeker, email: str) -> int:
    found = re.search(
        rf'href="/portaal/gebruikers/(\d+)">{re.escape(email)}<', b.get("/portaal/gebruikers").text
    )
    assert found is not None
    return int(found.group(1))


def test_a_user_added_twice_or_a_bad_address_is_refused_next_to_the_field(
    beheerder: Bezoeker, gebruikers: Gebruikers
) -> None:
    for email, melding in (
        (MEDEWERKER.upper(), "Er is al een gebruiker met dit e-mailadres."),
        (ROTTERDAMMER, "Er is al een gebruiker met dit e-mailadres."),
        ("geen adres", "Dit is geen geldig e-mailadres"),
        ("", "Vul het e-mailadres in."),
    ):
        r = beheerder.post("/portaal/gebruikers", {"email": email})
        assert_pagina(r, 200, "Gebruikers")
        veld = r.text.split('id="email-fout">', 1)[1].split("</p>", 1)[0]
        assert melding in veld, (email, veld)
        assert 'href="#email"' in r.text
    assert "(2)" in beheerder.get("/portaal/gebruikers").text


def test_a_right_not_in_the_list_is_refused_without_repeating_it(
    beheerder: Bezoeker, gebruikers: Gebruikers
) -> None:
    pad = f"/portaal/gebruikers/{gebruikers.medewerker}"
    for rechten in (["registertoets", "beheer<b>"], ["superuser"]):
        r = beheerder.post(pad + "/rechten", {"rechten": rechten})
        assert_pagina(r, 200, f"Gebruiker {MEDEWERKER}")
        veld = r.text.split('id="rechten-fout">', 1)[1].split("</p>", 1)[0]
        assert "Kies alleen rechten uit de lijst." in veld
        assert "superuser" not in r.text and "beheer&lt;b&gt;" not in r.text
    r = beheerder.post("/portaal/gebruikers", {"email": NIEUW, "rechten": ["superuser"]})
    assert "Kies alleen rechten uit de lijst." in r.text and "superuser" not in r.text
    assert NIEUW not in beheerder.get("/portaal/gebruikers").text  # nothing added


def test_grant_and_revoke_rights_take_effect_at_the_next_page(
    beheerder: Bezoeker, nieuwe_bezoeker: Callable[[], Bezoeker], gebruikers: Gebruikers
) -> None:
    medewerker = nieuwe_bezoeker()
    medewerker.login(MEDEWERKER)
    assert medewerker.get("/portaal/registertoets").status_code == 200
    pad = f"/portaal/gebruikers/{gebruikers.medewerker}"
    r = beheerder.post(pad + "/rechten", {"rechten": ["gebruikersbeheer"]})
    assert (r.status_code, r.headers["location"]) == (303, pad + "?gewijzigd=rechten")
    assert "De rechten zijn opgeslagen." in beheerder.get(r.headers["location"]).text
    assert medewerker.get("/portaal/registertoets").status_code == 403
    assert medewerker.get("/portaal/gebruikers").status_code == 200


def test_the_last_gebruikersbeheerder_cannot_lose_the_right_or_be_blocked(
    beheerder: Bezoeker, gebruikers: Gebruikers
) -> None:
    pad = f"/portaal/gebruikers/{gebruikers.beheerder}"
    r = beheerder.post(pad + "/rechten", {"rechten": ["registertoets"]})
    assert_pagina(r, 200, f"Gebruiker {BEHEERDER}")
    assert "laatste gebruikersbeheerder" in r.text.split('id="rechten-fout">', 1)[1]
    r = beheerder.post(pad + "/blokkeren", {})
    assert_pagina(r, 200, f"Gebruiker {BEHEERDER}")
    assert "laatste gebruikersbeheerder" in r.text
    assert beheerder.get("/portaal/gebruikers").status_code == 200


def test_block_ends_the_users_sessions_and_unblock_lets_in_again(
    beheerder: Bezoeker, nieuwe_bezoeker: Callable[[], Bezoeker], gebruikers: Gebruikers
) -> None:
    medewerker = nieuwe_bezoeker()
    medewerker.login(MEDEWERKER)
    pad = f"/portaal/gebruikers/{gebruikers.medewerker}"
    r = beheerder.post(pad + "/blokkeren", {})
    assert r.headers["location"] == pad + "?gewijzigd=geblokkeerd"
    assert "geblokkeerd" in beheerder.get(pad).text
    assert medewerker.get("/portaal/").status_code == 303
    assert medewerker.login(MEDEWERKER).status_code == 200  # refused
    assert beheerder.post(pad + "/deblokkeren", {}).status_code == 303
    assert medewerker.login(MEDEWERKER).status_code == 303


@pytest.mark.parametrize("actie", ["", "/rechten", "/blokkeren", "/deblokkeren", "/link"])
def test_another_organisations_user_is_404_whatever_the_url(
    beheerder: Bezoeker, nieuwe_bezoeker: Callable[[], Bezoeker], gebruikers: Gebruikers, actie: str
) -> None:
    home = beheerder.get("/portaal/").text
    for doel in (gebruikers.rotterdammer, 999_999):
        pad = f"/portaal/gebruikers/{doel}{actie}"
        if actie:
            r = beheerder.post(pad, {"rechten": ["registertoets"]}, csrf=_csrf(home))
        else:
            r = beheerder.get(pad)
        assert_pagina(r, 404, "Pagina niet gevonden")
    rotterdam = nieuwe_bezoeker()
    rotterdam.login(ROTTERDAMMER)
    assert rotterdam.get("/portaal/").status_code == 200  # not blocked, rights unchanged
    assert "gebruikersbeheer" in rotterdam.get("/portaal/gebruikers").text
