"""GET /api/v1/signalen shows the zorg information and advies stored with each signal, with
the property names of the REST registertoets (doorontwikkeling-2023.md section 6), and nothing
of it (null) when SAMENLOOP_ZORGINFORMATIE is uit."""

from __future__ import annotations

import dataclasses
from datetime import date

import httpx
from sqlalchemy import Engine

from adapters.rest import create_rest_app
from store import demo
from store.settings import Settings
from store.signalen import run
from tests.rest.conftest import BASE_URL, PEILDATUM, assert_documented
from tests.signalen.scenario import zorgaanbieder, zorgkantoor

URL = "/api/v1/signalen?datum=2026-03-01"


def _night(client: httpx.Client, engine: Engine) -> None:
    regels = "\n".join(["999900006,0363,,", "999900043,0363,,", "999900018,0363,,"]).encode()
    headers = {"Content-Type": "text/csv"}
    response = client.post("/api/v1/aanleveringen?wet=wmo", content=regels, headers=headers)
    assert response.status_code == 201, response.text
    zorgkantoor(engine, "999900006", "7", date(2026, 1, 20))
    zorgkantoor(engine, "999900006", "4", date(2026, 4, 1))
    zorgaanbieder(engine, "999900006", date(2026, 1, 22))
    run(engine, PEILDATUM)


def _signals(client: httpx.Client) -> dict[str, dict[str, object]]:
    response = client.get(URL)
    assert response.status_code == 200, response.text
    assert_documented(response)
    return {s["bsn"]: s for s in response.json()["signalen"]}


def test_each_signal_shows_its_zorg_information_and_advies(
    client: httpx.Client, engine: Engine
) -> None:
    _night(client, engine)
    signals = _signals(client)
    met = signals["999900006"]
    assert met["leveringsvormen"] == [
        {"code": "7", "omschrijving": "Modulair pakket thuis (MPT)", "startdatum": "2026-01-20",
         "einddatum": None},
        {"code": "4", "omschrijving": "Verblijf", "startdatum": "2026-04-01", "einddatum": None},
    ]  # fmt: skip
    assert (met["startdatumZorg"], met["bronStartdatumZorg"]) == ("2026-01-22", "zorgaanbieder")
    advies = met["advies"]
    assert isinstance(advies, dict)
    assert {k: advies[k] for k in ("waarde", "regel", "regelversie", "perDatum")} == {
        "waarde": "JA",
        "regel": "A6",
        "regelversie": "2023.1",
        "perDatum": "2026-04-01",
    }
    assert "Wlz voorliggend aan de Wmo 2015 per 01-04-2026" in str(advies["toelichting"])
    zonder = signals["999900043"]
    assert (zonder["leveringsvormen"], zonder["startdatumZorg"]) == ([], None)
    assert isinstance(zonder["advies"], dict) and zonder["advies"]["regel"] == "A5"
    assert signals["999900018"]["advies"]["waarde"] == "ONBEKEND"  # type: ignore[index]


def test_with_zorginformatie_uit_the_api_shows_none_of_it(
    client: httpx.Client, engine: Engine, settings: Settings, demo_set: demo.DemoSet
) -> None:
    _night(client, engine)
    uit = dataclasses.replace(settings, zorginformatie=False)
    app = create_rest_app(uit, engine, today=lambda: PEILDATUM)
    transport = httpx.WSGITransport(app=app)
    with httpx.Client(transport=transport, base_url=BASE_URL, auth=client.auth) as other:
        for signal in _signals(other).values():
            assert [signal[k] for k in ("leveringsvormen", "startdatumZorg", "advies")] == [
                None
            ] * 3
            assert signal["bronStartdatumZorg"] is None
