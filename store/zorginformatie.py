"""The zorg information of one BSN on a peildatum (doorontwikkeling-2023.md section 2).

Reads the rows both feeds stored for the BSN, whatever organisation sent them, in one round
trip (one indexed lookup per table, by the primary keys that start with the BSN), and lets the
pure core in store/advies.py decide what they mean on the peildatum. The registertoets 2023
runs this on every call with samenloop.
"""

from __future__ import annotations

import functools
from datetime import date

from sqlalchemy import Connection, Dialect, String, bindparam, null, or_, select, union_all

from store.advies import Periode, Zorginformatie, zorginformatie
from store.models_zorg import ZorgaanbiederLevering as _ZA
from store.models_zorg import ZorgkantoorLevering as _ZK

# Built once. The peildatum filters are section 2's "not ended on D" (and, for a zorgaanbieder,
# "begun on or before D"); store.advies applies them again, so they only save rows.
_NIET_GEEINDIGD_ZK = or_(_ZK.einddatum.is_(None), _ZK.einddatum > bindparam("peildatum"))
_NIET_GEEINDIGD_ZA = or_(_ZA.einddatum.is_(None), _ZA.einddatum > bindparam("peildatum"))
_ROWS = union_all(
    select(_ZK.leveringsvorm.label("code"), _ZK.startdatum, _ZK.einddatum).where(
        _ZK.bsn == bindparam("bsn"), _NIET_GEEINDIGD_ZK
    ),
    select(null().cast(String).label("code"), _ZA.startdatum, _ZA.einddatum).where(
        _ZA.bsn == bindparam("bsn"),
        _ZA.startdatum <= bindparam("peildatum"),
        _NIET_GEEINDIGD_ZA,
    ),
)


@functools.cache
def _driver_sql(dialect: Dialect) -> tuple[str, tuple[str, ...] | None]:
    """_ROWS as the driver's SQL text, compiled once per dialect (with its parameter order
    when the driver's parameters are positional)."""
    compiled = _ROWS.compile(dialect=dialect)
    order = compiled.positiontup
    return str(compiled), tuple(order) if order is not None else None


def _datum(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)  # SQLite: text


def _zorgrijen(conn: Connection, bsn: str, peildatum: date) -> list[Periode]:
    """Both tables in one round trip, sent as the driver's own SQL: SQLAlchemy's per-execute
    work (parameters, result types) cost more than the two index lookups themselves, and this
    runs on every registertoets with samenloop (bench/soap.py holds it within 10% of 2021)."""
    sql, order = _driver_sql(conn.dialect)
    dag: date | str = peildatum.isoformat() if conn.dialect.name == "sqlite" else peildatum
    values = {"bsn": bsn, "peildatum": dag}
    params = tuple(values[name] for name in order) if order else values
    rows = conn.exec_driver_sql(sql, params)
    return [Periode(_datum(start), eind and _datum(eind), code) for code, start, eind in rows]


def lees(conn: Connection, bsn: str, peildatum: date) -> Zorginformatie:
    """Section 2 for one BSN on D: both tables in one round trip, one indexed lookup each."""
    periodes = _zorgrijen(conn, bsn, peildatum)
    toewijzingen = [p for p in periodes if p.code is not None]
    zorgstarts = [p for p in periodes if p.code is None]
    return zorginformatie(toewijzingen, zorgstarts, peildatum)
