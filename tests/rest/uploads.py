"""Shared by the aanlevering tests: the upload, the fixture files, what an afgekeurd answer is."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Engine, func, select

from store.models import Aanlevering
from tests.conftest import fixture_path
from tests.rest.conftest import assert_common_headers, assert_documented

URL = "/api/v1/aanleveringen"
UPLOAD = URL + "?wet=wmo"
CSV = {"Content-Type": "text/csv"}


def bestand(*parts: str) -> bytes:
    return fixture_path(*parts).read_bytes()


def upload(client: httpx.Client, data: bytes, query: str = "", **headers: str) -> httpx.Response:
    return client.post(UPLOAD + query, content=data, headers={**CSV, **headers})


def kept(engine: Engine) -> int:
    """How many aanleveringen the store keeps."""
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Aanlevering)) or 0)


def assert_afgekeurd(response: httpx.Response) -> dict[str, Any]:
    """A 400 problem+json that carries the verwerkingsverslag and every error with its line."""
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert_common_headers(response)
    assert_documented(response)
    body: dict[str, Any] = response.json()
    keys = ["type", "title", "status", "detail", "invalidParams", "verwerkingsverslag"]
    assert list(body) == keys
    verslag = body["verwerkingsverslag"]
    assert verslag["status"] == "afgekeurd"
    shown = [
        {"name": f["veld"] or "bestand", "regel": f["regel"], "reason": f["melding"]}
        for f in verslag["fouten"]
    ]
    assert body["invalidParams"][: len(shown)] == shown
    return body
