"""The nightly Wlz signalen run (beslisregels.md section 4): set-based, idempotent per peildatum.

Everything of a run happens in one transaction (a killed run leaves nothing behind, and the
rerun ends where an uninterrupted run would): remove the subscriptions whose einddatum has been
reached, create the signals by one INSERT ... SELECT over the join of population and register
(with the memory of what was signalled LEFT JOINed), remember what was signalled (one upsert
into signaal_geheugen), queue the mails, and record the run. A lock in the database lets
only one run proceed; a completed run for D is final.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql.elements import ColumnElement

from store import signaalscope
from store.db import JOB
from store.models import Abonnement, Organisatie
from store.models_signalen import (
    Signaal,
    SignaalBestand,
    SignaalGeheugen,
    SignaalLeveringsvorm,
    SignaalRun,
)
from store.models_zorg import ZorgkantoorLevering
from store.rollen import Rol, Wet
from store.signaalregels import (
    EERSTE,
    GEWIJZIGD,
    SIGNAAL_COLUMNS,
    STATE,
    VERSIE_2,
    Zorg,
    signal_query,
    zorgwissel_query,
)
from store.signaalversie import versie_sql
from store.uitgaand import Links, queue_run_mails

_LOCK_KEY = 0x5A4D_4C4F  # one advisory lock for the nightly run on PostgreSQL
VEEL_SIGNALEN = 10_000  # from here on the run refreshes signaal's statistics (PostgreSQL)
_REMEMBERED = ("bsn", "wet", "gemeentecode", *STATE, "peildatum", *VERSIE_2)


class GemeenteOnbekend(Exception):
    """No gemeente with that code is registered."""


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


def _planner(conn: Connection) -> None:
    """PostgreSQL, for this transaction only: enough work_mem that the join's hashes, the zorg
    aggregate and the sort stay in memory at national scale (the 4 MB default spilled all three
    to disk: EXPLAIN ANALYZE Batches 5-8 and an external merge). On the bench's machine, whose
    files sit in the page cache, that saved about 0.3 s of a 4.5 s first run, within the noise;
    on a disk that is not idle the spill costs more."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL work_mem = '32MB'")


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


def _ended(peildatum: date, wetten: Collection[str]) -> ColumnElement[bool]:
    a = Abonnement
    return and_(a.einddatum.is_not(None), a.einddatum <= peildatum, a.wet.in_(wetten))


def _remove_ended(conn: Connection, peildatum: date, wetten: Collection[str]) -> int:
    """A subscription goes on the day its einddatum is reached, and its signal memory first."""
    a, g = Abonnement, SignaalGeheugen
    keys = select(a.bsn, a.wet, a.gemeentecode).where(_ended(peildatum, wetten))
    conn.execute(delete(g).where(tuple_(g.bsn, g.wet, g.gemeentecode).in_(keys)))
    result = conn.execute(delete(a).where(_ended(peildatum, wetten)))
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class _Opties:
    forceer: bool
    zorginformatie: bool
    volledig: bool  # compare every subscription, whatever changed
    links: Links | None = None  # the portal's pages, for the mails


@dataclass(frozen=True)
class _Vergelijking:
    """What a run compares: its settings, and the BSNs in scope (None: every subscription)."""

    zorginformatie: bool
    wetten: Collection[str]
    scope: Select[str] | None


def _vergelijking(
    conn: Connection, peildatum: date, opties: _Opties, wetten: Collection[str]
) -> _Vergelijking:
    vorige, zorginformatie = signaalscope.vorige(conn), opties.zorginformatie
    ingesteld = signaalscope.instellingen(zorginformatie, wetten)
    if opties.volledig or vorige is None or signaalscope.volledig(vorige, peildatum, ingesteld):
        return _Vergelijking(zorginformatie, wetten, None)
    return _Vergelijking(zorginformatie, wetten, signaalscope.verzamel(conn, vorige, peildatum))


def _create_signals(conn: Connection, peildatum: date, v: _Vergelijking) -> int:
    """Insert the day's signals (and, with the zorg information, their leveringsvormen);
    returns how many (rowcount is not reliable for an INSERT ... SELECT on every driver)."""
    zorg = Zorg.op(peildatum, v.zorginformatie, v.scope)
    query = signal_query(peildatum, zorg, v.wetten, v.scope)
    conn.execute(insert(Signaal).from_select(list(SIGNAAL_COLUMNS), query))
    count = select(func.count()).where(Signaal.peildatum == peildatum)
    signalen = int(conn.execute(count).scalar_one())
    _statistieken(conn, signalen)
    if zorg.bronnen is not None:
        _store_leveringsvormen(conn, peildatum)
    return signalen


def _statistieken(conn: Connection, signalen: int) -> None:
    """A day with many signals (a first run, a register reload) is a large part of a table
    the planner still thinks it knows: without fresh statistics PostgreSQL reads the day back
    with one index lookup per signal (a first run's leveringsvormen took 1.5 s instead of 0.2)."""
    if conn.dialect.name == "postgresql" and signalen >= VEEL_SIGNALEN:
        conn.exec_driver_sql("ANALYZE signaal")


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
    """Each subscription signalled today remembers the state just signalled (the version 2
    state too), in the narrow memory table: a first signal's subscription has no memory yet
    (that is what made it first), so those are a plain INSERT; the changed ones an upsert."""
    s, g = Signaal, SignaalGeheugen
    columns = [c.replace("peildatum", "gesignaleerd_op") for c in _REMEMBERED]
    day = select(*(getattr(s, c) for c in _REMEMBERED)).where(s.peildatum == peildatum)
    conn.execute(insert(g).from_select(columns, day.where(s.regel == EERSTE)))
    stmt = _upsert(conn)(g).from_select(columns, day.where(s.regel == GEWIJZIGD))
    changed = {c: getattr(stmt.excluded, c) for c in columns[3:]}
    conn.execute(stmt.on_conflict_do_update(index_elements=columns[:3], set_=changed))


def _publish(conn: Connection, peildatum: date) -> int:
    """Record the day's files: one per (aanleverende gemeente, wet) with signals, each with
    the version of its columns as of today (a later switch leaves it as it is)."""
    s, o = Signaal, Organisatie
    versie = versie_sql(s.wet, o.signaalversie)
    per_file = (
        select(s.organisatie_id, s.wet, s.peildatum, func.count(), versie)
        .join(o, o.id == s.organisatie_id)
        .where(s.peildatum == peildatum)
        .group_by(s.organisatie_id, s.wet, s.peildatum, o.signaalversie)
    )
    columns = ["organisatie_id", "wet", "peildatum", "aantal", "versie"]
    conn.execute(insert(SignaalBestand).from_select(columns, per_file))
    count = select(func.count()).where(SignaalBestand.peildatum == peildatum)
    return int(conn.execute(count).scalar_one())


def _record(
    conn: Connection, res: RunResultaat, v: _Vergelijking, began: datetime, forceer: bool
) -> None:
    ms = int((datetime.now(UTC) - began).total_seconds() * 1000)
    conn.execute(
        insert(SignaalRun),
        {
            "register_mutatie_tot": signaalscope.register_mutatie_tot(conn),
            "instellingen": signaalscope.instellingen(v.zorginformatie, v.wetten),
            "volledig": v.scope is None,
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


def _run(
    conn: Connection, peildatum: date, opties: _Opties, wetten: Collection[str]
) -> RunResultaat:
    began = datetime.now(UTC)
    _lock(conn)
    _planner(conn)
    if (done := _existing(conn, peildatum)) is not None:
        return done
    _check_order(conn, peildatum, opties.forceer)
    verwijderd = _remove_ended(conn, peildatum, wetten)
    vergelijking = _vergelijking(conn, peildatum, opties, wetten)
    signalen = _create_signals(conn, peildatum, vergelijking)
    signaalscope.leeg(conn)
    _remember(conn, peildatum)
    bestanden = _publish(conn, peildatum)
    mails = queue_run_mails(conn, peildatum, wetten, opties.links)
    res = RunResultaat(peildatum, True, signalen, bestanden, verwijderd, mails)
    _record(conn, res, vergelijking, began, opties.forceer)
    return res


def zorgwissel(conn: Connection, organisatie_id: int, peildatum: date, zorg: bool) -> int:
    """How many new signals the run for D gives when this gemeente switches its Wmo files to
    version 2 (store/signaalregels.py); with the zorg information uit, only version 1 changes."""
    query = zorgwissel_query(peildatum, organisatie_id, Zorg.op(peildatum, zorg))
    return int(conn.execute(query).scalar_one())


def kies_versie(
    conn: Connection, code: str, versie: int, peildatum: date, *, zorginformatie: bool = True
) -> int:
    """Switch a gemeente's Wmo signal files to `versie` (1 or 2) from the next run on; returns
    how many new signals switching to version 2 gives for the peildatum (0 for version 1: its
    state is part of version 2's). Files already published keep their version."""
    o = Organisatie
    gemeente = and_(o.rol == str(Rol.GEMEENTE), o.code == code)
    org_id = conn.execute(select(o.id).where(gemeente)).scalar_one_or_none()
    if org_id is None:
        raise GemeenteOnbekend(f"gemeente {code} is niet geregistreerd")
    nieuw = zorgwissel(conn, org_id, peildatum, zorginformatie) if versie == 2 else 0
    conn.execute(update(o).where(o.id == org_id).values(signaalversie=versie))
    a = Abonnement
    wmo = select(a.bsn).where(a.organisatie_id == org_id, a.wet == str(Wet.WMO))
    signaalscope.markeer(conn, wmo)  # their next comparison is another one
    return nieuw


def run(
    engine: Engine,
    peildatum: date,
    *,
    forceer: bool = False,
    zorginformatie: bool = True,
    wetten: Collection[str] = tuple(Wet),
    volledig: bool = False,
    links: Links | None = None,
) -> RunResultaat:
    """Run (or find) the nightly run for the peildatum; see the module docstring. With
    `zorginformatie` off (SAMENLOOP_ZORGINFORMATIE=uit) no zorg information or advies is
    stored with the signals. Only the subscriptions of `wetten` take part (store.wetten.actief:
    no Jeugdwet while its switch is uit); those of another wet are left exactly as they are,
    not even removed. A run compares only what changed since the last run
    (store/signaalscope.py) unless `volledig`, or unless it must compare all. With `links`,
    each mail names its portal page."""
    options = {"isolation_level": "REPEATABLE READ", "sqlite_begin": "IMMEDIATE", JOB: True}
    if engine.dialect.name == "sqlite":
        options.pop("isolation_level")
    try:
        with engine.connect().execution_options(**options) as conn, conn.begin():
            opties = _Opties(forceer, zorginformatie, volledig, links)
            return _run(conn, peildatum, opties, wetten)
    except OperationalError as exc:
        if "locked" in str(exc.orig):
            raise RunGeweigerd("er loopt al een signalenrun (database bezet)") from None
        raise
