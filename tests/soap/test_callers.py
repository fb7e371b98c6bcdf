"""Who is calling (Basic, Bearer, an OIN from a trusted proxy), the audit, WS-Addressing."""

from __future__ import annotations

import ipaddress
import re

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import Client

from soap_service.app import create_soap_app
from store.demo import DemoSet
from store.organisaties import new_token, set_gemeente
from store.settings import Settings
from tests.soap.conftest import (
    NS,
    PEILDATUM,
    URL,
    audit_rows,
    basic,
    envelope,
    fout,
    parse,
    post,
)

OIN = "00000001234567890000"


def _samenloop(data: bytes) -> str | None:
    text = parse(data).findtext(".//t:samenloop", namespaces=NS)
    return None if text is None else str(text)


@pytest.mark.parametrize(
    "authorization",
    [basic("0363", "demo-amsterdam"), "Bearer demo-amsterdam", "bearer demo-amsterdam"],
)
def test_basic_with_the_gemeentecode_and_bearer_are_accepted(
    client: Client, demo: DemoSet, authorization: str
) -> None:
    headers = {"Authorization": authorization, "Content-Type": "text/xml"}
    got = post(client, envelope("Registertoets", demo.register[0].bsn), headers)
    assert got.status_code == 200
    assert _samenloop(got.data) == "JA"


def test_basic_with_another_gemeentecode_is_refused(client: Client, demo: DemoSet) -> None:
    headers = {"Authorization": basic("0599", "demo-amsterdam"), "Content-Type": "text/xml"}
    got = post(client, envelope("Registertoets", demo.register[0].bsn), headers)
    assert got.status_code == 401


def test_a_rotated_token_is_refused_at_once(
    client: Client, demo: DemoSet, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        fresh = new_token(session, "0363")
    body = envelope("Registertoets", demo.register[0].bsn)
    old = post(client, body, {"Authorization": "Bearer demo-amsterdam"})
    assert old.status_code == 401
    assert fout(old.data)[1] == "NIET_GEAUTHENTICEERD"
    assert post(client, body, {"Authorization": f"Bearer {fresh}"}).status_code == 200


def _with_oin(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        set_gemeente(session, "0599", oin=OIN, peildatum=PEILDATUM)


def test_an_oin_from_a_trusted_proxy_identifies_the_caller(
    engine: Engine, demo: DemoSet, sessions: sessionmaker[Session]
) -> None:
    _with_oin(sessions)
    settings = Settings(trusted_proxies=(ipaddress.ip_network("10.0.0.0/8"),))
    client = Client(create_soap_app(settings, engine))
    got = client.post(
        URL,
        data=envelope("Registertoets", demo.register[0].bsn),
        headers={"X-Samenloop-OIN": OIN, "Content-Type": "text/xml"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
        buffered=True,
    )
    assert got.status_code == 200
    assert _samenloop(got.data) == "JA"


def test_the_configured_oin_header_name_is_used(
    engine: Engine, demo: DemoSet, sessions: sessionmaker[Session]
) -> None:
    _with_oin(sessions)
    settings = Settings(
        oin_header="X-Client-Cert-OIN", trusted_proxies=(ipaddress.ip_network("10.0.0.0/8"),)
    )
    client = Client(create_soap_app(settings, engine))
    got = client.post(
        URL,
        data=envelope("Registertoets", demo.register[0].bsn),
        headers={"X-Client-Cert-OIN": OIN},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
        buffered=True,
    )
    assert got.status_code == 200


def test_the_oin_header_from_an_untrusted_address_is_ignored(
    engine: Engine, demo: DemoSet, sessions: sessionmaker[Session]
) -> None:
    _with_oin(sessions)
    settings = Settings(trusted_proxies=(ipaddress.ip_network("10.0.0.0/8"),))
    client = Client(create_soap_app(settings, engine))
    got = client.post(
        URL,
        data=envelope("Registertoets", demo.register[0].bsn),
        headers={"X-Samenloop-OIN": OIN},
        environ_base={"REMOTE_ADDR": "192.0.2.1"},
        buffered=True,
    )
    assert got.status_code == 401
    assert audit_rows(engine) == []


def test_every_call_writes_one_audit_record(client: Client, demo: DemoSet, engine: Engine) -> None:
    ja, nee = demo.register[0].bsn, demo.zonder_samenloop[0]
    post(client, envelope("Registertoets", ja))
    post(client, envelope("RegistertoetsUitgebreid", nee))
    post(client, envelope("RegistertoetsUitgebreid", "12345"))
    assert audit_rows(engine) == [
        ("Registertoets", ja, "JA"),
        ("RegistertoetsUitgebreid", nee, "NEE"),
        ("RegistertoetsUitgebreid", None, "BSN_ONGELDIG"),
    ]


def test_the_audit_record_is_committed_before_the_answer(
    client: Client, demo: DemoSet, engine: Engine
) -> None:
    """Read from another connection while the response is still open (not yet closed)."""
    answer = client.post(
        URL,
        data=envelope("Registertoets", demo.register[0].bsn),
        headers={"Authorization": "Bearer demo-amsterdam"},
        buffered=False,
    )
    try:
        assert audit_rows(engine) == [("Registertoets", demo.register[0].bsn, "JA")]
    finally:
        answer.close()


WSA_HEADER = (
    '<soapenv:Header xmlns:wsa="http://www.w3.org/2005/08/addressing">'
    "<wsa:To>http://127.0.0.1:8080/soap/registertoets</wsa:To>"
    "<wsa:Action>urn:wlz:registertoets:v1/RegistertoetsUitgebreid</wsa:Action>"
    "<wsa:MessageID>urn:uuid:6b29fc40-ca47-1067-b31d-00dd010662da</wsa:MessageID>"
    "<wsa:ReplyTo><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous"
    "</wsa:Address></wsa:ReplyTo>"
    "<wsa:From><wsa:Address>urn:gemeente:0363</wsa:Address></wsa:From>"
    "</soapenv:Header>"
)
UUID = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _wsa(data: bytes) -> dict[str, str]:
    header = parse(data).find("s:Header", NS)
    if header is None:
        return {}
    return {child.tag.split("}")[1]: child.text for child in header}


def test_ws_addressing_in_gives_action_message_id_and_relates_to_out(
    client: Client, demo: DemoSet
) -> None:
    got = post(client, envelope("RegistertoetsUitgebreid", demo.register[0].bsn, WSA_HEADER))
    assert got.status_code == 200
    wsa = _wsa(got.data)
    assert wsa["Action"] == "urn:wlz:registertoets:v1/RegistertoetsUitgebreidResponse"
    assert wsa["RelatesTo"] == "urn:uuid:6b29fc40-ca47-1067-b31d-00dd010662da"
    assert UUID.fullmatch(wsa["MessageID"])
    again = _wsa(post(client, envelope("Registertoets", demo.register[0].bsn, WSA_HEADER)).data)
    assert again["MessageID"] != wsa["MessageID"]
    assert again["Action"] == "urn:wlz:registertoets:v1/RegistertoetsResponse"


def test_ws_addressing_on_a_fault_relates_it_too(client: Client) -> None:
    got = post(client, envelope("Registertoets", "12345", WSA_HEADER))
    wsa = _wsa(got.data)
    assert wsa["RelatesTo"] == "urn:uuid:6b29fc40-ca47-1067-b31d-00dd010662da"
    assert wsa["Action"] == "http://www.w3.org/2005/08/addressing/soap/fault"


def test_no_ws_addressing_in_means_none_out(client: Client, demo: DemoSet) -> None:
    got = post(client, envelope("Registertoets", demo.register[0].bsn))
    assert b"addressing" not in got.data
    headers_only = WSA_HEADER.replace(
        "<wsa:MessageID>urn:uuid:6b29fc40-ca47-1067-b31d-00dd010662da</wsa:MessageID>", ""
    )
    got = post(client, envelope("Registertoets", demo.register[0].bsn, headers_only))
    assert got.status_code == 200
    assert b"addressing" not in got.data


def test_must_understand_and_a_wrong_action_do_not_fault(client: Client, demo: DemoSet) -> None:
    header = WSA_HEADER.replace(
        "<wsa:Action>urn:wlz:registertoets:v1/RegistertoetsUitgebreid</wsa:Action>",
        '<wsa:Action soapenv:mustUnderstand="1">urn:iets:anders</wsa:Action>',
    )
    got = post(client, envelope("Registertoets", demo.register[0].bsn, header))
    assert got.status_code == 200
