"""A small synthetic demo set: test-range BSNs, a register with every status, three gemeenten."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from store.bsn import elfproef
from store.models import Organisatie, OrganisatieToken, WlzRegister
from store.organisaties import add_gemeente, token_digest
from store.register import RegisterRegel, load_feed

TEST_RANGE = (999_900_006, 999_999_990)


def synthetic_bsns(start: int = TEST_RANGE[0]) -> Iterator[str]:
    """BSNs from the range set aside for tests that pass the elfproef, in order."""
    for n in range(start, TEST_RANGE[1] + 1):
        if elfproef(str(n)):
            yield str(n)


@dataclass(frozen=True)
class DemoGemeente:
    code: str
    samenwerking: tuple[str, ...]
    token: str


# Demo tokens are fixed so that the README's examples can be pasted; they exist only in a
# database that `samenloop demo` filled, never in one an operator set up.
GEMEENTEN = (
    DemoGemeente("0363", ("0437",), "demo-amsterdam"),
    DemoGemeente("0599", (), "demo-rotterdam"),
    DemoGemeente("0344", (), "demo-utrecht"),
)

# (wlzStatus, afgiftedatum, ingangsdatum, einddatum) per demo register record.
RECORDS = (
    ("Ja", date(2026, 2, 10), date(2026, 2, 15), None),
    ("Onbekend", date(2019, 5, 1), date(2019, 5, 1), None),
    ("Nee", date(2025, 1, 1), date(2025, 1, 1), None),
    ("Ja", date(2024, 6, 3), date(2024, 5, 20), date(2027, 5, 19)),
    ("Nee", date(2026, 2, 27), date(2025, 9, 1), date(2026, 2, 28)),
    ("Ja", date(2023, 11, 14), date(2023, 12, 1), None),
)


@dataclass(frozen=True)
class DemoSet:
    gemeenten: tuple[DemoGemeente, ...]
    register: tuple[RegisterRegel, ...]
    zonder_samenloop: tuple[str, ...]


def demo_set() -> DemoSet:
    bsns = synthetic_bsns()
    register = tuple(
        RegisterRegel(i, "T", next(bsns), *record) for i, record in enumerate(RECORDS, start=1)
    )
    return DemoSet(GEMEENTEN, register, (next(bsns), next(bsns)))


def is_empty(sessions: sessionmaker[Session]) -> bool:
    with sessions() as session:
        orgs = session.scalar(select(func.count()).select_from(Organisatie))
        recs = session.scalar(select(func.count()).select_from(WlzRegister))
    return not orgs and not recs


def fill(engine: Engine, sessions: sessionmaker[Session], peildatum: date) -> DemoSet:
    """Fill an empty database with the demo set (the caller checks that it is empty)."""
    demo = demo_set()
    with sessions.begin() as session:
        for g in demo.gemeenten:
            add_gemeente(session, g.code, samenwerking=g.samenwerking, peildatum=peildatum)
            session.flush()
            org = session.scalar(select(Organisatie).where(Organisatie.code == g.code))
            assert org is not None
            token = session.scalar(
                select(OrganisatieToken).where(OrganisatieToken.organisatie_id == org.id)
            )
            assert token is not None
            token.digest = token_digest(g.token)
    load_feed(engine, demo.register, initieel=True, bestandsnaam="demo")
    return demo
