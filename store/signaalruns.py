"""The last completed nightly run, as an operator's dashboard reads it (adapters.metrics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, select

from store.datums import utc
from store.models_signalen import SignaalRun

_LAATSTE = (
    select(
        SignaalRun.peildatum,
        SignaalRun.voltooid_op,
        SignaalRun.duur_ms,
        SignaalRun.signalen,
        SignaalRun.bestanden,
        SignaalRun.verwijderd,
    )
    .order_by(SignaalRun.voltooid_op.desc(), SignaalRun.id.desc())
    .limit(1)
)


@dataclass(frozen=True)
class LaatsteRun:
    peildatum: date
    voltooid_op: datetime  # UTC
    duur_ms: int
    signalen: int
    bestanden: int
    verwijderd: int


def laatste_run(engine: Engine) -> LaatsteRun | None:
    """The most recently completed run (a forced one included), or None before the first."""
    with engine.connect() as conn:
        row = conn.execute(_LAATSTE).first()
    if row is None:
        return None
    return LaatsteRun(row[0], utc(row[1]), *row[2:])
