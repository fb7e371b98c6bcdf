"""RegistertoetsSamenloop (doorontwikkeling-2023.md section 4) through SOAP: the worked
examples with zeep, the exact elements, the switches, the wet and the refusals."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from lxml import etree  # type: ignore[import-untyped]
from spyne.server.wsgi import WsgiApplication
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import Client

from soap_service.app import create_soap_app
from soap_service.service import Aanroep, application
from store.auth import Credentials
from store.demo import DemoSet
from store.registertoets_2023 import Schakelaars
from store.rollen import Rol
from store.settings import Settings
from tests.soap.clients import zeep_client
from tests.soap.conftest import BEARER, NS, audit_rows, fout, parse, post
from tests.soap.test_contract import frozen_schema
from tests.zorgvoorbeelden import VOORBEELDEN, D, Voorbeeld, plaats, zorg_token

OPERATIE = "RegistertoetsSamenloop"
TNS = "{urn:wlz:registertoets:v1}"


def samenloop_envelope(bsn: str, wet: str | None) -> bytes:
    wet_element = "" if wet is None else f"<reg:wet>{wet}</reg:wet>"
    return (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:reg="urn:wlz:registertoets:v1"><soapenv:Body><reg:RegistertoetsSamenloop>'
        f"<reg:bsn>{bsn}</reg:bsn>{wet_element}</reg:RegistertoetsSamenloop></soapenv:Body>"
        "</soapenv:Envelope>"
    ).encode()


@pytest.fixture
def bsns(engine: Engine, demo: DemoSet) -> dict[int, str]:
    return plaats(engine)


def _app(
    settings: Settings, engine: Engine, *, jeugdwet: bool = True, zorginformatie: bool = True
) -> Client:
    settings = replace(settings, jeugdwet=jeugdwet, zorginformatie=zorginformatie)
    return Client(create_soap_app(settings, engine, today=lambda: D))


@pytest.fixture
def soap(settings: Settings, engine: Engine, bsns: dict[int, str]) -> Client:
    return _app(settings, engine)


def _result(data: bytes) -> etree._Element:
    result = parse(data).find(f"s:Body/t:{OPERATIE}Response/t:{OPERATIE}Result", NS)
    assert result is not None, data
    return result


def _names(element: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in element]


@pytest.mark.parametrize("v", VOORBEELDEN, ids=lambda v: f"voorbeeld-{v.nr}")
@pytest.mark.parametrize("wet", ["wmo", "jw"])
def test_every_worked_example_through_zeep(
    soap: Client, bsns: dict[int, str], v: Voorbeeld, wet: str
) -> None:
    got = zeep_client(soap, BEARER).service.RegistertoetsSamenloop(bsn=bsns[v.nr], wet=wet)
    if v.status is None:
        assert (got.samenloop, got.melding, got.bsn, got.advies) == (
            "NEE", "geen samenloop gevonden", None, None,
        )  # fmt: skip
        assert got.leveringsvorm == []
        return
    assert (got.samenloop, got.wlzStatus) == ("JA", v.status)
    assert (got.advies.waarde, got.advies.regel, got.advies.perDatum) == (v.advies, v.regel, v.per)
    assert got.advies.regelversie == "2023.1"
    assert ("Jeugdwet" if wet == "jw" else "Wmo 2015") in got.advies.toelichting
    assert (got.startdatumZorg, got.bronStartdatumZorg) == (v.start, v.bron)
    lopend = [z for z in v.zorgkantoor if z[2] is None or z[2] > D]
    assert sorted((lv.code, lv.startdatum) for lv in got.leveringsvorm) == sorted(
        (code, start) for code, start, _ in lopend
    )


def test_elements_are_left_out_when_empty_and_in_contract_order(
    soap: Client, bsns: dict[int, str]
) -> None:
    nee = _result(post(soap, samenloop_envelope(bsns[1], "wmo")).data)
    assert _names(nee) == ["samenloop", "melding"]
    a5 = _result(post(soap, samenloop_envelope(bsns[5], "wmo")).data)
    assert _names(a5) == ["samenloop", "bsn", "wlzStatus", "afgiftedatum", "ingangsdatum", "advies"]
    assert _names(a5.find("t:advies", NS)) == ["waarde", "regel", "regelversie", "toelichting"]
    ja = _result(post(soap, samenloop_envelope(bsns[10], "jw")).data)
    assert _names(ja) == [
        "samenloop", "bsn", "wlzStatus", "afgiftedatum", "ingangsdatum", "leveringsvorm",
        "leveringsvorm", "startdatumZorg", "bronStartdatumZorg", "advies",
    ]  # fmt: skip
    assert _names(ja.find("t:leveringsvorm", NS)) == ["code", "omschrijving", "startdatum"]
    assert ja.findtext("t:advies/t:perDatum", namespaces=NS) == "2026-04-01"
    eind = _result(post(soap, samenloop_envelope(bsns[3], "wmo")).data)
    assert "einddatum" in _names(eind)


def _spyne_reference(engine: Engine) -> Client:
    spyne_app = application()

    def set_udc(ctx: Any) -> None:
        ctx.udc = Aanroep(engine, Credentials(token="demo-amsterdam"), 0, today=lambda: D)

    spyne_app.event_manager.add_listener("method_call", set_udc)
    return Client(WsgiApplication(spyne_app))


@pytest.mark.parametrize("nr", [1, 3, 5, 10, 11])
def test_every_shape_is_what_spyne_writes_and_valid_against_the_frozen_schema(
    soap: Client, engine: Engine, bsns: dict[int, str], nr: int
) -> None:
    request = samenloop_envelope(bsns[nr], "wmo")
    ours = parse(post(soap, request).data).find("s:Body", NS)[0]
    frozen_schema().assertValid(ours)
    theirs = _spyne_reference(engine).post("/", data=request, headers={"Content-Type": "text/xml"})
    spyne_answer = parse(theirs.data).find("s:Body", NS)[0]
    c14n = {"method": "c14n", "exclusive": True}
    assert etree.tostring(ours, **c14n) == etree.tostring(spyne_answer, **c14n)


def test_zorginformatie_uit_leaves_the_2023_fields_out(
    settings: Settings, engine: Engine, bsns: dict[int, str]
) -> None:
    soap = _app(settings, engine, zorginformatie=False)
    got = _result(post(soap, samenloop_envelope(bsns[10], "wmo")).data)
    assert _names(got) == ["samenloop", "bsn", "wlzStatus", "afgiftedatum", "ingangsdatum"]


@pytest.mark.parametrize("wet", ["WMO", "wlz", "", "999900006"])
def test_an_unknown_wet_is_a_client_fault_audited_without_bsn(
    soap: Client, engine: Engine, bsns: dict[int, str], wet: str
) -> None:
    got = post(soap, samenloop_envelope(bsns[6], wet))
    assert got.status_code == 500
    faultcode, code, omschrijving = fout(got.data)
    assert (faultcode, code) == ("soap11env:Client", "WET_ONGELDIG")
    assert "wmo, jw" in omschrijving and bsns[6].encode() not in got.data
    assert b"999900006" not in got.data
    assert audit_rows(engine)[-1] == (OPERATIE, None, "WET_ONGELDIG")


def test_jw_is_a_client_fault_while_the_jeugdwet_is_uit(
    settings: Settings, engine: Engine, bsns: dict[int, str]
) -> None:
    soap = _app(settings, engine, jeugdwet=False)
    assert fout(post(soap, samenloop_envelope(bsns[6], "jw")).data)[1] == "WET_ONGELDIG"
    assert post(soap, samenloop_envelope(bsns[6], "wmo")).status_code == 200


def test_a_missing_wet_does_not_conform_to_the_xsd(soap: Client, bsns: dict[int, str]) -> None:
    assert fout(post(soap, samenloop_envelope(bsns[6], None)).data)[1] == "0004"


@pytest.mark.parametrize("rol", [Rol.ZORGKANTOOR, Rol.ZORGAANBIEDER])
def test_a_zorgkantoor_or_zorgaanbieder_gets_geen_gemeente(
    soap: Client, sessions: sessionmaker[Session], bsns: dict[int, str], rol: Rol
) -> None:
    token = zorg_token(sessions, rol)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/xml"}
    got = post(soap, samenloop_envelope(bsns[6], "wmo"), headers)
    assert fout(got.data)[1] == "GEEN_GEMEENTE" and bsns[6].encode() not in got.data


def test_switches_default_to_aan() -> None:
    assert Schakelaars() == Schakelaars(jeugdwet=True, zorginformatie=True)
