"""The checks of tests/browser/sessie.py catch what they are there for (so that a green run
means something), and the portal's error pages pass them too."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Portaal, Sessies
from tests.browser.sessie import urls_met_bsn


def test_a_bsn_in_a_url_is_found() -> None:
    urls = [
        "http://127.0.0.1:1/portaal/registertoets",
        "http://127.0.0.1:1/portaal/x?bsn=999900006",  # a test BSN
        "http://127.0.0.1:1/portaal/x/123456782",  # 9 digits passing the elfproef
        "http://127.0.0.1:1/portaal/gebruikers/123456789",  # fails the elfproef
        "http://127.0.0.1:1/portaal/x?n=1234567820",  # 10 digits: no BSN
    ]
    assert urls_met_bsn(urls, frozenset({"999900006"})) == urls[1:3]


def test_axe_reports_a_serious_violation(portaal: Portaal, sessies: Sessies) -> None:
    s = sessies("js")
    s.bezoek("/portaal/inloggen")
    s.page.evaluate("() => { document.querySelector('label[for=email]').remove(); }")
    with pytest.raises(AssertionError, match="label"):
        s.axe("zonder-label")


def test_error_pages_pass_the_checks(portaal: Portaal, sessies: Sessies) -> None:
    s = sessies("js")
    email = "fouten@0344.demo.example"
    portaal.gebruiker_met_wachtwoord("0344", email)
    s.login(email, "een lange zin als wachtwoord")
    for pad in ("/portaal/bestaat-niet", "/portaal/gebruikers/999999"):
        response = s.bezoek(pad)
        assert response.status == 404
