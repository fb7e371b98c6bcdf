"""Every task of the portal with the keyboard alone, with and without JavaScript (issue 16's
"done when": a mouse or a keyboard alone): log in, deliver a file (the file chooser opened from
the keyboard), fetch the night's signal file, a registertoets, a report, change the mail address,
add a user with a right, log out. No click: Tab to the control, then Enter or Space, as a person
without a mouse does it.

Each run works in a gemeente of its own; the nightly run it needs is final for its day, so its
peildatum lies after those of test_eind_tot_eind.py (today and tomorrow), which pytest runs
first: the JavaScript run takes the day after tomorrow, the other the day after that.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from itertools import islice
from pathlib import Path

import pytest
from playwright.sync_api import Page

from store.datums import format_datum, vandaag
from store.demo import synthetic_bsns
from tests.browser.conftest import WACHTWOORD, Portaal, Sessies
from tests.browser.sessie import Sessie

GEMEENTEN = {"js": ("0034", 2), "nojs": ("0200", 3)}  # Almere, Apeldoorn; days after today
MAX_TABS = 80

_FOCUS = r"""() => {
  const e = document.activeElement;
  const tekst = e.tagName === "INPUT" ? e.value : e.textContent;
  return [e.tagName.toLowerCase(), e.id || "", (tekst || "").replace(/\s+/g, " ").trim()];
}"""


def _focus(page: Page) -> tuple[str, str, str]:
    tag, id_, tekst = page.evaluate(_FOCUS)
    return str(tag), str(id_), str(tekst)


def _tab_naar(
    page: Page, *, id_: str | None = None, tekst: str | None = None, terug: bool = False
) -> None:
    """Press Tab (Shift+Tab: `terug`) until the element with this id, or a link or button with
    this text, has the focus; fail when the keyboard does not reach it."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if terug else "Tab")
        tag, eigen_id, eigen_tekst = _focus(page)
        if id_ is not None and eigen_id == id_:
            return
        if tekst is not None and tag in {"a", "button"} and eigen_tekst == tekst:
            return
    pytest.fail(f"Tab does not reach {id_ or tekst!r}")


def _druk(s: Sessie, toets: str = "Enter") -> None:
    """Press a key that leads to another page; check that page."""
    with s.page.expect_navigation():
        s.page.keyboard.press(toets)
    s.bekijk(None)


def _menu(s: Sessie, naam: str) -> None:
    """To a page by its menu item: back up with Shift+Tab (the menu and the logout button come
    before the page's content), then Enter."""
    _tab_naar(s.page, tekst=naam, terug=True)
    _druk(s)


def _inloggen(s: Sessie, email: str) -> None:
    s.bezoek("/portaal/inloggen")
    _tab_naar(s.page, id_="email")
    s.page.keyboard.type(email)
    _tab_naar(s.page, id_="wachtwoord")
    s.page.keyboard.type(WACHTWOORD)
    _druk(s)
    assert s.pad() == "/portaal/"


def _aanleveren(s: Sessie, bestand: Path) -> None:
    page = s.page
    # Playwright intercepts file choosers only once a listener is on, which it sets up
    # asynchronously: on before the key is pressed, or Chromium may open its own dialog.
    page.on("filechooser", lambda _kiezer: None)
    _menu(s, "Aanleveren")
    _tab_naar(page, id_="bestand")
    with page.expect_file_chooser() as kiezer:
        page.keyboard.press("Space")
    kiezer.value.set_files(bestand)
    _tab_naar(page, tekst="Versturen")
    _druk(s)
    assert "Het bestand is afgeleverd en verwerkt." in page.get_by_role("status").inner_text()


def _download(page: Page) -> list[list[str]]:
    """Press Enter on the focused link or button; the downloaded CSV's rows."""
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    tekst = Path(info.value.path()).read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(tekst)))


@pytest.mark.parametrize("soort", ["js", "nojs"])
def test_every_task_with_the_keyboard_alone(
    portaal: Portaal, sessies: Sessies, soort: str, tmp_path: Path
) -> None:
    code, dagen = GEMEENTEN[soort]
    email = f"toetsenbord@{code}.demo.example"
    portaal.samenloop("org", "add", "--gemeente", code, "--mail", email)
    portaal.gebruiker_met_wachtwoord(code, email)
    peildatum = vandaag() + timedelta(days=dagen)
    record = portaal.demo.register[0]  # Ja, never signalled to this gemeente: a first signal
    assert record.wlz_status == "Ja"
    eigen = next(islice(synthetic_bsns(), 60 + dagen, None))  # no register record: no signal
    bestand = tmp_path / "populatie.csv"
    bestand.write_text(f"{record.bsn},{code},01-01-2024,\n{eigen},{code},01-01-2024,\n")
    s = sessies(soort)
    s.bsns = s.bsns | {eigen}
    page = s.page

    _inloggen(s, email)
    _aanleveren(s, bestand)
    portaal.samenloop("signalen", "run", "--datum", peildatum.isoformat())

    _menu(s, "Ophalen")
    _tab_naar(page, tekst=f"Download CSV Wmo {format_datum(peildatum)}")
    _kop, *rijen = _download(page)
    r = record
    datums = [format_datum(d) if d else "" for d in (r.afgiftedatum, r.ingangsdatum, r.einddatum)]
    assert rijen == [[code, code, r.bsn, r.wlz_status, *datums]]

    _menu(s, "Registertoets")
    _tab_naar(page, id_="bsn")
    page.keyboard.type(record.bsn)
    _druk(s)  # Enter in the field submits the form, with the wet already chosen (Wmo)
    uitslag = page.get_by_role("region", name="Uitslag").inner_text()
    assert "Samenloop" in uitslag and "Ja" in uitslag

    _menu(s, "Rapporten")
    _tab_naar(page, id_="van")
    page.keyboard.type(format_datum(peildatum))
    _tab_naar(page, id_="tot")
    page.keyboard.type(format_datum(peildatum))
    _tab_naar(page, tekst="Download Aantal Wlz signalen")
    _kop, *tellingen = _download(page)
    assert tellingen == [[code, code, format_datum(peildatum), "1"]]

    _menu(s, "Instellingen")
    _tab_naar(page, id_="mail")
    page.keyboard.press("Control+A")
    page.keyboard.type(f"meldingen@{code}.demo.example")
    _druk(s)  # Enter in the field submits its own form
    melding = page.get_by_role("status").inner_text()
    assert melding == "Het e-mailadres voor meldingen is opgeslagen."
    assert page.locator("#mail").input_value() == f"meldingen@{code}.demo.example"

    _menu(s, "Gebruikers")
    _tab_naar(page, id_="email")
    page.keyboard.type(f"loket@{code}.demo.example")
    _tab_naar(page, id_="rechten-0")  # Registertoets, the first right
    page.keyboard.press("Space")
    _tab_naar(page, tekst="Gebruiker toevoegen")
    _druk(s)
    assert page.get_by_role("heading", level=1).inner_text() == "Gebruiker toegevoegd"

    _tab_naar(page, tekst="Uitloggen", terug=True)
    _druk(s)
    assert s.pad().startswith("/portaal/inloggen")
