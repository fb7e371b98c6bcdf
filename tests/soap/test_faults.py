"""Every fault path and hostile input: a clean SOAP 1.1 fault, no BSN, no stack trace."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

import hypothesis
import pytest
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import Client

import soap_service.service
from soap_service.app import create_soap_app
from store.bsn import bsn_fout
from store.db import make_engine
from store.demo import DemoSet
from store.models import Organisatie, OrganisatieToken
from store.organisaties import token_digest
from store.settings import Settings
from tests.soap.conftest import (
    BEARER,
    SOAP11,
    SOAP12,
    TNS,
    URL,
    audit_rows,
    envelope,
    fout,
    post,
)

HEADERS = {**BEARER, "Content-Type": "text/xml"}


def _assert_fault(got: object, status: int, faultcode: str, code: str) -> str:
    assert got.status_code == status  # type: ignore[attr-defined]
    assert got.headers["Content-Type"].startswith("text/xml")  # type: ignore[attr-defined]
    data: bytes = got.data  # type: ignore[attr-defined]
    got_faultcode, got_code, omschrijving = fout(data)
    assert got_faultcode == f"soap11env:{faultcode}"
    assert got_code == code
    assert b"Traceback" not in data and b"File " not in data
    return omschrijving


@pytest.mark.parametrize("bsn", ["123", "999900007", "", "99990000X", "٩٩٩٩٠٠٠٠٦", "0" * 9])
def test_an_invalid_bsn_is_bsn_ongeldig_and_never_echoed(
    client: Client, engine: Engine, bsn: str
) -> None:
    got = post(client, envelope("Registertoets", bsn), HEADERS)
    omschrijving = _assert_fault(got, 500, "Client", "BSN_ONGELDIG")
    assert omschrijving.startswith("BSN ongeldig")
    if bsn:
        assert bsn.encode() not in got.data
    assert audit_rows(engine) == [("Registertoets", None, "BSN_ONGELDIG")]


def test_a_bsn_that_looks_like_a_number_with_spaces_is_refused(client: Client) -> None:
    got = post(client, envelope("Registertoets", " 999900006 "), HEADERS)
    _assert_fault(got, 500, "Client", "BSN_ONGELDIG")


def test_no_credentials_is_401_with_a_basic_challenge(client: Client, engine: Engine) -> None:
    got = post(client, envelope("Registertoets", "999900006"), {"Content-Type": "text/xml"})
    _assert_fault(got, 401, "Client", "NIET_GEAUTHENTICEERD")
    assert got.headers["WWW-Authenticate"].startswith('Basic realm="Samenloop"')
    assert audit_rows(engine) == []


@pytest.mark.parametrize(
    "authorization",
    ["Bearer verkeerd", "Basic bm9n", "Basic MDM2Mzp2ZXJrZWVyZA==", "Digest x", "Bearer "],
)
def test_wrong_credentials_are_401(client: Client, engine: Engine, authorization: str) -> None:
    headers = {"Authorization": authorization, "Content-Type": "text/xml"}
    got = post(client, envelope("Registertoets", "999900006"), headers)
    _assert_fault(got, 401, "Client", "NIET_GEAUTHENTICEERD")
    assert "WWW-Authenticate" in got.headers
    assert audit_rows(engine) == []


class _Untouchable(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise AssertionError("the body of an unauthenticated request was read")


def test_unauthenticated_callers_get_401_before_the_body_is_even_read(
    settings: Settings, engine: Engine
) -> None:
    app = create_soap_app(settings, engine)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": URL,
        "CONTENT_LENGTH": "1000000",
        "wsgi.input": io.BufferedReader(_Untouchable()),
    }
    statuses: list[str] = []
    data = b"".join(app(environ, lambda status, _headers: statuses.append(status)))
    assert statuses == ["401 Unauthorized"]
    assert fout(data)[1] == "NIET_GEAUTHENTICEERD"


def test_a_body_over_the_maximum_is_413_te_groot(engine: Engine, demo: DemoSet) -> None:
    settings = Settings(max_body=2048)
    client = Client(create_soap_app(settings, engine))
    padding = "<!-- " + "x" * 3000 + " -->"
    body = envelope("Registertoets", demo.register[0].bsn).replace(
        b"<soapenv:Body>", padding.encode() + b"<soapenv:Body>"
    )
    _assert_fault(post(client, body, HEADERS), 413, "Client", "TE_GROOT")
    small = envelope("Registertoets", demo.register[0].bsn)
    assert post(client, small, HEADERS).status_code == 200


def test_the_default_maximum_is_64_kib(client: Client) -> None:
    body = b" " * (64 * 1024 - 1) + envelope("Registertoets", "999900006")
    _assert_fault(post(client, body, HEADERS), 413, "Client", "TE_GROOT")


class _Chunked(io.RawIOBase):
    """A body without a length, as a chunked request reaches the app: 100 pieces of 1 KB."""

    def __init__(self) -> None:
        self.left = 100
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self.left:
            return 0
        self.left -= 1
        chunk = (b"<a>" + b"x" * 1000 + b"</a>")[: len(buffer)]
        buffer[: len(chunk)] = chunk
        self.served += len(chunk)
        return len(chunk)


def test_a_chunked_body_over_the_maximum_is_413(
    settings: Settings, engine: Engine, demo: DemoSet
) -> None:
    app = create_soap_app(settings, engine)
    stream = _Chunked()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": URL,
        "CONTENT_TYPE": "text/xml",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "HTTP_AUTHORIZATION": BEARER["Authorization"],
        "wsgi.input": io.BufferedReader(stream),
    }
    statuses: list[str] = []
    answer = app(environ, lambda status, _headers: statuses.append(status))
    data = b"".join(answer)
    assert statuses == ["413 Content Too Large"]
    assert fout(data)[1] == "TE_GROOT"
    assert stream.served < 100 * 1007  # the rest is never read


XXE = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><t:Registertoets xmlns:t="{TNS}">'
    "<t:bsn>&x;</t:bsn></t:Registertoets></s:Body></s:Envelope>"
)
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + f']><s:Envelope xmlns:s="{SOAP11}"><s:Body><t:Registertoets xmlns:t="{TNS}">'
    "<t:bsn>&lol9;</t:bsn></t:Registertoets></s:Body></s:Envelope>"
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?><!DOCTYPE s:Envelope SYSTEM "http://127.0.0.1:1/evil.dtd">'
    f'<s:Envelope xmlns:s="{SOAP11}"><s:Body/></s:Envelope>'
)


@pytest.mark.parametrize("body", [XXE, LAUGHS, EXTERNAL_DTD], ids=["xxe", "laughs", "dtd"])
def test_a_doctype_is_refused_before_anything_else(client: Client, body: str) -> None:
    got = post(client, body.encode(), HEADERS)
    omschrijving = _assert_fault(got, 500, "Client", "0001")
    assert "DOCTYPE" in omschrijving
    assert b"root:" not in got.data and b"lollol" not in got.data


def test_deep_nesting_is_refused(client: Client) -> None:
    depth = 5000
    body = f'<s:Envelope xmlns:s="{SOAP11}"><s:Body>' + "<a>" * depth + "</a>" * depth
    body += "</s:Body></s:Envelope>"
    _assert_fault(post(client, body.encode(), HEADERS), 500, "Client", "0001")


@pytest.mark.parametrize(
    "body",
    [b"", b"<niet-af", b"geen xml", b"\xff\xfe<", envelope("Registertoets", "1")[:-5]],
)
def test_malformed_xml_is_0001(client: Client, body: bytes) -> None:
    _assert_fault(post(client, body, HEADERS), 500, "Client", "0001")


def test_a_soap_12_envelope_is_version_mismatch(client: Client) -> None:
    body = envelope("Registertoets", "999900006").replace(SOAP11.encode(), SOAP12.encode())
    _assert_fault(post(client, body, HEADERS), 500, "VersionMismatch", "0001")


def test_an_envelope_in_another_namespace_is_version_mismatch(client: Client) -> None:
    body = envelope("Registertoets", "999900006").replace(SOAP11.encode(), b"urn:anders")
    _assert_fault(post(client, body, HEADERS), 500, "VersionMismatch", "0001")


@pytest.mark.parametrize(
    "body",
    [
        b"<Registertoets/>",
        f'<s:Envelope xmlns:s="{SOAP11}"/>'.encode(),
        f'<s:Envelope xmlns:s="{SOAP11}"><s:Body/><s:Body/></s:Envelope>'.encode(),
        f'<s:Envelope xmlns:s="{SOAP11}"><s:Body/><s:Header/></s:Envelope>'.encode(),
        f'<s:Envelope xmlns:s="{SOAP11}"><x/><s:Body/></s:Envelope>'.encode(),
    ],
)
def test_an_envelope_of_the_wrong_shape_is_0001(client: Client, body: bytes) -> None:
    _assert_fault(post(client, body, HEADERS), 500, "Client", "0001")


def _body(inner: str) -> bytes:
    return (
        f'<s:Envelope xmlns:s="{SOAP11}" xmlns:t="{TNS}"><s:Body>{inner}</s:Body></s:Envelope>'
    ).encode()


@pytest.mark.parametrize(
    "inner",
    [
        "",
        "<t:Registertoets><t:bsn>999900006</t:bsn></t:Registertoets>"
        "<t:Registertoets><t:bsn>999900006</t:bsn></t:Registertoets>",
        "<t:Onbekend><t:bsn>999900006</t:bsn></t:Onbekend>",
        '<Registertoets xmlns="urn:ander"><bsn>999900006</bsn></Registertoets>',
        "<t:Registertoets><bsn>999900006</bsn></t:Registertoets>",
        "<t:Registertoets/>",
        "<t:Registertoets><t:bsn>999900006</t:bsn><t:extra/></t:Registertoets>",
        "<t:Registertoets><t:bsn><t:x/></t:bsn></t:Registertoets>",
        '<t:Registertoets><t:bsn xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:nil="true"/></t:Registertoets>',
        "<t:RegistertoetsResponse/>",
    ],
    ids=[
        "empty-body",
        "two-operations",
        "unknown-operation",
        "wrong-namespace",
        "unqualified-bsn",
        "missing-bsn",
        "extra-element",
        "element-in-bsn",
        "nil-bsn",
        "a-response",
    ],
)
def test_a_body_not_conform_the_schema_is_0004(client: Client, engine: Engine, inner: str) -> None:
    got = post(client, _body(inner), HEADERS)
    _assert_fault(got, 500, "Client", "0004")
    assert b"999900006" not in got.data
    assert audit_rows(engine) == []


def test_geen_gemeente_for_a_known_organisation_of_another_role(
    engine: Engine, settings: Settings, demo: DemoSet, sessions: sessionmaker[Session]
) -> None:
    now = datetime.now(UTC)
    with sessions.begin() as session:
        org = Organisatie(rol="zorgkantoor", code="Z001", actief=True, aangemaakt_op=now)
        session.add(org)
        session.flush()
        digest = token_digest("zk-token")
        session.add(OrganisatieToken(organisatie_id=org.id, digest=digest, aangemaakt_op=now))
    client = Client(create_soap_app(settings, engine))
    headers = {"Authorization": "Bearer zk-token", "Content-Type": "text/xml"}
    got = post(client, envelope("Registertoets", demo.register[0].bsn), headers)
    _assert_fault(got, 500, "Client", "GEEN_GEMEENTE")
    assert demo.register[0].bsn.encode() not in got.data
    assert audit_rows(engine) == [("Registertoets", None, "GEEN_GEMEENTE")]


def test_an_unreachable_database_is_a_server_fault_0051(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/none", db_timeout=1)
    client = Client(create_soap_app(settings, make_engine(settings)))
    with caplog.at_level(logging.INFO):
        got = post(client, envelope("Registertoets", "999900006"), HEADERS)
    _assert_fault(got, 500, "Server", "0051")
    assert "999900006" not in caplog.text


def test_an_unexpected_error_is_a_neutral_server_fault_logged_without_the_bsn(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(
        _engine: object, _creds: object, bsn: str, _operatie: object, _seen: object, **_: object
    ) -> None:
        raise RuntimeError(f"kapot bij BSN {bsn}")

    monkeypatch.setattr(soap_service.service, "registertoets", broken)
    with caplog.at_level(logging.DEBUG):
        got = post(client, envelope("Registertoets", "999900006"), HEADERS)
    omschrijving = _assert_fault(got, 500, "Server", "0051")
    assert "kapot" not in omschrijving
    assert b"999900006" not in got.data
    assert "RuntimeError" in caplog.text
    assert "999900006" not in caplog.text


def test_spyne_logs_nothing_with_a_bsn(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        post(client, envelope("Registertoets", "123456789"), HEADERS)
        post(client, b"<x>999900006", HEADERS)
    assert "123456789" not in caplog.text
    assert "999900006" not in caplog.text


@hypothesis.settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
@hypothesis.given(bsn=st.text(alphabet="0123456789 .-x\u0669\u00a0<&", max_size=12))
def test_whatever_the_bsn_the_answer_is_clean_and_never_echoes_it(client: Client, bsn: str) -> None:
    got = post(client, envelope("Registertoets", escape(bsn)), HEADERS)
    if got.status_code == 200:
        assert bsn_fout(bsn) is None
        return
    faultcode, code, _ = fout(got.data)
    assert (faultcode, code) == ("soap11env:Client", "BSN_ONGELDIG")
    if len(bsn) >= 4 and bsn not in "000000000":
        assert escape(bsn).encode() not in got.data
