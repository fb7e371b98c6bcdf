"""GET /api/v1/signalen, the signal files and the Aantal Wlz signalen report, after a real
nightly run (store.signalen.run): pages, the "why", equality with the CLI, who sees what."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from adapters.rest import create_rest_app
from store import demo, signaalinzage
from store.auth import CHALLENGE
from store.organisaties import add_gemeente, set_gemeente
from store.rollen import RECHTEN, Recht, Rol
from store.settings import Settings
from store.signalen import run
from tests.rest.conftest import (
    AMSTERDAM,
    BASE_URL,
    PEILDATUM,
    ROTTERDAM,
    Connect,
    assert_documented,
    assert_invalid_params,
    assert_problem,
)
from tests.signalen import scenario

D = PEILDATUM
D1 = D + timedelta(days=1)
URL = "/api/v1/signalen"
BESTANDEN = URL + "/bestanden"
RAPPORT = "/api/v1/rapporten/aantal-signalen"
SIGNAAL = [
    "codeAanleverendeGemeente",
    "gemeentecode",
    "bsn",
    "wlzStatus",
    "afgiftedatum",
    "ingangsdatum",
    "einddatum",
    "regel",
    "vorigeStand",
    "leveringsvormen",
    "startdatumZorg",
    "bronStartdatumZorg",
    "advies",
]
# The demo register: 999900006 Ja, ..018 Onbekend, ..031 Nee, ..043 Ja, ..055 Nee, ..067 Ja.
GESIGNALEERD = ["999900006", "999900018", "999900043", "999900067"]


def _upload(client: httpx.Client, regels: list[str]) -> None:
    response = client.post(
        "/api/v1/aanleveringen?wet=wmo",
        content="\n".join(regels).encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text


@pytest.fixture
def nacht(
    client: httpx.Client, connect: Connect, engine: Engine, demo_set: demo.DemoSet
) -> httpx.Client:
    """0363 delivers every demo BSN for 0363 and 0437, 0599 two of them; the run of D."""
    zes = demo_set.register[: len(demo.RECORDS)]  # the six records these tests were written for
    _upload(client, [f"{r.bsn},{g},," for r in zes for g in ("0363", "0437")])
    _upload(connect(ROTTERDAM), ["999900006,0599,,", "999900031,0599,,", "999900018,0599,,"])
    assert run(engine, D).signalen == 8 + 2
    return client


def _register(demo_set: demo.DemoSet) -> dict[str, tuple[str, date, date, date | None]]:
    """The demo register as scenario.register takes it, to change a record of."""
    return dict(zip((r.bsn for r in demo_set.register), demo.REGISTER, strict=True))


def _cli(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def _all_pages(client: httpx.Client, url: str) -> Iterator[dict[str, Any]]:
    next_url: str | None = url
    while next_url is not None:
        response = client.get(next_url)
        assert response.status_code == 200, response.text
        assert_documented(response)
        page: dict[str, Any] = response.json()
        yield page
        link = page["_links"]["next"]
        assert (link is None) == (page["volgende"] is None)
        next_url = None if link is None else link["href"]


# ---------------------------------------------------------------- signals as JSON


def test_the_signals_of_a_day_page_by_page(nacht: httpx.Client) -> None:
    pages = list(_all_pages(nacht, URL + "?datum=2026-03-01&aantal=3"))
    assert [len(p["signalen"]) for p in pages] == [3, 3, 2]
    signals = [s for p in pages for s in p["signalen"]]
    assert all(list(s) == SIGNAAL for s in signals)
    assert sorted((s["gemeentecode"], s["bsn"]) for s in signals) == sorted(
        (g, b) for b in GESIGNALEERD for g in ("0363", "0437")
    )
    assert {s["codeAanleverendeGemeente"] for s in signals} == {"0363"}
    assert {(s["regel"], s["vorigeStand"]) for s in signals} == {("eerste", None)}
    first = next(s for s in signals if s["bsn"] == "999900043")
    assert first["wlzStatus"] == "Ja"
    assert (first["afgiftedatum"], first["einddatum"]) == ("2024-06-03", "2027-05-19")
    for page in pages:
        assert (page["datum"], page["wet"]) == ("2026-03-01", "wmo")
        links = [page["_links"]["self"]["href"], page["volgende"] or ""]
        if page["_links"]["next"]:
            links.append(page["_links"]["next"]["href"])
        assert not any(bsn in link for bsn in GESIGNALEERD for link in links)
    one_page = nacht.get(URL + "?datum=2026-03-01").json()
    assert one_page["signalen"] == signals
    assert one_page["volgende"] is None


def test_a_changed_indication_says_what_was_signalled_before(
    nacht: httpx.Client, engine: Engine, demo_set: demo.DemoSet
) -> None:
    records = _register(demo_set)
    ja = records["999900006"]
    records["999900006"] = ("Nee", D, ja[2], D + timedelta(days=30))
    scenario.register(engine, records)
    assert run(engine, D1).signalen == 3, "0363 for 0363 and 0437, 0599 for 0599"
    page = nacht.get(URL + "?datum=2026-03-02").json()
    assert [(s["gemeentecode"], s["regel"]) for s in page["signalen"]] == [
        ("0363", "gewijzigd"),
        ("0437", "gewijzigd"),
    ]
    signaal = page["signalen"][0]
    assert (signaal["wlzStatus"], signaal["afgiftedatum"], signaal["einddatum"]) == (
        "Nee",
        "2026-03-01",
        "2026-03-31",
    )
    assert signaal["vorigeStand"] == {
        "wlzStatus": "Ja",
        "afgiftedatum": "2026-02-10",
        "ingangsdatum": "2026-02-15",
        "einddatum": None,
    }


def test_a_day_without_signals_is_an_empty_page(nacht: httpx.Client) -> None:
    response = nacht.get(URL + "?datum=2025-12-31")
    assert response.status_code == 200
    assert_documented(response)
    assert response.json()["signalen"] == []
    assert response.json()["volgende"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"datum": "ontbreekt"}),
        ("?datum=01-03-2026", {"datum": "geen datum in de vorm jjjj-mm-dd"}),
        ("?datum=20260301", {"datum": "geen datum in de vorm jjjj-mm-dd"}),
        ("?datum=2026-02-30", {"datum": "bestaat niet in de kalender"}),
        ("?datum=2026-03-01&wet=wlz", {"wet": "onbekende wet; toegestaan: wmo, jw"}),
        ("?datum=2026-03-01&na=10", {"na": "onbekende cursor"}),
        ("?datum=2026-03-01&aantal=0", {"aantal": "moet een geheel getal"}),
        ("?datum=2026-03-01&bsn=999900006", {"bsn": "onbekende queryparameter"}),
        (
            "?wet=x&aantal=5000&datum=x&datum=y",
            {"wet": "onbekende wet", "aantal": "moet een", "datum": "komt meer dan één keer"},
        ),
    ],
)
def test_bad_parameters_are_400_all_at_once(
    client: httpx.Client, query: str, expected: dict[str, str]
) -> None:
    response = client.get(URL + query)
    body = assert_problem(response, 400)
    assert_documented(response)
    assert_invalid_params(body, expected)
    assert "999900006" not in response.text


# ---------------------------------------------------------------- files


def test_the_file_is_what_the_cli_exports(nacht: httpx.Client, cli_env: dict[str, str]) -> None:
    response = nacht.get(BESTANDEN + "/2026-03-01")
    assert response.status_code == 200
    assert_documented(response)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = 'attachment; filename="wlz-signalen-0363-wmo-20260301.csv"'
    assert response.headers["content-disposition"] == disposition
    export = _cli(cli_env, "signalen", "export", "--gemeente", "0363", "--datum", "2026-03-01")
    assert response.content == export.encode("utf-8")
    assert len(response.text.splitlines()) == 1 + 8
    json_rows = [
        f"{s['gemeentecode']},{s['bsn']}"
        for s in nacht.get(URL + "?datum=2026-03-01").json()["signalen"]
    ]
    file_rows = [",".join(r.split(",")[1:3]) for r in response.text.splitlines()[1:]]
    assert sorted(file_rows) == sorted(json_rows)


def test_the_days_with_a_file_newest_first(
    nacht: httpx.Client, engine: Engine, demo_set: demo.DemoSet, settings: Settings
) -> None:
    assert run(engine, D1).signalen == 0, "nothing changed: no file on D1"
    records = _register(demo_set)
    records["999900067"] = ("Onbekend", *records["999900067"][1:])
    scenario.register(engine, records)
    run(engine, D + timedelta(days=2))
    response = nacht.get(BESTANDEN)
    assert response.status_code == 200
    assert_documented(response)
    body = response.json()
    assert body["wet"] == "wmo"
    assert [(b["datum"], b["aantal"]) for b in body["bestanden"]] == [
        ("2026-03-03", 2),
        ("2026-03-01", 8),
    ]
    first = body["bestanden"][0]
    assert first["bestandsnaam"] == "wlz-signalen-0363-wmo-20260303.csv"
    base = settings.public_url + "/api/v1"
    assert first["_links"] == {
        "bestand": {"href": base + "/signalen/bestanden/2026-03-03?wet=wmo"},
        "signalen": {"href": base + "/signalen?datum=2026-03-03&wet=wmo"},
    }
    assert nacht.get(first["_links"]["bestand"]["href"]).text.count("\n") == 3
    assert_problem(nacht.get(BESTANDEN + "/2026-03-02"), 404)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (BESTANDEN + "/2026-03-02", 404),
        (BESTANDEN + "/2026-02-30", 400),
        (BESTANDEN + "/20260301", 400),
        (BESTANDEN + "/999900006", 400),
        (BESTANDEN + "/2026-03-01?wet=wlz", 400),
        (BESTANDEN + "/2026-03-01?x=1", 400),
        (BESTANDEN + "?wet=wlz", 400),
        (BESTANDEN + "/", 404),
        (BESTANDEN + "/2026-03-01/", 404),
    ],
)
def test_file_errors(nacht: httpx.Client, path: str, status: int) -> None:
    response = nacht.get(path)
    assert_problem(response, status)
    if not path.endswith("/"):
        assert_documented(response)
    assert "999900006" not in response.text


def test_the_file_route_wants_to_send_csv(nacht: httpx.Client) -> None:
    response = nacht.get(BESTANDEN + "/2026-03-01", headers={"Accept": "application/json"})
    assert_problem(response, 406)
    assert nacht.get(BESTANDEN + "/2026-03-01", headers={"Accept": "text/*"}).status_code == 200


# ---------------------------------------------------------------- the report


def test_the_report_is_what_the_cli_writes(nacht: httpx.Client, cli_env: dict[str, str]) -> None:
    response = nacht.get(RAPPORT + "?van=2026-01-01&tot=2026-03-31&wet=wmo")
    assert response.status_code == 200
    assert_documented(response)
    disposition = 'attachment; filename="aantal-wlz-signalen-0363-wmo-20260101-20260331.csv"'
    assert response.headers["content-disposition"] == disposition
    periode = ("--van", "2026-01-01", "--tot", "2026-03-31")
    assert response.text == _cli(cli_env, "signalen", "rapport", "--gemeente", "0363", *periode)
    assert response.text.splitlines()[1:] == ["0363,0363,01-03-2026,4", "0363,0437,01-03-2026,4"]
    one_day = nacht.get(RAPPORT + "?van=2026-03-01&tot=2026-03-01").text
    assert one_day == response.text, "van and tot both count"
    assert nacht.get(RAPPORT + "?van=2026-03-02&tot=2026-03-31").text.count("\n") == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?van=2026-04-01&tot=2026-03-31", {"van": "ligt na tot"}),
        ("", {"van": "ontbreekt", "tot": "ontbreekt"}),
        ("?van=2026-01-01", {"tot": "ontbreekt"}),
        ("?van=1-1-2026&tot=2026-13-01", {"van": "geen datum", "tot": "bestaat niet"}),
        ("?van=2026-01-01&tot=2026-03-31&wet=wlz", {"wet": "onbekende wet"}),
    ],
)
def test_report_errors_are_400_with_invalid_params(
    client: httpx.Client, query: str, expected: dict[str, str]
) -> None:
    response = client.get(RAPPORT + query)
    body = assert_problem(response, 400)
    assert_documented(response)
    assert_invalid_params(body, expected)


# ---------------------------------------------------------------- who sees what


def test_each_aanleverende_gemeente_sees_only_its_own_signals(
    nacht: httpx.Client, connect: Connect
) -> None:
    rotterdam = connect(ROTTERDAM)
    page = rotterdam.get(URL + "?datum=2026-03-01").json()
    assert [
        (s["codeAanleverendeGemeente"], s["gemeentecode"], s["bsn"]) for s in page["signalen"]
    ] == [
        ("0599", "0599", "999900006"),
        ("0599", "0599", "999900018"),
    ]
    file = rotterdam.get(BESTANDEN + "/2026-03-01")
    assert file.headers["content-disposition"].endswith('"wlz-signalen-0599-wmo-20260301.csv"')
    assert file.text.splitlines()[1:] == [
        "0599,0599,999900006,Ja,10-02-2026,15-02-2026,",
        "0599,0599,999900018,Onbekend,01-05-2019,01-05-2019,",
    ]
    assert [b["aantal"] for b in rotterdam.get(BESTANDEN).json()["bestanden"]] == [2]
    rapport = rotterdam.get(RAPPORT + "?van=2026-03-01&tot=2026-03-01").text
    assert rapport.splitlines()[1:] == ["0599,0599,01-03-2026,2"]


def test_a_member_of_the_samenwerkingsverband_sees_nothing_of_the_hoofdgemeente(
    nacht: httpx.Client, connect: Connect, sessions: sessionmaker[Session]
) -> None:
    """0437 is one of the gemeenten 0363 delivers for; as an organisation of its own it sees
    none of the signals 0363 got for gemeentecode 0437."""
    with sessions.begin() as session:
        set_gemeente(session, "0363", samenwerking=[], peildatum=D)
        token = add_gemeente(session, "0437", peildatum=D)
    member = connect(("0437", token))
    assert member.get(URL + "?datum=2026-03-01").json()["signalen"] == []
    assert member.get(BESTANDEN).json()["bestanden"] == []
    assert_problem(member.get(BESTANDEN + "/2026-03-01"), 404)
    assert member.get(RAPPORT + "?van=2026-01-01&tot=2026-12-31").text.count("\n") == 1
    still = nacht.get(URL + "?datum=2026-03-01").json()["signalen"]
    assert len([s for s in still if s["gemeentecode"] == "0437"]) == 4


# ---------------------------------------------------------------- refusals and failures

ROUTES = [
    (Recht.SIGNALEN, URL + "?datum=2026-03-01"),
    (Recht.SIGNALEN, BESTANDEN),
    (Recht.SIGNALEN, BESTANDEN + "/2026-03-01"),
    (Recht.RAPPORTEN, RAPPORT + "?van=2026-01-01&tot=2026-03-31"),
]


@pytest.mark.parametrize(("recht", "path"), ROUTES)
def test_no_credentials_401_and_no_right_403(
    client: httpx.Client,
    anonymous: httpx.Client,
    connect: Connect,
    monkeypatch: pytest.MonkeyPatch,
    recht: Recht,
    path: str,
) -> None:
    for response in (anonymous.get(path), connect(("0363", "fout")).get(path)):
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == CHALLENGE
        assert_documented(response)
    # Credentials are checked before the parameters: a stranger learns nothing from a 400.
    assert_problem(anonymous.get(path.partition("?")[0] + "?datum=x&van=y"), 401)
    monkeypatch.setitem(RECHTEN, Rol.GEMEENTE, frozenset(Recht) - {recht})
    response = client.get(path)
    assert_problem(response, 403)
    assert_documented(response)


def test_an_unexpected_error_is_500_logged_without_the_bsn(
    nacht: httpx.Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"kapot bij BSN {GESIGNALEERD[0]}")

    monkeypatch.setattr(signaalinzage, "pagina", broken)
    with caplog.at_level(logging.ERROR, logger="samenloop.rest"):
        response = nacht.get(URL + "?datum=2026-03-01")
    assert_problem(response, 500)
    assert_documented(response)
    assert "RuntimeError" in caplog.text
    assert "999900006" not in caplog.text + response.text


@pytest.fixture
def unreachable() -> Iterator[httpx.Client]:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/none", db_timeout=1)
    from store.db import make_engine

    engine = make_engine(settings)
    app = create_rest_app(settings, engine)
    with httpx.Client(
        transport=httpx.WSGITransport(app=app), base_url=BASE_URL, auth=AMSTERDAM
    ) as client:
        yield client
    engine.dispose()


def test_an_unreachable_database_is_503(unreachable: httpx.Client) -> None:
    for _, path in ROUTES:
        response = unreachable.get(path)
        assert_problem(response, 503)
        assert_documented(response)
    upload = unreachable.post(
        "/api/v1/aanleveringen?wet=wmo", content=b"x", headers={"Content-Type": "text/csv"}
    )
    assert_problem(upload, 503)
    assert_problem(unreachable.get("/api/v1/aanleveringen"), 503)


def test_a_wrong_date_in_the_path_is_reported_with_the_query_errors(client: httpx.Client) -> None:
    body = assert_problem(client.get(BESTANDEN + "/2026-02-30?wet=wlz&datum=2026-03-01"), 400)
    assert [(p["name"], p["reason"]) for p in body["invalidParams"]] == [
        ("datum", "onbekende queryparameter; toegestaan: wet"),
        ("datum", "bestaat niet in de kalender"),
        ("wet", "onbekende wet; toegestaan: wmo, jw"),
    ]
