"""POST /api/v1/zorgkantoor-leveringen and /api/v1/zorgaanbieder-leveringen: 201 with the
load's report, 400 with every error, 403 for every other role, and the switch."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from adapters.rest import create_rest_app
from store.bsn import elfproef
from store.demo import DemoSet
from store.rollen import Rol
from store.settings import Settings
from store.zorgfeed import Feed
from tests.conftest import fixture_path
from tests.rest.conftest import (
    AMSTERDAM,
    BASE_URL,
    PEILDATUM,
    Connect,
    assert_documented,
    assert_problem,
)
from tests.zorg.conftest import AFZENDER, Tokens, loads, rows
from tests.zorg.test_feeds_cli import AFGEKEURD

K, A = Feed.ZORGKANTOOR, Feed.ZORGAANBIEDER
PAD = {K: "/api/v1/zorgkantoor-leveringen", A: "/api/v1/zorgaanbieder-leveringen"}
ROL = {K: Rol.ZORGKANTOOR, A: Rol.ZORGAANBIEDER}
CSV = {"Content-Type": "text/csv"}
_REGEL = re.compile(r"(?:regel (\d+))?(?:, (\w+))?:? ?(.*)")


def _als(connect: Connect, tokens: Tokens, feed: Feed) -> httpx.Client:
    code = AFZENDER[feed]
    return connect((code, tokens[ROL[feed], code]))


def _post(client: httpx.Client, feed: Feed, name: str, query: str = "") -> httpx.Response:
    data = fixture_path(feed.value, name).read_bytes()
    headers = {**CSV, "Content-Disposition": f'attachment; filename="{name}"'}
    return client.post(PAD[feed] + query, content=data, headers=headers)


def _afgekeurd(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert_documented(response)
    body: dict[str, Any] = response.json()
    assert list(body) == ["type", "title", "status", "detail", "invalidParams", "waarschuwingen"]
    assert body["detail"].startswith("De levering is afgekeurd:")
    assert all(set(p) == {"name", "regel", "reason"} for p in body["invalidParams"])
    return body


@pytest.mark.parametrize("feed", [K, A])
def test_a_good_feed_is_201_with_the_report(
    connect: Connect, engine: Engine, zorgpartijen: Tokens, feed: Feed
) -> None:
    client = _als(connect, zorgpartijen, feed)
    response = _post(client, feed, "initieel-geldig.csv", "?initieel=true")
    assert response.status_code == 201, response.text
    assert_documented(response)
    rapport = response.json()
    assert rapport["soort"] == feed.value
    assert (rapport["afzender"], rapport["bestandsnaam"]) == (AFZENDER[feed], "initieel-geldig.csv")
    assert (rapport["initieel"], rapport["status"]) == (True, "verwerkt")
    assert rapport["toegevoegd"] == rapport["aantalRegels"] == len(rows(engine, feed))
    response = _post(client, feed, "mutaties-geldig.csv")
    assert (response.json()["toegevoegd"], response.json()["verwijderd"]) == (1, 1)
    assert loads(engine) == 2


@pytest.mark.parametrize("feed", [K, A])
def test_a_v_line_for_a_missing_row_is_a_warning_in_the_report(
    connect: Connect, zorgpartijen: Tokens, feed: Feed
) -> None:
    response = _post(_als(connect, zorgpartijen, feed), feed, "mutaties-v-onbekend.csv")
    assert response.status_code == 201
    assert response.json()["waarschuwingen"] == [
        {
            "regel": 2,
            "veld": "BSN",
            "melding": "V-regel voor een levering die niet bestaat (bij deze afzender); genegeerd",
        }
    ]


@pytest.mark.parametrize(("feed", "name", "fout"), AFGEKEURD)
def test_bad_input_is_400_with_every_error_and_changes_nothing(
    connect: Connect, engine: Engine, zorgpartijen: Tokens, feed: Feed, name: str, fout: str
) -> None:
    client = _als(connect, zorgpartijen, feed)
    assert _post(client, feed, "initieel-geldig.csv", "?initieel=true").status_code == 201
    before = rows(engine, feed), loads(engine)
    body = _afgekeurd(_post(client, feed, name))
    match = _REGEL.fullmatch(fout)
    assert match is not None
    regel, veld, reden = match.groups()
    expected = (int(regel) if regel else None, veld or "bestand")
    found = [p for p in body["invalidParams"] if (p["regel"], p["name"]) == expected]
    assert found and found[0]["reason"].startswith(reden), body["invalidParams"]
    assert body["waarschuwingen"] == []
    assert "999900" not in str(body)
    assert (rows(engine, feed), loads(engine)) == before


@pytest.mark.parametrize("feed", [K, A])
def test_a_gemeente_and_the_other_zorg_role_may_not_deliver(
    connect: Connect, engine: Engine, zorgpartijen: Tokens, feed: Feed
) -> None:
    ander = A if feed is K else K
    for client in (connect(AMSTERDAM), _als(connect, zorgpartijen, ander)):
        assert_problem(_post(client, feed, "initieel-geldig.csv"), 403)
    assert (rows(engine, feed), loads(engine)) == ([], 0)


@pytest.mark.parametrize("feed", [K, A])
@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/api/v1/registertoets", {"json": {"bsn": "999900006"}}),
        ("POST", "/api/v1/aanleveringen?wet=wmo", {"content": b"999900006,0363,,", "headers": CSV}),
        ("GET", "/api/v1/aanleveringen", {}),
        ("GET", "/api/v1/signalen?datum=2026-03-01", {}),
        ("GET", "/api/v1/abonnementen", {}),
    ],
)
def test_a_zorg_role_may_do_nothing_else(
    connect: Connect, zorgpartijen: Tokens, feed: Feed, method: str, path: str, kwargs: Any
) -> None:
    response = _als(connect, zorgpartijen, feed).request(method, path, **kwargs)
    assert_problem(response, 403)


@pytest.mark.parametrize("feed", [K, A])
def test_without_credentials_is_401(anonymous: httpx.Client, feed: Feed) -> None:
    assert_problem(_post(anonymous, feed, "initieel-geldig.csv"), 401)


def test_a_feed_may_be_larger_than_an_ordinary_body(
    connect: Connect, engine: Engine, settings: Settings, zorgpartijen: Tokens
) -> None:
    bsns = [str(n) for n in range(999900006, 999999990) if elfproef(str(n))][:3000]
    data = "".join(f"T,{b},4,01-02-2026,\n" for b in bsns).encode()
    assert len(data) > settings.max_body
    client = _als(connect, zorgpartijen, K)
    response = client.post(PAD[K], content=data, headers=CSV)
    assert response.status_code == 201, response.text
    assert len(rows(engine, K)) == 3000


@pytest.mark.parametrize("feed", [K, A])
def test_zorginformatie_uit_is_403_and_stores_nothing(
    settings: Settings, engine: Engine, demo_set: DemoSet, zorgpartijen: Tokens, feed: Feed
) -> None:
    uit = dataclasses.replace(settings, zorginformatie=False)
    app = create_rest_app(uit, engine, today=lambda: PEILDATUM)
    auth = (AFZENDER[feed], zorgpartijen[ROL[feed], AFZENDER[feed]])
    transport = httpx.WSGITransport(app=app)
    with httpx.Client(transport=transport, base_url=BASE_URL, auth=auth) as client:
        body = assert_problem(_post(client, feed, "initieel-geldig.csv"), 403)
    assert "Zorginformatie staat uit" in body["detail"]
    assert (rows(engine, feed), loads(engine)) == ([], 0)
