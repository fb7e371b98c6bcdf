"""store.zorginformatie: one BSN's rows of both feeds (the subquery the registertoets joins),
read back through the advies core."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, Engine, insert, select

from store import zorginformatie
from store.advies import Bron, Zorginformatie
from store.models_zorg import ZorgaanbiederLevering, ZorgkantoorLevering

BSN = "999900006"
ANDER = "999900018"
D = date(2026, 3, 1)


def _rij(bsn: str, start: str, eind: str | None = None, **extra: object) -> dict[str, object]:
    einddatum = date.fromisoformat(eind) if eind else None
    rij = {"bsn": bsn, "organisatie_id": 1, "startdatum": date.fromisoformat(start)}
    return rij | {"einddatum": einddatum, "load_id": 1} | extra


def _lees(conn: Connection, bsn: str) -> Zorginformatie:
    rows = conn.execute(select(*zorginformatie.KOLOMMEN), {"bsn": bsn, "peildatum": D}).all()
    return zorginformatie.uit_rijen(rows, D)


def test_reads_both_tables_for_one_bsn_only(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(ZorgkantoorLevering),
            [
                _rij(BSN, "2026-02-01", leveringsvorm="4"),
                _rij(BSN, "2025-01-01", "2026-01-01", leveringsvorm="2"),  # ended before D
                _rij(ANDER, "2026-01-01", leveringsvorm="7"),
            ],
        )
        conn.execute(insert(ZorgaanbiederLevering), [_rij(BSN, "2026-02-03")])
        info = _lees(conn, BSN)
    assert info.codes == ("4",)
    assert info.leveringsvormen[0].omschrijving
    assert (info.startdatum_zorg, info.bron) == (date(2026, 2, 3), Bron.ZORGAANBIEDER)


def test_a_bsn_without_rows_has_no_zorginformatie(engine: Engine) -> None:
    with engine.connect() as conn:
        info = _lees(conn, BSN)
    assert (info.leveringsvormen, info.startdatum_zorg, info.bron) == ((), None, None)
