"""The registertoets 2023 (doorontwikkeling-2023.md section 4): the 2021 answer plus, when
there is samenloop, the zorg information on the peildatum and the advies "Wlz voorliggend?".

Everything store/registertoets.py does (identify, rate limit, audit, one query for caller and
record) happens first, in the same transaction; then, only for samenloop JA and only while
SAMENLOOP_ZORGINFORMATIE is aan, one more round trip reads the BSN's zorgkantoor and
zorgaanbieder rows (one indexed lookup per table, by the primary keys that start with the
BSN). The rules are store/advies.py's; this module only feeds them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Dialect, Engine, String, bindparam, null, or_, select, union_all

from store.advies import (
    Advies,
    Indicatie,
    Periode,
    Situatie,
    Zorginformatie,
    advies,
    zorginformatie,
)
from store.auth import Credentials
from store.models_zorg import ZorgaanbiederLevering as _ZA
from store.models_zorg import ZorgkantoorLevering as _ZK
from store.registertoets import (
    Invoerfout,
    Operatie,
    Seen,
    Toetsuitslag,
    in_transaction,
    toets,
)
from store.rollen import Wet

WETTEN = tuple(w.value for w in Wet)


class WetOngeldig(ValueError):
    """A wet other than wmo or jw, or jw while the Jeugdwet switch is uit; never repeats it."""


@dataclass(frozen=True)
class Samenloopuitslag:
    """The 2021 uitslag; zorg and advies only for samenloop JA with zorg information aan."""

    uitslag: Toetsuitslag
    zorg: Zorginformatie | None = None
    advies: Advies | None = None


def wet_fout(wet: object, jeugdwet: bool) -> str | None:
    """Why this wet is refused (plain Dutch, without the value), or None. One check for SOAP,
    REST and the CLI."""
    if not isinstance(wet, str) or wet not in WETTEN:
        return "onbekende wet; toegestaan: " + ", ".join(WETTEN)
    if wet == Wet.JW and not jeugdwet:
        return "samenloop met de Jeugdwet staat (nog) niet aan: de wettelijke grondslag ontbreekt"
    return None


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


def lees_zorg(conn: Connection, bsn: str, peildatum: date) -> Zorginformatie:
    """Section 2 for one BSN on D: both tables in one round trip, one indexed lookup each."""
    periodes = _zorgrijen(conn, bsn, peildatum)
    toewijzingen = [p for p in periodes if p.code is not None]
    zorgstarts = [p for p in periodes if p.code is None]
    return zorginformatie(toewijzingen, zorgstarts, peildatum)


def _verrijk(
    conn: Connection, uitslag: Toetsuitslag, wet: str, peildatum: date
) -> Samenloopuitslag:
    if not uitslag.samenloop or uitslag.bsn is None:
        return Samenloopuitslag(uitslag)
    zorg = lees_zorg(conn, uitslag.bsn, peildatum)
    indicatie = Indicatie(
        uitslag.wlz_status or "",
        uitslag.afgiftedatum or peildatum,
        uitslag.ingangsdatum or peildatum,
        uitslag.einddatum,
    )
    return Samenloopuitslag(uitslag, zorg, advies(Situatie(indicatie, zorg, peildatum), wet))


@dataclass(frozen=True)
class Schakelaars:
    """The legal-basis switches (SAMENLOOP_JEUGDWET, SAMENLOOP_ZORGINFORMATIE)."""

    jeugdwet: bool = True
    zorginformatie: bool = True


def registertoets_samenloop(
    engine: Engine,
    creds: Credentials | None,
    bsn: str,
    wet: str,
    peildatum: date,
    seen: Seen | None = None,
    *,
    limiet: int,
    schakelaars: Schakelaars,
) -> Samenloopuitslag:
    """The registertoets with the zorg information and advies on `peildatum` (the transports
    pass today in Europe/Amsterdam). A refused wet is handled as a bad BSN: audited without a
    BSN (uitkomst WET_ONGELDIG), nothing looked up, WetOngeldig raised."""
    reden = wet_fout(wet, schakelaars.jeugdwet)
    andere = Invoerfout("WET_ONGELDIG", WetOngeldig(f"wet ongeldig: {reden}")) if reden else None

    def work(conn: Connection) -> Samenloopuitslag | Exception:
        outcome = toets(conn, creds, Operatie.SAMENLOOP, bsn, seen, limiet, andere)
        if isinstance(outcome, Exception) or not schakelaars.zorginformatie:
            return outcome if isinstance(outcome, Exception) else Samenloopuitslag(outcome)
        return _verrijk(conn, outcome, wet, peildatum)

    return in_transaction(engine, work)
