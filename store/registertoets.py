"""The registertoets: is there samenloop for this BSN? Every call is audited before it answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import Connection, Engine, and_, bindparam, insert

from store.auth import (
    CALLER_QUERIES,
    Caller,
    Credentials,
    NietGeauthenticeerd,
    caller_params,
    identify,
)
from store.bsn import bsn_fout
from store.models import AuditRegistertoets, Organisatie, WlzRegister
from store.rollen import Recht, Rol, mag

MELDING_NEE = "geen samenloop gevonden"


class Operatie(StrEnum):
    REGISTERTOETS = "Registertoets"
    UITGEBREID = "RegistertoetsUitgebreid"


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

    @property
    def melding(self) -> str | None:
        return None if self.samenloop else MELDING_NEE


_RECORD = (
    WlzRegister.wlz_status,
    WlzRegister.afgiftedatum,
    WlzRegister.ingangsdatum,
    WlzRegister.einddatum,
)
_ROLLEN = [rol.value for rol in Rol if mag(rol, Recht.REGISTERTOETS)]
# Built once: constructing a statement and its cache key costs more than running it. The
# caller and the register record come in one round trip: the record is joined only for a
# caller whose role may run the registertoets, so nothing is looked up for anyone else.
_AUDIT = insert(AuditRegistertoets)
_CALLER_AND_RECORD = {
    key: query.add_columns(*_RECORD).outerjoin(
        WlzRegister, and_(WlzRegister.bsn == bindparam("bsn"), Organisatie.rol.in_(_ROLLEN))
    )
    for key, query in CALLER_QUERIES.items()
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
        },
    )


def _refuse(conn: Connection, caller: Caller, operatie: Operatie, reden: str) -> Exception:
    if not mag(caller.rol, Recht.REGISTERTOETS):
        _audit(conn, caller, operatie, None, "GEEN_GEMEENTE")
        return GeenToegang(f"een {caller.rol} mag de registertoets niet uitvoeren")
    _audit(conn, caller, operatie, None, "BSN_ONGELDIG")
    return BsnOngeldig(f"BSN ongeldig: {reden}")


def _toets(
    conn: Connection, creds: Credentials | None, operatie: Operatie, bsn: str, seen: Seen
) -> Toetsuitslag | Exception:
    reden = bsn_fout(bsn)
    if reden is not None:
        caller = identify(conn, creds)
        seen(caller)
        return _refuse(conn, caller, operatie, reden)
    key, params = caller_params(creds)
    row = conn.execute(_CALLER_AND_RECORD[key], {**params, "bsn": bsn}).first()
    if row is None:
        raise NietGeauthenticeerd
    caller = Caller(row.id, row.rol, row.code)
    seen(caller)
    if not mag(caller.rol, Recht.REGISTERTOETS):
        return _refuse(conn, caller, operatie, "")
    found = row.wlz_status is not None
    uitslag = Toetsuitslag(True, bsn, *row[3:]) if found else Toetsuitslag(samenloop=False)
    _audit(conn, caller, operatie, bsn, "JA" if found else "NEE")
    return uitslag


def registertoets(
    engine: Engine,
    creds: Credentials | None,
    bsn: str,
    operatie: Operatie,
    seen: Seen | None = None,
) -> Toetsuitslag:
    """Identify the caller, check and look up the BSN, audit, commit; then answer or raise."""
    # Every call writes (the audit). On SQLite take the write lock at BEGIN: a deferred
    # transaction that reads and then writes fails at once ("database is locked", no busy wait)
    # when another process committed in between, as concurrent workers do.
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            outcome = _toets(conn, creds, operatie, bsn, seen or _nobody)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome
