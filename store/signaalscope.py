"""Which subscriptions a nightly run must compare: all of them, or only those whose inputs
changed since the last run (beslisregels.md section 4 at national scale).

After a run on peildatum P, every lopende subscription's memory holds the state it has on P
(a signal was made where they differed), and one without memory has no signalable state. So a
later run on D > P can only signal a subscription whose state on D differs from its state on P:
one of its inputs changed, or a date in (P, D] changed what the rules read. Those BSNs are the
*scope* of the run:

- the journal `signaal_wijziging`: BSNs that a population upload, a zorg feed or a switch of
  signal version touched (each writer adds them in its own transaction, through `markeer`);
- register mutations after the last run's (`register_mutatie` is the register's own journal;
  register loads are serialised by their table lock, so its ids grow in commit order);
- the dates the rules read, reached in (P, D]: a subscription's ingangsdatum, a register
  einddatum (the advies), a zorgkantoor row's einddatum, a zorgaanbieder row's start or end.

The run compares everything when there is no earlier run, when it is a forced replay of an
earlier day, or when it runs with other settings than the last (zorg information, wetten,
advies version): then the state remembered was made by other rules. The run empties the
journal in its own transaction, so a crash loses nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Select, and_, delete, func, insert, or_, select, true, union
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from store.advies import VERSIE
from store.models import Abonnement, RegisterMutatie, WlzRegister
from store.models_signalen import SignaalRun, signaal_wijziging
from store.models_zorg import ZorgaanbiederLevering, ZorgkantoorLevering


@dataclass(frozen=True)
class Vorige:
    """What the most recently completed run leaves for the next."""

    peildatum: date
    register_mutatie_tot: int | None
    instellingen: str | None


def instellingen(zorginformatie: bool, wetten: Collection[str]) -> str:
    """The settings that decide what the run remembers; another value means compare all."""
    return f"zorg={int(zorginformatie)};wetten={','.join(sorted(wetten))};advies={VERSIE}"


def vorige(conn: Connection) -> Vorige | None:
    r = SignaalRun
    query = select(r.peildatum, r.register_mutatie_tot, r.instellingen).order_by(r.id.desc())
    row = conn.execute(query.limit(1)).first()
    return None if row is None else Vorige(*row)


def register_mutatie_tot(conn: Connection) -> int | None:
    return conn.execute(select(func.max(RegisterMutatie.id))).scalar_one()


def volledig(v: Vorige | None, peildatum: date, ingesteld: str) -> bool:
    """Whether the run on `peildatum` must compare every subscription."""
    return v is None or peildatum <= v.peildatum or v.instellingen != ingesteld


def markeer(conn: Connection, bsns: Select[str]) -> None:
    """Journal these BSNs for the next run (call in the transaction that changes them)."""
    conn.execute(insert(signaal_wijziging).from_select(["bsn"], bsns))


def _tussen(
    column: InstrumentedAttribute[date | None], v: Vorige, peildatum: date
) -> ColumnElement[bool]:
    return and_(column > v.peildatum, column <= peildatum)


def _datums(v: Vorige, peildatum: date) -> list[Select[str]]:
    a, r, zk, za = Abonnement, WlzRegister, ZorgkantoorLevering, ZorgaanbiederLevering
    aanbieder = or_(_tussen(za.startdatum, v, peildatum), _tussen(za.einddatum, v, peildatum))
    return [
        select(a.bsn).where(_tussen(a.ingangsdatum, v, peildatum)),
        select(r.bsn).where(_tussen(r.einddatum, v, peildatum)),
        select(zk.bsn).where(_tussen(zk.einddatum, v, peildatum)),
        select(za.bsn).where(aanbieder),
    ]


def verzamel(conn: Connection, v: Vorige, peildatum: date) -> Select[str]:
    """Add the register's mutations and the dates reached since the last run to the journal;
    returns the scope: the journal's distinct BSNs."""
    m = RegisterMutatie
    sinds = m.id > v.register_mutatie_tot if v.register_mutatie_tot is not None else true()
    bronnen = [select(m.bsn).where(sinds), *_datums(v, peildatum)]
    markeer(conn, select(union(*bronnen).subquery().c.bsn))
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE signaal_wijziging")  # a good plan for a fresh table
    return select(signaal_wijziging.c.bsn).distinct()


def leeg(conn: Connection) -> None:
    """The run compared what the journal held: empty it (in the run's transaction)."""
    conn.execute(delete(signaal_wijziging))
