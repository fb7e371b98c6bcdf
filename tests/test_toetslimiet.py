"""The registertoets rate limit per organisation: one rule in the core, a Client fault over SOAP,
a 429 problem over REST; a refused call is neither looked up nor audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from lxml import etree  # type: ignore[import-untyped]
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import Client

from adapters.rest import create_rest_app
from soap_service.app import create_soap_app
from store.auth import Credentials
from store.demo import DemoSet, fill
from store.models import AuditRegistertoets
from store.registertoets import Operatie, registertoets
from store.settings import Settings
from store.toetslimiet import TeVeelVerzoeken
from tests.rest.conftest import (
    AMSTERDAM,
    BASE_URL,
    ROTTERDAM,
    assert_documented,
    assert_problem,
    audit_count,
)
from tests.rest.conftest import URL as REST_URL
from tests.soap.conftest import NS, PEILDATUM, envelope, fout, parse, post
from tests.soap.test_contract import frozen_schema

LIMIET = 3
AMSTERDAM_TOKEN = Credentials(token=AMSTERDAM[1])


@pytest.fixture
def demo(engine: Engine, sessions: sessionmaker[Session]) -> DemoSet:
    return fill(engine, sessions, PEILDATUM)


@pytest.fixture
def limited(settings: Settings) -> Settings:
    return Settings(database_url=settings.database_url, registertoets_limiet=LIMIET)


def _toets(
    engine: Engine, demo: DemoSet, limiet: int = LIMIET, creds: Credentials = AMSTERDAM_TOKEN
) -> bool:
    return registertoets(
        engine, creds, demo.register[0].bsn, Operatie.REGISTERTOETS, limiet=limiet
    ).samenloop


def _age_audit(engine: Engine, seconds: float) -> None:
    """Make every audit record `seconds` old, as if the calls were made that long ago."""
    with engine.begin() as conn:
        tijdstip = datetime.now(UTC) - timedelta(seconds=seconds)
        conn.execute(update(AuditRegistertoets).values(tijdstip=tijdstip))


def test_the_limit_refuses_without_lookup_or_audit(engine: Engine, demo: DemoSet) -> None:
    assert [_toets(engine, demo) for _ in range(LIMIET)] == [True] * LIMIET
    for _ in range(2):
        with pytest.raises(TeVeelVerzoeken) as refused:
            _toets(engine, demo)
        assert (refused.value.limiet, 1 <= refused.value.wacht <= 60) == (LIMIET, True)
        assert demo.register[0].bsn not in str(refused.value)
    assert audit_count(engine) == LIMIET


def test_the_limit_is_per_organisation(engine: Engine, demo: DemoSet) -> None:
    for _ in range(LIMIET):
        _toets(engine, demo)
    assert _toets(engine, demo, creds=Credentials(token=ROTTERDAM[1]))
    with pytest.raises(TeVeelVerzoeken):
        _toets(engine, demo)


def test_limit_zero_is_off(engine: Engine, demo: DemoSet) -> None:
    assert all(_toets(engine, demo, limiet=0) for _ in range(LIMIET * 4))
    assert audit_count(engine) == LIMIET * 4


def test_the_window_slides_and_retry_after_says_when(engine: Engine, demo: DemoSet) -> None:
    for _ in range(LIMIET):
        _toets(engine, demo)
    _age_audit(engine, 50)
    with pytest.raises(TeVeelVerzoeken) as refused:
        _toets(engine, demo)
    assert 9 <= refused.value.wacht <= 10
    _age_audit(engine, 61)
    assert [_toets(engine, demo) for _ in range(LIMIET)] == [True] * LIMIET
    with pytest.raises(TeVeelVerzoeken):
        _toets(engine, demo)
    assert audit_count(engine) == 2 * LIMIET


def test_soap_answers_the_client_fault_te_veel_verzoeken(
    limited: Settings, engine: Engine, demo: DemoSet
) -> None:
    client = Client(create_soap_app(limited, engine))
    body = envelope("RegistertoetsUitgebreid", demo.register[0].bsn)
    for _ in range(LIMIET):
        assert post(client, body).status_code == 200
    got = post(client, body)
    # HTTP 500, as SOAP 1.1 sends every fault (interfaces.md: only 401 and 413 differ).
    assert got.status_code == 500
    faultcode, code, omschrijving = fout(got.data)
    assert (faultcode, code) == ("soap11env:Client", "TE_VEEL_VERZOEKEN")
    assert omschrijving.startswith("te veel registertoetsen: de limiet is 3 per minuut")
    assert 1 <= int(got.headers["Retry-After"]) <= 60
    assert demo.register[0].bsn.encode() not in got.data
    detail = parse(got.data).find("s:Body/s:Fault/detail/t:fout", NS)
    frozen_schema().assertValid(etree.ElementTree(detail))
    assert audit_count(engine) == LIMIET


def test_rest_answers_429_with_retry_after(
    limited: Settings, engine: Engine, demo: DemoSet
) -> None:
    transport = httpx.WSGITransport(app=create_rest_app(limited, engine))
    with httpx.Client(transport=transport, base_url=BASE_URL, auth=AMSTERDAM) as client:
        for _ in range(LIMIET):
            assert client.post(REST_URL, json={"bsn": demo.register[0].bsn}).status_code == 200
        got = client.post(REST_URL, json={"bsn": demo.register[0].bsn})
    body = assert_problem(got, 429)
    assert body["type"] == "urn:samenloop:probleem:te-veel-verzoeken"
    assert body["title"] == "Te veel verzoeken"
    assert body["detail"].startswith("Te veel registertoetsen: deze organisatie mag er 3 per")
    assert 1 <= int(got.headers["Retry-After"]) <= 60
    assert demo.register[0].bsn not in got.text
    assert_documented(got)
    assert audit_count(engine) == LIMIET


def test_soap_and_rest_share_one_count(limited: Settings, engine: Engine, demo: DemoSet) -> None:
    soap = Client(create_soap_app(limited, engine))
    for _ in range(LIMIET):
        assert post(soap, envelope("Registertoets", demo.register[0].bsn)).status_code == 200
    transport = httpx.WSGITransport(app=create_rest_app(limited, engine))
    with httpx.Client(transport=transport, base_url=BASE_URL, auth=AMSTERDAM) as client:
        got = client.post(REST_URL, json={"bsn": demo.register[0].bsn})
    assert got.status_code == 429


def test_the_setting_comes_from_the_environment() -> None:
    assert Settings.from_env({}).registertoets_limiet == 60
    assert Settings.from_env({"SAMENLOOP_REGISTERTOETS_LIMIET": "0"}).registertoets_limiet == 0
    assert Settings.from_env({"SAMENLOOP_REGISTERTOETS_LIMIET": "600"}).registertoets_limiet == 600
