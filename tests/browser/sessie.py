"""One browser window on the portal, with what every page visited must pass.

`Sessie.bezoek(pad, naam)` opens a page; `Sessie.verstuur(knop, naam)` submits the form of the
page shown by clicking its button. Either way the page then shown is checked (`bekijk`): one
`h1`, `lang="nl"`, no BSN in its title, axe-core without a serious or critical violation (in a
context with JavaScript), and a screenshot `docs/screenshots/<naam>.png` (when the session takes
them). Every request's URL, every document's headers and every console message of the browser are
kept (downloads' too), and checked when the session closes (`controleer_verkeer`).

A new page of the portal (Aanleveren, Ophalen, ...) needs only: `sessie.login(...)`, then
`sessie.bezoek("/portaal/<pagina>", "<pagina>")` and the page's own assertions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, Response

from store.bsn import elfproef

HIER = Path(__file__).resolve().parent
AXE = HIER / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HIER.parent.parent / "docs" / "screenshots"
ERNSTIG = frozenset({"serious", "critical"})
VOORBEELDLINK = "https://samenloop.example.nl/portaal/wachtwoord?token=..."
_NEGEN_CIJFERS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")


@dataclass
class Sessie:
    """A page in a browser context of its own (its own cookies)."""

    page: Page
    base: str
    met_axe: bool  # only in the context made with bypass_csp=True
    screenshots: bool = False
    bsns: frozenset[str] = frozenset()  # the test BSNs that must never be in a URL
    # Dates of the wall clock (an upload's day, a reminder) shown in a screenshot as these
    # fixed example dates instead, so that the pictures are the same on every run.
    vaste_datums: dict[date, date] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)
    titels: list[str] = field(default_factory=list)
    documenten: list[Response] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    bevindingen: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.page.on("request", lambda r: self.urls.append(r.url))
        # A download (a link with `download`, a form answered with an attachment) is no
        # request event of the page in Chromium: its URL is kept from the download itself.
        self.page.on("download", lambda d: self.urls.append(d.url))
        self.page.on("response", self._antwoord)
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))

    def _antwoord(self, response: Response) -> None:
        if response.request.resource_type == "document":
            self.documenten.append(response)

    # -- moving around -------------------------------------------------------------------

    def bezoek(self, pad: str, naam: str | None = None) -> Response:
        """Open base + pad (or a whole URL); check the page shown; screenshot it as naam."""
        response = self.page.goto(pad if pad.startswith("http") else self.base + pad)
        assert response is not None
        self.bekijk(naam)
        return response

    def verstuur(
        self, knop: str, naam: str | None = None, *, binnen: Locator | None = None
    ) -> None:
        """Click the submit button named knop (within a part of the page if given), wait for
        the page it leads to, and check that page."""
        waar = binnen if binnen is not None else self.page
        with self.page.expect_navigation():
            waar.get_by_role("button", name=knop, exact=True).click()
        self.bekijk(naam)

    def login(self, email: str, wachtwoord: str, naam: str | None = None) -> None:
        self.bezoek("/portaal/inloggen")
        self.page.get_by_label("E-mailadres").fill(email)
        self.page.get_by_label("Wachtwoord").fill(wachtwoord)
        self.verstuur("Inloggen", naam)

    def pad(self) -> str:
        return self.page.url.removeprefix(self.base)

    # -- what every page must pass ---------------------------------------------------------

    def bekijk(self, naam: str | None) -> None:
        page = self.page
        assert page.locator("html").get_attribute("lang") == "nl"
        assert page.locator("h1").count() == 1, f"{self.pad()}: not exactly one h1"
        titel = page.title()
        self.titels.append(titel)
        assert titel.endswith(" - Samenloop") and not _NEGEN_CIJFERS.search(titel), titel
        if self.met_axe:
            self.axe(naam or self.pad())
        if self.screenshots and naam:
            self.screenshot(naam)

    def screenshot(self, naam: str) -> None:
        """docs/screenshots/<naam>.png of the page shown, with what differs on every run (the
        one-time link with its token and port, today's dates) replaced by fixed examples, and
        put back afterwards."""
        page = self.page
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        links = page.locator("input#link").all()
        echt = [link.input_value() for link in links]
        for link in links:
            link.evaluate("(e, v) => { e.value = v; }", VOORBEELDLINK)
        toon_vaste_datums(page, self.vaste_datums)
        page.screenshot(path=SCREENSHOTS / f"{naam}.png", full_page=True)
        page.evaluate("() => window.samenloopTerug()")
        for link, waarde in zip(links, echt, strict=True):
            link.evaluate("(e, v) => { e.value = v; }", waarde)

    def axe(self, naam: str) -> None:
        """axe-core on the page shown: no violation with impact serious or critical. The
        portal's CSP allows no script at all, so this runs only in a context made with
        bypass_csp=True (conftest's `axe` context), never in the ones that check the CSP."""
        self.page.add_script_tag(path=str(AXE))
        uitslag = self.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        violations: list[dict[str, Any]] = uitslag["violations"]
        self.bevindingen[naam] = violations
        ernstig = [v for v in violations if v["impact"] in ERNSTIG]
        assert not ernstig, f"axe on {naam}:\n" + "\n".join(map(beschrijf, ernstig))

    def controleer_verkeer(self) -> None:
        """What the browser sent and got, for the whole session."""
        fout = urls_met_bsn(self.urls, self.bsns)
        assert not fout, f"a BSN in a URL: {fout}"
        for response in self.documenten:
            if response.url.startswith(self.base + "/portaal/"):
                controleer_kopregels(response)
        csp = [regel for regel in self.console if "Content Security Policy" in regel]
        assert not csp, csp


# Every dd-mm-jjjj (with a time after it, hh:mm or hh:mm:ss, or not) and jjjjmmdd (in a file
# name) in the page's text and fields that the map names becomes its example; a time after it
# becomes 09:30 (or 09:30:00).
_VASTE_DATUMS = """(kaart) => {
  const patroon = /\\b([0-9]{2}-[0-9]{2}-[0-9]{4})( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\\b|\\b([0-9]{8})\\b/g;
  const vervang = (t) => t.replace(patroon, (m, dmy, tijd, seconden, kort) => {
    const sleutel = dmy || kort;
    if (!(sleutel in kaart)) return m;
    return kaart[sleutel] + (tijd ? " 09:30" : "") + (seconden ? ":00" : "");
  });
  const terug = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const oud = n.nodeValue, nieuw = vervang(oud);
    if (nieuw !== oud) { n.nodeValue = nieuw; terug.push(() => { n.nodeValue = oud; }); }
  }
  for (const e of document.querySelectorAll("input")) {
    const oud = e.value, nieuw = vervang(oud);
    if (nieuw !== oud) { e.value = nieuw; terug.push(() => { e.value = oud; }); }
  }
  window.samenloopTerug = () => terug.forEach((f) => f());
}"""


def toon_vaste_datums(page: Page, vast: dict[date, date]) -> None:
    """Show the page with the dates of `vast` as their examples, until the page's
    `window.samenloopTerug()` puts the real ones back."""
    kaart = {f"{d:%d-%m-%Y}": f"{v:%d-%m-%Y}" for d, v in vast.items()}
    kaart |= {f"{d:%Y%m%d}": f"{v:%Y%m%d}" for d, v in vast.items()}
    page.evaluate(_VASTE_DATUMS, kaart)


def urls_met_bsn(urls: list[str], bsns: frozenset[str]) -> list[str]:
    """The URLs with one of the test BSNs, or with any 9 digits that pass the elfproef."""
    return [
        url
        for url in urls
        if any(bsn in url for bsn in bsns) or any(map(elfproef, _NEGEN_CIJFERS.findall(url)))
    ]


def controleer_kopregels(response: Response) -> None:
    """The headers portaal.md asks of every page (no-store: every page, the login's too)."""
    kop = response.headers  # lower-case names
    waar = response.url
    csp = kop.get("content-security-policy", "")
    assert "script-src 'none'" in csp and "frame-ancestors 'none'" in csp, (waar, csp)
    assert "unsafe-inline" not in csp, (waar, csp)
    assert kop.get("x-frame-options") == "DENY", waar
    assert kop.get("referrer-policy") == "no-referrer", waar
    assert kop.get("x-content-type-options") == "nosniff", waar
    assert "no-store" in kop.get("cache-control", ""), waar


def beschrijf(violation: dict[str, Any]) -> str:
    doelen = ", ".join(str(n["target"]) for n in violation["nodes"][:5])
    return f"  {violation['impact']}: {violation['id']} ({violation['help']}) at {doelen}"
