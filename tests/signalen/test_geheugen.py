"""The memory of what was signalled goes with its subscription, on every path that removes one.

beslisregels.md section 4: a client whose subscription was removed and who is delivered again
later gets a first signal again. The upload removes subscriptions three ways (a line whose
einddatum is reached, an initial upload without the line, a subscription whose einddatum is
reached at a later upload); the nightly run a fourth (its einddatum reached on the peildatum).
"""

from __future__ import annotations

import io
from datetime import date
from itertools import islice

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.files.aanlevering import verwerk
from store import signalen as run_module
from store.demo import synthetic_bsns
from store.models_signalen import SignaalGeheugen
from store.populatie import Opdracht
from store.rollen import Wet
from tests.signalen.scenario import STAAT_2, D, gemeenten, register, signalen

A, B = list(islice(synthetic_bsns(), 2))
LATER = date(2026, 3, 5)


def _upload(engine: Engine, lines: list[str], on: date, *, initieel: bool = False) -> None:
    data = "".join(line + "\n" for line in lines).encode()
    opdracht = Opdracht("0363", Wet.WMO, "t.csv", on, initieel, False)
    assert not verwerk(engine, io.BytesIO(data), opdracht).afgekeurd


def _memory(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as s:
        return list(s.scalars(select(SignaalGeheugen.bsn).order_by(SignaalGeheugen.bsn)))


REMOVALS = {
    "line with einddatum reached": ([f"{A},0363,,05-03-2026", f"{B},0363,,"], False),
    "initial upload without it": ([f"{B},0363,,"], True),
    "einddatum reached at a later upload": ([f"{B},0363,,"], False),
}


@pytest.mark.parametrize("way", REMOVALS)
def test_an_upload_that_removes_a_subscription_removes_its_memory(
    way: str, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    gemeenten(sessions)
    eind = "06-03-2026" if way == "line with einddatum reached" else "05-03-2026"
    _upload(engine, [f"{A},0363,,{eind}", f"{B},0363,,"], D, initieel=True)
    register(engine, {A: STAAT_2, B: STAAT_2})
    run_module.run(engine, D)
    assert _memory(sessions) == sorted([A, B])
    lines, initieel = REMOVALS[way]
    _upload(engine, lines, LATER, initieel=initieel)
    assert _memory(sessions) == [B]
    _upload(engine, [f"{A},0363,,"], date(2026, 3, 6))
    run_module.run(engine, date(2026, 3, 6))
    assert signalen(sessions, date(2026, 3, 6)) == [("0363", "0363", A, "Ja", "eerste")]


def test_the_nightly_removal_of_ended_subscriptions_removes_their_memory(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    gemeenten(sessions)
    _upload(engine, [f"{A},0363,,05-03-2026", f"{B},0363,,"], D, initieel=True)
    register(engine, {A: STAAT_2, B: STAAT_2})
    run_module.run(engine, D)
    assert run_module.run(engine, LATER).verwijderd == 1
    assert _memory(sessions) == [B]
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(SignaalGeheugen)) == 1
