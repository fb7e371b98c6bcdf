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
KOPPEN = {1: SIGNAAL_KOP}  # the columns per file version (store/bestandsversie.py chooses)
TELLING_KOP = (
    "Code aanleverende gemeente",
    "Gemeentecode",
    "Datum gecreëerde signalen",
    "Aantal signalen",
)


def bestandsnaam(code: str, wet: str, peildatum: date) -> str:
    return f"wlz-signalen-{code}-{wet}-{peildatum:%Y%m%d}.csv"


def schrijf_signalen(rows: Iterable[SignaalRij], out: TextIO, versie: int = 1) -> int:
    """Write the header and one line per signal in the columns of the file version (only
    version 1 exists yet); returns the number of signals."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KOPPEN[versie])
    count = 0
    for r in rows:
        einde = format_datum(r.einddatum) if r.einddatum else ""
        writer.writerow(
            (
                r.code_aanleverende_gemeente,
                r.gemeentecode,
                r.bsn,
                r.wlz_status,
                format_datum(r.afgiftedatum),
                format_datum(r.ingangsdatum),
                einde,
            )
        )
        count += 1
    return count


def schrijf_tellingen(rows: Iterable[Telling], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TELLING_KOP)
    for t in rows:
        writer.writerow(
            (t.code_aanleverende_gemeente, t.gemeentecode, format_datum(t.datum), t.aantal)
        )
