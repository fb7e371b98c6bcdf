"""The registertoets: is there samenloop for this BSN? Every call is audited before it answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import Connection, Engine, bindparam, insert, select

from store.auth import Caller, Credentials, identify
from store.bsn import bsn_fout
from store.models import AuditRegistertoets, WlzRegister
from store.rollen import Recht, mag

MELDING_NEE = "geen samenloop gevonden"


class Operatie(StrEnum):
    REGISTERTOETS = "Registertoets"
    UITGEBREID = "RegistertoetsUitgebreid"


class BsnOngeldig(ValueError):
    """Not 9 ASCII digits or failing the elfproef; the message never repeats the input."""


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


# Built once: constructing a statement and its cache key costs more than running it.
_AUDIT = insert(AuditRegistertoets)
_LOOKUP = select(
    WlzRegister.wlz_status,
    WlzRegister.afgiftedatum,
    WlzRegister.ingangsdatum,
    WlzRegister.einddatum,
).where(WlzRegister.bsn == bindparam("bsn"))


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


def _lookup(conn: Connection, bsn: str) -> Toetsuitslag:
    row = conn.execute(_LOOKUP, {"bsn": bsn}).first()
    if row is None:
        return Toetsuitslag(samenloop=False)
    return Toetsuitslag(True, bsn, *row)


def _toets(
    conn: Connection, caller: Caller, operatie: Operatie, bsn: str
) -> Toetsuitslag | Exception:
    if not mag(caller.rol, Recht.REGISTERTOETS):
        _audit(conn, caller, operatie, None, "GEEN_GEMEENTE")
        return GeenToegang(f"een {caller.rol} mag de registertoets niet uitvoeren")
    reden = bsn_fout(bsn)
    if reden is not None:
        _audit(conn, caller, operatie, None, "BSN_ONGELDIG")
        return BsnOngeldig(f"BSN ongeldig: {reden}")
    uitslag = _lookup(conn, bsn)
    _audit(conn, caller, operatie, bsn, "JA" if uitslag.samenloop else "NEE")
    return uitslag


def registertoets(
    engine: Engine, creds: Credentials | None, bsn: str, operatie: Operatie
) -> Toetsuitslag:
    """Identify the caller, check and look up the BSN, audit, commit; then answer or raise."""
    # Every call writes (the audit). On SQLite take the write lock at BEGIN: a deferred
    # transaction that reads and then writes fails at once ("database is locked", no busy wait)
    # when another process committed in between, as concurrent workers do.
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            caller = identify(conn, creds)
            outcome = _toets(conn, caller, operatie, bsn)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome
