"""POST /api/v1/registertoets with a wet (API version 1.1) and GET /api/v1/advies-regels: the
worked examples of doorontwikkeling-2023.md section 3, the switches, the wet, the refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from adapters.rest import create_rest_app
from adapters.rest.headers import API_VERSION
from store import demo
from store.advies import regeltabel
from store.rollen import Rol
from store.settings import Settings
from tests.rest.conftest import (
    AMSTERDAM,
    BASE_URL,
    URL,
    assert_common_headers,
    assert_documented,
    assert_invalid_params,
    assert_problem,
)
from tests.soap.conftest import audit_rows
from tests.zorgvoorbeelden import VOORBEELDEN, D, Voorbeeld, plaats, zorg_token

FIELDS_2021 = ["samenloop", "bsn", "wlzStatus", "afgiftedatum", "ingangsdatum", "einddatum"]
FIELDS_2023 = ["leveringsvormen", "startdatumZorg", "bronStartdatumZorg", "advies"]


@pytest.fixture
def bsns(engine: Engine, demo_set: demo.DemoSet) -> dict[int, str]:
    return plaats(engine)


@pytest.fixture
def switched(
    settings: Settings, engine: Engine, bsns: dict[int, str]
) -> Iterator[dict[str, httpx.Client]]:
    """Clients of apps with one legal-basis switch uit ('today' fixed at D)."""
    clients = {}
    for name in ("jeugdwet", "zorginformatie"):
        app = create_rest_app(replace(settings, **{name: False}), engine, today=lambda: D)  # type: ignore[arg-type]
        transport = httpx.WSGITransport(app=app)
        clients[name] = httpx.Client(transport=transport, base_url=BASE_URL, auth=AMSTERDAM)
    yield clients
    for c in clients.values():
        c.close()


def _iso(value: object) -> object:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]


@pytest.mark.parametrize("v", VOORBEELDEN, ids=lambda v: f"voorbeeld-{v.nr}")
@pytest.mark.parametrize("wet", ["wmo", "jw"])
def test_every_worked_example(
    client: httpx.Client, bsns: dict[int, str], v: Voorbeeld, wet: str
) -> None:
    response = client.post(URL, json={"bsn": bsns[v.nr], "wet": wet})
    assert response.status_code == 200
    assert_documented(response)
    body = response.json()
    if v.status is None:  # the NEE answer of API version 1.0, nothing added
        assert list(body) == [*FIELDS_2021, "melding"] and body["samenloop"] is False
        return
    assert list(body) == [*FIELDS_2021, "melding", *FIELDS_2023]
    advies = body["advies"]
    assert (advies["waarde"], advies["regel"], advies["perDatum"]) == (
        v.advies,
        v.regel,
        _iso(v.per),
    )
    assert advies["regelversie"] == "2023.1"
    assert ("Jeugdwet" if wet == "jw" else "Wmo 2015") in advies["toelichting"]
    assert (body["startdatumZorg"], body["bronStartdatumZorg"]) == (_iso(v.start), v.bron)
    lopend = [(c, _iso(s)) for c, s, e in v.zorgkantoor if e is None or e > D]
    assert sorted((lv["code"], lv["startdatum"]) for lv in body["leveringsvormen"]) == sorted(
        lopend
    )


def test_a_leveringsvorm_has_every_property(client: httpx.Client, bsns: dict[int, str]) -> None:
    body = client.post(URL, json={"bsn": bsns[6]}).json()  # wet defaults to wmo
    assert body["leveringsvormen"] == [
        {"code": "4", "omschrijving": "Verblijf", "startdatum": "2026-02-01", "einddatum": None}
    ]
    assert "Wmo 2015" in body["advies"]["toelichting"]
    assert "01-02-2026" in body["advies"]["toelichting"]


def test_the_api_version_went_up_a_minor(client: httpx.Client, bsns: dict[int, str]) -> None:
    response = client.post(URL, json={"bsn": bsns[6], "wet": "jw"})
    assert response.headers["API-Version"] == API_VERSION == "1.1.0"


def test_zorginformatie_uit_makes_the_2023_properties_null(
    switched: dict[str, httpx.Client], bsns: dict[int, str]
) -> None:
    response = switched["zorginformatie"].post(URL, json={"bsn": bsns[10], "wet": "wmo"})
    assert_documented(response)
    body = response.json()
    assert body["samenloop"] is True
    assert {k: body[k] for k in FIELDS_2023} == dict.fromkeys(FIELDS_2023)


def test_jw_is_a_400_while_the_jeugdwet_is_uit(
    switched: dict[str, httpx.Client], engine: Engine, bsns: dict[int, str]
) -> None:
    body = assert_problem(switched["jeugdwet"].post(URL, json={"bsn": bsns[6], "wet": "jw"}), 400)
    assert_invalid_params(
        body, {"wet": "de Jeugdwet (jw) staat uit in deze service; toegestaan: wmo"}
    )
    assert audit_rows(engine) == [("RegistertoetsSamenloop", None, "WET_ONGELDIG")]
    assert switched["jeugdwet"].post(URL, json={"bsn": bsns[6]}).status_code == 200


@pytest.mark.parametrize("wet", ["WMO", "wlz", "", "999900006"])
def test_an_unknown_wet_is_a_400_audited_like_a_bad_bsn(
    client: httpx.Client, engine: Engine, bsns: dict[int, str], wet: str
) -> None:
    response = client.post(URL, json={"bsn": bsns[6], "wet": wet})
    body = assert_problem(response, 400)
    assert_documented(response)
    assert_invalid_params(body, {"wet": "onbekende wet; toegestaan: wmo, jw"})
    assert bsns[6] not in response.text and "999900006" not in response.text
    assert audit_rows(engine) == [("RegistertoetsSamenloop", None, "WET_ONGELDIG")]


def test_a_malformed_wet_is_listed_with_every_other_error_and_not_audited(
    client: httpx.Client, engine: Engine
) -> None:
    body = assert_problem(client.post(URL, json={"bsn": "999900007", "wet": 5, "x": 1}), 400)
    assert_invalid_params(
        body,
        {"x": "onbekend veld", "wet": "onbekende wet", "bsn": "voldoet niet aan de elfproef"},
    )
    assert audit_rows(engine) == []


@pytest.mark.parametrize("rol", [Rol.ZORGKANTOOR, Rol.ZORGAANBIEDER])
def test_a_zorgkantoor_or_zorgaanbieder_token_is_refused(
    anonymous: httpx.Client, sessions: sessionmaker[Session], bsns: dict[int, str], rol: Rol
) -> None:
    token = zorg_token(sessions, rol)
    headers = {"Authorization": f"Bearer {token}"}
    response = anonymous.post(URL, json={"bsn": bsns[6], "wet": "wmo"}, headers=headers)
    assert_problem(response, 403)
    assert bsns[6] not in response.text


def test_the_rule_table_is_public_and_documented(anonymous: httpx.Client) -> None:
    response = anonymous.get("/api/v1/advies-regels")
    assert response.status_code == 200
    assert_common_headers(response)
    assert_documented(response)
    assert response.headers["access-control-allow-origin"] == "*"
    assert json.loads(response.content) == regeltabel()
    table = response.json()
    assert table["versie"] == "2023.1"
    assert [r["regel"] for r in table["regels"]] == [f"A{n}" for n in range(1, 8)]
    assert all("Jeugdwet" in r["toelichting"]["jw"] for r in table["regels"])
    assert anonymous.get("/api/v1/advies-regels/").status_code == 404
