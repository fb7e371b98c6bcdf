"""Bad input on Rapporten and Aanleveren, in a real browser with and without JavaScript: the
Dutch message next to the field and in the summary at the top, the field marked invalid, and
nothing sent or stored (portaal.md: errors next to the field and summarised at the top)."""

from __future__ import annotations

import pytest
from playwright.sync_api import FilePayload

from tests.browser.conftest import WACHTWOORD, Portaal, Sessies
from tests.browser.sessie import Sessie

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _fout_bij(s: Sessie, label: str, veld: str, melding: str) -> None:
    """The message next to the field (which points to it) and in the summary at the top."""
    invoer = s.page.get_by_label(label, exact=True)
    assert invoer.get_attribute("aria-invalid") == "true"
    assert f"{veld}-fout" in (invoer.get_attribute("aria-describedby") or "")
    naast = s.page.locator(f"#{veld}-fout").text_content() or ""
    assert " ".join(naast.split()) == f"Fout: {melding}"  # "Fout:" for screen readers
    assert f"{label}: {melding}" in s.page.get_by_role("alert").inner_text()


def _periode(s: Sessie, van: str, tot: str) -> None:
    s.page.get_by_label("Van", exact=True).fill(van)
    s.page.get_by_label("Tot en met", exact=True).fill(tot)
    s.verstuur("Download Aantal Wlz signalen")  # a page, not a download
    assert s.pad().startswith("/portaal/rapporten/aantal-signalen?")


def _upload(s: Sessie, bestand: FilePayload | None) -> None:
    if bestand is not None:
        s.page.get_by_label("Bestand (CSV)").set_input_files(files=[bestand])
    s.verstuur("Versturen")
    assert s.pad() == "/portaal/aanleveren"
    assert s.page.get_by_role("heading", level=1).inner_text() == "Aanleveren"


@pytest.mark.parametrize("soort", ["js", "nojs"])
def test_bad_input_is_a_message_next_to_the_field_and_nothing_happens(
    portaal: Portaal, sessies: Sessies, soort: str
) -> None:
    email = f"invoer-{soort}@0344.demo.example"
    portaal.gebruiker_met_wachtwoord("0344", email)
    s = sessies(soort)
    s.login(email, WACHTWOORD)

    # Rapporten: van after tot; a day that is not in the calendar.
    s.bezoek("/portaal/rapporten")
    _periode(s, "10-03-2026", "09-03-2026")
    _fout_bij(s, "Van", "van", "Van ligt na tot en met; van en tot tellen allebei mee.")
    assert s.page.get_by_label("Tot en met", exact=True).get_attribute("aria-invalid") is None
    assert s.page.get_by_label("Van", exact=True).input_value() == "10-03-2026", "kept"
    _periode(s, "31-02-2026", "09-03-2026")
    _fout_bij(s, "Van", "van", "bestaat niet in de kalender")

    # Aanleveren: no file, a spreadsheet, a CSV file without content.
    s.bezoek("/portaal/aanleveren")
    _upload(s, None)
    _fout_bij(s, "Bestand (CSV)", "bestand", "Kies het bestand met de populatie.")
    _upload(s, {"name": "populatie.xlsx", "mimeType": XLSX, "buffer": b"PK\x03\x04"})
    _fout_bij(s, "Bestand (CSV)", "bestand", "Kies een CSV-bestand (de naam eindigt op .csv).")
    _upload(s, {"name": "populatie.csv", "mimeType": "text/csv", "buffer": b""})
    _fout_bij(s, "Bestand (CSV)", "bestand", "Het bestand is leeg.")
    # None of them became an aanlevering.
    assert "Er zijn nog geen aanleveringen." in s.page.locator("main").inner_text()
