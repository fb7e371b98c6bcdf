"""Every worked example of beslisregels.md section 5, as the nightly run decides it."""

from __future__ import annotations

from datetime import date
from itertools import islice

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from store import signalen as run_module
from store.demo import synthetic_bsns
from tests.signalen.scenario import STAAT_2, Abo, D, abonneer, gemeenten, register, signalen

BSN = next(iter(synthetic_bsns()))
EERDER = date(2026, 2, 20)

# (example, register before D (None: no earlier run), register on D, subscriptions, expected)
VOORBEELDEN = [
    (1, None, None, [Abo("0363", BSN)], []),
    (2, None, STAAT_2, [Abo("0363", BSN)], [("0363", "0363", BSN, "Ja", "eerste")]),
    (
        3,
        None,
        ("Onbekend", date(2019, 5, 1), date(2019, 5, 1), None),
        [Abo("0363", BSN)],
        [("0363", "0363", BSN, "Onbekend", "eerste")],
    ),
    (4, None, ("Nee", date(2025, 1, 1), date(2025, 1, 1), None), [Abo("0363", BSN)], []),
    (5, STAAT_2, STAAT_2, [Abo("0363", BSN)], []),
    (
        6,
        STAAT_2,
        ("Ja", date(2026, 2, 27), date(2026, 2, 15), None),
        [Abo("0363", BSN)],
        [("0363", "0363", BSN, "Ja", "gewijzigd")],
    ),
    (
        7,
        STAAT_2,
        ("Nee", date(2026, 2, 27), date(2026, 2, 15), date(2026, 2, 28)),
        [Abo("0363", BSN)],
        [("0363", "0363", BSN, "Nee", "gewijzigd")],
    ),
    (8, None, STAAT_2, [Abo("0363", BSN, einddatum=date(2026, 3, 1))], []),
    (9, None, STAAT_2, [Abo("0363", BSN, ingangsdatum=date(2026, 4, 1))], []),
    (
        10,
        None,
        STAAT_2,
        [Abo("0363", BSN, einddatum=date(2026, 3, 2))],
        [("0363", "0363", BSN, "Ja", "eerste")],
    ),
    (
        11,
        None,
        STAAT_2,
        [Abo("0363", BSN), Abo("0599", BSN)],
        [("0363", "0363", BSN, "Ja", "eerste"), ("0599", "0599", BSN, "Ja", "eerste")],
    ),
    (12, None, STAAT_2, [Abo("0437", BSN)], [("0363", "0437", BSN, "Ja", "eerste")]),
]


@pytest.mark.parametrize(
    ("nr", "before", "on_d", "abos", "expected"),
    VOORBEELDEN,
    ids=[f"voorbeeld-{v[0]}" for v in VOORBEELDEN],
)
def test_worked_example(
    engine: Engine,
    sessions: sessionmaker[Session],
    nr: int,
    before: tuple[str, date, date, date | None] | None,
    on_d: tuple[str, date, date, date | None] | None,
    abos: list[Abo],
    expected: list[tuple[str, ...]],
) -> None:
    orgs = gemeenten(sessions)
    abonneer(engine, orgs, abos, on=EERDER)
    if before is not None:
        register(engine, {BSN: before})
        run_module.run(engine, EERDER)
        assert len(signalen(sessions, EERDER)) == len(abos)
    if on_d is not None:
        register(engine, {BSN: on_d})
    first = run_module.run(engine, D)
    assert signalen(sessions) == expected
    assert first.nieuw and first.signalen == len(expected)
    again = run_module.run(engine, D)
    assert not again.nieuw and again.signalen == len(expected)
    assert signalen(sessions) == expected


def test_registertoets_on_the_same_records(engine: Engine, sessions: sessionmaker[Session]) -> None:
    """#1 NEE; #2, #3, #4 JA with their status (beslisregels section 5, last line)."""
    from store.auth import Credentials
    from store.organisaties import new_token
    from store.registertoets import Operatie, registertoets

    gemeenten(sessions)
    bsns = list(islice(synthetic_bsns(), 4))
    states = [
        STAAT_2,
        ("Onbekend", date(2019, 5, 1), date(2019, 5, 1), None),
        ("Nee", date(2025, 1, 1), date(2025, 1, 1), None),
    ]
    register(engine, dict(zip(bsns[1:], states, strict=True)))
    with sessions.begin() as session:
        token = new_token(session, "0363")
    answers = [
        registertoets(engine, Credentials(token=token), b, Operatie.REGISTERTOETS, limiet=0)
        for b in bsns
    ]
    assert [(a.samenloop, a.wlz_status) for a in answers] == [
        (False, None),
        (True, "Ja"),
        (True, "Onbekend"),
        (True, "Nee"),
    ]
