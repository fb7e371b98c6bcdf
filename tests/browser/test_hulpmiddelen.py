"""The checks of tests/browser/sessie.py catch what they are there for (so that a green run
means something), and the portal's error pages pass them too."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import Portaal, Sessies
from tests.browser.sessie import toon_vaste_datums, urls_met_bsn


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


def test_a_screenshot_shows_todays_dates_as_the_example_day_and_only_those(
    portaal: Portaal, sessies: Sessies
) -> None:
    """The pictures show the wall clock's dates as a fixed example day; any other date (a
    register record's) stays as it is, and the page gets its real text back afterwards."""
    s = sessies("js")
    s.bezoek("/portaal/inloggen")
    echt = (
        "Ontvangen 23-11-2026 19:45:21, om 23-11-2026 19:45; afgifte 10-02-2026; "
        "wlz-signalen-0518-wmo-20261123.csv; 20261124"
    )
    s.page.evaluate(
        "(t) => { const p = document.createElement('p'); p.id = 'proef'; p.textContent = t;"
        " document.querySelector('main').append(p);"
        " document.getElementById('email').value = '23-11-2026'; }",
        echt,
    )
    toon_vaste_datums(s.page, {date(2026, 11, 23): date(2026, 3, 2)})
    assert s.page.locator("#proef").inner_text() == (
        "Ontvangen 02-03-2026 09:30:00, om 02-03-2026 09:30; afgifte 10-02-2026; "
        "wlz-signalen-0518-wmo-20260302.csv; 20261124"
    )
    assert s.page.locator("#email").input_value() == "02-03-2026", "a field's value too"
    s.page.evaluate("() => window.samenloopTerug()")
    assert s.page.locator("#proef").inner_text() == echt
    assert s.page.locator("#email").input_value() == "23-11-2026"
