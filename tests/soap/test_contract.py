"""The frozen WSDL is the contract: served as it is, and what the service sends matches it."""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Callable
from typing import Any

import pytest
import zeep
from lxml import etree  # type: ignore[import-untyped]
from spyne.server.wsgi import WsgiApplication
from sqlalchemy import Engine
from werkzeug.test import Client

from soap_service.app import create_soap_app
from soap_service.service import Aanroep, application
from store.auth import Credentials
from store.demo import DemoSet
from store.settings import Settings
from tests.soap.clients import WsgiZeepTransport
from tests.soap.conftest import (
    BEARER,
    NS,
    ROOT,
    SOAP_FIXTURES,
    URL,
    envelope,
    parse,
    post,
)

WSDL_FILE = ROOT / "wsdl" / "registertoets.wsdl"
WSDL_NS = {
    "wsdl": "http://schemas.xmlsoap.org/wsdl/",
    "soap": "http://schemas.xmlsoap.org/wsdl/soap/",
    "xs": "http://www.w3.org/2001/XMLSchema",
}
SIGNATURES = SOAP_FIXTURES / "zeep-signatures.txt"


def frozen_schema() -> etree.XMLSchema:
    """The schema in the frozen file's wsdl:types, read independently of soap_service."""
    wsdl = etree.parse(str(WSDL_FILE))
    found = wsdl.find("wsdl:types/xs:schema", WSDL_NS)
    return etree.XMLSchema(etree.ElementTree(found))


def served_address(data: bytes) -> str:
    address = parse(data).find("wsdl:service/wsdl:port/soap:address", WSDL_NS)
    return str(address.get("location"))


@pytest.mark.parametrize("query", ["wsdl", "WSDL", "wsdl="])
def test_served_wsdl_is_the_frozen_file_with_the_configured_address(
    engine: Engine, query: str
) -> None:
    settings = Settings(public_url="https://registertoets.example.nl")
    client = Client(create_soap_app(settings, engine))
    got = client.get(f"{URL}?{query}", headers={"Host": "evil.example"})  # no credentials
    assert got.status_code == 200
    assert got.headers["Content-Type"].startswith("text/xml")
    assert served_address(got.data) == "https://registertoets.example.nl/soap/registertoets"
    expected = WSDL_FILE.read_bytes().replace(
        b"http://localhost/soap/registertoets",
        b"https://registertoets.example.nl/soap/registertoets",
    )
    assert got.data == expected


def test_get_without_wsdl_is_a_plain_answer(engine: Engine, settings: Settings) -> None:
    client = Client(create_soap_app(settings, engine))
    got = client.get(URL)
    assert got.status_code == 200
    assert got.headers["Content-Type"].startswith("text/plain")
    assert b"?wsdl" in got.data and b"Traceback" not in got.data
    assert client.put(URL, data=b"x").status_code == 405
    assert client.get("/soap/anders").status_code == 404


def _dump(wsdl_url: str, transport: Any = None) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        zeep.Client(wsdl_url, transport=transport).wsdl.dump()  # type: ignore[no-untyped-call]
    # zeep's list of built-in xsd types and the address are not part of the signatures.
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    return "\n".join(line for line in lines if not re.fullmatch(r"\s+xsd:\w+", line)) + "\n"


def test_zeep_signatures_match_the_snapshot(client: Client) -> None:
    dump = _dump("http://testserver/soap/registertoets?wsdl", WsgiZeepTransport(client, BEARER))
    if os.environ.get("SAMENLOOP_UPDATE_SNAPSHOTS"):
        SIGNATURES.write_text(dump, encoding="utf-8")
    assert dump == SIGNATURES.read_text(encoding="utf-8")
    assert _dump(str(WSDL_FILE)) == dump


def _spyne_wsdl(tmp_path: Any) -> str:
    spyne_app = WsgiApplication(application())
    data = Client(spyne_app).get("/?wsdl").data
    path = tmp_path / "spyne.wsdl"
    path.write_bytes(data)
    return str(path)


def _section(dump: str, pattern: str) -> list[str]:
    return sorted(line.strip() for line in dump.splitlines() if re.search(pattern, line))


def test_the_spyne_definitions_have_the_contract_signatures(tmp_path: Any) -> None:
    """The operations and named result types spyne derives from the wire models equal the
    frozen WSDL's, as zeep reads them: the code cannot drift from the contract."""
    frozen = _dump(str(WSDL_FILE))
    generated = _dump(_spyne_wsdl(tmp_path))
    patterns = {
        r"^\s+Registertoets\w*\(bsn": 3,
        r"^\s+ns0:Registertoets\w*Antwoord\(samenloop": 3,
        r"^\s+ns0:(Leveringsvorm|Advies)\(\w+: ": 2,  # the 2023 operation's nested types
    }
    for pattern, count in patterns.items():
        assert _section(generated, pattern) == _section(frozen, pattern)
        assert len(_section(frozen, pattern)) == count


def _body_child(data: bytes) -> etree._Element:
    body = parse(data).find("s:Body", NS)
    assert body is not None and len(body) == 1
    return body[0]


SHAPES = [
    ("Registertoets", 3, "JA"),
    ("Registertoets", None, "NEE"),
    ("RegistertoetsUitgebreid", 3, "JA met einddatum"),
    ("RegistertoetsUitgebreid", 0, "JA zonder einddatum"),
    ("RegistertoetsUitgebreid", None, "NEE"),
]


def _bsn(demo: DemoSet, index: int | None) -> str:
    return demo.zonder_samenloop[0] if index is None else demo.register[index].bsn


def _spyne_reference(engine: Engine) -> Callable[[bytes], bytes]:
    """spyne's own full pipeline (WsgiApplication, Soap11 in and out) over the same methods."""
    spyne_app = application()

    def set_udc(ctx: Any) -> None:
        ctx.udc = Aanroep(engine, Credentials(token="demo-amsterdam"), 0)

    spyne_app.event_manager.add_listener("method_call", set_udc)
    reference = Client(WsgiApplication(spyne_app))
    return lambda body: bytes(
        reference.post("/", data=body, headers={"Content-Type": "text/xml"}).data
    )


@pytest.mark.parametrize(("operatie", "index", "shape"), SHAPES)
def test_every_answer_is_what_spyne_writes_and_valid_against_the_frozen_schema(
    client: Client, demo: DemoSet, engine: Engine, operatie: str, index: int | None, shape: str
) -> None:
    request = envelope(operatie, _bsn(demo, index))
    got = post(client, request)
    assert got.status_code == 200
    ours = _body_child(got.data)
    frozen_schema().assertValid(ours)
    spyne_answer = _body_child(_spyne_reference(engine)(request))
    frozen_schema().assertValid(spyne_answer)
    c14n = {"method": "c14n", "exclusive": True}
    assert etree.tostring(ours, **c14n) == etree.tostring(spyne_answer, **c14n)
    assert b"nil" not in got.data


FAULTS = [
    (envelope("Registertoets", "123"), BEARER, "BSN_ONGELDIG"),
    (envelope("Registertoets", "999900006"), {}, "NIET_GEAUTHENTICEERD"),
    (b"x" * 70_000, BEARER, "TE_GROOT"),
    (b"<niet-af", BEARER, "0001"),
    (envelope("Onbekend", "999900006"), BEARER, "0004"),
]


@pytest.mark.parametrize(("body", "headers", "code"), FAULTS)
def test_every_fault_detail_is_the_qualified_fout_of_the_frozen_schema(
    client: Client, body: bytes, headers: dict[str, str], code: str
) -> None:
    got = post(client, body, {**headers, "Content-Type": "text/xml"})
    fault = _body_child(got.data)
    assert etree.QName(fault).localname == "Fault"
    assert [child.tag for child in fault] == ["faultcode", "faultstring", "detail"]
    (fout,) = fault.find("detail")
    assert fout.tag == "{urn:wlz:registertoets:v1}fout"
    frozen_schema().assertValid(fout)
    assert fout.findtext("t:code", namespaces=NS) == code
