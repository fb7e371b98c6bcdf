"""The registertoets 2023 (doorontwikkeling-2023.md section 4): the 2021 answer plus, when
there is samenloop, the zorg information on the peildatum and the advies "Wlz voorliggend?".

Everything store/registertoets.py does (identify, rate limit, audit, one query for caller and
record) happens the same way; while SAMENLOOP_ZORGINFORMATIE is aan, that one query also reads
the BSN's zorgkantoor and zorgaanbieder rows (joined onto the register record, so only for
samenloop JA; store/zorginformatie.py). The rules are store/advies.py's; this module only
feeds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine

from store import wetten
from store.advies import Advies, Indicatie, Situatie, Zorginformatie, advies
from store.auth import Credentials
from store.registertoets import (
    Invoerfout,
    Operatie,
    Seen,
    Toetsuitslag,
    in_transaction,
    toets,
)
from store.rollen import Wet

_BEIDE = tuple(Wet)


class WetOngeldig(ValueError):
    """A wet other than wmo or jw, or jw while the Jeugdwet switch is uit; never repeats it."""


@dataclass(frozen=True)
class Samenloopuitslag:
    """The 2021 uitslag; zorg and advies only for samenloop JA with zorg information aan."""

    uitslag: Toetsuitslag
    zorg: Zorginformatie | None = None
    advies: Advies | None = None


def wet_fout(wet: object, jeugdwet: bool) -> str | None:
    """Why this wet is refused (plain Dutch, without the value), or None: store.wetten's check.
    An unknown wet names both wetten, as the request's schema (WSDL, OpenAPI) does."""
    try:
        wetten.kies(wet, jeugdwet, noem=_BEIDE)
    except wetten.WetGeweigerd as exc:
        return str(exc)
    return None


def _verrijk(uitslag: Toetsuitslag, wet: str, peildatum: date) -> Samenloopuitslag:
    zorg = uitslag.zorg
    if not uitslag.samenloop or zorg is None:
        return Samenloopuitslag(uitslag)
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

    zorg_op = peildatum if schakelaars.zorginformatie else None

    def work(conn: Connection) -> Toetsuitslag | Exception:
        return toets(conn, creds, Operatie.SAMENLOOP, bsn, seen, limiet, andere, zorg_op)

    # The rules after the commit: on SQLite the transaction holds the one write lock.
    return _verrijk(in_transaction(engine, work), wet, peildatum)
