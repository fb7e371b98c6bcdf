"""A client generated from the 2021 WSDL (kept in fixtures/wsdl) against today's service.

Adding RegistertoetsSamenloop to the frozen WSDL is a deliberate contract change; old clients
must not notice it. The responses below were captured from the service before that change
(fixtures/soap/wsdl-2021/); every call must still get exactly those bytes back.
"""

from __future__ import annotations

import itertools
import os
import uuid
from typing import Any

import pytest
import zeep
import zeep.exceptions
from werkzeug.test import Client

from store.demo import DemoSet
from tests.soap.clients import WsgiZeepTransport
from tests.soap.conftest import ROOT, SOAP_FIXTURES
from tests.soap.test_clients import AMSTERDAM

OLD_WSDL = ROOT / "fixtures" / "wsdl" / "registertoets-2021.wsdl"
CAPTURED = SOAP_FIXTURES / "wsdl-2021"

# (name, operation, which demo BSN): every answer shape of the two 2021 operations.
CALLS = [
    ("registertoets-ja", "Registertoets", "register0"),
    ("registertoets-onbekend", "Registertoets", "register1"),
    ("registertoets-nee", "Registertoets", "zonder0"),
    ("uitgebreid-ja-met-einddatum", "RegistertoetsUitgebreid", "register3"),
    ("uitgebreid-ja-zonder-einddatum", "RegistertoetsUitgebreid", "register0"),
    ("uitgebreid-nee", "RegistertoetsUitgebreid", "zonder1"),
    ("registertoets-fout-elfproef", "Registertoets", "999900007"),
]


@pytest.fixture(autouse=True)
def _counted_uuids(monkeypatch: pytest.MonkeyPatch) -> None:
    """zeep's wsa:MessageID and the service's fresh one come from uuid4: counted instead, so
    that a whole exchange is reproducible byte for byte."""
    counter = itertools.count(1)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(counter)))


def _bsn(demo: DemoSet, which: str) -> str:
    if which.startswith("register"):
        return demo.register[int(which.removeprefix("register"))].bsn
    if which.startswith("zonder"):
        return demo.zonder_samenloop[int(which.removeprefix("zonder"))]
    return which


def _old_client(client: Client) -> tuple[Any, WsgiZeepTransport]:
    transport = WsgiZeepTransport(client, AMSTERDAM)
    return zeep.Client(str(OLD_WSDL), transport=transport), transport  # type: ignore[no-untyped-call]


def _raw_answer(soap: Any, operation: str, bsn: str) -> bytes:
    """Call through zeep's generated service proxy and return the response bytes as sent."""
    with soap.settings(raw_response=True):
        response = getattr(soap.service, operation)(bsn=bsn)
    return bytes(response.content)


@pytest.mark.parametrize(("name", "operation", "which"), CALLS, ids=[c[0] for c in CALLS])
def test_the_2021_client_gets_the_same_bytes_as_before(
    client: Client, demo: DemoSet, name: str, operation: str, which: str
) -> None:
    soap, transport = _old_client(client)
    got = _raw_answer(soap, operation, _bsn(demo, which))
    request_file = CAPTURED / f"{name}.request.xml"
    response_file = CAPTURED / f"{name}.response.xml"
    if os.environ.get("SAMENLOOP_UPDATE_SNAPSHOTS"):
        request_file.write_bytes(transport.sent[-1])
        response_file.write_bytes(got)
    assert transport.sent[-1] == request_file.read_bytes()  # the old client sends the same
    assert got == response_file.read_bytes()


def test_the_2021_client_still_parses_its_answers(client: Client, demo: DemoSet) -> None:
    soap, _ = _old_client(client)
    uit = soap.service.RegistertoetsUitgebreid(bsn=demo.register[3].bsn)
    assert (uit.samenloop, uit.wlzStatus, str(uit.einddatum)) == ("JA", "Ja", "2027-05-19")
    with pytest.raises(zeep.exceptions.Fault):
        soap.service.Registertoets(bsn="999900007")
