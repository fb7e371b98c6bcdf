"""The rules of the nightly run as SQL (beslisregels.md section 4, doorontwikkeling-2023.md
section 6): which lopende subscriptions get a signal on peildatum D, and what it carries.

One join: subscription, register record, (left) the memory of what was signalled to it, and
(left, unless SAMENLOOP_ZORGINFORMATIE is uit) its BSN's zorg aggregates as of D. Version 1 compares
the indication's state; version 2 (Jeugdwet, or a gemeente that chose it) also the set of
leveringsvorm codes, startdatumZorg, the advies and its perDatum.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, Select, and_, case, func, join, literal, null, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Join

from store import advies_sql
from store.models import Abonnement, WlzRegister
from store.models_signalen import SignaalGeheugen
from store.rollen import Wet
from store.signaalversie import is_zorgversie

EERSTE = "eerste"
GEWIJZIGD = "gewijzigd"
SIGNALEERBAAR = ("Ja", "Onbekend")
STATE = ("wlz_status", "afgiftedatum", "ingangsdatum", "einddatum")
# The zorg information stored with each signal; the last four are also remembered (version 2).
ZORG = (
    "bron_startdatum_zorg",
    "advies_regel",
    "advies_versie",
    "leveringsvorm_codes",
    "startdatum_zorg",
    "advies",
    "advies_per",
)
VERSIE_2 = ZORG[3:]


@dataclass(frozen=True)
class Zorg:
    """The day's per-BSN zorg aggregates, or None when SAMENLOOP_ZORGINFORMATIE is uit."""

    bronnen: advies_sql.Bronnen | None

    @classmethod
    def op(cls, peildatum: date, aan: bool, scope: Select[str] | None = None) -> Zorg:
        """The aggregates as of D, over the BSNs of `scope` only when one is given."""
        if not aan:
            return cls(None)
        r = WlzRegister
        zk, za = advies_sql.kantoor(peildatum, scope), advies_sql.aanbieder(peildatum, scope)
        return cls(advies_sql.Bronnen(r.wlz_status, r.einddatum, zk, za, peildatum))

    def columns(self) -> dict[str, ColumnElement[Any]]:
        """Each ZORG column's value for the row (all NULL when uit)."""
        b = self.bronnen
        if b is None:
            return dict.fromkeys(ZORG, null())
        m = advies_sql
        values = (m.bron(b), m.regel(b), m.versie(), b.zk.c.codes, m.startdatum_zorg(b))
        return dict(zip(ZORG, (*values, m.waarde(b), m.per_datum(b)), strict=True))


def lopend(peildatum: date) -> ColumnElement[bool]:
    """beslisregels section 3: started on or before D, not ended on D."""
    a = Abonnement
    return and_(
        or_(a.ingangsdatum.is_(None), a.ingangsdatum <= peildatum),
        or_(a.einddatum.is_(None), a.einddatum > peildatum),
    )


def candidates(zorg: Zorg) -> Join:
    """Each subscription with its register record, (left) what was signalled to it, and (left)
    its BSN's zorg aggregates."""
    a, r, g = Abonnement, WlzRegister, SignaalGeheugen
    memory = and_(g.bsn == a.bsn, g.wet == a.wet, g.gemeentecode == a.gemeentecode)
    joined = join(a, r, r.bsn == a.bsn).outerjoin(g, memory)
    if (b := zorg.bronnen) is not None:
        joined = joined.outerjoin(b.zk, b.zk.c.bsn == a.bsn).outerjoin(b.za, b.za.c.bsn == a.bsn)
    return joined


def _differs(names: tuple[str, ...], now: dict[str, Any]) -> ColumnElement[bool]:
    g = SignaalGeheugen
    return or_(*(now[n].is_distinct_from(getattr(g, n)) for n in names))


def changed(zorg: Zorg, *, zorgversie: ColumnElement[bool] | None = None) -> ColumnElement[bool]:
    """Rule 2: the state differs from the last signal's (the version 2 state where that
    applies; without zorg information there is nothing more to compare)."""
    v1 = _differs(STATE, {c: getattr(WlzRegister, c) for c in STATE})
    if zorg.bronnen is None:
        return v1
    a = Abonnement
    v2 = is_zorgversie(a.wet, a.organisatie_id) if zorgversie is None else zorgversie
    return or_(v1, and_(v2, _differs(VERSIE_2, zorg.columns())))


def rule(peildatum: date, zorg: Zorg) -> ColumnElement[bool]:
    """Lopend on D and rule 1 or 2 (section 4), on the old memory."""
    never = SignaalGeheugen.bsn.is_(None)
    first = and_(never, WlzRegister.wlz_status.in_(SIGNALEERBAAR))
    return and_(lopend(peildatum), or_(first, and_(~never, changed(zorg))))


SIGNAAL_COLUMNS = (
    "peildatum",
    "wet",
    "gemeentecode",
    "bsn",
    "organisatie_id",
    *STATE,
    "regel",
    "vorige_status",
    "vorige_afgiftedatum",
    "vorige_ingangsdatum",
    "vorige_einddatum",
    *ZORG,
)


def signal_query(
    peildatum: date,
    zorg: Zorg,
    wetten: Collection[str],
    scope: Select[str] | None = None,
) -> Select[Any]:
    """The day's signals of the subscriptions of `wetten` (of the BSNs of `scope` only, when
    one is given: store/signaalscope.py), in SIGNAAL_COLUMNS order."""
    a, r, g = Abonnement, WlzRegister, SignaalGeheugen
    regel = case((g.bsn.is_(None), literal(EERSTE)), else_=literal(GEWIJZIGD))
    query = (
        select(
            literal(peildatum, Date),
            *(a.wet, a.gemeentecode, a.bsn, a.organisatie_id),
            *(getattr(r, c) for c in STATE),
            regel,
            *(getattr(g, c) for c in STATE),
            *zorg.columns().values(),
        )
        .select_from(candidates(zorg))
        .where(rule(peildatum, zorg), a.wet.in_(wetten))
        # Ids in file order per gemeente (the API pages by id), whatever plan the join gets;
        # `+ 0` keeps SQLite from reading all subscriptions in organisatie_id index order
        # (1.5 million row lookups) to spare itself the sort of the few that match.
        .order_by(a.organisatie_id + 0, a.wet, a.gemeentecode, a.bsn)
    )
    return query if scope is None else query.where(a.bsn.in_(scope))


def zorgwissel_query(peildatum: date, organisatie_id: int, zorg: Zorg) -> Select[Any]:
    """How many signals switching this gemeente's Wmo files to version 2 gives on D: its
    signalled, still lopende subscriptions whose version 2 state differs from the one stored
    with their last signal."""
    a, g = Abonnement, SignaalGeheugen
    return (
        select(func.count())
        .select_from(candidates(zorg))
        .where(a.organisatie_id == organisatie_id, a.wet == str(Wet.WMO), lopend(peildatum))
        .where(g.bsn.is_not(None), changed(zorg, zorgversie=literal(True)))
    )
