"""Captured request envelopes from the clients municipalities run, replayed; each answer is
compared as canonical XML (C14N) with the expected response kept beside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree  # type: ignore[import-untyped]
from werkzeug.test import Client

from store.demo import DemoSet
from tests.soap.conftest import NS, SOAP_FIXTURES, URL, parse

REQUESTS = sorted(SOAP_FIXTURES.glob("*.request.xml"))
# How each client sends it: SOAPAction quoted, unquoted, empty or absent; charset or not.
SOAP_ACTIONS = ['"urn:wlz:registertoets:v1/Registertoets"', "", None, '""', "urn:x"]
CONTENT_TYPES = ["text/xml; charset=utf-8", "text/xml", 'text/xml; charset="UTF-8"']


def canonical(data: bytes) -> bytes:
    """C14N of a response, with the fresh wsa:MessageID replaced by a fixed value."""
    root = parse(data)
    for message_id in root.iterfind("s:Header/wsa:MessageID", NS):
        message_id.text = "urn:uuid:(fresh)"
    return bytes(etree.tostring(root, method="c14n"))


def _headers(index: int) -> dict[str, str]:
    headers = {"Authorization": "Bearer demo-amsterdam"}
    headers["Content-Type"] = CONTENT_TYPES[index % len(CONTENT_TYPES)]
    action = SOAP_ACTIONS[index % len(SOAP_ACTIONS)]
    if action is not None:
        headers["SOAPAction"] = action
    return headers


def _expected_status(name: str) -> int:
    return 500 if name.startswith("fout-") else 200


@pytest.mark.parametrize("request_file", REQUESTS, ids=lambda p: p.name.split(".")[0])
def test_a_captured_request_gets_the_expected_response(
    client: Client, demo: DemoSet, request_file: Path
) -> None:
    index = REQUESTS.index(request_file)
    got = client.post(URL, data=request_file.read_bytes(), headers=_headers(index), buffered=True)
    assert got.status_code == _expected_status(request_file.name)
    expected_file = request_file.with_name(request_file.name.replace(".request.", ".response."))
    if os.environ.get("SAMENLOOP_UPDATE_SNAPSHOTS"):
        expected_file.write_bytes(got.data)
    assert canonical(got.data) == canonical(expected_file.read_bytes())


def test_every_scenario_has_both_files() -> None:
    responses = sorted(SOAP_FIXTURES.glob("*.response.xml"))
    assert len(REQUESTS) >= 10
    assert [p.name.replace(".request.", ".") for p in REQUESTS] == [
        p.name.replace(".response.", ".") for p in responses
    ]
