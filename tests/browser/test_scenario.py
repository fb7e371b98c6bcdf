"""A gemeente's first user, as a person does it in a real browser, with and without JavaScript:
the operator's one-time link, a password, the login, a registertoets, Gebruikers, logout.

The run with JavaScript (the axe context) checks every page with axe-core and writes the
screenshots of docs/screenshots/ (for docs/portaal-handleiding.md); it works in gemeente 0363
alone, so that the pictures come out the same on every run. Other tests use 0599 and 0344
(and the end-to-end scenario 0518 and 0307, registered by itself).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import WACHTWOORD, Portaal, Sessies

VERKEERD = "Onjuist e-mailadres of wachtwoord."
MENU = ("Registertoets", "Aanleveren", "Ophalen", "Rapporten", "Instellingen", "Gebruikers")


@pytest.mark.parametrize("soort", ["js", "nojs"])
def test_first_user_sets_a_password_logs_in_checks_a_bsn_adds_a_user_and_logs_out(
    portaal: Portaal, sessies: Sessies, soort: str
) -> None:
    js = soort == "js"
    gemeente, email = (
        ("0363", "productbeheer@0363.demo.example") if js else ("0599", "pb@0599.demo.example")
    )
    link = portaal.gebruiker_add(gemeente, email)
    assert link.startswith(portaal.base + "/portaal/wachtwoord?token=")
    s = sessies(soort, screenshots=js)
    page = s.page

    # The link from the CLI opens the page to set a password.
    s.bezoek(link, "wachtwoord-instellen")
    assert email in page.locator("main").inner_text()
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(WACHTWOORD)
    page.get_by_label("Herhaal het nieuwe wachtwoord", exact=True).fill(WACHTWOORD)
    s.verstuur("Wachtwoord instellen", "inloggen-na-wachtwoord")
    assert s.pad() == "/portaal/inloggen?melding=wachtwoord"
    assert "Uw wachtwoord is ingesteld." in page.get_by_role("status").inner_text()

    # The link worked once.
    s.bezoek(link)
    assert "Deze link is al gebruikt" in page.locator("main").inner_text()

    # Log in: the start page with the menu.
    s.login(email, WACHTWOORD, "startpagina")
    assert s.pad() == "/portaal/"
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    # The spec's names in the spec's order (pages built in parallel join in between).
    items = menu.get_by_role("link").all_inner_texts()
    assert items == [naam for naam in MENU if naam in items]
    assert {"Registertoets", "Gebruikers"} <= set(items)
    for cookie in page.context.cookies():
        assert cookie["httpOnly"], cookie["name"]
        assert cookie["sameSite"] == "Lax", cookie["name"]
        assert cookie["path"] == "/portaal/", cookie["name"]
        assert not cookie["secure"], "http://: development, so not Secure"
    assert {c["name"] for c in page.context.cookies()} >= {"samenloop_sessie"}

    # Registertoets for a demo BSN with zorg information: advies JA by rule A6.
    with page.expect_navigation():
        menu.get_by_role("link", name="Registertoets").click()
    s.bekijk("registertoets")
    bsn = portaal.demo.register[0].bsn
    page.get_by_label("BSN", exact=True).fill(bsn)
    page.get_by_label("Wmo 2015").check()
    s.verstuur("Toetsen", "registertoets-uitslag")
    assert s.pad() == "/portaal/registertoets"  # the BSN went in the body
    uitslag = page.get_by_role("region", name="Uitslag")
    assert page.locator(".advies").inner_text() == "JA"
    assert re.search(r"Regel\s+A6", uitslag.inner_text())
    assert "Verblijf" in uitslag.inner_text()

    # Gebruikers: the own gemeente's users; add one, see its one-time link.
    with page.expect_navigation():
        menu.get_by_role("link", name="Gebruikers").click()
    s.bekijk("gebruikers")
    assert email in page.get_by_role("table").inner_text()
    nieuw = f"wmo-loket@{gemeente}.demo.example"
    page.get_by_label("E-mailadres").fill(nieuw)
    page.get_by_label("Registertoets: een BSN toetsen").check()
    s.verstuur("Gebruiker toevoegen", "gebruiker-toegevoegd")
    assert page.get_by_role("heading", level=1).inner_text() == "Gebruiker toegevoegd"
    nieuwe_link = page.get_by_label("Link om het wachtwoord in te stellen").input_value()
    assert urlsplit(nieuwe_link).path == "/portaal/wachtwoord"
    assert nieuwe_link.startswith(portaal.base)
    with page.expect_navigation():
        page.get_by_role("link", name="Naar de gebruiker").click()
    s.bekijk("gebruiker")
    assert page.get_by_role("checkbox", name="Registertoets: een BSN toetsen").is_checked()

    # Log out: back at Inloggen, and the pages behind the login are closed.
    s.verstuur("Uitloggen", "uitgelogd")
    assert s.pad() == "/portaal/inloggen?melding=uitgelogd"
    s.bezoek("/portaal/gebruikers")
    assert s.pad().startswith("/portaal/inloggen")


@pytest.mark.parametrize("soort", ["js", "nojs"])
def test_a_wrong_password_gets_the_generic_message(
    portaal: Portaal, sessies: Sessies, soort: str
) -> None:
    email = f"fout-{soort}@0344.demo.example"
    s = sessies(soort, screenshots=soort == "js")
    portaal.gebruiker_met_wachtwoord("0344", email)
    s.bezoek("/portaal/inloggen", "inloggen")
    s.login(email, WACHTWOORD + " maar fout", "inloggen-fout")
    assert s.pad() == "/portaal/inloggen"
    assert VERKEERD in s.page.locator("main").inner_text()
    s.login(f"onbekend-{soort}@0344.demo.example", WACHTWOORD)
    assert VERKEERD in s.page.locator("main").inner_text()


def test_form_errors_are_next_to_the_field_and_summarised_at_the_top(
    portaal: Portaal, sessies: Sessies
) -> None:
    """The error states pass axe too: an empty login, and a BSN that fails the elfproef."""
    s = sessies("js", screenshots=True)
    s.bezoek("/portaal/inloggen")
    s.verstuur("Inloggen", "inloggen-leeg")
    overzicht = s.page.get_by_role("alert")
    assert "Er is iets niet goed" in overzicht.inner_text()
    assert s.page.get_by_label("E-mailadres").get_attribute("aria-invalid") == "true"
    email = "formulieren@0344.demo.example"
    portaal.gebruiker_met_wachtwoord("0344", email)
    s.login(email, WACHTWOORD)
    s.bezoek("/portaal/registertoets")
    s.page.get_by_label("BSN", exact=True).fill("999900007")
    s.verstuur("Toetsen", "registertoets-fout")
    veld = s.page.get_by_label("BSN", exact=True)
    assert veld.get_attribute("aria-invalid") == "true"
    assert "elfproef" in s.page.locator("#bsn-fout").inner_text()
    assert "elfproef" in s.page.get_by_role("alert").inner_text()
