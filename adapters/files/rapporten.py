"""CSV reports a gemeente can request (bestanden.md section 5): UTF-8, LF, dates dd-mm-jjjj."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from store.datums import format_datum
from store.populatie import AbonnementRegel

ABONNEMENTEN_KOP = (
    "Code aanleverende gemeente",
    "Gemeentecode",
    "BSN",
    "Ingangsdatum",
    "Einddatum",
    "IB Mutatiedatum",
    "IB Creatiedatum",
)


def _veld(value: str | date | None) -> str:
    if value is None:
        return ""
    return format_datum(value) if isinstance(value, date) else value


def abonnementen_csv(regels: Iterable[AbonnementRegel]) -> Iterator[str]:
    """A wet's abonnementen report as text chunks (header first), for a stream or a response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ABONNEMENTEN_KOP)
    for n, regel in enumerate(regels, start=1):
        writer.writerow([_veld(v) for v in regel])
        if n % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
