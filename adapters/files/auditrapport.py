"""CSV writers for the audit: the registertoets usage report (`samenloop audit rapport`: no BSN
in it) and the lookups of given BSNs (`samenloop audit inzage`)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from store.auditinzage import Raadpleging
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


INZAGE_KOP = ("BSN", "Tijdstip", "Rol", "Organisatie", "Operatie", "Uitkomst", "Gebruiker")


def schrijf_raadplegingen(rows: Iterable[Raadpleging], out: TextIO) -> None:
    """`samenloop audit inzage`: one line per lookup. The time as ISO 8601 with its offset:
    unambiguous in the hour that October's change to winter time repeats."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(INZAGE_KOP)
    for r in rows:
        tijdstip = r.tijdstip.isoformat(timespec="seconds")
        writer.writerow(
            (r.bsn, tijdstip, r.rol, r.organisatie, r.operatie, r.uitkomst, r.gebruiker or "")
        )
