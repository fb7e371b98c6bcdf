"""The nightly Wlz signalen run (beslisregels.md section 4): set-based, idempotent per peildatum.

Everything of a run happens in one transaction (a killed run leaves nothing behind, and the
rerun ends where an uninterrupted run would): remove the subscriptions whose einddatum has been
reached, create the signals by one INSERT ... SELECT over the join of population and register,
remember what was signalled, queue the mails, and record the run. A lock in the database lets
only one run proceed; a completed run for D is final.
"""

from __future__ import annotations

import time
from collections.abc import Collection
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
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql.elements import ColumnElement

from store.db import JOB
from store.models import Abonnement, WlzRegister
from store.models_signalen import Signaal, SignaalBestand, SignaalRun
from store.rollen import Wet
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


def _remove_ended(conn: Connection, peildatum: date, wetten: Collection[str]) -> int:
    """A subscription goes on the day its einddatum is reached (with its signal memory)."""
    result = conn.execute(
        delete(Abonnement).where(
            Abonnement.einddatum.is_not(None),
            Abonnement.einddatum <= peildatum,
            Abonnement.wet.in_(wetten),
        )
    )
    return int(result.rowcount or 0)


_MEMORY = {
    "wlz_status": Abonnement.gesignaleerd_status,
    "afgiftedatum": Abonnement.gesignaleerd_afgiftedatum,
    "ingangsdatum": Abonnement.gesignaleerd_ingangsdatum,
    "einddatum": Abonnement.gesignaleerd_einddatum,
}


def _changed() -> ColumnElement[bool]:
    return or_(*(getattr(WlzRegister, c).is_distinct_from(m) for c, m in _MEMORY.items()))


def _rule(peildatum: date, wetten: Collection[str]) -> ColumnElement[bool]:
    """Lopend on D (beslisregels 3) and rule 1 or 2 (section 4), on the old memory."""
    a, r = Abonnement, WlzRegister
    lopend = and_(
        or_(a.ingangsdatum.is_(None), a.ingangsdatum <= peildatum),
        or_(a.einddatum.is_(None), a.einddatum > peildatum),
    )
    never = a.gesignaleerd_op.is_(None)
    return and_(
        r.bsn == a.bsn,
        a.wet.in_(wetten),
        lopend,
        or_(and_(never, r.wlz_status.in_(SIGNALEERBAAR)), and_(~never, _changed())),
    )


def _signal_query(peildatum: date, wetten: Collection[str]) -> Select[Any]:
    a, r = Abonnement, WlzRegister
    regel = case((a.gesignaleerd_op.is_(None), literal(EERSTE)), else_=literal(GEWIJZIGD))
    return select(
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
    ).where(_rule(peildatum, wetten))


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
)


def _create_signals(conn: Connection, peildatum: date, wetten: Collection[str]) -> None:
    query = _signal_query(peildatum, wetten)
    conn.execute(insert(Signaal).from_select(list(_SIGNAAL_COLUMNS), query))


def _remember(conn: Connection, peildatum: date) -> int:
    """Each subscription signalled today remembers the state just signalled (UPDATE ... FROM
    the day's signals, by primary key); returns how many, which is the number of signals."""
    a, s = Abonnement, Signaal
    values = {m.key: getattr(s, c) for c, m in _MEMORY.items()}
    result = conn.execute(
        update(a)
        .values(**values, gesignaleerd_op=peildatum)
        .where(s.peildatum == peildatum, s.bsn == a.bsn, s.wet == a.wet)
        .where(s.gemeentecode == a.gemeentecode)
    )
    return int(result.rowcount)


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


def _run(conn: Connection, peildatum: date, forceer: bool, wetten: Collection[str]) -> RunResultaat:
    began, clock = datetime.now(UTC), time.perf_counter()
    _lock(conn)
    if (done := _existing(conn, peildatum)) is not None:
        return done
    _check_order(conn, peildatum, forceer)
    verwijderd = _remove_ended(conn, peildatum, wetten)
    _create_signals(conn, peildatum, wetten)
    signalen = _remember(conn, peildatum)
    bestanden = _publish(conn, peildatum)
    mails = queue_run_mails(conn, peildatum, wetten)
    res = RunResultaat(peildatum, True, signalen, bestanden, verwijderd, mails)
    _record(conn, res, began, forceer, int((time.perf_counter() - clock) * 1000))
    return res


def run(
    engine: Engine,
    peildatum: date,
    *,
    forceer: bool = False,
    wetten: Collection[str] = tuple(Wet),
) -> RunResultaat:
    """Run (or find) the nightly run for the peildatum; see the module docstring.

    Only the subscriptions of `wetten` take part (store.wetten.actief: no Jeugdwet while its
    switch is uit); those of another wet are left exactly as they are, not even removed.
    """
    options = {"isolation_level": "REPEATABLE READ", "sqlite_begin": "IMMEDIATE", JOB: True}
    if engine.dialect.name == "sqlite":
        options.pop("isolation_level")
    try:
        with engine.connect().execution_options(**options) as conn, conn.begin():
            return _run(conn, peildatum, forceer, wetten)
    except OperationalError as exc:
        if "locked" in str(exc.orig):
            raise RunGeweigerd("er loopt al een signalenrun (database bezet)") from None
        raise
