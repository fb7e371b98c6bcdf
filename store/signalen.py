"""The nightly Wlz signalen run (beslisregels.md section 4): set-based, idempotent per peildatum.

Everything of a run happens in one transaction (a killed run leaves nothing behind, and the
rerun ends where an uninterrupted run would): remove the subscriptions whose einddatum has been
reached, create the signals by one INSERT ... SELECT over the join of population and register
(with the memory of what was signalled LEFT JOINed), remember what was signalled (one upsert
into signaal_geheugen), queue the mails, and record the run. A lock in the database lets
only one run proceed; a completed run for D is final.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Engine,
    Select,
    and_,
    case,
    delete,
    func,
    insert,
    join,
    literal,
    null,
    or_,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Join

from store import advies_sql
from store.db import JOB
from store.models import Abonnement, WlzRegister
from store.models_signalen import (
    Signaal,
    SignaalBestand,
    SignaalGeheugen,
    SignaalLeveringsvorm,
    SignaalRun,
)
from store.models_zorg import ZorgkantoorLevering
from store.uitgaand import queue_run_mails

EERSTE = "eerste"
GEWIJZIGD = "gewijzigd"
SIGNALEERBAAR = ("Ja", "Onbekend")
_LOCK_KEY = 0x5A4D_4C4F  # one advisory lock for the nightly run on PostgreSQL
_STATE = ("wlz_status", "afgiftedatum", "ingangsdatum", "einddatum")


class RunGeweigerd(Exception):
    """The run may not proceed (a replay without force, or another run holds the lock)."""


@dataclass(frozen=True)
class RunResultaat:
    peildatum: date
    nieuw: bool
    signalen: int
    bestanden: int
    verwijderd: int
    mails: int = 0


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        got = conn.execute(select(func.pg_try_advisory_xact_lock(_LOCK_KEY))).scalar_one()
        if not got:
            raise RunGeweigerd("er loopt al een signalenrun; deze run is niet gestart")


def _existing(conn: Connection, peildatum: date) -> RunResultaat | None:
    r = SignaalRun
    query = select(r.signalen, r.bestanden, r.verwijderd).where(r.peildatum == peildatum)
    row = conn.execute(query).first()
    return None if row is None else RunResultaat(peildatum, False, *row)


def _check_order(conn: Connection, peildatum: date, forceer: bool) -> None:
    last = conn.execute(select(func.max(SignaalRun.peildatum))).scalar_one()
    if last is not None and peildatum < last and not forceer:
        raise RunGeweigerd(
            f"peildatum {peildatum.isoformat()} ligt voor de laatste voltooide run "
            f"({last.isoformat()}); gebruik --forceer om toch te draaien "
            "(gepubliceerde bestanden blijven ongewijzigd)"
        )


def _ended(peildatum: date) -> ColumnElement[bool]:
    a = Abonnement
    return and_(a.einddatum.is_not(None), a.einddatum <= peildatum)


def _remove_ended(conn: Connection, peildatum: date) -> int:
    """A subscription goes on the day its einddatum is reached, and its signal memory first."""
    a, g = Abonnement, SignaalGeheugen
    keys = select(a.bsn, a.wet, a.gemeentecode).where(_ended(peildatum))
    conn.execute(delete(g).where(tuple_(g.bsn, g.wet, g.gemeentecode).in_(keys)))
    result = conn.execute(delete(a).where(_ended(peildatum)))
    return int(result.rowcount or 0)


_MEMORY = {c: getattr(SignaalGeheugen, c) for c in _STATE}


def _changed() -> ColumnElement[bool]:
    return or_(*(getattr(WlzRegister, c).is_distinct_from(m) for c, m in _MEMORY.items()))


def _rule(peildatum: date) -> ColumnElement[bool]:
    """Lopend on D (beslisregels 3) and rule 1 or 2 (section 4), on the old memory."""
    a, r = Abonnement, WlzRegister
    lopend = and_(
        or_(a.ingangsdatum.is_(None), a.ingangsdatum <= peildatum),
        or_(a.einddatum.is_(None), a.einddatum > peildatum),
    )
    never = SignaalGeheugen.bsn.is_(None)
    return and_(
        lopend,
        or_(and_(never, r.wlz_status.in_(SIGNALEERBAAR)), and_(~never, _changed())),
    )


@dataclass(frozen=True)
class _Zorg:
    """The day's per-BSN zorg aggregates, or None when SAMENLOOP_ZORGINFORMATIE is uit."""

    bronnen: advies_sql.Bronnen | None

    @classmethod
    def op(cls, peildatum: date, aan: bool) -> _Zorg:
        if not aan:
            return cls(None)
        r = WlzRegister
        zk, za = advies_sql.kantoor(peildatum), advies_sql.aanbieder(peildatum)
        return cls(advies_sql.Bronnen(r.wlz_status, r.einddatum, zk, za, peildatum))

    def columns(self) -> list[ColumnElement[Any]]:
        """startdatum_zorg, bron, advies, regel, versie, per (the _ZORG_COLUMNS order)."""
        b = self.bronnen
        if b is None:
            return [null()] * len(_ZORG_COLUMNS)
        m = advies_sql
        return [
            m.startdatum_zorg(b),
            m.bron(b),
            m.waarde(b),
            m.regel(b),
            m.versie(),
            m.per_datum(b),
        ]


_ZORG_COLUMNS = (
    "startdatum_zorg",
    "bron_startdatum_zorg",
    "advies",
    "advies_regel",
    "advies_versie",
    "advies_per",
)


def _candidates(zorg: _Zorg) -> Join:
    """Each subscription with its register record, (left) what was signalled to it, and (left)
    its BSN's zorg aggregates."""
    a, r, g = Abonnement, WlzRegister, SignaalGeheugen
    memory = and_(g.bsn == a.bsn, g.wet == a.wet, g.gemeentecode == a.gemeentecode)
    joined = join(a, r, r.bsn == a.bsn).outerjoin(g, memory)
    if (b := zorg.bronnen) is not None:
        joined = joined.outerjoin(b.zk, b.zk.c.bsn == a.bsn).outerjoin(b.za, b.za.c.bsn == a.bsn)
    return joined


def _signal_query(peildatum: date, zorg: _Zorg) -> Select[Any]:
    a, r = Abonnement, WlzRegister
    regel = case((SignaalGeheugen.bsn.is_(None), literal(EERSTE)), else_=literal(GEWIJZIGD))
    return (
        select(
            literal(peildatum, Date),
            a.wet,
            a.gemeentecode,
            a.bsn,
            a.organisatie_id,
            r.wlz_status,
            r.afgiftedatum,
            r.ingangsdatum,
            r.einddatum,
            regel,
            *_MEMORY.values(),
            *zorg.columns(),
        )
        .select_from(_candidates(zorg))
        .where(_rule(peildatum))
    )


_SIGNAAL_COLUMNS = (
    "peildatum",
    "wet",
    "gemeentecode",
    "bsn",
    "organisatie_id",
    *_STATE,
    "regel",
    "vorige_status",
    "vorige_afgiftedatum",
    "vorige_ingangsdatum",
    "vorige_einddatum",
    *_ZORG_COLUMNS,
)


def _create_signals(conn: Connection, peildatum: date, zorg: _Zorg) -> int:
    """Insert the day's signals (and, with the zorg information, their leveringsvormen);
    returns how many (rowcount is not reliable for an INSERT ... SELECT on every driver)."""
    query = _signal_query(peildatum, zorg)
    conn.execute(insert(Signaal).from_select(list(_SIGNAAL_COLUMNS), query))
    if zorg.bronnen is not None:
        _store_leveringsvormen(conn, peildatum)
    count = select(func.count()).where(Signaal.peildatum == peildatum)
    return int(conn.execute(count).scalar_one())


def _store_leveringsvormen(conn: Connection, peildatum: date) -> None:
    """Every toewijzing not ended on D of each of the day's signals (section 2), as it is now."""
    s, z = Signaal, ZorgkantoorLevering
    rows = (
        select(s.id, z.organisatie_id, z.leveringsvorm, z.startdatum, z.einddatum)
        .join_from(s, z, z.bsn == s.bsn)
        .where(s.peildatum == peildatum, or_(z.einddatum.is_(None), z.einddatum > peildatum))
    )
    columns = ["signaal_id", "organisatie_id", "code", "startdatum", "einddatum"]
    conn.execute(insert(SignaalLeveringsvorm).from_select(columns, rows))


def _upsert(conn: Connection) -> Any:
    """The dialect's INSERT with ON CONFLICT (both engines speak it)."""
    return pg_insert if conn.dialect.name == "postgresql" else sqlite_insert


def _remember(conn: Connection, peildatum: date) -> None:
    """Each subscription signalled today remembers the state just signalled: one upsert
    from the day's signals into the narrow memory table."""
    s, g = Signaal, SignaalGeheugen
    columns = ["bsn", "wet", "gemeentecode", *_STATE, "gesignaleerd_op"]
    day = select(s.bsn, s.wet, s.gemeentecode, *(getattr(s, c) for c in _STATE), s.peildatum)
    stmt = _upsert(conn)(g).from_select(columns, day.where(s.peildatum == peildatum))
    changed = {c: getattr(stmt.excluded, c) for c in columns[3:]}
    conn.execute(stmt.on_conflict_do_update(index_elements=columns[:3], set_=changed))


def _publish(conn: Connection, peildatum: date) -> int:
    """Record the day's files: one per (aanleverende gemeente, wet) with signals."""
    s = Signaal
    per_file = (
        select(s.organisatie_id, s.wet, s.peildatum, func.count())
        .where(s.peildatum == peildatum)
        .group_by(s.organisatie_id, s.wet, s.peildatum)
    )
    columns = ["organisatie_id", "wet", "peildatum", "aantal"]
    conn.execute(insert(SignaalBestand).from_select(columns, per_file))
    count = select(func.count()).where(SignaalBestand.peildatum == peildatum)
    return int(conn.execute(count).scalar_one())


def _record(conn: Connection, res: RunResultaat, began: datetime, forceer: bool, ms: int) -> None:
    conn.execute(
        insert(SignaalRun),
        {
            "peildatum": res.peildatum,
            "gestart_op": began,
            "voltooid_op": datetime.now(UTC),
            "geforceerd": forceer,
            "signalen": res.signalen,
            "bestanden": res.bestanden,
            "verwijderd": res.verwijderd,
            "duur_ms": ms,
        },
    )


def _run(conn: Connection, peildatum: date, forceer: bool, zorg: bool) -> RunResultaat:
    began, clock = datetime.now(UTC), time.perf_counter()
    _lock(conn)
    if (done := _existing(conn, peildatum)) is not None:
        return done
    _check_order(conn, peildatum, forceer)
    verwijderd = _remove_ended(conn, peildatum)
    signalen = _create_signals(conn, peildatum, _Zorg.op(peildatum, zorg))
    _remember(conn, peildatum)
    bestanden = _publish(conn, peildatum)
    mails = queue_run_mails(conn, peildatum)
    res = RunResultaat(peildatum, True, signalen, bestanden, verwijderd, mails)
    _record(conn, res, began, forceer, int((time.perf_counter() - clock) * 1000))
    return res


def run(
    engine: Engine, peildatum: date, *, forceer: bool = False, zorginformatie: bool = True
) -> RunResultaat:
    """Run (or find) the nightly run for the peildatum; see the module docstring. With
    `zorginformatie` off (SAMENLOOP_ZORGINFORMATIE=uit) no zorg information or advies is
    stored with the signals."""
    options = {"isolation_level": "REPEATABLE READ", "sqlite_begin": "IMMEDIATE", JOB: True}
    if engine.dialect.name == "sqlite":
        options.pop("isolation_level")
    try:
        with engine.connect().execution_options(**options) as conn, conn.begin():
            return _run(conn, peildatum, forceer, zorginformatie)
    except OperationalError as exc:
        if "locked" in str(exc.orig):
            raise RunGeweigerd("er loopt al een signalenrun (database bezet)") from None
        raise
