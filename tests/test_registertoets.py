"""The one registertoets core function that SOAP and REST call: answer, refusals, audit."""

from __future__ import annotations

import threading
from datetime import date
from itertools import islice

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from store.auth import Credentials, NietGeauthenticeerd
from store.db import make_engine
from store.demo import fill, synthetic_bsns
from store.models import AuditRegistertoets, WlzRegister
from store.organisaties import add_gemeente
from store.register import RegisterRegel, load_feed
from store.registertoets import BsnOngeldig, Operatie, Toetsuitslag, registertoets
from store.settings import Settings

JA, NEE = list(islice(synthetic_bsns(), 2))


@pytest.fixture
def token(engine: Engine, sessions: sessionmaker[Session]) -> str:
    with sessions.begin() as session:
        token = add_gemeente(session, "0363", peildatum=date(2026, 3, 1))
    regel = RegisterRegel(1, "T", JA, "Ja", date(2026, 2, 10), date(2026, 2, 15), None)
    assert load_feed(engine, [regel], initieel=True, bestandsnaam="t").geaccepteerd
    return token


def _audit(sessions: sessionmaker[Session]) -> list[tuple[str, str | None, str]]:
    with sessions() as s:
        rows = s.execute(
            select(
                AuditRegistertoets.operatie, AuditRegistertoets.bsn, AuditRegistertoets.uitkomst
            ).order_by(AuditRegistertoets.id)
        )
        return [(op, bsn, uitkomst) for op, bsn, uitkomst in rows]


def test_ja_nee_and_the_audit(engine: Engine, sessions: sessionmaker[Session], token: str) -> None:
    creds = Credentials(token=token)
    ja = registertoets(engine, creds, JA, Operatie.UITGEBREID, limiet=0)
    assert ja == Toetsuitslag(True, JA, "Ja", date(2026, 2, 10), date(2026, 2, 15), None)
    assert ja.melding is None
    nee = registertoets(engine, creds, NEE, Operatie.REGISTERTOETS, limiet=0)
    assert nee == Toetsuitslag(False) and nee.melding == "geen samenloop gevonden"
    with pytest.raises(BsnOngeldig) as exc:
        registertoets(engine, creds, "999900007", Operatie.REGISTERTOETS, limiet=0)
    assert "999900007" not in str(exc.value)
    assert _audit(sessions) == [
        ("RegistertoetsUitgebreid", JA, "JA"),
        ("Registertoets", NEE, "NEE"),
        ("Registertoets", None, "BSN_ONGELDIG"),
    ]


@pytest.mark.parametrize(
    "creds",
    [None, Credentials(token="fout"), Credentials(), Credentials(oin="00000001001234567000")],
)
def test_unknown_callers_look_nothing_up(
    engine: Engine, sessions: sessionmaker[Session], token: str, creds: Credentials | None
) -> None:
    with pytest.raises(NietGeauthenticeerd):
        registertoets(engine, creds, JA, Operatie.REGISTERTOETS, limiet=0)
    assert _audit(sessions) == []
    with sessions() as s:
        assert s.scalar(select(WlzRegister.bsn)) == JA


def test_concurrent_workers_all_get_an_answer(
    engine: Engine, sessions: sessionmaker[Session], settings: Settings
) -> None:
    """Several processes' engines at once (as gunicorn workers): none fails on a lock."""
    demo = fill(engine, sessions, date(2026, 3, 1))
    failures: list[BaseException] = []

    def worker() -> None:
        own = make_engine(settings)
        try:
            for _ in range(100):
                registertoets(
                    own,
                    Credentials(token="demo-amsterdam"),
                    demo.register[0].bsn,
                    Operatie.REGISTERTOETS,
                    limiet=0,
                )
        except Exception as exc:
            failures.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
