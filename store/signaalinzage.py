"""Reading signals back: a day's file, the days with files, pages for the API, the counts report.

Every function takes the aanleverende gemeente's organisation id: a gemeente sees only the
signals addressed to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, Select, func, select

from store.advies import Advies, Leveringsvorm, Zorginformatie, herbouw, omschrijvingen
from store.models import Organisatie
from store.models_signalen import Signaal, SignaalBestand, SignaalLeveringsvorm


@dataclass(frozen=True)
class SignaalZorg:
    """The zorg information and advies stored with a signal (doorontwikkeling section 6)."""

    leveringsvormen: tuple[Leveringsvorm, ...]
    startdatum_zorg: date | None
    bron: str | None
    advies: Advies | None

    @property
    def codes(self) -> tuple[str, ...]:
        """Each code once, at its first place (the version 2 file's `Leveringsvormen`)."""
        return Zorginformatie(self.leveringsvormen).codes


@dataclass(frozen=True)
class SignaalRij:
    id: int
    code_aanleverende_gemeente: str
    gemeentecode: str
    bsn: str
    wlz_status: str
    afgiftedatum: date
    ingangsdatum: date
    einddatum: date | None
    regel: str
    vorige_status: str | None
    vorige_afgiftedatum: date | None
    vorige_ingangsdatum: date | None
    vorige_einddatum: date | None
    zorg: SignaalZorg | None = None  # None: stored without (SAMENLOOP_ZORGINFORMATIE uit)


@dataclass(frozen=True)
class Telling:
    code_aanleverende_gemeente: str
    gemeentecode: str
    datum: date
    aantal: int


def _rows_query(organisatie_id: int, wet: str, peildatum: date) -> Select[*tuple[Any, ...]]:
    s = Signaal
    return (
        select(
            s.id,
            Organisatie.code,
            s.gemeentecode,
            s.bsn,
            s.wlz_status,
            s.afgiftedatum,
            s.ingangsdatum,
            s.einddatum,
            s.regel,
            s.vorige_status,
            s.vorige_afgiftedatum,
            s.vorige_ingangsdatum,
            s.vorige_einddatum,
            s.wet,
            *_ZORG,
        )
        .join(Organisatie, Organisatie.id == s.organisatie_id)
        .where(s.organisatie_id == organisatie_id, s.wet == wet, s.peildatum == peildatum)
        .order_by(s.gemeentecode, s.bsn)
    )


_ZORG = (
    Signaal.startdatum_zorg,
    Signaal.bron_startdatum_zorg,
    Signaal.advies,
    Signaal.advies_regel,
    Signaal.advies_versie,
    Signaal.advies_per,
)
_Vormen = dict[int, list[Leveringsvorm]]


def _vormen(conn: Connection, ids: Select[Any]) -> _Vormen:
    """The stored leveringsvormen of these signals, per signal in the order of section 2."""
    lv = SignaalLeveringsvorm
    query = select(lv.signaal_id, lv.code, lv.startdatum, lv.einddatum)
    namen = omschrijvingen()
    per: _Vormen = {}
    for sid, code, start, eind in conn.execute(query.where(lv.signaal_id.in_(ids))):
        per.setdefault(sid, []).append(Leveringsvorm(code, namen.get(code, ""), start, eind))
    for vormen in per.values():
        vormen.sort(key=lambda v: (v.startdatum, v.code, v.einddatum or date.max))
    return per


def _rij(row: Any, vormen: _Vormen) -> SignaalRij:
    *signaal, wet, start, bron, waarde, regel, versie, per = row
    zorg = None
    if versie is not None:
        advies = herbouw(waarde, regel, versie, wet, per)
        zorg = SignaalZorg(tuple(vormen.get(row[0], ())), start, bron, advies)
    return replace(SignaalRij(*signaal), zorg=zorg)


def _ids(organisatie_id: int, wet: str, peildatum: date) -> Select[Any]:
    s = Signaal
    return select(s.id).where(
        s.organisatie_id == organisatie_id, s.wet == wet, s.peildatum == peildatum
    )


def dag(engine: Engine, organisatie_id: int, wet: str, peildatum: date) -> Iterator[SignaalRij]:
    """Every signal of one file, in file order (streamed)."""
    with engine.connect() as conn:
        vormen = _vormen(conn, _ids(organisatie_id, wet, peildatum))
        query = _rows_query(organisatie_id, wet, peildatum)
        for row in conn.execution_options(yield_per=5000).execute(query):
            yield _rij(row, vormen)


def pagina(
    conn: Connection, organisatie_id: int, wet: str, peildatum: date, *, na: int, aantal: int
) -> list[SignaalRij]:
    """Up to `aantal` signals of a day after signal id `na` (keyset paging, stable)."""
    query = _rows_query(organisatie_id, wet, peildatum).where(Signaal.id > na)
    rows = conn.execute(query.order_by(None).order_by(Signaal.id).limit(aantal)).all()
    ids = select(Signaal.id).where(Signaal.id.in_([row[0] for row in rows]))
    vormen = _vormen(conn, ids) if rows else {}
    return [_rij(row, vormen) for row in rows]


def bestandsversie(conn: Connection, organisatie_id: int, wet: str, peildatum: date) -> int:
    """The version of the columns the day's file was published with (1 when there is none)."""
    b = SignaalBestand
    query = select(b.versie).where(
        b.organisatie_id == organisatie_id, b.wet == wet, b.peildatum == peildatum
    )
    return int(conn.execute(query).scalar_one_or_none() or 1)


def dagen(
    conn: Connection,
    organisatie_id: int,
    wet: str,
    *,
    voor: date | None = None,
    aantal: int | None = None,
) -> list[tuple[date, int]]:
    """The days that have a file for this gemeente and wet, newest first, with their counts;
    with `voor` only the days before it and with `aantal` at most that many (keyset paging by
    day, one query whatever the page's size)."""
    b = SignaalBestand
    query = (
        select(b.peildatum, b.aantal)
        .where(b.organisatie_id == organisatie_id, b.wet == wet)
        .order_by(b.peildatum.desc())
    )
    if voor is not None:
        query = query.where(b.peildatum < voor)
    if aantal is not None:
        query = query.limit(aantal)
    return [(d, n) for d, n in conn.execute(query)]


@dataclass(frozen=True)
class SignaalDetail:
    """One signal with the file it belongs to (its wet and peildatum)."""

    wet: str
    peildatum: date
    rij: SignaalRij


def signaal(conn: Connection, organisatie_id: int, signaal_id: int) -> SignaalDetail | None:
    """One signal by its id, only when it is addressed to this gemeente (None otherwise: the
    caller cannot tell another gemeente's signal from one that does not exist)."""
    s = Signaal
    found = conn.execute(
        select(s.wet, s.peildatum).where(s.id == signaal_id, s.organisatie_id == organisatie_id)
    ).first()
    if found is None:
        return None
    wet, peildatum = found
    query = _rows_query(organisatie_id, wet, peildatum).where(s.id == signaal_id)
    row = conn.execute(query).one()
    vormen = _vormen(conn, select(s.id).where(s.id == signaal_id))
    return SignaalDetail(wet, peildatum, _rij(row, vormen))


def tellingen(
    conn: Connection, organisatie_id: int, wet: str, van: date, tot: date
) -> list[Telling]:
    """Report Aantal Wlz signalen: per gemeentecode and day with signals, van and tot inclusive."""
    s = Signaal
    query = (
        select(Organisatie.code, s.gemeentecode, s.peildatum, func.count())
        .join(Organisatie, Organisatie.id == s.organisatie_id)
        .where(s.organisatie_id == organisatie_id, s.wet == wet)
        .where(s.peildatum >= van, s.peildatum <= tot)
        .group_by(Organisatie.code, s.gemeentecode, s.peildatum)
        .order_by(s.peildatum, s.gemeentecode)
    )
    return [Telling(*row) for row in conn.execute(query)]
