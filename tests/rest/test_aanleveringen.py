"""POST/GET /api/v1/aanleveringen, the verwerkingsverslag as JSON and text, the abonnementen
report: round trips, the list, and who sees what (interfaces.md sections 2 and 3)."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from adapters.files.aanlevering import verwerk
from adapters.rest import query
from adapters.rest.headers import COMMON
from store.organisaties import add_gemeente, set_gemeente
from store.populatie import Opdracht
from store.rollen import Wet
from tests.conftest import fixture_path
from tests.rest.conftest import PEILDATUM, ROTTERDAM, Connect, assert_documented, assert_problem
from tests.rest.uploads import URL, assert_afgekeurd, bestand, kept, upload

DATUM = ("--datum", PEILDATUM.isoformat())
# meerdere-fouten.csv, as the verslag lists it (tests/populatie/test_regels.py has the texts).
FOUTEN = [
    ("BSN", 2, "voldoet niet aan de elfproef"),
    ("Gemeentecode", 2, "gemeentecode 9999 bestaat niet"),
    ("Einddatum", 2, "bestaat niet in de kalender"),
    ("Ingangsdatum", 3, "geen datum in de vorm dd-mm-jjjj (bijvoorbeeld 15-03-2020)"),
    ("bestand", 4, "5 velden, verwacht 4"),
    ("BSN", 5, "8 cijfers; vul aan met een voorloopnul"),
    ("Gemeentecode", 5, "0599 hoort niet bij de gemeenten waarvoor 0363 aanlevert"),
]


def _cli(env: dict[str, str], *args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code in (0, 1), result.output
    return result


# ---------------------------------------------------------------- the round trip


def test_a_rejected_file_then_the_corrected_one(
    client: httpx.Client, cli_env: dict[str, str], engine: Engine
) -> None:
    name = {"Content-Disposition": 'attachment; filename="wmo-maart.csv"'}
    fout = upload(client, bestand("aanlevering", "meerdere-fouten.csv"), **name)
    body = assert_afgekeurd(fout)
    found = [(p["name"], p["regel"], p["reason"]) for p in body["invalidParams"]]
    assert len(found) == len(FOUTEN)
    for (veld, regel, reden), (f_veld, f_regel, f_reden) in zip(FOUTEN, found, strict=True):
        assert (f_veld, f_regel) == (veld, regel) and f_reden.startswith(reden)
    assert body["detail"].startswith("De aanlevering is afgekeurd: 7 fout(en)")
    assert body["verwerkingsverslag"]["bestandsnaam"] == "wmo-maart.csv"
    afgekeurd_id = body["verwerkingsverslag"]["id"]
    assert afgekeurd_id is not None, "an afgekeurde aanlevering is kept too"
    assert "999900007" not in fout.text

    goed = upload(client, bestand("rest", "meerdere-fouten-hersteld.csv"), **name)
    assert goed.status_code == 201, goed.text
    assert_documented(goed)
    verslag = goed.json()
    assert verslag["status"] == "afgeleverd"
    assert (verslag["nieuw"], verslag["metEinddatum"], verslag["aantalFouten"]) == (5, 1, 0)
    assert verslag["peildatum"] == PEILDATUM.isoformat()
    assert goed.headers["location"] == f"http://127.0.0.1:8080/api/v1/aanleveringen/{verslag['id']}"

    als_json = client.get(goed.headers["location"])
    assert als_json.status_code == 200
    assert_documented(als_json)
    assert als_json.json() == verslag
    tekst = client.get(f"{URL}/{verslag['id']}/verslag")
    assert tekst.status_code == 200
    assert_documented(tekst)
    assert tekst.headers["content-type"] == "text/plain; charset=utf-8"
    cli_tekst = _cli(cli_env, "populatie", "verslag", "--gemeente", "0363", str(verslag["id"]))
    assert tekst.text == cli_tekst.stdout
    assert "Status:                                     afgeleverd" in tekst.text

    lijst = client.get(URL).json()
    assert [a["id"] for a in lijst["aanleveringen"]] == [verslag["id"], afgekeurd_id]
    assert [a["status"] for a in lijst["aanleveringen"]] == ["afgeleverd", "afgekeurd"]

    rapport = client.get("/api/v1/abonnementen?wet=wmo")
    assert rapport.status_code == 200
    assert_documented(rapport)
    assert rapport.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = 'attachment; filename="abonnementen-0363-wmo-20260301.csv"'
    assert rapport.headers["content-disposition"] == disposition
    cli_rapport = _cli(cli_env, "populatie", "rapport", "--gemeente", "0363", *DATUM)
    assert rapport.text == cli_rapport.stdout
    assert len(rapport.text.splitlines()) == 1 + 5
    assert kept(engine) == 2


def test_a_controle_changes_nothing_and_keeps_nothing(client: httpx.Client, engine: Engine) -> None:
    goed = upload(client, bestand("aanlevering", "initieel-geldig.csv"), "&controle=true")
    assert goed.status_code == 200, goed.text
    assert_documented(goed)
    assert "location" not in goed.headers
    assert (goed.json()["id"], goed.json()["controle"], goed.json()["nieuw"]) == (None, True, 4)

    fout = upload(client, bestand("aanlevering", "meerdere-fouten.csv"), "&controle=true")
    body = assert_afgekeurd(fout)
    assert body["verwerkingsverslag"]["id"] is None
    assert body["detail"].startswith("De controle vond 7 fout(en)")

    assert kept(engine) == 0
    assert client.get(URL).json()["aanleveringen"] == []
    assert client.get("/api/v1/abonnementen").text.count("\n") == 1, "only the header"


def test_initieel_replaces_the_population(client: httpx.Client) -> None:
    first = upload(client, bestand("aanlevering", "initieel-geldig.csv"), "&initieel=true")
    assert first.status_code == 201
    second = upload(client, bestand("aanlevering", "initieel-klein.csv"), "&initieel=true")
    assert second.status_code == 201
    assert (second.json()["initieel"], second.json()["verwijderd"]) == (True, 3)
    rapport = client.get("/api/v1/abonnementen").text.splitlines()
    assert [r.split(",")[2] for r in rapport[1:]] == ["999900018"]


def test_past_1000_errors_every_one_shown_and_the_total(client: httpx.Client) -> None:
    body = assert_afgekeurd(upload(client, bestand("aanlevering", "veel-fouten.csv")))
    assert len(body["invalidParams"]) == 1001
    assert body["invalidParams"][-1] == {
        "name": "bestand",
        "regel": None,
        "reason": "... en nog 200 (totaal 1200)",
    }
    assert body["verwerkingsverslag"]["aantalFouten"] == 1200


AANLEVERINGEN = sorted(p.name for p in fixture_path("aanlevering").glob("*.csv"))


@pytest.mark.parametrize("name", AANLEVERINGEN)
def test_rest_and_the_core_give_the_same_verslag(
    client: httpx.Client, engine: Engine, name: str
) -> None:
    data = bestand("aanlevering", name)
    opdracht = Opdracht("0363", Wet.WMO, name, PEILDATUM, controle=True)
    core = verwerk(engine, io.BytesIO(data), opdracht).as_dict()
    response = upload(
        client, data, "&controle=true", **{"Content-Disposition": f"a; filename={name}"}
    )
    assert_documented(response)
    rest = response.json().get("verwerkingsverslag", response.json())
    assert response.status_code == (400 if core["status"] == "afgekeurd" else 200)
    ignore = {"ontvangenOp"}
    assert {k: v for k, v in rest.items() if k not in ignore} == {
        k: v for k, v in core.items() if k not in ignore
    }


# ---------------------------------------------------------------- who sees what


def _a_gemeente_in_0363s_samenwerkingsverband(sessions: sessionmaker[Session]) -> tuple[str, str]:
    """0437 as an organisation of its own: 0363 stops delivering for it, 0437 registers."""
    with sessions.begin() as session:
        set_gemeente(session, "0363", samenwerking=[], peildatum=PEILDATUM)
        token = add_gemeente(session, "0437", peildatum=PEILDATUM)
    return ("0437", token)


def test_only_the_aanleverende_gemeente_sees_its_aanleveringen(
    client: httpx.Client, connect: Connect, sessions: sessionmaker[Session]
) -> None:
    goed = upload(client, bestand("aanlevering", "initieel-geldig.csv"))
    fout = upload(client, bestand("aanlevering", "meerdere-fouten.csv"))
    ids = [goed.json()["id"], fout.json()["verwerkingsverslag"]["id"]]
    nergens = max(ids) + 1000
    for other in (connect(ROTTERDAM), connect(_a_gemeente_in_0363s_samenwerkingsverband(sessions))):
        assert other.get(URL).json()["aanleveringen"] == []
        niet = other.get(f"{URL}/{nergens}")
        assert_problem(niet, 404)
        for id_ in ids:
            for path in (f"{URL}/{id_}", f"{URL}/{id_}/verslag"):
                response = other.get(path)
                assert_problem(response, 404)
                assert_documented(response)
                assert response.json() == niet.json(), "not even whether it exists"
        rapport = other.get("/api/v1/abonnementen")
        assert rapport.status_code == 200
        assert rapport.text.splitlines()[1:] == []
    assert len(client.get(URL).json()["aanleveringen"]) == 2


# ---------------------------------------------------------------- the list


def test_the_list_pages_newest_first(client: httpx.Client) -> None:
    ids = [
        upload(client, bestand("aanlevering", "initieel-klein.csv")).json()["id"] for _ in range(5)
    ]
    seen: list[int] = []
    url: str | None = URL + "?aantal=2&wet=wmo"
    pages = 0
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        assert_documented(response)
        page = response.json()
        assert list(page) == ["aanleveringen", "volgende", "_links"]
        seen += [a["id"] for a in page["aanleveringen"]]
        nxt = page["_links"]["next"]
        assert (nxt is None) == (page["volgende"] is None)
        url = nxt and nxt["href"]
        pages += 1
    assert seen == sorted(ids, reverse=True)
    assert pages == 3
    item = client.get(URL).json()["aanleveringen"][0]
    assert list(item) == [
        "id",
        "wet",
        "bestandsnaam",
        "ontvangenOp",
        "initieel",
        "status",
        "aantalRegels",
        "_links",
    ]
    assert item["_links"]["verslag"]["href"].endswith(f"/api/v1/aanleveringen/{ids[-1]}/verslag")


def test_a_made_up_cursor_beyond_every_id_gives_the_first_page(client: httpx.Client) -> None:
    # Found by schemathesis: PostgreSQL refused the comparison with a number larger than an
    # Integer column holds (a 500). Every id comes before such a cursor.
    ids = [upload(client, bestand("aanlevering", "initieel-klein.csv")).json()["id"]]
    for number in (2**31 - 1, 2**31, 2**63 - 1):
        response = client.get(f"{URL}?na={query.to_cursor(number)}")
        assert response.status_code == 200
        assert [a["id"] for a in response.json()["aanleveringen"]] == ids


@pytest.mark.parametrize(
    ("query", "name", "reason"),
    [
        ("?aantal=0", "aantal", "moet een geheel getal van 1 tot en met 1000 zijn"),
        ("?aantal=1001", "aantal", "moet een geheel getal"),
        ("?aantal=tien", "aantal", "moet een geheel getal"),
        ("?na=999900006", "na", "onbekende cursor"),
        ("?wet=wlz", "wet", "onbekende wet"),
        ("?datum=2026-03-01", "datum", "onbekende queryparameter"),
    ],
)
def test_bad_list_parameters_are_400(
    client: httpx.Client, query: str, name: str, reason: str
) -> None:
    body = assert_problem(client.get(URL + query), 400)
    assert body["invalidParams"][0]["name"] == name
    assert body["invalidParams"][0]["reason"].startswith(reason)


@pytest.mark.parametrize(
    "path", [URL + "/0", URL + "/abc", URL + "/2147483648", URL + "/1/", URL + "/", URL + "/1/x"]
)
def test_paths_that_name_no_aanlevering_are_404(client: httpx.Client, path: str) -> None:
    assert_problem(client.get(path), 404)


def test_every_answer_carries_the_common_headers(client: httpx.Client) -> None:
    goed = upload(client, bestand("aanlevering", "initieel-klein.csv"))
    for response in (goed, client.get(URL), client.get(goed.headers["location"] + "/verslag")):
        for name, value in COMMON:
            assert response.headers[name] == value
    assert json.loads(goed.content)["id"] >= 1
