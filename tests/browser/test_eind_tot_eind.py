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


@dataclass(frozen=True)
class Client:
    """One line of the good file, and the signal the rules give for it on the peildatum D."""

    wie: int | str  # an index into the demo register, or "eigen": a BSN with no record
    lid: bool  # in the member gemeente (else in the hoofdgemeente itself)
    begint: int | None  # ingangsdatum: D plus this many days (None: SINDS)
    eindigt: int | None  # einddatum: D plus this many days (None: empty)
    signaal: str | None  # the WlzStatus of the signal, or None: no signal


VERWACHT = (
    Client(0, False, None, None, "Ja"),  # never signalled, status Ja: rule 1 (example 2)
    Client(1, True, None, None, "Onbekend"),  # Onbekend, rule 1, to the hoofdgemeente (12)
    Client(2, False, None, None, None),  # Nee without an earlier signal: no first signal (4)
    Client(5, False, None, 1, "Ja"),  # einddatum D+1: still lopend on D (example 10)
    Client(3, False, 30, None, None),  # begins after D: not lopend yet (example 9)
    Client("eigen", False, None, None, None),  # no register record: no signal (example 1)
)


@dataclass(frozen=True)
class Scenario:
    g: Gemeente
    peildatum: date
    vandaag: date
    portaal: Portaal
    eigen: str  # our own BSN, which the demo register does not hold

    def bsn(self, c: Client) -> str:
        return self.eigen if c.wie == "eigen" else self.portaal.demo.register[int(c.wie)].bsn

    def gemeentecode(self, c: Client) -> str:
        return self.g.lid if c.lid else self.g.code

    def datum(self, dagen: int | None, anders: str = "") -> str:
        return anders if dagen is None else format_datum(self.peildatum + timedelta(dagen))

    def goed(self) -> bytes:
        regels = [
            f"{self.bsn(c)},{self.gemeentecode(c)},{self.datum(c.begint, SINDS)},"
            f"{self.datum(c.eindigt)}"
            for c in VERWACHT
        ]
        return ("\n".join(regels) + "\n").encode()

    def signalen(self) -> list[list[str]]:
        """The signal file's rows: the register record's state, as the demo set made it."""
        rijen = []
        for c in VERWACHT:
            if c.signaal is None:
                continue
            r = self.portaal.demo.register[int(c.wie)]
            assert r.wlz_status == c.signaal, "the table matches the demo register"
            assert r.afgiftedatum and r.ingangsdatum
            eind = format_datum(r.einddatum) if r.einddatum else ""
            rijen.append(
                [
                    self.g.code,
                    self.gemeentecode(c),
                    r.bsn,
                    r.wlz_status,
                    format_datum(r.afgiftedatum),
                    format_datum(r.ingangsdatum),
                    eind,
                ]
            )
        return sorted(rijen)

    def abonnementen(self) -> list[list[str]]:
        """Every line delivered (none has ended today); new today, so both IB dates today."""
        nu = format_datum(self.vandaag)
        return sorted(
            [
                self.g.code,
                self.gemeentecode(c),
                self.bsn(c),
                self.datum(c.begint, SINDS),
                self.datum(c.eindigt),
                nu,
                nu,
            ]
            for c in VERWACHT
        )


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
    return ("\n".join(regels) + "\n").encode(), meldingen


def _csv(pad: str) -> list[list[str]]:
    tekst = Path(pad).read_text(encoding="utf-8")
    assert not tekst.startswith("\ufeff"), "no byte-order mark is written"
    return list(csv.reader(io.StringIO(tekst)))


def _download(page: Page, klik: Locator) -> tuple[str, str]:
    """Click and return the download's file name and the path the browser saved it to."""
    with page.expect_download() as info:
        klik.click()
    download = info.value
    return download.suggested_filename, str(download.path())


def _menu(s: Sessie, naam: str, screenshot: str | None = None) -> None:
    with s.page.expect_navigation():
        s.page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=naam).click()
    s.bekijk(screenshot)


def _upload(s: Sessie, naam: str, inhoud: bytes, media: str = "text/csv") -> None:
    bestand: FilePayload = {"name": naam, "mimeType": media, "buffer": inhoud}
    s.page.get_by_label("Bestand (CSV)").set_input_files(files=[bestand])


@pytest.mark.parametrize("soort", ["js", "nojs"])
def test_deliver_run_fetch_report_and_configure_end_to_end(
    portaal: Portaal, sessies: Sessies, soort: str
) -> None:
    js = soort == "js"
    g = GEMEENTEN[soort]
    dag = vandaag()  # the server's today: Europe/Amsterdam, not the machine's UTC
    eigen = next(islice(synthetic_bsns(), 50, None))
    assert eigen not in portaal.bsns, "a BSN of our own, not one of the demo set's"
    sc = Scenario(g, dag + timedelta(days=g.dag), dag, portaal, eigen)
    bsns = {sc.bsn(c) for c in VERWACHT}
    d, d_tekst = sc.peildatum, format_datum(sc.peildatum)

    # The operator registers the gemeente (with its member) and its first user.
    portaal.samenloop(
        "org", "add", "--gemeente", g.code, "--samenwerking", g.lid, "--mail", g.email
    )
    link = portaal.gebruiker_add(g.code, g.email)
    s = sessies(soort, screenshots=js)
    s.bsns = s.bsns | bsns
    # Today's dates (and the day after) in the pictures as the same days around VOORBEELD.
    s.vaste_datums = {dag + timedelta(n): VOORBEELD + timedelta(n) for n in (-7, 0, 1, 60)}
    page = s.page
    s.bezoek(link)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(WACHTWOORD)
    page.get_by_label("Herhaal het nieuwe wachtwoord", exact=True).fill(WACHTWOORD)
    s.verstuur("Wachtwoord instellen")
    s.login(g.email, WACHTWOORD)
    assert s.pad() == "/portaal/"

    # Aanleveren: nothing yet.
    _menu(s, "Aanleveren")
    assert "Er zijn nog geen aanleveringen." in page.locator("main").inner_text()

    # A bad file: afgekeurd, every error in plain Dutch, nothing applied.
    fout, meldingen = _fout_bestand(sc)
    _upload(s, "populatie-fout.csv", fout)
    s.verstuur("Versturen", "aanleveren-fout")
    overzicht = page.get_by_role("alert")  # at the top, as an error, not a green "status"
    assert overzicht.get_by_role("heading").inner_text() == (
        "Het bestand is afgekeurd; er is niets verwerkt."
    )
    assert "4 fouten: herstel ze en lever het hele bestand opnieuw aan." in overzicht.inner_text()
    assert page.get_by_role("status").count() == 0
    fouten = page.get_by_role("heading", name="Fouten", exact=True)
    items = fouten.locator("xpath=following-sibling::ul[1]").get_by_role("listitem")
    assert items.all_inner_texts() == meldingen
    with page.expect_navigation():  # the summary's link leads to the list (no script needed)
        overzicht.get_by_role("link", name="4 fouten").click()
    assert s.page.url.endswith("#fouten-kop")

    # The good file: afgeleverd, with its counts.
    with page.expect_navigation():
        page.get_by_role("link", name="Terug naar Aanleveren").click()
    s.bekijk(None)
    _upload(s, "populatie-wmo.csv", sc.goed())
    s.verstuur("Versturen", "aanleveren-verslag")
    assert "Het bestand is afgeleverd en verwerkt." in page.get_by_role("status").inner_text()
    gegevens = page.locator("dl.gegevens").inner_text()
    assert re.search(r"Status\s+afgeleverd", gegevens)
    assert re.search(rf"Regels\s+{len(VERWACHT)}\b", gegevens)
    assert re.search(r"Fouten\s+0\b", gegevens)
    assert re.search(rf"Nieuw:?\s+{len(VERWACHT)}\b", page.locator("pre.verslag").inner_text())

    # The list: both aanleveringen, the newest first; the last accepted one and the reminder.
    with page.expect_navigation():
        page.get_by_role("link", name="Terug naar Aanleveren").click()
    s.bekijk("aanleveren")
    rijen = page.get_by_role("table", name=re.compile("^Aanleveringen")).locator("tbody tr")
    assert rijen.count() == 2
    assert rijen.nth(0).locator("td").all_inner_texts()[2:6] == [
        "populatie-wmo.csv",
        "mutaties",
        "afgeleverd",
        str(len(VERWACHT)),
    ]
    assert rijen.nth(1).locator("td").all_inner_texts()[2:6] == [
        "populatie-fout.csv",
        "mutaties",
        "afgekeurd",
        "4",
    ]
    per_wet = page.get_by_role("table", name="Per wet").locator("tbody tr").first
    herinnering = format_datum(dag + timedelta(days=60))
    assert per_wet.locator("td").all_inner_texts() == ["Wmo", format_datum(dag), herinnering]

    # Its verslag as a page and as a text download.
    with page.expect_navigation():
        rijen.nth(0).get_by_role("link", name=re.compile("^Bekijk")).click()
    s.bekijk(None)
    assert page.get_by_role("heading", level=1).inner_text() == "Verwerkingsverslag"
    assert "populatie-wmo.csv" in page.locator("dl.gegevens").inner_text()
    naam, pad = _download(page, page.get_by_role("link", name="Download het verslag (tekst)"))
    assert re.fullmatch(r"verwerkingsverslag-[0-9]+\.txt", naam)
    tekst = Path(pad).read_text(encoding="utf-8")
    assert "populatie-wmo.csv" in tekst and "afgeleverd" in tekst
    assert tekst.rstrip("\n") == page.locator("pre.verslag").inner_text().rstrip("\n")

    # The nightly run, as the operator (or cron) starts it on the server.
    uit = portaal.samenloop("signalen", "run", "--datum", d.isoformat())
    assert uit.startswith(f"run {d.isoformat()}: "), uit

    # Ophalen: the day with its number of signals.
    aantal = sum(c.signaal is not None for c in VERWACHT)
    _menu(s, "Ophalen", "ophalen")
    wmo = page.get_by_role("region", name="Wmo")
    rij = wmo.get_by_role("row").filter(has_text=d_tekst)
    assert rij.locator("td").all_inner_texts()[:2] == [d_tekst, str(aantal)]

    # The file: exactly the signals the rules give (bestanden.md section 4).
    naam, pad = _download(page, rij.get_by_role("link", name=f"Download CSV Wmo {d_tekst}"))
    assert naam == f"wlz-signalen-{g.code}-wmo-{d:%Y%m%d}.csv"
    kop, *rijen_csv = _csv(pad)
    assert kop == SIGNAAL_KOP
    assert sorted(rijen_csv) == sc.signalen()

    # The day's signals, and why the first one (register record 0) was made.
    with page.expect_navigation():
        rij.get_by_role("link", name=f"Bekijk de signalen Wmo van {d_tekst}").click()
    s.bekijk("ophalen-dag")
    assert f"{aantal} signalen." in page.locator("main").inner_text()
    assert page.locator("tbody tr").count() == aantal
    eerste = portaal.demo.register[0]
    with page.expect_navigation():
        page.get_by_role("row").filter(has_text=eerste.bsn).get_by_role("link").click()
    s.bekijk("signaal-waarom")
    assert page.get_by_role("heading", level=1).inner_text() == "Waarom dit signaal?"
    signaal = page.locator("dl.gegevens").first.inner_text()
    assert re.search(rf"BSN\s+{eerste.bsn}", signaal)
    assert re.search(r"Wlz-status\s+Ja", signaal)
    assert re.search(rf"Code aanleverende gemeente\s+{g.code}", signaal)
    main = page.locator("main").inner_text()
    assert "Eerste signaal" in main
    assert "Niets: dit is het eerste signaal voor dit abonnement." in main
    # The advies as it was when the signal was made (doorontwikkeling-2023.md section 6; the
    # demo's Verblijf with care begun on 03-03-2026: JA by rule A6), in version 1 files too.
    assert page.locator(".advies").inner_text() == "JA"
    advies = page.locator("dl.gegevens").last.inner_text()
    assert re.search(r"Advies\s+JA per 03-03-2026", advies)
    assert re.search(r"Regel\s+A6", advies)

    # Rapporten: the population, and the number of signals per gemeentecode and day.
    _menu(s, "Rapporten")
    naam, pad = _download(page, page.get_by_role("link", name="Wmo abonnementen"))
    assert naam == f"abonnementen-{g.code}-wmo-{dag:%Y%m%d}.csv"
    kop, *rijen_csv = _csv(pad)
    assert kop == ABONNEMENTEN_KOP
    assert sorted(rijen_csv) == sc.abonnementen()
    van = d - timedelta(days=7)
    page.get_by_label("Van", exact=True).fill(format_datum(van))
    page.get_by_label("Tot en met", exact=True).fill(d_tekst)
    s.bekijk("rapporten")
    knop = page.get_by_role("button", name="Download Aantal Wlz signalen")
    naam, pad = _download(page, knop)
    assert naam == f"aantal-wlz-signalen-{g.code}-wmo-{van:%Y%m%d}-{d:%Y%m%d}.csv"
    kop, *rijen_csv = _csv(pad)
    assert kop == TELLING_KOP
    per_code: dict[str, int] = {}
    for c in VERWACHT:
        if c.signaal is not None:
            per_code[sc.gemeentecode(c)] = per_code.get(sc.gemeentecode(c), 0) + 1
    assert sorted(rijen_csv) == sorted(
        [g.code, code, d_tekst, str(n)] for code, n in per_code.items()
    )

    # Instellingen: the address the operator gave, version 1; change both.
    _menu(s, "Instellingen", "instellingen")
    mail = page.get_by_label("E-mailadres voor meldingen")
    assert mail.input_value() == g.email
    versie = page.get_by_role("region", name="Versie van de Wmo-signaalbestanden")
    assert "Nu: versie 1." in versie.inner_text()
    # A switch re-signals a signalled subscription only when its version 2 state (zorg, advies)
    # differs from the one stored with its signal (doorontwikkeling-2023.md section 6): nothing
    # has changed since the run, so none.
    assert re.search(r"geeft bij de volgende run\s+0\s+nieuwe signalen", versie.inner_text())
    nieuw = f"wmo-signalen@{g.code}.demo.example"
    mail.fill(nieuw)
    s.verstuur("Opslaan")
    assert (
        "Het e-mailadres voor meldingen is opgeslagen." in page.get_by_role("status").inner_text()
    )
    assert page.get_by_label("E-mailadres voor meldingen").input_value() == nieuw
    page.get_by_label("Versie 2: ook de leveringsvormen, de startdatum zorg en het advies").check()
    s.verstuur("Versie opslaan")
    status = page.get_by_role("status").inner_text()
    assert "Vanaf de volgende run zijn de Wmo-signaalbestanden versie 2." in status
    assert "0 nieuwe signalen" in status
    assert "Nu: versie 2." in page.locator("main").inner_text()

    # A registertoets for our own BSN: no record, so no samenloop.
    _menu(s, "Registertoets")
    page.get_by_label("BSN", exact=True).fill(eigen)
    s.verstuur("Toetsen")
    assert s.pad() == "/portaal/registertoets"
    uitslag = page.get_by_role("region", name="Uitslag").inner_text()
    assert re.search(r"Samenloop\s+Nee: geen samenloop gevonden", uitslag)

    # No BSN of the scenario in any URL the browser asked for (downloads included), nor in any
    # page title (the session's own check adds any 9 digits passing the elfproef).
    gevraagd = {urlsplit(u).path for u in s.urls}
    assert {
        f"/portaal/ophalen/wmo/{d.isoformat()}/bestand",
        "/portaal/rapporten/abonnementen",
        "/portaal/rapporten/aantal-signalen",
    } <= gevraagd, "the downloads are recorded too"
    assert not urls_met_bsn(s.urls, frozenset(bsns))
    assert len(s.titels) >= 15
    assert not [t for t in s.titels if any(b in t for b in bsns)]
