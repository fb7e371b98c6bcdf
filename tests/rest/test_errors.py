"""Bad input, wrong media types, unknown paths and methods, failures: each a problem+json."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine

from adapters.bodylimit import WsgiApp
from adapters.rest import create_rest_app, resources
from store.settings import Settings
from tests.rest.conftest import AMSTERDAM, BASE_URL, URL, assert_invalid_params, assert_problem

BSN = "999900006"
JSON_HEADERS = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", {"body": "verwacht een JSON-object"}),
        (b"   ", {"body": "verwacht een JSON-object"}),
        (b'{"bsn": "999900006"', {"body": "geen geldige JSON (UTF-8)"}),
        (b'{"bsn": "\xff\xfe"}', {"body": "geen geldige JSON (UTF-8)"}),
        ('{"bsn": "999900006"}'.encode("utf-16"), {"body": "geen geldige JSON (UTF-8)"}),
        (b"[" * 20_000 + b"]" * 20_000, {"body": "geen geldige JSON (UTF-8)"}),
        (b'["999900006"]', {"body": 'moet een JSON-object zijn, zoals {"bsn": "..."}'}),
        (b'"999900006"', {"body": 'moet een JSON-object zijn, zoals {"bsn": "..."}'}),
        (b"null", {"body": 'moet een JSON-object zijn, zoals {"bsn": "..."}'}),
        (b"{}", {"bsn": "ontbreekt; verwacht een tekst van 9 cijfers"}),
        (b'{"bsn": 999900006}', {"bsn": "moet een tekst (string) van 9 cijfers zijn"}),
        (b'{"bsn": null}', {"bsn": "moet een tekst (string) van 9 cijfers zijn"}),
        (b'{"bsn": ["999900006"]}', {"bsn": "moet een tekst (string) van 9 cijfers zijn"}),
        (b'{"bsn": ""}', {"bsn": "ontbreekt"}),
        (b'{"bsn": "99990000"}', {"bsn": "8 cijfers; vul aan met een voorloopnul"}),
        (b'{"bsn": "9999000061"}', {"bsn": "moet 9 cijfers hebben, niet 10"}),
        (b'{"bsn": "999900007"}', {"bsn": "voldoet niet aan de elfproef"}),
        (b'{"bsn": "000000000"}', {"bsn": "negen nullen is geen BSN"}),
        (b'{"bsn": " 999900006"}', {"bsn": "mag alleen de cijfers 0-9 bevatten"}),
        (b'{"bsn": "9999-0000-6"}', {"bsn": "mag alleen de cijfers 0-9 bevatten"}),
        ('{"bsn": "٩٩٩٩٠٠٠٠٦"}'.encode(), {"bsn": "mag alleen de cijfers 0-9 bevatten"}),
        (b'{"bsn": "999900006", "naam": "x"}', {"naam": "onbekend veld; toegestaan: bsn"}),
        (b'{"BSN": "999900006"}', {"BSN": "onbekend veld", "bsn": "ontbreekt"}),
        (
            b'{"bsn": 5, "gemeente": "0363", "999900006": 1}',
            {
                "bsn": "moet een tekst (string)",
                "gemeente": "onbekend veld",
                "(naam weggelaten)": "onbekend veld",
            },
        ),
        (b'{"bsn": "12345678", "x": 1}', {"bsn": "8 cijfers", "x": "onbekend veld"}),
        (b'{"bsn": "999900006", "bsn": "999900018"}', {"bsn": "komt meer dan één keer voor"}),
    ],
)
def test_bad_bodies_are_400_with_every_error_and_never_the_bsn(
    client: httpx.Client, engine: Engine, content: bytes, expected: dict[str, str]
) -> None:
    response = client.post(URL, content=content, headers=JSON_HEADERS)
    body = assert_problem(response, 400)
    assert_invalid_params(body, expected)
    for leak in ("999900006", "99990000", "999900007", "12345678", "999900018"):
        assert leak not in response.text


def test_bsn_in_the_query_string_is_refused_without_repeating_it(client: httpx.Client) -> None:
    response = client.post(URL + "?bsn=999900006&999900018", json={"bsn": BSN, "x": 1})
    body = assert_problem(response, 400)
    assert [p["name"] for p in body["invalidParams"]] == ["bsn", "(naam weggelaten)", "x"]
    assert "99990001" not in response.text


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
        "application/json; charset=latin-1",
        "application/jsonx",
        "multipart/form-data; boundary=x",
    ],
)
def test_wrong_content_type_is_415(client: httpx.Client, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(URL, content=b'{"bsn": "999900006"}', headers=headers)
    if content_type is None:
        assert "content-type" not in response.request.headers
    assert_problem(response, 415)


@pytest.mark.parametrize(
    "accept", ["text/html", "application/xml", "application/json;q=0", "application/problem+json"]
)
def test_an_accept_header_without_json_is_406(client: httpx.Client, accept: str) -> None:
    assert_problem(client.post(URL, json={"bsn": BSN}, headers={"Accept": accept}), 406)
    assert_problem(client.get("/api/v1/openapi.json", headers={"Accept": accept}), 406)


@pytest.mark.parametrize(
    "accept",
    ["*/*", "application/json", "application/*", "text/html, application/json;q=0.5", "*/*;q=0.1"],
)
def test_accept_headers_that_allow_json_are_fine(client: httpx.Client, accept: str) -> None:
    response = client.post(URL, json={"bsn": BSN}, headers={"Accept": accept})
    assert response.status_code == 200


def test_a_body_over_the_maximum_is_413(client: httpx.Client, settings: Settings) -> None:
    too_big = b'{"bsn": "999900006", "x": "' + b"a" * settings.max_body + b'"}'
    assert_problem(client.post(URL, content=too_big, headers=JSON_HEADERS), 413)


def test_a_chunked_body_over_the_maximum_is_413(client: httpx.Client, settings: Settings) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"bsn": "999900006", "x": "'
        for _ in range(settings.max_body // 1024 + 1):
            yield b"a" * 1024
        yield b'"}'

    response = client.post(URL, content=chunks(), headers=JSON_HEADERS)
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert_problem(response, 413)


def test_a_chunked_body_under_the_maximum_is_read(client: httpx.Client) -> None:
    response = client.post(URL, content=iter([b'{"bsn": ', b'"999900006"}']), headers=JSON_HEADERS)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/v1",
        "/api/v1/",
        "/api/v1/registertoets/",
        "/api/v1/openapi.json/",
        "/health/",
        "/api/v1/registertoets/999900006",
        "/api/v2/registertoets",
        "/api/v1/Registertoets",
    ],
)
def test_unknown_paths_and_trailing_slashes_are_404(client: httpx.Client, path: str) -> None:
    response = client.post(path, json={"bsn": BSN})
    assert_problem(response, 404)
    assert BSN not in response.text
    assert_problem(client.get(path), 404)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", URL, "POST"),
        ("PUT", URL, "POST"),
        ("DELETE", URL, "POST"),
        ("PATCH", URL, "POST"),
        ("HEAD", URL, "POST"),
        ("POST", "/api/v1/openapi.json", "GET"),
        ("DELETE", "/health", "GET"),
    ],
)
def test_unsupported_methods_are_405_with_allow(
    client: httpx.Client, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert allow in response.headers["allow"]
    if method != "HEAD":
        assert_problem(response, 405)


def test_an_unexpected_error_is_500_logged_without_the_bsn(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **_: object) -> None:
        raise RuntimeError(f"kapot bij BSN {args[2]}")

    monkeypatch.setattr(resources, "registertoets_samenloop", broken)
    with caplog.at_level(logging.ERROR, logger="samenloop.rest"):
        response = client.post(URL, json={"bsn": BSN})
    assert_problem(response, 500)
    assert BSN not in response.text
    assert caplog.records, "the failure is logged"
    assert "RuntimeError" in caplog.text
    assert BSN not in caplog.text


@pytest.fixture
def unreachable() -> Iterator[httpx.Client]:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/none", db_timeout=1)
    from store.db import make_engine

    engine = make_engine(settings)
    app = create_rest_app(settings, engine)
    transport = httpx.WSGITransport(app=app)
    with httpx.Client(transport=transport, base_url=BASE_URL) as c:
        yield c
    engine.dispose()


def test_an_unreachable_database_is_503(unreachable: httpx.Client) -> None:
    assert_problem(unreachable.post(URL, json={"bsn": BSN}, auth=AMSTERDAM), 503)
    assert_problem(unreachable.post(URL, json={"bsn": BSN, "x": 1}, auth=AMSTERDAM), 503)
    assert_problem(unreachable.get("/health"), 503)
    assert unreachable.get("/api/v1/openapi.json").status_code == 200
    # Without credentials nothing needs the database: 401 at once.
    assert_problem(unreachable.post(URL, json={"bsn": BSN}), 401)


def test_a_request_falcon_cannot_even_read_is_a_500_problem(rest_app: WsgiApp) -> None:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/api/v1/\ufffd",  # not latin-1: a server breaking PEP 3333
        "QUERY_STRING": "",
        "SERVER_NAME": "t",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    answers: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> None:
        answers.append((status, headers))

    body = b"".join(rest_app(environ, start_response))
    status, headers = answers[0]
    response = httpx.Response(int(status.split()[0]), headers=headers, content=body)
    assert_problem(response, 500)
