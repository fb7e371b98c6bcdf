"""The registertoets: is there samenloop for this BSN? Every call is audited before it answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    Select,
    and_,
    bindparam,
    insert,
    literal_column,
    or_,
)

from store.advies import Zorginformatie
from store.auth import (
    CALLER_QUERIES,
    Caller,
    Credentials,
    NietGeauthenticeerd,
    caller_params,
    identify,
    portaalgebruiker,
)
from store.bsn import bsn_fout
from store.models import AuditRegistertoets, Organisatie, WlzRegister
from store.rollen import Recht, Rol, mag
from store.toetslimiet import params, vol, weiger
from store.zorginformatie import KOLOMMEN as ZORG_KOLOMMEN
from store.zorginformatie import ZORGRIJEN, uit_rijen

MELDING_NEE = "geen samenloop gevonden"


class Operatie(StrEnum):
    REGISTERTOETS = "Registertoets"
    UITGEBREID = "RegistertoetsUitgebreid"
    SAMENLOOP = "RegistertoetsSamenloop"  # 2023: with zorg information and advies


T = TypeVar("T")


class BsnOngeldig(ValueError):
    """Not 9 ASCII digits or failing the elfproef; the message never repeats the input."""


# Told who is calling as soon as the caller is identified (the request log names it).
Seen = Callable[[Caller], object]


def _nobody(_caller: Caller) -> None:
    return None


class GeenToegang(PermissionError):
    """A known organisation whose role may not run the registertoets."""


@dataclass(frozen=True)
class Toetsuitslag:
    samenloop: bool
    bsn: str | None = None
    wlz_status: str | None = None
    afgiftedatum: date | None = None
    ingangsdatum: date | None = None
    einddatum: date | None = None
    zorg: Zorginformatie | None = None  # only when asked for (the 2023 operation)

    @property
    def melding(self) -> str | None:
        return None if self.samenloop else MELDING_NEE


_RECORD = (
    WlzRegister.wlz_status,
    WlzRegister.afgiftedatum,
    WlzRegister.ingangsdatum,
    WlzRegister.einddatum,
)
# The roles as literals in the SQL: an IN list of bound values is expanded on every execution
# (SQLAlchemy's "postcompile"), which cost more than the lookup itself.
_ROLLEN = or_(
    *(
        Organisatie.rol == literal_column(f"'{rol.value}'")
        for rol in Rol
        if mag(rol, Recht.REGISTERTOETS)
    )
)
_VOL = vol(Organisatie.id)


def _with_record(query: Select[int, str, str], limited: bool, zorg: bool) -> Select[Any]:
    """The caller query with the register record joined only for a caller whose role may run
    the registertoets and, with a rate limit, only while it is under the limit: no record comes
    out of the register for anyone else. `vol` says which of the two kept the record out.
    With `zorg`, the BSN's zorg rows (parameter `peildatum`) are joined onto the record, so
    they too come only with it: one row per zorg row, or one without any."""
    gate = [_VOL.is_(None)] if limited else []
    on = and_(WlzRegister.bsn == bindparam("bsn"), _ROLLEN, *gate)
    joined: Select[Any] = query.add_columns(*_RECORD).outerjoin_from(Organisatie, WlzRegister, on)
    if limited:
        joined = joined.add_columns(_VOL.is_not(None).label("vol"))
    if zorg:
        joined = joined.add_columns(*ZORG_KOLOMMEN).outerjoin_from(
            WlzRegister, ZORGRIJEN, ZORGRIJEN.c.bsn == WlzRegister.bsn
        )
    return joined


# Built once: constructing a statement and its cache key costs more than running it. The
# caller, the rate count, the register record and (2023) the zorg rows come in one round trip.
_AUDIT = insert(AuditRegistertoets)
_CALLER_AND_RECORD = {
    (key, limited, zorg): _with_record(query, limited, zorg)
    for key, query in CALLER_QUERIES.items()
    for limited in (False, True)
    for zorg in (False, True)
}


def _audit(
    conn: Connection, caller: Caller, operatie: Operatie, bsn: str | None, uitkomst: str
) -> None:
    conn.execute(
        _AUDIT,
        {
            "tijdstip": datetime.now(UTC),
            "organisatie_id": caller.organisatie_id,
            "operatie": operatie.value,
            "bsn": bsn,
            "uitkomst": uitkomst,
            "gebruiker_id": caller.gebruiker_id,
        },
    )


@dataclass(frozen=True)
class Invoerfout:
    """Input the core refuses before anything is looked up: audited (without a BSN) under
    `uitkomst` for a caller who may run the registertoets, then raised."""

    uitkomst: str
    fout: Exception


def _invoerfout(bsn: str, andere: Invoerfout | None) -> Invoerfout | None:
    reden = bsn_fout(bsn)
    if reden is not None:
        return Invoerfout("BSN_ONGELDIG", BsnOngeldig(f"BSN ongeldig: {reden}"))
    return andere


def _refuse(
    conn: Connection, caller: Caller, operatie: Operatie, fout: Invoerfout | None
) -> Exception:
    """Audit and return the refusal: the role's (GeenToegang) first, else the input's (`fout`;
    None when the role is the only reason)."""
    if not mag(caller.rol, Recht.REGISTERTOETS) or fout is None:
        _audit(conn, caller, operatie, None, "GEEN_GEMEENTE")
        return GeenToegang(f"een {caller.rol} mag de registertoets niet uitvoeren")
    _audit(conn, caller, operatie, None, fout.uitkomst)
    return fout.fout


def _caller_and_record(
    conn: Connection,
    creds: Credentials | None,
    bsn: str,
    limiet: int,
    nu: datetime,
    zorg_op: date | None,
) -> Sequence[Row[Any]]:
    """The caller query's rows (more than one only for zorg rows), or refuse."""
    key, values = caller_params(creds)
    gate = params(limiet, nu) if limiet else {}
    zorg = {"peildatum": zorg_op} if zorg_op else {}
    query = _CALLER_AND_RECORD[key, limiet > 0, zorg_op is not None]
    rows = conn.execute(query, {**values, **gate, **zorg, "bsn": bsn}).all()
    if not rows:
        raise NietGeauthenticeerd
    return rows


def _uitslag(bsn: str, rows: Sequence[Row[Any]], zorg_op: date | None) -> Toetsuitslag:
    row = rows[0]
    if row.wlz_status is None:
        return Toetsuitslag(samenloop=False)
    zorg = uit_rijen(rows, zorg_op) if zorg_op else None
    return Toetsuitslag(True, bsn, *row[3:7], zorg=zorg)


def toets(
    conn: Connection,
    creds: Credentials | None,
    operatie: Operatie,
    bsn: str,
    seen: Seen | None,
    limiet: int,
    andere_fout: Invoerfout | None = None,
    zorg_op: date | None = None,
) -> Toetsuitslag | Exception:
    """The registertoets inside the caller's transaction; a refusal is returned, not raised,
    so that its audit record commits. `andere_fout`: a refusal of other input than the BSN
    (the 2023 operation's wet), handled exactly as a bad BSN is. `zorg_op`: also read the zorg
    information on this peildatum, in the same round trip (the 2023 operation)."""
    seen = seen or _nobody
    fout = _invoerfout(bsn, andere_fout)
    if fout is not None:
        caller = identify(conn, creds)
        seen(caller)
        return _refuse(conn, caller, operatie, fout)
    nu = datetime.now(UTC)
    rows = _caller_and_record(conn, creds, bsn, limiet, nu, zorg_op)
    row = rows[0]
    caller = Caller(row.id, row.rol, row.code, portaalgebruiker(creds))
    seen(caller)
    if not mag(caller.rol, Recht.REGISTERTOETS):
        return _refuse(conn, caller, operatie, None)
    if limiet and row.vol:
        return weiger(conn, caller.organisatie_id, limiet, nu)
    uitslag = _uitslag(bsn, rows, zorg_op)
    _audit(conn, caller, operatie, bsn, "JA" if uitslag.samenloop else "NEE")
    return uitslag


def registertoets(
    engine: Engine,
    creds: Credentials | None,
    bsn: str,
    operatie: Operatie,
    seen: Seen | None = None,
    *,
    limiet: int,
) -> Toetsuitslag:
    """Identify the caller, check and look up the BSN, audit, commit; then answer or raise.

    `limiet`: registertoetsen per organisation per minute (0: none); over it TeVeelVerzoeken,
    and nothing is looked up or audited (store/toetslimiet.py).
    """
    return in_transaction(engine, lambda conn: toets(conn, creds, operatie, bsn, seen, limiet))


def in_transaction(engine: Engine, work: Callable[[Connection], T | Exception]) -> T:
    """Run `work` in one committed transaction, then raise the refusal it returned, if any."""
    # Every call writes (the audit). On SQLite take the write lock at BEGIN: a deferred
    # transaction that reads and then writes fails at once ("database is locked", no busy wait)
    # when another process committed in between, as concurrent workers do.
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            outcome = work(conn)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome
