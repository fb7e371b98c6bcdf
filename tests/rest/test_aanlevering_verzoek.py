"""POST /api/v1/aanleveringen: what the request must be (query, media type, file name), its size,
its credentials; every refusal a problem+json and nothing kept."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from adapters.bodylimit import WsgiApp
from adapters.files.aanlevering import MAX_BYTES
from store.auth import CHALLENGE
from store.rollen import RECHTEN, Recht, Rol
from store.settings import Settings
from tests.rest.conftest import (
    Connect,
    assert_documented,
    assert_invalid_params,
    assert_problem,
)
from tests.rest.uploads import CSV, UPLOAD, URL, bestand, kept, upload

# ---------------------------------------------------------------- the request


@pytest.mark.parametrize(
    ("disposition", "bestandsnaam"),
    [
        (None, "aanlevering.csv"),
        ('attachment; filename="wmo maart.csv"', "wmo maart.csv"),
        ("attachment; filename*=UTF-8''m%C3%A4rz.csv", "märz.csv"),
        ('form-data; name="f"; filename="C:\\fakepath\\jan.csv"', "jan.csv"),
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename="a\tb.csv"', "ab.csv"),
        ("rommel", "aanlevering.csv"),
        ('attachment; filename=""', "aanlevering.csv"),
    ],
)
def test_content_disposition_names_the_file(
    client: httpx.Client, disposition: str | None, bestandsnaam: str
) -> None:
    headers = {"Content-Disposition": disposition} if disposition else {}
    response = upload(client, bestand("aanlevering", "initieel-klein.csv"), **headers)
    assert response.status_code == 201, response.text
    assert response.json()["bestandsnaam"] == bestandsnaam


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"wet": "ontbreekt"}),
        ("?wet=wlz", {"wet": "onbekende wet; toegestaan: wmo, jw"}),
        ("?wet=WMO", {"wet": "onbekende wet; toegestaan: wmo"}),
        ("?wet=wmo&initieel=ja", {"initieel": "moet true of false zijn"}),
        ("?wet=wmo&controle=1", {"controle": "moet true of false zijn"}),
        ("?wet=wmo&wet=wmo", {"wet": "komt meer dan één keer voor"}),
        ("?wet=wmo&gemeente=0599", {"gemeente": "onbekende queryparameter"}),
        ("?wet=wmo&bsn=999900006", {"bsn": "onbekende queryparameter"}),
        (
            "?initieel=x&999900006=1",
            {"(naam weggelaten)": "onbekende", "initieel": "moet true", "wet": "ontbreekt"},
        ),
    ],
)
def test_bad_query_parameters_are_400_all_at_once_and_the_file_is_not_read(
    client: httpx.Client, engine: Engine, query: str, expected: dict[str, str]
) -> None:
    data = bestand("aanlevering", "initieel-geldig.csv")
    response = client.post(URL + query, content=data, headers=CSV)
    body = assert_problem(response, 400)
    assert_documented(response)
    assert_invalid_params(body, expected)
    assert "999900006" not in response.text
    assert kept(engine) == 0


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "text/csv; charset=latin-1",
        "text/csvx",
    ],
)
def test_a_body_that_is_not_text_csv_is_415(
    client: httpx.Client, engine: Engine, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    data = bestand("aanlevering", "initieel-geldig.csv")
    response = client.post(UPLOAD, content=data, headers=headers)
    body = assert_problem(response, 415)
    assert_documented(response)
    assert "text/csv" in body["detail"]
    assert kept(engine) == 0


@pytest.mark.parametrize("content_type", ["text/csv", "text/csv; charset=utf-8", "TEXT/CSV"])
def test_text_csv_in_utf_8_is_accepted(client: httpx.Client, content_type: str) -> None:
    data = bestand("aanlevering", "initieel-geldig.csv")
    response = client.post(UPLOAD, content=data, headers={"Content-Type": content_type})
    assert response.status_code == 201


def test_an_accept_header_without_json_is_406(client: httpx.Client) -> None:
    data = bestand("aanlevering", "initieel-geldig.csv")
    headers = {**CSV, "Accept": "text/csv"}
    assert_problem(client.post(UPLOAD, content=data, headers=headers), 406)
    assert_problem(client.get(URL, headers={"Accept": "text/html"}), 406)
    assert_problem(client.get(URL + "/1/verslag", headers={"Accept": "application/json"}), 406)


# ---------------------------------------------------------------- size and credentials


def _wsgi(app: WsgiApp, environ: dict[str, Any]) -> httpx.Response:
    """Call the app as a server would, with this environ (and the body it carries)."""
    answers: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc: object = None) -> None:
        answers.append((status, headers))

    body = b"".join(app(environ, start_response))
    status, headers = answers[0]
    request = httpx.Request(environ["REQUEST_METHOD"], "http://t" + environ["PATH_INFO"])
    response = httpx.Response(
        int(status.split()[0]), headers=headers, content=body, request=request
    )
    response.elapsed = timedelta(0)
    return response


class _Unreadable(io.RawIOBase):
    """A request body that must not be read."""

    def readinto(self, buffer: Any) -> int:
        raise AssertionError("the body was read")


def _environ(length: int, authorization: str | None = None) -> dict[str, Any]:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": URL,
        "QUERY_STRING": "wet=wmo",
        "CONTENT_TYPE": "text/csv",
        "CONTENT_LENGTH": str(length),
        "SERVER_NAME": "t",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": _Unreadable(),
        "wsgi.errors": io.StringIO(),
    }
    if authorization:
        environ["HTTP_AUTHORIZATION"] = authorization
    return environ


def test_an_upload_without_credentials_is_401_before_its_body_is_read(rest_app: WsgiApp) -> None:
    response = _wsgi(rest_app, _environ(MAX_BYTES))
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == CHALLENGE
    assert_documented(response)


def test_an_upload_declared_over_60_mb_is_413_before_its_body_is_read(
    rest_app: WsgiApp,
) -> None:
    response = _wsgi(rest_app, _environ(MAX_BYTES + 1, "Bearer demo-amsterdam"))
    body = assert_problem(response, 413)
    assert str(MAX_BYTES) in body["detail"]
    assert_documented(response)


def test_a_chunked_upload_over_60_mb_is_413(client: httpx.Client, engine: Engine) -> None:
    line = b"999900006,0363,01-03-2020,\n"

    def chunks() -> Iterator[bytes]:
        block = line * (64 * 1024 // len(line))
        for _ in range(MAX_BYTES // len(block) + 2):
            yield block

    response = client.post(UPLOAD, content=chunks(), headers=CSV)
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert_problem(response, 413)
    assert kept(engine) == 0


def test_a_file_larger_than_a_json_body_is_accepted(
    client: httpx.Client, settings: Settings
) -> None:
    """The body limit depends on the route: 60 MB for an aanlevering, max_body elsewhere.
    Over 1 MB the spooled body lives on disk; the core reads it from there."""
    regel = b"999900006,0363,01-03-2020,\n"
    data = regel * (1024 * 1024 // len(regel) + 1)
    assert len(data) > max(settings.max_body, 1024 * 1024)
    response = client.post(UPLOAD, content=iter([data]), headers=CSV)
    assert response.status_code == 201, response.text[:500]
    assert response.json()["aantalRegels"] == data.count(b"\n")
    assert response.json()["aantalWaarschuwingen"] == 1


def test_wrong_credentials_are_401(connect: Connect) -> None:
    stranger = connect(("0363", "niet-het-token"))
    for response in (
        stranger.post(UPLOAD, content=b"x", headers=CSV),
        stranger.get(URL),
        stranger.get(URL + "/1"),
        stranger.get(URL + "/1/verslag"),
        stranger.get("/api/v1/abonnementen"),
    ):
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == CHALLENGE


@pytest.mark.parametrize(
    ("recht", "method", "path"),
    [
        (Recht.AANLEVEREN, "POST", UPLOAD),
        (Recht.AANLEVEREN, "GET", URL),
        (Recht.AANLEVEREN, "GET", URL + "/1"),
        (Recht.AANLEVEREN, "GET", URL + "/1/verslag"),
        (Recht.RAPPORTEN, "GET", "/api/v1/abonnementen"),
    ],
)
def test_a_role_without_the_right_gets_403(
    client: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
    recht: Recht,
    method: str,
    path: str,
) -> None:
    monkeypatch.setitem(RECHTEN, Rol.GEMEENTE, frozenset(Recht) - {recht})
    data = bestand("aanlevering", "initieel-geldig.csv")
    response = client.request(method, path, content=data if method == "POST" else None, headers=CSV)
    assert_problem(response, 403)
    assert_documented(response)
