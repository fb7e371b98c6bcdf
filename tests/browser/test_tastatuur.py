"""Keyboard only, and the CSP enforced with JavaScript on."""

from __future__ import annotations

from tests.browser.conftest import WACHTWOORD, Portaal, Sessies
from tests.browser.sessie import Sessie


def _focus(s: Sessie) -> str:
    return str(
        s.page.evaluate("() => document.activeElement.id || document.activeElement.className")
    )


def test_login_by_keyboard_alone_skip_link_first_focus_visible(
    portaal: Portaal, sessies: Sessies
) -> None:
    s = sessies("js")
    email = "toetsenbord@0599.demo.example"
    portaal.gebruiker_met_wachtwoord("0599", email)
    s.bezoek("/portaal/inloggen")
    page = s.page
    page.keyboard.press("Tab")
    assert _focus(s) == "overslaan", "the skip link comes first"
    stappen = 1
    while _focus(s) != "email" and stappen < 10:
        page.keyboard.press("Tab")
        stappen += 1
    assert _focus(s) == "email", "the e-mail field is reachable with Tab"
    stijl = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert stijl != "none", "the focus is visible"
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert _focus(s) == "wachtwoord"
    page.keyboard.type(WACHTWOORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    s.bekijk(None)
    assert s.pad() == "/portaal/"


def test_no_page_breaks_its_own_csp(portaal: Portaal, sessies: Sessies) -> None:
    """JavaScript on and the CSP enforced: no console message of a CSP violation (checked when
    the session closes), and the stylesheet applies (no inline style needed)."""
    s = sessies("js_csp")
    email = "csp@0599.demo.example"
    portaal.gebruiker_met_wachtwoord("0599", email)
    s.login(email, WACHTWOORD)
    for pad in ("/portaal/", "/portaal/registertoets", "/portaal/aanleveren", "/portaal/ophalen",
                "/portaal/rapporten", "/portaal/instellingen", "/portaal/gebruikers"):  # fmt: skip
        s.bezoek(pad)
        kleur = s.page.evaluate(
            "() => getComputedStyle(document.querySelector('.kop')).backgroundColor"
        )
        assert kleur == "rgb(21, 66, 115)", "portaal.css is applied under the CSP"
