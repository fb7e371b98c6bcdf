"""Over the wire, against a real gunicorn (one sync worker) on 127.0.0.1, as clients use it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import suds.client
import zeep
import zeep.transports
from sqlalchemy import Engine
from suds.transport.https import HttpAuthenticated

from store.demo import DemoSet
from tests.soap.conftest import (
    BEARER,
    NS,
    URL,
    audit_rows,
    envelope,
    fout,
    http,
    parse,
)

pytestmark = pytest.mark.slow


def _samenloop(data: bytes) -> str | None:
    text = parse(data).findtext(".//t:samenloop", namespaces=NS)
    return None if text is None else str(text)


def _raw(base: str, request: bytes, then: bytes | None = None) -> bytes:
    """Send raw bytes (after a 100 Continue, `then`); return everything until close."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        if then is not None:
            while b"\r\n\r\n" not in received:
                received += sock.recv(4096)
            assert received.startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
            sock.sendall(then)
        while chunk := sock.recv(65536):
            received += chunk
    return received


def test_the_wsdl_over_the_wire_has_the_public_address(served: str) -> None:
    with http(served) as client:
        got = client.get(URL + "?wsdl", headers={"Host": "evil.example"})
    assert got.status_code == 200
    assert b'location="https://registertoets.example.nl/soap/registertoets"' in got.content
    assert b"evil.example" not in got.content


def test_zeep_over_the_wire(served: str, demo: DemoSet, engine: Engine) -> None:
    session = requests.Session()
    session.auth = ("0363", "demo-amsterdam")
    transport = zeep.transports.Transport(session=session)  # type: ignore[no-untyped-call]
    client = zeep.Client(served + URL + "?wsdl", transport=transport)  # type: ignore[no-untyped-call]
    binding = "{urn:wlz:registertoets:v1}RegistertoetsBinding"
    service = client.create_service(binding, served + URL)  # type: ignore[no-untyped-call]
    answer = service.RegistertoetsUitgebreid(bsn=demo.register[3].bsn)
    assert (answer.samenloop, str(answer.einddatum)) == ("JA", "2027-05-19")
    assert audit_rows(engine) == [("RegistertoetsUitgebreid", demo.register[3].bsn, "JA")]


def test_suds_sends_basic_credentials_after_the_challenge(served: str, demo: DemoSet) -> None:
    transport = HttpAuthenticated(username="0363", password="demo-amsterdam")
    client = suds.client.Client(
        served + URL + "?wsdl", transport=transport, location=served + URL, cache=None
    )
    answer = client.service.Registertoets(demo.zonder_samenloop[0])
    assert (answer.samenloop, answer.melding) == ("NEE", "geen samenloop gevonden")


@pytest.mark.parametrize("soap_action", ['"urn:wlz:registertoets:v1/Registertoets"', "x", ""])
def test_any_soap_action_and_content_type(served: str, demo: DemoSet, soap_action: str) -> None:
    headers = {**BEARER, "SOAPAction": soap_action, "Content-Type": "text/xml"}
    with http(served) as client:
        got = client.post(
            URL, content=envelope("Registertoets", demo.register[0].bsn), headers=headers
        )
    assert got.status_code == 200
    assert _samenloop(got.content) == "JA"


def test_a_chunked_body(served: str, demo: DemoSet) -> None:
    body = envelope("Registertoets", demo.register[0].bsn)

    def pieces() -> Iterator[bytes]:
        for start in range(0, len(body), 40):
            yield body[start : start + 40]

    with http(served) as client:
        got = client.post(URL, content=pieces(), headers=BEARER)
    assert got.request.headers["Transfer-Encoding"] == "chunked"
    assert got.status_code == 200
    assert _samenloop(got.content) == "JA"


def test_expect_100_continue_as_curl_sends_it(served: str, demo: DemoSet) -> None:
    body = envelope("Registertoets", demo.register[0].bsn)
    head = (
        f"POST {URL} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer demo-amsterdam\r\n"
        f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\n"
        "Expect: 100-continue\r\nConnection: close\r\n\r\n"
    ).encode()
    received = _raw(served, head, then=body)
    assert b"HTTP/1.1 200 OK" in received
    assert b"<tns:samenloop>JA</tns:samenloop>" in received


def test_a_chunked_body_over_the_maximum_is_413_and_the_worker_lives_on(
    served: str, demo: DemoSet
) -> None:
    def pieces() -> Iterator[bytes]:
        for _ in range(200):
            yield b"<a>" + b"x" * 1000 + b"</a>"

    with http(served) as client:
        got = client.post(URL, content=pieces(), headers=BEARER)
        assert got.status_code == 413
        assert fout(got.content)[1] == "TE_GROOT"
        again = client.post(
            URL, content=envelope("Registertoets", demo.register[0].bsn), headers=BEARER
        )
    assert again.status_code == 200


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + ']><e xmlns="http://schemas.xmlsoap.org/soap/envelope/">&i;</e>'
)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (LAUGHS.encode(), 500, "0001"),
        (b"<a>" * 3000, 500, "0001"),
        (b"not xml at all", 500, "0001"),
        (envelope("Registertoets", "123"), 500, "BSN_ONGELDIG"),
        (b" " * 70_000, 413, "TE_GROOT"),
    ],
    ids=["billion-laughs", "deep", "garbage", "bad-bsn", "too-large"],
)
def test_hostile_input_gets_a_fault_and_the_worker_survives(
    served: str, demo: DemoSet, body: bytes, status: int, code: str
) -> None:
    with http(served) as client:
        got = client.post(URL, content=body, headers=BEARER)
        assert got.status_code == status
        assert fout(got.content)[1] == code
        alive = client.post(
            URL, content=envelope("Registertoets", demo.register[0].bsn), headers=BEARER
        )
    assert alive.status_code == 200


def test_without_credentials_401_with_the_basic_challenge(served: str) -> None:
    with http(served) as client:
        got = client.post(URL, content=envelope("Registertoets", "999900006"))
    assert got.status_code == 401
    assert got.headers["WWW-Authenticate"].startswith('Basic realm="Samenloop"')
    assert fout(got.content)[1] == "NIET_GEAUTHENTICEERD"


def test_the_server_log_holds_no_bsn(served: str, demo: DemoSet, server_log: Path) -> None:
    with http(served) as client:
        client.post(URL, content=envelope("Registertoets", "999900007"), headers=BEARER)
        client.post(URL, content=envelope("Registertoets", demo.register[0].bsn), headers=BEARER)
    log = server_log.read_text(encoding="utf-8", errors="replace")
    assert "999900007" not in log
    assert demo.register[0].bsn not in log
    assert "Traceback" not in log
