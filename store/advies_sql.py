"""The zorg information and the advies of store/advies.py, set-based: SQL expressions per BSN.

The same rule table (REGELS) drives both: each rule's `kenmerken` become a SQL condition here,
so a policy change is still one edit of one table (tests/signalen/test_advies_sql.py proves the
two forms agree). Two per-BSN aggregates as of peildatum D (doorontwikkeling-2023.md section 2),
to be LEFT JOINed on bsn: the zorgkantoor rows not ended on D, and the zorgaanbieder rows begun
on or before D and not ended on it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any

from sqlalchemy import (
    Date,
    Select,
    String,
    and_,
    case,
    func,
    literal,
    null,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from store.advies import REGELS, VERBLIJF, VERSIE, Bron, Regel, omschrijvingen
from store.models_zorg import ZorgaanbiederLevering, ZorgkantoorLevering


def _binnen(bsn: InstrumentedAttribute[str], scope: Select[str] | None) -> Any:
    """All rows, or those of the BSNs of `scope` (a run that compares only what changed)."""
    return true() if scope is None else bsn.in_(scope)


def kantoor(peildatum: date, scope: Select[str] | None = None) -> Subquery:
    """Per BSN: earliest start of all its lopende toewijzingen, of the Verblijf ones, and the
    set of their codes as a bit mask (bit n for code n: a set comparable in one column)."""
    z = ZorgkantoorLevering
    verblijf = case((z.leveringsvorm.in_(VERBLIJF), z.startdatum))
    return (
        select(
            z.bsn,
            func.min(z.startdatum).label("start"),
            func.min(verblijf).label("start_verblijf"),
            _codes(z.leveringsvorm).label("codes"),
        )
        .where(or_(z.einddatum.is_(None), z.einddatum > peildatum), _binnen(z.bsn, scope))
        .group_by(z.bsn)
        .subquery("zk")
    )


def aanbieder(peildatum: date, scope: Select[str] | None = None) -> Subquery:
    """Per BSN: the earliest actual start of care on or before D, not ended on D."""
    z = ZorgaanbiederLevering
    lopend = and_(z.startdatum <= peildatum, or_(z.einddatum.is_(None), z.einddatum > peildatum))
    return (
        select(z.bsn, func.min(z.startdatum).label("start"))
        .where(lopend, _binnen(z.bsn, scope))
        .group_by(z.bsn)
        .subquery("za")
    )


def _codes(leveringsvorm: InstrumentedAttribute[str]) -> ColumnElement[int]:
    """The set of codes as a bit mask: per COD578 code (the feeds take no other) its bit when
    any row has it. Plain max() where sum(DISTINCT bit) would do: a DISTINCT aggregate cannot
    be hashed, and PostgreSQL read all 300,000 rows in index order to group them instead."""
    bits = (func.max(case((leveringsvorm == c, 1 << int(c)), else_=0)) for c in omschrijvingen())
    return reduce(operator.add, bits)


@dataclass(frozen=True)
class Bronnen:
    """What the expressions read: the register's status and einddatum (NULL status: no
    record), and the two aggregates (LEFT JOINed: NULL when the BSN has no such rows)."""

    status: ColumnElement[Any] | InstrumentedAttribute[Any]
    einddatum: ColumnElement[Any] | InstrumentedAttribute[Any]
    zk: Subquery
    za: Subquery
    peildatum: date

    def kenmerk(self, naam: str, waarde: object) -> ColumnElement[bool]:
        return _KENMERKEN[naam](self, waarde)


def _is(
    expr: ColumnElement[Any] | InstrumentedAttribute[Any], present: object
) -> ColumnElement[bool]:
    return expr.is_not(None) if present else expr.is_(None)


_KENMERKEN: dict[str, Callable[[Bronnen, object], ColumnElement[bool]]] = {
    "registerrecord": lambda b, v: _is(b.status, v),
    "status": lambda b, v: b.status == v,
    "beeindigd": lambda b, v: (b.einddatum <= b.peildatum) if v else ~(b.einddatum <= b.peildatum),
    "leveringsvorm": lambda b, v: _is(b.zk.c.start, v),
    "verblijf": lambda b, v: _is(b.zk.c.start_verblijf, v),
}


def _geldt(b: Bronnen, regel: Regel) -> ColumnElement[bool]:
    return and_(*(b.kenmerk(naam, waarde) for naam, waarde in regel.kenmerken))


def _per(b: Bronnen, regel: Regel) -> ColumnElement[Any]:
    planned = b.zk.c.start_verblijf if regel.per_codes else b.zk.c.start
    actual = b.za.c.start
    return case((actual > planned, actual), else_=planned)  # care had not begun before it


def regel(b: Bronnen) -> ColumnElement[Any]:
    return case(*((_geldt(b, r), literal(r.regel, String)) for r in REGELS))


def waarde(b: Bronnen) -> ColumnElement[Any]:
    return case(*((_geldt(b, r), literal(str(r.advies), String)) for r in REGELS))


def per_datum(b: Bronnen) -> ColumnElement[Any]:
    whens = [(_geldt(b, r), _per(b, r) if r.per_codes is not None else null()) for r in REGELS]
    return type_coerce(case(*whens), Date)  # no CAST: SQLite would make the date a number


def startdatum_zorg(b: Bronnen) -> ColumnElement[Any]:
    return func.coalesce(b.za.c.start, b.zk.c.start)


def bron(b: Bronnen) -> ColumnElement[Any]:
    return case(
        (b.za.c.start.is_not(None), literal(str(Bron.ZORGAANBIEDER), String)),
        (b.zk.c.start.is_not(None), literal(str(Bron.ZORGKANTOOR), String)),
    )


def versie() -> ColumnElement[Any]:
    return literal(VERSIE, String)
