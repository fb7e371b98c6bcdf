"""Reading signals back: a day's file, the days with files, pages for the API, the counts report.

Every function takes the aanleverende gemeente's organisation id: a gemeente sees only the
signals addressed to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, Select, func, select

from store.models import Organisatie
from store.models_signalen import Signaal, SignaalBestand


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
        )
        .join(Organisatie, Organisatie.id == s.organisatie_id)
        .where(s.organisatie_id == organisatie_id, s.wet == wet, s.peildatum == peildatum)
        .order_by(s.gemeentecode, s.bsn)
    )


def dag(engine: Engine, organisatie_id: int, wet: str, peildatum: date) -> Iterator[SignaalRij]:
    """Every signal of one file, in file order (streamed)."""
    with engine.connect() as conn:
        query = _rows_query(organisatie_id, wet, peildatum)
        for row in conn.execution_options(yield_per=5000).execute(query):
            yield SignaalRij(*row)


def pagina(
    conn: Connection, organisatie_id: int, wet: str, peildatum: date, *, na: int, aantal: int
) -> list[SignaalRij]:
    """Up to `aantal` signals of a day after signal id `na` (keyset paging, stable)."""
    query = _rows_query(organisatie_id, wet, peildatum).where(Signaal.id > na)
    query = query.order_by(None).order_by(Signaal.id).limit(aantal)
    return [SignaalRij(*row) for row in conn.execute(query)]


def dagen(conn: Connection, organisatie_id: int, wet: str) -> list[tuple[date, int]]:
    """The days that have a file for this gemeente and wet, newest first, with their counts."""
    b = SignaalBestand
    query = (
        select(b.peildatum, b.aantal)
        .where(b.organisatie_id == organisatie_id, b.wet == wet)
        .order_by(b.peildatum.desc())
    )
    return [(d, n) for d, n in conn.execute(query)]


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
