"""CSV writer for the registertoets usage report (`samenloop audit rapport`): no BSN in it."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from store.auditrapport import Gebruik
from store.datums import format_datum

KOP = (
    "Datum",
    "Rol",
    "Organisatie",
    "Aantal",
    "Registertoets",
    "RegistertoetsUitgebreid",
    "RegistertoetsSamenloop",
    "JA",
    "NEE",
    "Geweigerd",
    "Maal mediaan",
    "Uitschieter",
)


def schrijf_gebruik(rows: Iterable[Gebruik], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KOP)
    for g in rows:
        writer.writerow(
            (
                format_datum(g.datum),
                g.rol,
                g.organisatie,
                g.aantal,
                g.registertoets,
                g.uitgebreid,
                g.samenloop,
                g.ja,
                g.nee,
                g.geweigerd,
                f"{g.maal_mediaan:.1f}",
                "ja" if g.uitschieter else "nee",
            )
        )
