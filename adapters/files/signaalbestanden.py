"""CSV writers for the signal file (bestanden.md section 4) and the Aantal Wlz signalen report."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from typing import TextIO

from store.datums import format_datum
from store.signaalinzage import SignaalRij, Telling

SIGNAAL_KOP = (
    "Code aanleverende gemeente",
    "Gemeentecode",
    "BSN",
    "WlzStatus",
    "Afgiftedatum",
    "Ingangsdatum",
    "Einddatum",
)
# Version 2 (doorontwikkeling-2023.md section 6): the version 1 columns, then these.
SIGNAAL_KOP_2 = (
    "Leveringsvormen",
    "Startdatum zorg",
    "Bron startdatum zorg",
    "Advies",
    "Advies regel",
    "Advies per",
)
TELLING_KOP = (
    "Code aanleverende gemeente",
    "Gemeentecode",
    "Datum gecreëerde signalen",
    "Aantal signalen",
)


def bestandsnaam(code: str, wet: str, peildatum: date) -> str:
    return f"wlz-signalen-{code}-{wet}-{peildatum:%Y%m%d}.csv"


def _datum(value: date | None) -> str:
    return format_datum(value) if value else ""


def _versie_1(r: SignaalRij) -> tuple[str, ...]:
    return (
        r.code_aanleverende_gemeente,
        r.gemeentecode,
        r.bsn,
        r.wlz_status,
        format_datum(r.afgiftedatum),
        format_datum(r.ingangsdatum),
        _datum(r.einddatum),
    )


def _versie_2(r: SignaalRij) -> tuple[str, ...]:
    """Codes once each, joined by `|`; every empty value an empty field."""
    z = r.zorg
    if z is None:  # stored while SAMENLOOP_ZORGINFORMATIE was uit
        return ("",) * len(SIGNAAL_KOP_2)
    a = z.advies
    advies = (a.waarde.value, a.regel, _datum(a.per_datum)) if a else ("", "", "")
    return ("|".join(z.codes), _datum(z.startdatum_zorg), z.bron or "", *advies)


def schrijf_signalen(rows: Iterable[SignaalRij], out: TextIO, versie: int = 1) -> int:
    """Write the header and one line per signal in the file's version; returns how many."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SIGNAAL_KOP + (SIGNAAL_KOP_2 if versie == 2 else ()))
    count = 0
    for r in rows:
        writer.writerow(_versie_1(r) + (_versie_2(r) if versie == 2 else ()))
        count += 1
    return count


def schrijf_tellingen(rows: Iterable[Telling], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TELLING_KOP)
    for t in rows:
        writer.writerow(
            (t.code_aanleverende_gemeente, t.gemeentecode, format_datum(t.datum), t.aantal)
        )
