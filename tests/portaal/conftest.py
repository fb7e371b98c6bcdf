"""Fixtures for the portal: the demo set, cheap password hashing, users with a password."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from store import demo, wachtwoorden
from store.gebruikers import Gebruikersrecht, voeg_toe_aan_gemeente
from store.wachtwoordlinks import stel_in

PEILDATUM = date(2026, 3, 1)
NU = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
WACHTWOORD = "correct paard batterij"
BEHEERDER = "beheer@amsterdam.example"
MEDEWERKER = "wmo-loket@amsterdam.example"
ROTTERDAMMER = "beheer@rotterdam.example"


@pytest.fixture(autouse=True)
def cheap_hashing() -> Iterator[None]:
    """argon2id with argon2-cffi's cheapest parameters: a login costs microseconds, not 50 ms
    and 64 MiB (the production parameters are checked on their own)."""
    production = wachtwoorden.hasher()
    wachtwoorden.gebruik(PasswordHasher.from_parameters(profiles.CHEAPEST))
    yield
    wachtwoorden.gebruik(production)


@pytest.fixture
def demo_set(engine: Engine, sessions: sessionmaker[Session]) -> demo.DemoSet:
    return demo.fill(engine, sessions, PEILDATUM, zorg=True)


@dataclass(frozen=True)
class Gebruikers:
    """Users with the password WACHTWOORD: 0363's beheerder (every right, its first user),
    0363's medewerker (registertoets only) and 0599's beheerder."""

    beheerder: int
    medewerker: int
    rotterdammer: int


def met_wachtwoord(
    engine: Engine, code: str, email: str, rechten: tuple[Gebruikersrecht, ...] = ()
) -> int:
    nieuw = voeg_toe_aan_gemeente(engine, code, email, rechten, NU)
    stel_in(engine, nieuw.token, WACHTWOORD, NU)
    return nieuw.gebruiker.id


@pytest.fixture
def gebruikers(engine: Engine, demo_set: demo.DemoSet) -> Gebruikers:
    return Gebruikers(
        met_wachtwoord(engine, "0363", BEHEERDER),
        met_wachtwoord(engine, "0363", MEDEWERKER, (Gebruikersrecht.REGISTERTOETS,)),
        met_wachtwoord(engine, "0599", ROTTERDAMMER),
    )
