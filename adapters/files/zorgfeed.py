"""The zorgkantoor and zorgaanbieder feeds (doorontwikkeling-2023.md section 1): T or V lines.

Zorgkantoor: Soort, BSN, Leveringsvorm, Startdatum, Einddatum. Zorgaanbieder: Soort, BSN,
Startdatum, Einddatum. The file conventions are `lees_regels`'s and the BSN and date rules
the CIZ feed's (store.bsn, csvbestand.datum_veld): this module only knows the fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from adapters.files.csvbestand import Regel, datum_veld, lees_regels
from store.advies import omschrijvingen
from store.bsn import bsn_fout
from store.meldingen import Melding
from store.zorgfeed import Feed, ZorgRegel

VELDEN = {
    Feed.ZORGKANTOOR: ("Soort", "BSN", "Leveringsvorm", "Startdatum", "Einddatum"),
    Feed.ZORGAANBIEDER: ("Soort", "BSN", "Startdatum", "Einddatum"),
}
NAAM = {Feed.ZORGKANTOOR: "zorgkantoorlevering", Feed.ZORGAANBIEDER: "zorgaanbiederlevering"}


def parse_zorgfeed(raw: BinaryIO, feed: Feed) -> Iterator[ZorgRegel | Melding]:
    """Yield each valid line, or a Melding per problem (file, line or field), in file order."""
    for item in lees_regels(raw):
        if isinstance(item, Melding):
            yield item
        else:
            yield from _regel(item, feed)


def _aantal_fout(regel: Regel, feed: Feed) -> Melding | None:
    n, velden = len(regel.velden), VELDEN[feed]
    if n == len(velden):
        return None
    tekst = f"{n} {'veld' if n == 1 else 'velden'}, verwacht {len(velden)} ({', '.join(velden)})"
    if n > len(velden):
        tekst += (
            f"; een {NAAM[feed]} bevat alleen dat-informatie (geen zorgprofiel of andere "
            "gegevens over de zorg)"
        )
    else:
        tekst += "; een lege einddatum is een leeg veld: sluit de regel af met een komma"
    return Melding(regel.nummer, None, tekst)


def _leveringsvorm_fout(code: str) -> str | None:
    if code in omschrijvingen():
        return None
    if not code:
        return "ontbreekt"
    codes = ", ".join(omschrijvingen())
    return f"geen leveringsvorm uit iWlz COD578; gebruik een van {codes}"


_SOORT = "moet T (toevoegen of vervangen) of V (verwijderen) zijn"


def _velden(regel: Regel, feed: Feed) -> tuple[str, str, str, str, str]:
    """Soort, BSN, Leveringsvorm ('' for a zorgaanbieder), Startdatum, Einddatum."""
    if feed is Feed.ZORGKANTOOR:
        soort, bsn, vorm, start, eind = regel.velden
        return soort, bsn, vorm, start, eind
    soort, bsn, start, eind = regel.velden
    return soort, bsn, "", start, eind


def _sleutel_fouten(nr: int, soort: str, bsn: str, vorm: str, feed: Feed) -> list[Melding]:
    fouten = []
    if soort not in ("T", "V"):
        fouten.append(Melding(nr, "Soort", _SOORT))
    if reden := bsn_fout(bsn):
        fouten.append(Melding(nr, "BSN", reden))
    if feed is Feed.ZORGKANTOOR and (reden := _leveringsvorm_fout(vorm)):
        fouten.append(Melding(nr, "Leveringsvorm", reden))
    return fouten


def _regel(regel: Regel, feed: Feed) -> Iterator[ZorgRegel | Melding]:
    if fout := _aantal_fout(regel, feed):
        yield fout
        return
    nr, (soort, bsn, vorm, start, eind) = regel.nummer, _velden(regel, feed)
    fouten = _sleutel_fouten(nr, soort, bsn, vorm, feed)
    startdatum = datum_veld(nr, "Startdatum", start, fouten.append, verplicht=True)
    einddatum = datum_veld(nr, "Einddatum", eind, fouten.append, verplicht=False)
    if soort == "V" and eind:
        fouten.append(Melding(nr, "Einddatum", "een V-regel heeft een leeg einddatumveld"))
    yield from fouten
    if not fouten and startdatum is not None:
        yield ZorgRegel(nr, soort, bsn, vorm, startdatum, einddatum)
