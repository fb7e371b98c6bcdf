"""Issue 16's end-to-end scenario in a real browser, with and without JavaScript: the operator's
link, a password, the login; on Aanleveren a bad file (its errors) and a good one (afgeleverd,
its verslag as a page and as text); the nightly run as the operator starts it; on Ophalen the
day, its signals, a signal's "why" and the file; on Rapporten both reports; on Instellingen the
mail address and the signal version; a registertoets. What the files hold is compared with what
the rules (beslisregels.md) predict for the BSNs delivered, from the table VERWACHT below, not
with what the database holds.

Each run works in a gemeente of its own that the operator registers first (`samenloop org add`,
with a member gemeente in its samenwerkingsverband), so that the runs do not see each other's
data and the pictures of the JavaScript run (the only one that takes them) come out the same
every time. Dates: the domain's days are Europe/Amsterdam days (store.datums.vandaag), which the
server's UTC clock is not after 23:00 UTC. A completed nightly run is final, so each run has a
peildatum of its own: the JavaScript run today's, the run without JavaScript tomorrow's (the
next night's run; it must come after the first, as pytest orders them).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import FilePayload, Locator, Page

from store.datums import format_datum, vandaag
from store.demo import synthetic_bsns
from tests.browser.conftest import WACHTWOORD, Portaal, Sessies
from tests.browser.sessie import Sessie, urls_met_bsn

SINDS = "01-01-2024"  # the ingangsdatum of every subscription that is lopend
# Today, in the pictures (an example date, so that they do not change every day).
VOORBEELD = date(2026, 3, 2)
# The headers written out from bestanden.md, not imported from adapters/files: a test that
# read the code's own columns could not catch a wrong one.
SIGNAAL_KOP = [
    "Code aanleverende gemeente",
    "Gemeentecode",
    "BSN",
    "WlzStatus",
    "Afgiftedatum",
    "Ingangsdatum",
    "Einddatum",
]
ABONNEMENTEN_KOP = [
    "Code aanleverende gemeente",
    "Gemeentecode",
    "BSN",
    "Ingangsdatum",
    "Einddatum",
    "IB Mutatiedatum",
    "IB Creatiedatum",
]
TELLING_KOP = [
    "Code aanleverende gemeente",
    "Gemeentecode",
    "Datum gecreëerde signalen",
    "Aantal signalen",
]


@dataclass(frozen=True)
class Gemeente:
    code: str  # the aanleverende (hoofd)gemeente
    lid: str  # a gemeente of its samenwerkingsverband
    dag: int  # the nightly run's peildatum: today plus this many days

    @property
    def email(self) -> str:
        return f"productbeheer@{self.code}.demo.example"


GEMEENTEN = {"js": Gemeente("0518", "0603", 0), "nojs": Gemeente("0307", "0327", 1)}


Signaal = tuple[str, str, str, str]  # WlzStatus, afgiftedatum, ingangsdatum, einddatum


@dataclass(frozen=True)
class Client:
    """One line of the good file, and the signal the rules give for it on the peildatum D."""

    wie: int | str  # an index into the demo register, or "eigen": a BSN with no record
    lid: bool  # in the member gemeente (else in the hoofdgemeente itself)
    begint: int | None  # ingangsdatum: D plus this many days (None: SINDS)
    eindigt: int | None  # einddatum: D plus this many days (None: empty)
    signaal: Signaal | None  # the signal's state (the register record's), or None: no signal


# beslisregels.md section 4 over the demo register (store/demo.py RECORDS), as worked examples.
VERWACHT = (
    # Ja and never signalled: a first signal (rule 1, example 2).
    Client(0, False, None, None, ("Ja", "10-02-2026", "15-02-2026", "")),
    # Onbekend: a first signal too, to the hoofdgemeente for its member (rule 1, example 12).
    Client(1, True, None, None, ("Onbekend", "01-05-2019", "01-05-2019", "")),
    # Nee without an earlier signal: no first signal (example 4).
    Client(2, False, None, None, None),
    # Ja with an end to the indication; the subscription ends on D+1: lopend on D (example 10).
    Client(5, False, None, 1, ("Ja", "14-11-2023", "01-12-2023", "")),
    # It begins after D: not lopend yet (example 9).
    Client(3, False, 30, None, None),
    # No register record: no signal (example 1).
    Client("eigen", False, None, None, None),
)


@dataclass(frozen=True)
class Scenario:
    g: Gemeente
    peildatum: date
    vandaag: date
    portaal: Portaal
    eigen: str  # our own BSN, which the demo register does not hold

    @property
    def dag(self) -> str:
        return format_datum(self.peildatum)

    def bsn(self, c: Client) -> str:
        return self.eigen if c.wie == "eigen" else self.portaal.demo.register[int(c.wie)].bsn

    def bsns(self) -> frozenset[str]:
        return frozenset(map(self.bsn, VERWACHT))

    def gemeentecode(self, c: Client) -> str:
        return self.g.lid if c.lid else self.g.code

    def datum(self, dagen: int | None, anders: str = "") -> str:
        return anders if dagen is None else format_datum(self.peildatum + timedelta(dagen))

    def regel(self, c: Client) -> list[str]:
        """The line of the good file (bestanden.md section 1)."""
        return [
            self.bsn(c),
            self.gemeentecode(c),
            self.datum(c.begint, SINDS),
            self.datum(c.eindigt),
        ]

    def goed(self) -> bytes:
        return "".join(",".join(self.regel(c)) + "\n" for c in VERWACHT).encode()

    def signalen(self) -> list[list[str]]:
        """The signal file's rows (bestanden.md section 4), in the table's order."""
        return [
            [self.g.code, self.gemeentecode(c), self.bsn(c), *c.signaal]
            for c in VERWACHT
            if c.signaal is not None
        ]

    def abonnementen(self) -> list[list[str]]:
        """Every line delivered (none has ended today); new today, so both IB dates today."""
        nu = format_datum(self.vandaag)
        return [
            [self.g.code, code, bsn, ingang, eind, nu, nu]
            for bsn, code, ingang, eind in map(self.regel, VERWACHT)
        ]

    def tellingen(self) -> list[list[str]]:
        """Aantal Wlz signalen: per gemeentecode of the signals, on D."""
        codes = [self.gemeentecode(c) for c in VERWACHT if c.signaal is not None]
        return [[self.g.code, code, self.dag, str(codes.count(code))] for code in set(codes)]


def _fout_bestand(s: Scenario) -> tuple[bytes, list[str]]:
    """A file with four errors, and the messages the verslag must give for them."""
    b = [s.bsn(c) for c in VERWACHT]
    regels = [
        f"123456789,{s.g.code},{SINDS},",
        f"{b[0]},9999,{SINDS},",
        f"{b[1]},{s.g.code},2024-01-01,",
        f"{b[2]},0363,{SINDS},",
    ]
    meldingen = [
        "regel 1, BSN: voldoet niet aan de elfproef",
        "regel 2, Gemeentecode: gemeentecode 9999 bestaat niet",
        "regel 3, Ingangsdatum: geen datum in de vorm dd-mm-jjjj (bijvoorbeeld 15-03-2020)",
        f"regel 4, Gemeentecode: 0363 hoort niet bij de gemeenten waarvoor {s.g.code} aanlevert "
        f"voor de wmo ({s.g.code}, {s.g.lid}); haal deze regel weg",
    ]
    return "".join(r + "\n" for r in regels).encode(), meldingen


def _csv(pad: str) -> list[list[str]]:
    tekst = Path(pad).read_text(encoding="utf-8")
    assert not tekst.startswith("\ufeff"), "no byte-order mark is written"
    return list(csv.reader(io.StringIO(tekst)))


def _download(page: Page, klik: Locator) -> tuple[str, list[list[str]]]:
    """Click; the download's file name and its rows (CSV)."""
    with page.expect_download() as info:
        klik.click()
    download = info.value
    return download.suggested_filename, _csv(str(download.path()))


def _klik(s: Sessie, link: Locator, screenshot: str | None = None) -> None:
    with s.page.expect_navigation():
        link.click()
    s.bekijk(screenshot)


def _menu(s: Sessie, naam: str, screenshot: str | None = None) -> None:
    menu = s.page.get_by_role("navigation", name="Hoofdmenu")
    _klik(s, menu.get_by_role("link", name=naam), screenshot)


def _upload(s: Sessie, naam: str, inhoud: bytes, screenshot: str) -> None:
    bestand: FilePayload = {"name": naam, "mimeType": "text/csv", "buffer": inhoud}
    s.page.get_by_label("Bestand (CSV)").set_input_files(files=[bestand])
    s.verstuur("Versturen", screenshot)


def _eerste_gebruiker(portaal: Portaal, s: Sessie, g: Gemeente) -> None:
    """The operator registers the gemeente (with its member) and its first user, who sets a
    password with the link and logs in."""
    portaal.samenloop(
        "org", "add", "--gemeente", g.code, "--samenwerking", g.lid, "--mail", g.email
    )
    s.bezoek(portaal.gebruiker_add(g.code, g.email))
    s.page.get_by_label("Nieuw wachtwoord", exact=True).fill(WACHTWOORD)
    s.page.get_by_label("Herhaal het nieuwe wachtwoord", exact=True).fill(WACHTWOORD)
    s.verstuur("Wachtwoord instellen")
    s.login(g.email, WACHTWOORD)
    assert s.pad() == "/portaal/"


def _fout_aanleveren(s: Sessie, sc: Scenario) -> None:
    """A bad file: afgekeurd, every error in plain Dutch, at the top as an error."""
    _menu(s, "Aanleveren")
    page = s.page
    assert "Er zijn nog geen aanleveringen." in page.locator("main").inner_text()
    inhoud, meldingen = _fout_bestand(sc)
    _upload(s, "populatie-fout.csv", inhoud, "aanleveren-fout")
    overzicht = page.get_by_role("alert")  # not the green role="status" of a success
    kop = overzicht.get_by_role("heading").inner_text()
    assert kop == "Het bestand is afgekeurd; er is niets verwerkt."
    assert "4 fouten: herstel ze en lever het hele bestand opnieuw aan." in overzicht.inner_text()
    assert page.get_by_role("status").count() == 0
    fouten = page.get_by_role("heading", name="Fouten", exact=True)
    items = fouten.locator("xpath=following-sibling::ul[1]").get_by_role("listitem")
    assert items.all_inner_texts() == meldingen
    with page.expect_navigation():  # the summary's link leads to the list, without script too
        overzicht.get_by_role("link", name="4 fouten").click()
    assert page.url.endswith("#fouten-kop")


def _goed_aanleveren(s: Sessie, sc: Scenario) -> None:
    """The good file: afgeleverd; listed with the rejected one; its verslag as page and text."""
    page = s.page
    _klik(s, page.get_by_role("link", name="Terug naar Aanleveren"))
    _upload(s, "populatie-wmo.csv", sc.goed(), "aanleveren-verslag")
    assert "Het bestand is afgeleverd en verwerkt." in page.get_by_role("status").inner_text()
    gegevens = page.locator("dl.gegevens").inner_text()
    n = len(VERWACHT)
    assert re.search(r"Status\s+afgeleverd", gegevens)
    assert re.search(rf"Regels\s+{n}\b", gegevens) and re.search(r"Fouten\s+0\b", gegevens)
    assert re.search(rf"Nieuw:\s+{n}\b", page.locator("pre.verslag").inner_text())

    _klik(s, page.get_by_role("link", name="Terug naar Aanleveren"), "aanleveren")
    rijen = page.get_by_role("table", name=re.compile("^Aanleveringen")).locator("tbody tr")
    assert [r.locator("td").all_inner_texts()[2:6] for r in rijen.all()] == [
        ["populatie-wmo.csv", "mutaties", "afgeleverd", str(n)],
        ["populatie-fout.csv", "mutaties", "afgekeurd", "4"],
    ]
    per_wet = page.get_by_role("table", name="Per wet").locator("tbody tr").first
    herinnering = format_datum(sc.vandaag + timedelta(days=60))
    assert per_wet.locator("td").all_inner_texts() == ["Wmo", format_datum(sc.vandaag), herinnering]

    _klik(s, rijen.first.get_by_role("link", name=re.compile("^Bekijk")))
    assert page.get_by_role("heading", level=1).inner_text() == "Verwerkingsverslag"
    assert "populatie-wmo.csv" in page.locator("dl.gegevens").inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download het verslag (tekst)").click()
    assert re.fullmatch(r"verwerkingsverslag-[0-9]+\.txt", info.value.suggested_filename)
    tekst = Path(info.value.path()).read_text(encoding="utf-8")
    assert "populatie-wmo.csv" in tekst and "afgeleverd" in tekst
    assert tekst.rstrip("\n") == page.locator("pre.verslag").inner_text().rstrip("\n")


def _ophalen(s: Sessie, sc: Scenario) -> None:
    """The day with its number of signals; its file; its signals; why the first was made."""
    page, d = s.page, sc.peildatum
    verwacht = sc.signalen()
    _menu(s, "Ophalen", "ophalen")
    rij = page.get_by_role("region", name="Wmo").get_by_role("row").filter(has_text=sc.dag)
    assert rij.locator("td").all_inner_texts()[:2] == [sc.dag, str(len(verwacht))]

    naam, (kop, *rijen) = _download(
        page, rij.get_by_role("link", name=f"Download CSV Wmo {sc.dag}")
    )
    assert naam == f"wlz-signalen-{sc.g.code}-wmo-{d:%Y%m%d}.csv"
    assert kop == SIGNAAL_KOP
    assert sorted(rijen) == sorted(verwacht)  # bestanden.md names no order

    _klik(s, rij.get_by_role("link", name=f"Bekijk de signalen Wmo van {sc.dag}"), "ophalen-dag")
    assert f"{len(verwacht)} signalen." in page.locator("main").inner_text()
    assert page.locator("tbody tr").count() == len(verwacht)
    bsn = sc.bsn(VERWACHT[0])
    _klik(s, page.get_by_role("row").filter(has_text=bsn).get_by_role("link"), "signaal-waarom")
    assert page.get_by_role("heading", level=1).inner_text() == "Waarom dit signaal?"
    signaal = page.locator("dl.gegevens").first.inner_text()
    assert re.search(rf"Code aanleverende gemeente\s+{sc.g.code}", signaal)
    assert re.search(rf"BSN\s+{bsn}\s+Wlz-status\s+Ja\s+Afgiftedatum\s+10-02-2026", signaal)
    main = page.locator("main").inner_text()
    assert "Eerste signaal" in main
    assert "Niets: dit is het eerste signaal voor dit abonnement." in main
    # The advies as it was when the signal was made (doorontwikkeling-2023.md section 6: for
    # version 1 files too); the demo's Verblijf, care begun on 03-03-2026: JA by rule A6.
    assert page.locator(".advies").inner_text() == "JA"
    advies = page.locator("dl.gegevens").last.inner_text()
    assert re.search(r"Advies\s+JA per 03-03-2026\s+Regel\s+A6", advies)


def _rapporten(s: Sessie, sc: Scenario) -> None:
    """The population, and the number of signals per gemeentecode and day (bestanden.md 5)."""
    page, d = s.page, sc.peildatum
    _menu(s, "Rapporten")
    naam, (kop, *rijen) = _download(page, page.get_by_role("link", name="Wmo abonnementen"))
    assert naam == f"abonnementen-{sc.g.code}-wmo-{sc.vandaag:%Y%m%d}.csv"
    assert kop == ABONNEMENTEN_KOP
    assert sorted(rijen) == sorted(sc.abonnementen())

    van = d - timedelta(days=7)
    page.get_by_label("Van", exact=True).fill(format_datum(van))
    page.get_by_label("Tot en met", exact=True).fill(sc.dag)
    s.bekijk("rapporten")
    knop = page.get_by_role("button", name="Download Aantal Wlz signalen")
    naam, (kop, *rijen) = _download(page, knop)
    assert naam == f"aantal-wlz-signalen-{sc.g.code}-wmo-{van:%Y%m%d}-{d:%Y%m%d}.csv"
    assert kop == TELLING_KOP
    assert sorted(rijen) == sorted(sc.tellingen())


def _instellingen(s: Sessie, sc: Scenario) -> None:
    """The address the operator gave and version 1; change both."""
    page = s.page
    _menu(s, "Instellingen", "instellingen")
    mail = page.get_by_label("E-mailadres voor meldingen")
    assert mail.input_value() == sc.g.email
    versie = page.get_by_role("region", name="Versie van de Wmo-signaalbestanden").inner_text()
    assert "Nu: versie 1." in versie
    # A switch re-signals a signalled subscription only when its version 2 state (zorg, advies)
    # differs from the one stored with its signal (doorontwikkeling-2023.md section 6): nothing
    # has changed since the run, so none.
    assert re.search(r"geeft bij de volgende run\s+0\s+nieuwe signalen", versie)
    nieuw = f"wmo-signalen@{sc.g.code}.demo.example"
    mail.fill(nieuw)
    s.verstuur("Opslaan")
    melding = page.get_by_role("status").inner_text()
    assert melding == "Het e-mailadres voor meldingen is opgeslagen."
    assert page.get_by_label("E-mailadres voor meldingen").input_value() == nieuw
    page.get_by_label("Versie 2: ook de leveringsvormen, de startdatum zorg en het advies").check()
    s.verstuur("Versie opslaan")
    melding = page.get_by_role("status").inner_text()
    assert melding.startswith("Vanaf de volgende run zijn de Wmo-signaalbestanden versie 2.")
    assert melding.endswith("Die run geeft door de overstap 0 nieuwe signalen.")
    assert "Nu: versie 2." in page.locator("main").inner_text()


def _registertoets(s: Sessie, sc: Scenario) -> None:
    """Our own BSN has no register record: no samenloop; the BSN went in the body."""
    _menu(s, "Registertoets")
    s.page.get_by_label("BSN", exact=True).fill(sc.eigen)
    s.verstuur("Toetsen")
    assert s.pad() == "/portaal/registertoets"
    uitslag = s.page.get_by_role("region", name="Uitslag").inner_text()
    assert re.search(r"Samenloop\s+Nee: geen samenloop gevonden", uitslag)


@pytest.mark.parametrize("soort", ["js", "nojs"])
def test_deliver_run_fetch_report_and_configure_end_to_end(
    portaal: Portaal, sessies: Sessies, soort: str
) -> None:
    g = GEMEENTEN[soort]
    dag = vandaag()  # the server's today: Europe/Amsterdam, not the machine's UTC
    eigen = next(islice(synthetic_bsns(), 50, None))  # the demo set takes the first 12
    assert eigen not in portaal.bsns, "a BSN of our own, not one of the demo set's"
    sc = Scenario(g, dag + timedelta(days=g.dag), dag, portaal, eigen)
    s = sessies(soort, screenshots=soort == "js")
    s.bsns = s.bsns | sc.bsns()
    # Today (and the days around it that the pages show) as the same days around VOORBEELD.
    s.vaste_datums = {dag + timedelta(n): VOORBEELD + timedelta(n) for n in (-7, 0, 1, 60)}

    _eerste_gebruiker(portaal, s, g)
    _fout_aanleveren(s, sc)
    _goed_aanleveren(s, sc)
    # The nightly run, as the operator (or cron) starts it on the server.
    uit = portaal.samenloop("signalen", "run", "--datum", sc.peildatum.isoformat())
    assert uit.startswith(f"run {sc.peildatum.isoformat()}: "), uit
    _ophalen(s, sc)
    _rapporten(s, sc)
    _instellingen(s, sc)
    _registertoets(s, sc)

    # No BSN of the scenario in any URL the browser asked for (downloads included), nor in any
    # page title (the session's own check adds any 9 digits passing the elfproef).
    gevraagd = {urlsplit(u).path for u in s.urls}
    downloads = {
        f"/portaal/ophalen/wmo/{sc.peildatum.isoformat()}/bestand",
        "/portaal/rapporten/abonnementen",
        "/portaal/rapporten/aantal-signalen",
    }
    assert downloads <= gevraagd, "the downloads are recorded too"
    assert not urls_met_bsn(s.urls, sc.bsns())
    assert len(s.titels) >= 15, "every page shown was looked at"
    assert not [t for t in s.titels if any(b in t for b in sc.bsns())]
