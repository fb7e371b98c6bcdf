"""Retention: purge audit records and signals older than their period (README: the defaults and
their grounds).

What goes, for a peildatum D and periods in months:
- audit records of the registertoets from Europe/Amsterdam days before D - audit months;
- signals and signal files with a peildatum before D - signal months, but never those of the
  latest completed run (a gemeente may not have fetched them yet);
- sent mails about those files, and sent 60-day reminders of a lapse that a later accepted
  aanlevering ended (a reminder of a lapse still open stays: it stops a second reminder);
- the register's mutation history (`register_mutatie`: BSNs with their Wlz state, kept "to
  explain later") up to what the last run before that date had compared: it explains signals
  that are gone, and no later run reads it (store/signaalscope.py reads only what came after
  the last run). Runs from before migration 0010 recorded no such point: nothing of theirs goes.

What stays: the runs (signaal_run: no personal data; they keep a completed day final and the
replay order), and the subscriptions with their memory of what was signalled (signaal_geheugen),
which is all that the rules of the nightly run read: they never read an old signal. Unsent
mails stay too.

Each table is purged in batches, each its own short transaction, so that the registertoets's
audit inserts (on SQLite: every writer) wait for one batch at most. A purge that is stopped
halfway has removed only what was due; running it again finishes it, and a purge with nothing
due changes nothing.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from store.auditrapport import dag_begin
from store.models import Aanlevering, AuditRegistertoets, Organisatie, RegisterMutatie
from store.models_signalen import (
    MailUitgaand,
    Signaal,
    SignaalBestand,
    SignaalLeveringsvorm,
    SignaalRun,
)

BATCH = 5_000
AFGELEVERD = "afgeleverd"


@dataclass(frozen=True)
class Termijnen:
    """Retention in months; 0 keeps everything of that kind."""

    audit: int
    signalen: int


@dataclass(frozen=True)
class Grenzen:
    """What lies before these Europe/Amsterdam days goes; None: nothing of that kind goes."""

    audit: date | None
    signalen: date | None


@dataclass(frozen=True)
class Opschoning:
    grenzen: Grenzen
    audit: int
    signalen: int
    bestanden: int
    mails: int
    mutaties: int
    controle: bool


def maanden_terug(dag: date, maanden: int) -> date:
    """The same day `maanden` calendar months earlier (the month's last day if it is shorter)."""
    year, month = divmod(dag.year * 12 + dag.month - 1 - maanden, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(dag.day, last))


def grenzen(conn: Connection, peildatum: date, termijnen: Termijnen) -> Grenzen:
    audit = maanden_terug(peildatum, termijnen.audit) if termijnen.audit else None
    signalen = maanden_terug(peildatum, termijnen.signalen) if termijnen.signalen else None
    laatste = conn.execute(select(func.max(SignaalRun.peildatum))).scalar_one()
    if signalen is not None and laatste is not None:
        signalen = min(signalen, laatste)
    return Grenzen(audit, signalen)


def _audit_due(voor: date, organisatie_id: Any = None) -> ColumnElement[bool]:
    due = AuditRegistertoets.tijdstip < dag_begin(voor)
    if organisatie_id is None:
        return due
    return and_(AuditRegistertoets.organisatie_id == organisatie_id, due)


def _mails_due(voor: date) -> ColumnElement[bool]:
    m, a = MailUitgaand, Aanlevering
    later = exists().where(
        a.organisatie_id == m.organisatie_id,
        a.status == AFGELEVERD,
        a.ontvangen_op > m.aangemaakt_op,
    )
    return and_(
        m.verzonden_op.is_not(None),
        m.aangemaakt_op < dag_begin(voor),
        or_(m.soort == "bestand", and_(m.soort == "herinnering", later)),
    )


def _mutaties_tot(conn: Connection, voor: date) -> int | None:
    """The last register mutation a run before the date had compared (None: none)."""
    r = SignaalRun
    query = select(func.max(r.register_mutatie_tot)).where(r.peildatum < voor)
    return conn.execute(query).scalar_one()


def _mutaties_due(tot: int | None) -> ColumnElement[bool]:
    return RegisterMutatie.id <= (tot if tot is not None else -1)


def _count(conn: Connection, table: Any, where: ColumnElement[bool]) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(where)).scalar_one())


def _controle(engine: Engine, g: Grenzen) -> Opschoning:
    """What a purge would remove; changes nothing."""
    with engine.connect() as conn:
        audit = _count(conn, AuditRegistertoets, _audit_due(g.audit)) if g.audit else 0
        if g.signalen is None:
            return Opschoning(g, audit, 0, 0, 0, 0, controle=True)
        signalen = _count(conn, Signaal, Signaal.peildatum < g.signalen)
        bestanden = _count(conn, SignaalBestand, SignaalBestand.peildatum < g.signalen)
        mails = _count(conn, MailUitgaand, _mails_due(g.signalen))
        tot = _mutaties_tot(conn, g.signalen)
        mutaties = _count(conn, RegisterMutatie, _mutaties_due(tot))
    return Opschoning(g, audit, signalen, bestanden, mails, mutaties, controle=True)


@contextmanager
def _write(engine: Engine) -> Iterator[Connection]:
    """One short transaction; on SQLite the write lock is taken at BEGIN (no deferred upgrade
    that fails at once when another writer committed in between)."""
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            yield conn


def _in_batches(engine: Engine, batch: Callable[[Connection], int], size: int) -> int:
    total = 0
    while True:
        with _write(engine) as conn:
            removed = batch(conn)
        total += removed
        if removed < size:
            return total


def _by_id(table: Any, where: ColumnElement[bool], size: int) -> Callable[[Connection], int]:
    """Delete up to `size` rows that match (by primary key id); returns how many went."""
    ids = select(table.id).where(where).limit(size)
    statement = delete(table).where(table.id.in_(ids))
    return lambda conn: int(conn.execute(statement).rowcount)


def _signals(voor: date, size: int) -> Callable[[Connection], int]:
    """Up to `size` signals before the date, the lowest ids first, with their leveringsvormen."""
    s, lv = Signaal, SignaalLeveringsvorm
    ids = select(s.id).where(s.peildatum < voor).order_by(s.id).limit(size)
    children = delete(lv).where(lv.signaal_id.in_(ids))
    parents = delete(s).where(s.id.in_(ids))

    def batch(conn: Connection) -> int:
        conn.execute(children)
        return int(conn.execute(parents).rowcount)

    return batch


def _purge_audit(engine: Engine, voor: date, size: int) -> int:
    """Per organisation, along the (organisatie_id, tijdstip) index."""
    with engine.connect() as conn:
        organisaties = conn.execute(select(Organisatie.id).order_by(Organisatie.id)).scalars()
        ids = list(organisaties)
    a = AuditRegistertoets
    return sum(_in_batches(engine, _by_id(a, _audit_due(voor, org), size), size) for org in ids)


def _purge_files(engine: Engine, voor: date) -> int:
    """One day at a time (a day has at most one file per aanleverende gemeente and wet)."""
    b = SignaalBestand
    with engine.connect() as conn:
        dagen = list(
            conn.execute(select(b.peildatum).where(b.peildatum < voor).distinct()).scalars()
        )
    total = 0
    for dag in dagen:
        with _write(engine) as conn:
            total += int(conn.execute(delete(b).where(b.peildatum == dag)).rowcount)
    return total


def _purge(engine: Engine, g: Grenzen, size: int) -> Opschoning:
    audit = _purge_audit(engine, g.audit, size) if g.audit else 0
    if g.signalen is None:
        return Opschoning(g, audit, 0, 0, 0, 0, controle=False)
    # Files first: a purge stopped in between leaves signals without a listed file (invisible
    # to the gemeente), never a listed file without its signals.
    bestanden = _purge_files(engine, g.signalen)
    signalen = _in_batches(engine, _signals(g.signalen, size), size)
    mails = _in_batches(engine, _by_id(MailUitgaand, _mails_due(g.signalen), size), size)
    with engine.connect() as conn:
        tot = _mutaties_tot(conn, g.signalen)
    m = RegisterMutatie
    mutaties = _in_batches(engine, _by_id(m, _mutaties_due(tot), size), size)
    return Opschoning(g, audit, signalen, bestanden, mails, mutaties, controle=False)


def opschonen(
    engine: Engine,
    peildatum: date,
    termijnen: Termijnen,
    *,
    controle: bool = False,
    batch: int = BATCH,
) -> Opschoning:
    """Purge (or with `controle`, count) what is past its retention on the peildatum."""
    with engine.connect() as conn:
        g = grenzen(conn, peildatum, termijnen)
    return _controle(engine, g) if controle else _purge(engine, g, batch)
