"""Zorg information and the advies "Wlz voorliggend?" (doorontwikkeling-2023.md sections 2, 3).

One ordered table of rules, as data: the first rule whose condition holds gives the advies, and
every advies names its rule, the table's version and a toelichting in plain Dutch. A policy
change is a new VERSIE with a new table, never a silent edit of this one. Pure: no database,
no transport; the store feeds it the rows of one BSN and the transports show what it returns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources

from store.datums import format_datum

VERSIE = "2023.1"
WETTEN = {"wmo": "Wmo 2015", "jw": "Jeugdwet"}  # the wet as the toelichting names it
VERBLIJF = frozenset({"4", "9"})  # Verblijf, Verkeerde bed: the Wlz takes over everything


class Waarde(StrEnum):
    JA = "JA"
    DEELS = "DEELS"
    NEE = "NEE"
    ONBEKEND = "ONBEKEND"


class Bron(StrEnum):
    ZORGAANBIEDER = "zorgaanbieder"  # care has really begun
    ZORGKANTOOR = "zorgkantoor"  # planned


@dataclass(frozen=True)
class Indicatie:
    """The register record's dat-informatie."""

    wlz_status: str
    afgiftedatum: date
    ingangsdatum: date
    einddatum: date | None


@dataclass(frozen=True)
class Periode:
    """A zorgkantoor row (with its leveringsvorm code) or a zorgaanbieder row (code None)."""

    startdatum: date
    einddatum: date | None
    code: str | None = None

    def loopt_nog(self, peildatum: date) -> bool:
        """Not ended on the peildatum (it may start after it)."""
        return self.einddatum is None or self.einddatum > peildatum


@dataclass(frozen=True)
class Leveringsvorm:
    code: str
    omschrijving: str
    startdatum: date
    einddatum: date | None


@dataclass(frozen=True)
class Zorginformatie:
    leveringsvormen: tuple[Leveringsvorm, ...] = ()
    startdatum_zorg: date | None = None
    bron: Bron | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        """Each code once, at its first place (the version 2 file's `Leveringsvormen`)."""
        return tuple(dict.fromkeys(lv.code for lv in self.leveringsvormen))


@cache
def omschrijvingen() -> dict[str, str]:
    """iWlz COD578 leveringsvorm: code -> omschrijving (store/data, with its source)."""
    text = resources.files("store.data").joinpath("iwlz-cod578-leveringsvorm.csv")
    rows = csv.DictReader(io.StringIO(text.read_text(encoding="utf-8")))
    return {row["code"]: row["omschrijving"] for row in rows}


def zorginformatie(
    toewijzingen: Iterable[Periode], zorgstarts: Iterable[Periode], peildatum: date
) -> Zorginformatie:
    """Section 2: the leveringsvormen not ended on D, and startdatumZorg with its bron."""
    namen = omschrijvingen()
    lopend = sorted(
        (p for p in toewijzingen if p.loopt_nog(peildatum) and p.code is not None),
        key=lambda p: (p.startdatum, p.code or "", p.einddatum or date.max),  # a total order
    )
    vormen = tuple(
        Leveringsvorm(p.code or "", namen.get(p.code or "", ""), p.startdatum, p.einddatum)
        for p in lopend
    )
    begonnen = [
        z.startdatum for z in zorgstarts if z.loopt_nog(peildatum) and z.startdatum <= peildatum
    ]
    if begonnen:
        return Zorginformatie(vormen, min(begonnen), Bron.ZORGAANBIEDER)
    if vormen:
        return Zorginformatie(vormen, vormen[0].startdatum, Bron.ZORGKANTOOR)
    return Zorginformatie(vormen)


@dataclass(frozen=True)
class Situatie:
    """What the rules look at: the register record (or None) and the zorg information on D."""

    indicatie: Indicatie | None
    zorg: Zorginformatie
    peildatum: date

    def status(self, waarde: str) -> bool:
        return self.indicatie is not None and self.indicatie.wlz_status == waarde

    def beeindigd(self) -> bool:
        eind = self.indicatie.einddatum if self.indicatie else None
        return eind is not None and eind <= self.peildatum

    def verblijf(self) -> bool:
        return any(code in VERBLIJF for code in self.zorg.codes)


# The features a rule's condition reads, by name, so that a set-based form (store/advies_sql.py)
# evaluates the same table: a Regel's `kenmerken` are (feature, value) pairs that must all hold.
KENMERKEN: dict[str, Callable[[Situatie], object]] = {
    "registerrecord": lambda s: s.indicatie is not None,
    "status": lambda s: s.indicatie.wlz_status if s.indicatie else None,
    "beeindigd": Situatie.beeindigd,
    "leveringsvorm": lambda s: bool(s.zorg.leveringsvormen),
    "verblijf": Situatie.verblijf,
}


@dataclass(frozen=True)
class Regel:
    regel: str
    voorwaarde: str
    advies: Waarde
    toelichting: str  # "{wet}" the wet's name; "{per}" the perDatum (A6, A7)
    geldt: Callable[[Situatie], bool]
    per_codes: frozenset[str] | None = None  # perDatum from these codes; None: no perDatum
    kenmerken: tuple[tuple[str, object], ...] = ()  # the condition as features (see above)

    def tekst(self, wet: str, per: str = "perDatum") -> str:
        return self.toelichting.format(wet=WETTEN[wet], per=per)


_BLIJFT = "de voorziening op grond van de {wet} blijft staan."
REGELS: tuple[Regel, ...] = (
    Regel(
        "A1",
        "geen registerrecord voor het BSN",
        Waarde.NEE,
        "Geen Wlz-indicatie bekend: " + _BLIJFT,
        lambda s: s.indicatie is None,
        kenmerken=(("registerrecord", False),),
    ),
    Regel(
        "A2",
        "wlzStatus Nee",
        Waarde.NEE,
        "Geen recht op Wlz-zorg (Wlz-status Nee): " + _BLIJFT,
        lambda s: s.status("Nee"),
        kenmerken=(("status", "Nee"),),
    ),
    Regel(
        "A3",
        "de einddatum van de indicatie ligt op of voor de peildatum",
        Waarde.NEE,
        "De Wlz-indicatie is beëindigd: " + _BLIJFT,
        lambda s: s.beeindigd(),
        kenmerken=(("beeindigd", True),),
    ),
    Regel(
        "A4",
        "wlzStatus Onbekend",
        Waarde.ONBEKEND,
        "Het CIZ weet niet of de Wlz-indicatie wordt gebruikt: vraag eerst bij de cliënt of "
        "het zorgkantoor na of de Wlz voorliggend is aan de {wet}.",
        lambda s: s.status("Onbekend"),
        kenmerken=(("status", "Onbekend"),),
    ),
    Regel(
        "A5",
        "wlzStatus Ja en geen leveringsvorm bekend",
        Waarde.ONBEKEND,
        "Recht op Wlz-zorg, maar er is nog geen leveringsvorm gekozen of geleverd: vraag na of "
        "en per wanneer de Wlz voorliggend wordt aan de {wet}.",
        lambda s: s.status("Ja") and not s.zorg.leveringsvormen,
        kenmerken=(("status", "Ja"), ("leveringsvorm", False)),
    ),
    Regel(
        "A6",
        "wlzStatus Ja en een leveringsvorm 4 (Verblijf) of 9 (Verkeerde bed)",
        Waarde.JA,
        "Wlz voorliggend aan de {wet} per {per}: de cliënt krijgt Wlz-zorg met verblijf, "
        "dus de voorziening op grond van de {wet} stopt per die datum.",
        lambda s: s.status("Ja") and s.verblijf(),
        per_codes=VERBLIJF,
        kenmerken=(("status", "Ja"), ("verblijf", True)),
    ),
    Regel(
        "A7",
        "wlzStatus Ja en alleen leveringsvormen 2, 5, 7 of 8",
        Waarde.DEELS,
        "Wlz voorliggend aan de {wet} per {per} voor zorg en ondersteuning; "
        "woningaanpassingen, hulpmiddelen en vervoer voor een cliënt die thuis woont blijven "
        "bij de gemeente.",
        lambda s: s.status("Ja") and not s.verblijf(),
        per_codes=frozenset(),  # every leveringsvorm counts
        kenmerken=(("status", "Ja"), ("verblijf", False)),
    ),
)


@dataclass(frozen=True)
class Advies:
    waarde: Waarde
    regel: str
    regelversie: str
    toelichting: str
    per_datum: date | None


class GeenRegel(RuntimeError):
    """No rule applies: the table has a gap (a bug; the property tests look for it)."""


def _per_datum(regel: Regel, zorg: Zorginformatie) -> date | None:
    if regel.per_codes is None:
        return None
    starts = [
        lv.startdatum
        for lv in zorg.leveringsvormen
        if not regel.per_codes or lv.code in regel.per_codes
    ]
    per = min(starts)
    if zorg.bron is Bron.ZORGAANBIEDER and zorg.startdatum_zorg and zorg.startdatum_zorg > per:
        return zorg.startdatum_zorg  # care had not begun before it
    return per


def advies(situatie: Situatie, wet: str) -> Advies:
    """The first rule of REGELS that applies, with its toelichting for the wet."""
    for regel in REGELS:
        if regel.geldt(situatie):
            per = _per_datum(regel, situatie.zorg)
            tekst = regel.tekst(wet, format_datum(per) if per else "")
            return Advies(regel.advies, regel.regel, VERSIE, tekst, per)
    raise GeenRegel(f"geen adviesregel van versie {VERSIE} is van toepassing")


def herbouw(waarde: str, regel: str, versie: str, wet: str, per: date | None) -> Advies:
    """An advies as stored (a signal keeps waarde, regel, versie and perDatum): the toelichting
    is rebuilt from that version's table, which never changes."""
    if versie != VERSIE:
        raise GeenRegel(f"adviesregels versie {versie} zijn niet bekend")
    tabel = next(r for r in REGELS if r.regel == regel)
    tekst = tabel.tekst(wet, format_datum(per) if per else "")
    return Advies(Waarde(waarde), regel, versie, tekst, per)


def regeltabel() -> dict[str, object]:
    """The table as GET /api/v1/advies-regels serves it, in the order the rules apply."""
    return {
        "versie": VERSIE,
        "regels": [
            {
                "regel": r.regel,
                "voorwaarde": r.voorwaarde,
                "advies": str(r.advies),
                "toelichting": {wet: r.tekst(wet) for wet in WETTEN},
            }
            for r in REGELS
        ],
    }
