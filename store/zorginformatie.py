"""The zorg information of one BSN on a peildatum (doorontwikkeling-2023.md section 2).

Reads the rows both feeds stored for the BSN, whatever organisation sent them (one query per
table, each on the primary key's leading `bsn` column), and lets the pure core in
store/advies.py decide what they mean on the peildatum.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from store import advies
from store.models_zorg import ZorgaanbiederLevering, ZorgkantoorLevering


def _toewijzingen(conn: Connection, bsn: str) -> list[advies.Periode]:
    t = ZorgkantoorLevering.__table__.c
    rows = conn.execute(select(t.startdatum, t.einddatum, t.leveringsvorm).where(t.bsn == bsn))
    return [advies.Periode(r.startdatum, r.einddatum, r.leveringsvorm) for r in rows]


def _zorgstarts(conn: Connection, bsn: str) -> list[advies.Periode]:
    t = ZorgaanbiederLevering.__table__.c
    rows = conn.execute(select(t.startdatum, t.einddatum).where(t.bsn == bsn))
    return [advies.Periode(r.startdatum, r.einddatum) for r in rows]


def lees(conn: Connection, bsn: str, peildatum: date) -> advies.Zorginformatie:
    """The leveringsvormen not ended on the peildatum and startdatumZorg with its bron."""
    return advies.zorginformatie(_toewijzingen(conn, bsn), _zorgstarts(conn, bsn), peildatum)
