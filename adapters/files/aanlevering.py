"""An aanlevering (bestanden.md section 1): no header, four fields, every error at once.

BSN, Gemeentecode, Ingangsdatum, Einddatum. The file conventions (encoding, quoting, blank
lines, header and separator detection) are `lees_regels`'s; this module checks the fields, and
`verwerk` is the one call a transport makes (CLI now, REST later).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum
from typing import BinaryIO

from sqlalchemy import Engine

from adapters.files.csvbestand import Regel, lees_regels
from store.bsn import bsn_fout, elfproef
from store.datums import DatumFout, parse_datum
from store.meldingen import Melding
from store.populatie import AanleverRegel, GemeenteToets, Lezer, Opdracht, verwerk_aanlevering
from store.verslag import Verslag

VELDEN = ("BSN", "Gemeentecode", "Ingangsdatum", "Einddatum")
MB = 1024 * 1024
MAX_BYTES = 60 * MB
_VIER_CIJFERS = re.compile(r"[0-9]{4}")
_CIJFERS = re.compile(r"[0-9]+")
_VOORBEELD = "999900006,0363,01-03-2026,"
_MAX_CACHE = 100_000


def _grootte(nbytes: int) -> str:
    return f"{nbytes // MB} MB" if nbytes % MB == 0 else f"{nbytes:,} bytes".replace(",", ".")


def _te_groot(raw: BinaryIO, max_bytes: int) -> Melding | None:
    size = raw.seek(0, 2)
    raw.seek(0)
    if size <= max_bytes:
        return None
    return Melding(
        None,
        None,
        f"het bestand is groter dan {_grootte(max_bytes)}, de grens voor één aanlevering; "
        "lever het in delen aan (eerst initieel, daarna de rest als mutaties)",
    )


class _Ongeldig(Enum):
    """The mark of a field value that is wrong; its message is made on the slow path."""

    DATUM = "datum"


ONGELDIG = _Ongeldig.DATUM
_tuple_new = tuple.__new__


class _Datums(dict[str, "str | _Ongeldig | None"]):
    """dd-mm-jjjj to the ISO date the store takes (jjjj-mm-dd), or ONGELDIG; a file repeats few
    distinct dates. The check is parse_datum's (the one date rule)."""

    def __init__(self) -> None:
        super().__init__({"": None})

    def __missing__(self, waarde: str) -> str | _Ongeldig:
        try:
            result: str | _Ongeldig = parse_datum(waarde).isoformat()
        except DatumFout:
            result = ONGELDIG
        if len(self) < _MAX_CACHE:
            self[waarde] = result
        return result


class _Codes(dict[str, "str | None"]):
    """Gemeentecode to the reason it cannot be delivered (None: it can); there are few."""

    def __init__(self, toets: GemeenteToets | None) -> None:
        super().__init__()
        self._toets = toets

    def __missing__(self, code: str) -> str | None:
        result = self[code] = _gemeentecode_fout(code, self._toets)
        return result


def parse_aanlevering(
    raw: BinaryIO, toets: GemeenteToets | None = None, *, max_bytes: int = MAX_BYTES
) -> Iterator[AanleverRegel | Melding]:
    """Yield each valid line, or a Melding per problem (file, line or field), in file order.

    `toets` checks a well-formed gemeentecode (exists, may be delivered for); without one
    only the form is checked. `raw` must be seekable.
    """
    if fout := _te_groot(raw, max_bytes):
        yield fout
        return
    datums, codes = _Datums(), _Codes(toets)
    for item in lees_regels(raw):
        if isinstance(item, Melding):
            yield item
            continue
        # The fast path, inline (100,000 lines is the normal case): every field right. Each
        # check is a dict lookup or the elfproef; a Melding is only made on the slow path.
        try:
            bsn, code, ingang, eind = item.velden
        except ValueError:
            yield _aantal_fout(item)
            continue
        ingangsdatum, einddatum = datums[ingang], datums[eind]
        if (
            not codes[code]
            and ingangsdatum is not ONGELDIG
            and einddatum is not ONGELDIG
            and elfproef(bsn)
        ):
            # An AanleverRegel without NamedTuple's Python-level __new__ (as its _make does).
            yield _tuple_new(AanleverRegel, (item.nummer, code, bsn, ingangsdatum, einddatum))
            continue
        yield from _fouten(item, codes)


def _aantal_fout(regel: Regel) -> Melding:
    n = len(regel.velden)
    tekst = f"{n} {'veld' if n == 1 else 'velden'}, verwacht 4 ({', '.join(VELDEN)})"
    if n == 5 and not regel.velden[4]:
        tekst += "; haal de komma aan het eind van de regel weg"
    elif n < 4:
        tekst += f"; laat een leeg veld staan als komma's, bijvoorbeeld {_VOORBEELD}"
    return Melding(regel.nummer, None, tekst)


def _datum_fout(waarde: str) -> str | None:
    if not waarde:
        return None
    try:
        parse_datum(waarde)
    except DatumFout as exc:
        return str(exc)
    return None


def _fouten(regel: Regel, codes: _Codes) -> list[Melding]:
    """Every problem of a four-field line that is not right, field by field."""
    bsn, code, ingang, eind = regel.velden
    redenen = (bsn_fout(bsn), codes[code], _datum_fout(ingang), _datum_fout(eind))
    return [Melding(regel.nummer, veld, r) for veld, r in zip(VELDEN, redenen, strict=True) if r]


def _gemeentecode_fout(code: str, toets: GemeenteToets | None) -> str | None:
    if _VIER_CIJFERS.fullmatch(code):
        return toets(code) if toets else None
    if not code:
        return "ontbreekt"
    if _CIJFERS.fullmatch(code) and len(code) < 4:
        nullen = "een voorloopnul" if len(code) == 3 else "voorloopnullen"
        return f"{len(code)} cijfers; vul aan met {nullen} tot 4 cijfers ({code.zfill(4)})"
    return "moet 4 cijfers zijn (bijvoorbeeld 0363)"


def lezer(raw: BinaryIO, *, max_bytes: int = MAX_BYTES) -> Lezer:
    """The file as the core wants it: a function of the gemeentecode check."""

    def lees(toets: GemeenteToets) -> Iterator[AanleverRegel | Melding]:
        return parse_aanlevering(raw, toets, max_bytes=max_bytes)

    return lees


def verwerk(
    engine: Engine, raw: BinaryIO, opdracht: Opdracht, *, max_bytes: int = MAX_BYTES
) -> Verslag:
    """Check and apply one uploaded file (seekable: a file, or a spooled request body)."""
    return verwerk_aanlevering(engine, opdracht, lezer(raw, max_bytes=max_bytes))
