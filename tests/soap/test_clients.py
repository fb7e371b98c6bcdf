"""Real WSDL-driven clients (zeep, suds) and a hand-built envelope (httpx), in-process."""

from __future__ import annotations

import datetime
import os

import httpx
import pytest
import zeep.exceptions
from lxml import etree  # type: ignore[import-untyped]
from suds import WebFault
from werkzeug.test import Client

from soap_service.app import create_soap_app
from store.demo import DemoSet
from store.settings import Settings
from tests.soap.clients import suds_client, zeep_client
from tests.soap.conftest import BEARER, SOAP_FIXTURES, URL, basic, envelope, fout

AMSTERDAM = {"Authorization": basic("0363", "demo-amsterdam")}


def _capture(name: str, data: bytes) -> None:
    """Keep what a real client sent as a replay fixture (when updating snapshots)."""
    if os.environ.get("SAMENLOOP_UPDATE_SNAPSHOTS"):
        (SOAP_FIXTURES / f"{name}.request.xml").write_bytes(data)


def test_zeep_calls_both_operations(client: Client, demo: DemoSet) -> None:
    soap = zeep_client(client, AMSTERDAM)
    ja = soap.service.Registertoets(bsn=demo.register[0].bsn)
    _capture("zeep-registertoets-ja", soap.transport.sent[-1])
    assert (ja.samenloop, ja.bsn, ja.wlzStatus, ja.melding) == (
        "JA",
        demo.register[0].bsn,
        "Ja",
        None,
    )
    uit = soap.service.RegistertoetsUitgebreid(bsn=demo.register[3].bsn)
    assert uit.afgiftedatum == datetime.date(2024, 6, 3)
    assert uit.ingangsdatum == datetime.date(2024, 5, 20)
    assert uit.einddatum == datetime.date(2027, 5, 19)
    nee = soap.service.RegistertoetsUitgebreid(bsn=demo.zonder_samenloop[1])
    assert (nee.samenloop, nee.melding, nee.bsn, nee.afgiftedatum) == (
        "NEE",
        "geen samenloop gevonden",
        None,
        None,
    )


def test_zeep_gets_a_typed_fault(client: Client, demo: DemoSet) -> None:
    soap = zeep_client(client, AMSTERDAM)
    with pytest.raises(zeep.exceptions.Fault) as raised:
        soap.service.Registertoets(bsn="123456789")
    assert raised.value.code == "soap11env:Client"
    detail = raised.value.detail
    fout_element = detail.find("{urn:wlz:registertoets:v1}fout")
    assert fout_element is not None
    parsed = soap.get_element("{urn:wlz:registertoets:v1}fout").parse(fout_element, soap.wsdl.types)
    assert parsed.code == "BSN_ONGELDIG"


def test_zeep_without_credentials_gets_the_401_fault(client: Client) -> None:
    soap = zeep_client(client, {})
    with pytest.raises(zeep.exceptions.Fault) as raised:
        soap.service.Registertoets(bsn="999900006")
    assert "niet geauthenticeerd" in raised.value.message


def test_suds_calls_both_operations(client: Client, demo: DemoSet) -> None:
    soap = suds_client(client, AMSTERDAM)
    ja = soap.service.Registertoets(demo.register[1].bsn)
    assert (ja.samenloop, ja.bsn, ja.wlzStatus) == ("JA", demo.register[1].bsn, "Onbekend")
    uit = soap.service.RegistertoetsUitgebreid(demo.register[3].bsn)
    _capture("suds-registertoets-uitgebreid-ja", soap.options.transport.sent[-1])
    assert str(uit.einddatum) == "2027-05-19"
    nee = soap.service.Registertoets(demo.zonder_samenloop[0])
    assert (nee.samenloop, nee.melding) == ("NEE", "geen samenloop gevonden")
    assert not hasattr(nee, "bsn") or nee.bsn is None


def test_suds_gets_a_web_fault_with_the_fout_detail(client: Client, demo: DemoSet) -> None:
    soap = suds_client(client, AMSTERDAM)
    with pytest.raises(WebFault) as raised:
        soap.service.Registertoets("999900007")
    assert raised.value.fault.faultcode == "soap11env:Client"
    assert raised.value.fault.detail.fout.code == "BSN_ONGELDIG"


def test_a_hand_built_envelope_with_httpx(
    settings: Settings, engine: object, demo: DemoSet
) -> None:
    transport = httpx.WSGITransport(app=create_soap_app(settings, engine))  # type: ignore[arg-type]
    with httpx.Client(transport=transport, base_url="http://t") as http:
        got = http.post(
            URL,
            content=envelope("Registertoets", demo.register[0].bsn),
            headers={**BEARER, "Content-Type": "text/xml", "SOAPAction": '""'},
        )
        assert got.status_code == 200
        root = etree.fromstring(got.content)
        assert root.findtext(".//{urn:wlz:registertoets:v1}samenloop") == "JA"
        bad = http.post(URL, content=envelope("Registertoets", "1"), headers=BEARER)
        assert bad.status_code == 500
        assert fout(bad.content)[1] == "BSN_ONGELDIG"
