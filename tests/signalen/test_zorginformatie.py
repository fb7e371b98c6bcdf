"""Every signal stores the zorg information and advies as they were at its creation
(doorontwikkeling-2023.md section 6), or nothing of it with SAMENLOOP_ZORGINFORMATIE=uit."""

from __future__ import annotations

from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from store import signalen as run_module
from store.demo import synthetic_bsns
from store.models_signalen import Signaal, SignaalLeveringsvorm
from tests.signalen.scenario import (
    STAAT_2,
    Abo,
    D,
    abonneer,
    gemeenten,
    register,
    zorgaanbieder,
    zorgkantoor,
)

A, B = list(islice(synthetic_bsns(), 2))


def _zorg(sessions: sessionmaker[Session], bsn: str) -> tuple[Any, ...]:
    s = Signaal
    query = select(
        s.advies, s.advies_regel, s.advies_versie, s.advies_per, s.startdatum_zorg,
        s.bron_startdatum_zorg,
    ).where(s.bsn == bsn)  # fmt: skip
    with sessions() as session:
        return tuple(session.execute(query).one())


def _vormen(sessions: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    s, lv = Signaal, SignaalLeveringsvorm
    query = (
        select(s.bsn, lv.code, lv.startdatum, lv.einddatum)
        .join(s, s.id == lv.signaal_id)
        .order_by(s.bsn, lv.startdatum, lv.code)
    )
    with sessions() as session:
        return [tuple(row) for row in session.execute(query)]


def _scenario(engine: Engine, sessions: sessionmaker[Session]) -> None:
    abonneer(engine, gemeenten(sessions), [Abo("0363", A), Abo("0363", B)])
    register(engine, {A: STAAT_2, B: STAAT_2})
    zorgkantoor(engine, A, "4", date(2026, 2, 1))
    zorgkantoor(engine, A, "7", date(2026, 4, 1))  # planned after D: still shown
    zorgkantoor(engine, A, "5", date(2025, 6, 1), date(2026, 2, 1))  # ended before D
    zorgaanbieder(engine, A, date(2026, 2, 3))


def test_a_signal_stores_the_zorg_information_and_advies_of_its_day(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _scenario(engine, sessions)
    run_module.run(engine, D)
    started = date(2026, 2, 3)
    assert _zorg(sessions, A) == ("JA", "A6", "2023.1", started, started, "zorgaanbieder")
    assert _zorg(sessions, B) == ("ONBEKEND", "A5", "2023.1", None, None, None)
    assert _vormen(sessions) == [
        (A, "4", date(2026, 2, 1), None),
        (A, "7", date(2026, 4, 1), None),
    ]


def test_with_zorginformatie_uit_nothing_of_it_is_stored(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _scenario(engine, sessions)
    run_module.run(engine, D, zorginformatie=False)
    assert _zorg(sessions, A) == (None,) * 6
    assert _vormen(sessions) == []
