"""Usage of the registertoets per organisation per day, from the audit log; never a BSN.

Restraint made visible: the count per organisation and day (Europe/Amsterdam days; the audit
stores UTC), split by operation and outcome, with each count against the day's median over the
organisations that called that day, so that an organisation far above the others stands out.
One GROUP BY in the database; only the medians (one number per organisation and day) are
computed here.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Date, Select, Subquery, case, func, literal_column, select
from sqlalchemy.sql.elements import ColumnElement

from store.datums import AMSTERDAM
from store.models import AuditRegistertoets, Organisatie
from store.registertoets import Operatie

# An outlier: at least this many times the day's median, and at least this many calls.
UITSCHIETER_FACTOR = 10
UITSCHIETER_MINIMUM = 100

_A = AuditRegistertoets


@dataclass(frozen=True)
class Gebruik:
    datum: date
    rol: str
    organisatie: str
    aantal: int
    registertoets: int
    uitgebreid: int
    samenloop: int
    ja: int
    nee: int
    maal_mediaan: float
    uitschieter: bool

    @property
    def geweigerd(self) -> int:
        """Refused calls that were audited: an invalid BSN or wet, or a role without the right."""
        return self.aantal - self.ja - self.nee


def dag_begin(dag: date) -> datetime:
    """The UTC instant at which this Europe/Amsterdam day begins."""
    return datetime.combine(dag, time(), AMSTERDAM).astimezone(UTC)


def _offsets(start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """Amsterdam's UTC offset (minutes) as periods over [start, end): (period end, offset);
    the last period ends at `end`. Offsets change on the hour, so hourly steps find each."""
    periods: list[tuple[datetime, int]] = []
    step, at = timedelta(hours=1), start
    current = _minutes(start)
    while at < end:
        if (minutes := _minutes(at)) != current:
            periods.append((at, current))
            current = minutes
        at += step
    return [*periods, (end, current)]


def _minutes(instant: datetime) -> int:
    offset = instant.astimezone(AMSTERDAM).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def _dag(dialect: str, start: datetime, end: datetime) -> ColumnElement[Any]:
    """The Europe/Amsterdam day of an audit record, in SQL. PostgreSQL knows the zone; SQLite
    does not, so the offsets of the period (a handful) become one CASE."""
    if dialect == "postgresql":
        zone: ColumnElement[str] = literal_column("'Europe/Amsterdam'")
        return func.timezone(zone, _A.tijdstip).cast(Date)
    whens = [
        (_A.tijdstip < until, func.date(_A.tijdstip, f"{minutes:+d} minutes"))
        for until, minutes in _offsets(start, end)
    ]
    return case(*whens[:-1], else_=whens[-1][1]) if len(whens) > 1 else whens[0][1]


def _per_call(dialect: str, van: date, tot: date) -> Subquery:
    """Each audit record of the period with its Amsterdam day (no BSN is selected)."""
    start, end = dag_begin(van), dag_begin(tot + timedelta(days=1))
    dag = _dag(dialect, start, end).label("dag")
    query = select(dag, _A.organisatie_id, _A.operatie, _A.uitkomst)
    return query.where(_A.tijdstip >= start, _A.tijdstip < end).subquery()


def _aantal(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def _telling(conn: Connection, van: date, tot: date) -> Select[Any]:
    c = _per_call(conn.dialect.name, van, tot).c
    per_dag: Select[Any] = select(
        c.dag,
        Organisatie.rol,
        Organisatie.code,
        func.count(),
        _aantal(c.operatie == Operatie.REGISTERTOETS.value),
        _aantal(c.operatie == Operatie.UITGEBREID.value),
        _aantal(c.operatie == Operatie.SAMENLOOP.value),
        _aantal(c.uitkomst == "JA"),
        _aantal(c.uitkomst == "NEE"),
    ).join(Organisatie, Organisatie.id == c.organisatie_id)
    groups = (c.dag, Organisatie.rol, Organisatie.code)
    return per_dag.group_by(*groups).order_by(*groups)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _rows(conn: Connection, van: date, tot: date) -> list[tuple[Any, ...]]:
    rows = conn.execute(_telling(conn, van, tot))
    return [(_as_date(dag), *rest) for dag, *rest in rows]


def gebruik(conn: Connection, van: date, tot: date) -> Iterator[Gebruik]:
    """Per day (van and tot inclusive) and organisation that called: its counts, in order."""
    rows = _rows(conn, van, tot)
    per_dag: dict[date, list[int]] = defaultdict(list)
    for row in rows:
        per_dag[row[0]].append(int(row[3]))
    medianen = {dag: statistics.median(aantallen) for dag, aantallen in per_dag.items()}
    for dag, rol, code, *aantallen in rows:
        aantal, registertoets, uitgebreid, samenloop, ja, nee = (int(n) for n in aantallen)
        maal = aantal / medianen[dag]
        uitschieter = maal >= UITSCHIETER_FACTOR and aantal >= UITSCHIETER_MINIMUM
        per_operatie = (registertoets, uitgebreid, samenloop)
        yield Gebruik(dag, rol, code, aantal, *per_operatie, ja, nee, maal, uitschieter)
