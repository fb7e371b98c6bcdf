"""Shared for the SOAP tests: the demo data, the app in-process, envelopes, a real gunicorn."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from lxml import etree  # type: ignore[import-untyped]
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import Client, TestResponse

from soap_service.app import create_soap_app
from store.demo import DemoSet, fill
from store.models import AuditRegistertoets
from store.settings import Settings
from tests.server import serve

ROOT = Path(__file__).resolve().parents[2]
SOAP_FIXTURES = ROOT / "fixtures" / "soap"
URL = "/soap/registertoets"
TNS = "urn:wlz:registertoets:v1"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSA = "http://www.w3.org/2005/08/addressing"
NS = {"s": SOAP11, "t": TNS, "wsa": WSA}
PEILDATUM = date(2026, 3, 1)

BEARER = {"Authorization": "Bearer demo-amsterdam"}
XML_HEADERS = {**BEARER, "Content-Type": "text/xml; charset=utf-8"}


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def envelope(operatie: str, bsn: str, header: str = "") -> bytes:
    """A plain request envelope as a hand-written client would send it."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP11}" xmlns:reg="{TNS}">'
        f"{header}<soapenv:Body><reg:{operatie}><reg:bsn>{bsn}</reg:bsn></reg:{operatie}>"
        "</soapenv:Body></soapenv:Envelope>"
    ).encode()


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def fout(data: bytes) -> tuple[str, str, str]:
    """(faultcode, fout/code, fout/omschrijving) of a fault response."""
    root = parse(data)
    return (
        root.findtext("s:Body/s:Fault/faultcode", namespaces=NS),
        root.findtext("s:Body/s:Fault/detail/t:fout/t:code", namespaces=NS),
        root.findtext("s:Body/s:Fault/detail/t:fout/t:omschrijving", namespaces=NS),
    )


def audit_rows(engine: Engine) -> list[tuple[str, str | None, str]]:
    with engine.connect() as conn:
        query = select(
            AuditRegistertoets.operatie, AuditRegistertoets.bsn, AuditRegistertoets.uitkomst
        ).order_by(AuditRegistertoets.id)
        return [(r.operatie, r.bsn, r.uitkomst) for r in conn.execute(query)]


@pytest.fixture
def demo(engine: Engine, sessions: sessionmaker[Session]) -> DemoSet:
    return fill(engine, sessions, PEILDATUM)


@pytest.fixture
def client(settings: Settings, engine: Engine, demo: DemoSet) -> Client:
    """The demo's peildatum is the service's today: answers do not drift with the calendar."""
    return Client(create_soap_app(settings, engine, today=lambda: PEILDATUM))


def post(client: Client, body: bytes, headers: dict[str, str] | None = None) -> TestResponse:
    headers = XML_HEADERS if headers is None else headers
    return client.post(URL, data=body, headers=headers, buffered=True)


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gunicorn") / "stderr.log"


@pytest.fixture(scope="module")
def served(settings: Settings, migrated: Engine, server_log: Path) -> Iterator[str]:
    """A real gunicorn (one sync worker) on 127.0.0.1, started as `samenloop serve`."""
    env = {"SAMENLOOP_PUBLIC_URL": "https://registertoets.example.nl"}
    with server_log.open("wb") as log, serve(settings.database_url, env=env, log=log) as base:
        yield base


def http(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=10.0)
