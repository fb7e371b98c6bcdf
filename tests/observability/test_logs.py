"""One JSON line per request, without a BSN or a token, and the X-Request-ID on every answer."""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterable
from typing import Any

import httpx
import pytest

from adapters import jsonlog, requestlog
from adapters.requestlog import observe
from tests.conftest import fixture_path
from tests.logcheck import LeakWatch, leak
from tests.observability.conftest import AMSTERDAM, Lines
from tests.soap.conftest import envelope

BSN_JA = "999900006"  # in the demo register
BSN_FOUT = "999900007"  # fails the elfproef
SOAP = "/soap/registertoets"
REST = "/api/v1/registertoets"
XML = {"Content-Type": "text/xml; charset=utf-8"}
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
FIELDS = [
    "time", "level", "logger", "message", "pid", "request_id", "method", "path", "operation",
    "organisation", "status", "duration_ms",
]  # fmt: skip


def test_a_registertoets_is_one_line_with_every_field_and_no_bsn(
    client: httpx.Client, lines: Lines
) -> None:
    got = client.post(REST, json={"bsn": BSN_JA}, auth=AMSTERDAM, headers={"X-Request-ID": "r-1"})
    assert got.json()["samenloop"] is True
    line = lines.only()
    assert list(line) == FIELDS
    assert ISO_UTC.fullmatch(line["time"])
    assert line["message"] == "request"
    assert line["level"] == "INFO"
    assert line["request_id"] == got.headers["X-Request-ID"] == "r-1"
    assert (line["method"], line["path"]) == ("POST", REST)
    assert (line["operation"], line["organisation"], line["status"]) == (
        "rest.registertoets",
        "0363",
        200,
    )
    assert 0 < line["duration_ms"] < 10_000
    assert BSN_JA not in "".join(lines.text)


def _soap(client: httpx.Client, operatie: str, bsn: str, **kwargs: Any) -> httpx.Response:
    return client.post(SOAP, content=envelope(operatie, bsn), headers=XML, **kwargs)


def test_soap_operations_are_named_by_their_body_element(
    client: httpx.Client, lines: Lines
) -> None:
    assert _soap(client, "Registertoets", BSN_JA, auth=AMSTERDAM).status_code == 200
    assert _soap(client, "RegistertoetsUitgebreid", BSN_JA, auth=AMSTERDAM).status_code == 200
    assert _soap(client, "Registertoets", BSN_FOUT, auth=AMSTERDAM).status_code == 500
    assert _soap(client, "Onbekend", BSN_JA, auth=AMSTERDAM).status_code == 500
    assert _soap(client, "Registertoets", BSN_JA).status_code == 401
    assert client.get(SOAP + "?wsdl").status_code == 200
    named = [(line["operation"], line["organisation"], line["status"]) for line in lines.requests]
    assert named == [
        ("soap.Registertoets", "0363", 200),
        ("soap.RegistertoetsUitgebreid", "0363", 200),
        ("soap.Registertoets", "0363", 500),  # BSN_ONGELDIG: the caller was identified
        ("soap", None, 500),  # no operation of the contract
        ("soap", None, 401),
        ("soap.wsdl", None, 200),
    ]
    assert {line["path"] for line in lines.requests} == {SOAP}
    assert BSN_JA not in "".join(lines.text) and BSN_FOUT not in "".join(lines.text)


def _upload(client: httpx.Client, name: str) -> httpx.Response:
    body = fixture_path("aanlevering", name).read_bytes()
    url = "/api/v1/aanleveringen?wet=wmo&initieel=true"
    return client.post(url, content=body, auth=AMSTERDAM, headers={"Content-Type": "text/csv"})


def test_rest_operations_are_named_by_route_and_log_no_input(
    client: httpx.Client, lines: Lines
) -> None:
    assert _upload(client, "bsn-elfproef.csv").status_code == 400  # rejected, BSN in the verslag
    created = _upload(client, "initieel-geldig.csv")
    assert created.status_code == 201
    client.get(httpx.URL(created.headers["Location"]).path, auth=AMSTERDAM)
    client.get("/api/v1/aanleveringen", auth=AMSTERDAM)
    client.post(REST, json={"bsn": BSN_FOUT}, auth=AMSTERDAM)
    client.get(f"/api/v1/{BSN_JA}?bsn={BSN_JA}", auth=AMSTERDAM)  # a wrong URL with a BSN
    client.get("/health")
    logged = [(line["operation"], line["path"], line["status"]) for line in lines.requests]
    assert logged == [
        ("rest.aanleveringen.post", "/api/v1/aanleveringen", 400),
        ("rest.aanleveringen.post", "/api/v1/aanleveringen", 201),
        ("rest.aanlevering", "/api/v1/aanleveringen/{id}", 200),
        ("rest.aanleveringen.get", "/api/v1/aanleveringen", 200),
        ("rest.registertoets", REST, 400),
        ("unknown", "/api/v1/{n}", 404),
        ("health", "/health", 200),
    ]
    assert [line["organisation"] for line in lines.requests] == ["0363"] * 5 + [None, None]
    for text in lines.text:
        assert leak(text, ["demo-amsterdam"]) is None, text


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("abc-123", True),
        ("0f8e6a1c-5b7d-4c2e-9a3b-1d2e3f4a5b6c", True),
        ("trace.id:42_x", True),
        (BSN_JA, False),  # a caller's correlation id may be a BSN: never logged
        ("id-" + BSN_JA + "-x", False),
        ("x" * 65, False),
        ("met spatie", False),
        ("", False),
    ],
)
def test_an_incoming_request_id_is_kept_only_when_plain(
    client: httpx.Client, lines: Lines, incoming: str, kept: bool
) -> None:
    got = client.get("/health", headers={"X-Request-ID": incoming})
    answered = got.headers["X-Request-ID"]
    assert (answered == incoming) is kept
    if not kept:
        assert uuid.UUID(answered).version == 4
    assert lines.only()["request_id"] == answered


def test_every_answer_carries_a_request_id(client: httpx.Client, settings: Any) -> None:
    too_big = b"x" * (settings.max_body + 1)
    answers = [
        client.post(SOAP, content=envelope("Registertoets", BSN_JA), headers=XML),  # 401
        client.post(SOAP, content=too_big, headers=XML, auth=AMSTERDAM),  # 413
        client.post(REST, content=too_big, auth=AMSTERDAM),  # 413
        client.post(REST, json={"bsn": BSN_JA}),  # 401
        client.put(REST, json={}, auth=AMSTERDAM),  # 405
        client.get("/api/v1/bestaat-niet"),  # 404
        client.get("/metrics"),  # off: 404
        client.get("/api/v1/openapi.json"),
        client.get(SOAP + "?wsdl"),
    ]
    assert [a.status_code for a in answers] == [401, 413, 413, 401, 405, 404, 404, 200, 200]
    ids = [a.headers["X-Request-ID"] for a in answers]
    assert len(set(ids)) == len(ids)


def _raising(exc: Exception, when: str) -> requestlog.WsgiApp:
    def app(environ: dict[str, Any], start: requestlog.StartResponse) -> Iterable[bytes]:
        if when == "call":
            raise exc
        start("200 OK", [("Content-Type", "text/plain")])

        def body() -> Iterable[bytes]:
            yield b"begin "
            raise exc

        return body()

    return app


def test_an_unhandled_error_is_one_error_line_with_its_type_only(lines: Lines) -> None:
    app = observe(_raising(KeyError(BSN_JA), "call"), lambda *_: None)
    # As gunicorn does, the transport answers what the middleware started with exc_info.
    transport = httpx.WSGITransport(app=app, raise_app_exceptions=False)
    with httpx.Client(transport=transport, base_url="http://t") as client:
        got = client.get("/x", headers={"X-Request-ID": "fout-1"})
    assert (got.status_code, got.headers["X-Request-ID"]) == (500, "fout-1")
    assert BSN_JA not in got.text
    line = lines.only()
    assert (line["level"], line["error"], line["request_id"]) == ("ERROR", "KeyError", "fout-1")
    assert line["status"] == 500
    assert BSN_JA not in lines.text[0]


def test_an_error_in_the_body_breaks_the_answer_off_and_is_logged(lines: Lines) -> None:
    app = observe(_raising(KeyError(BSN_JA), "body"), lambda *_: None)
    with (
        httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://t") as client,
        pytest.raises(KeyError),  # the server sees it and breaks the connection off
    ):
        client.get("/x", headers={"X-Request-ID": "fout-2"})
    line = lines.only()
    assert (line["level"], line["error"], line["status"]) == ("ERROR", "KeyError", 200)
    assert BSN_JA not in lines.text[0]


def test_lines_logged_while_handling_a_request_carry_its_id(
    client: httpx.Client, lines: Lines, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"kapot bij {BSN_JA}")

    monkeypatch.setattr("adapters.rest.resources.registertoets_samenloop", broken)
    got = client.post(REST, json={"bsn": BSN_JA}, auth=AMSTERDAM, headers={"X-Request-ID": "q"})
    assert got.status_code == 500
    error, request = (json.loads(text) for text in lines.text)
    assert error["logger"] == "samenloop.rest" and error["request_id"] == "q"
    assert "RuntimeError" in error["message"] and BSN_JA not in lines.text[0]
    assert (request["logger"], request["status"], request["request_id"]) == (
        "samenloop.request",
        500,
        "q",
    )


def _format(name: str, message: str, *args: object, exc: BaseException | None = None) -> str:
    exc_info = (type(exc), exc, None) if exc is not None else None
    record = logging.LogRecord(name, logging.WARNING, __file__, 1, message, args, exc_info)
    return jsonlog.JsonFormatter().format(record)


def test_the_formatter_masks_long_numbers_and_never_writes_an_exception_message() -> None:
    line = _format("samenloop.x", "bsn %s", BSN_JA, exc=ValueError(f"bad {BSN_JA}"))
    assert BSN_JA not in line
    assert jsonlog.MASK in line
    assert '"error":"ValueError"' in line and "bad" not in line


def test_gunicorn_lines_lose_the_request_text_they_quote() -> None:
    invalid = _format(
        "gunicorn.error", "Invalid request from ip=::1: Invalid HTTP line: '%s'", "/?t=demo-x"
    )
    assert '"message":"Invalid request from ip=::1"' in invalid
    failed = _format("gunicorn.error", "Error handling request %s", "/x?token=abc")
    assert '"message":"Error handling request"' in failed


def test_a_drawn_request_id_never_holds_nine_digits(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = "abcdefab-cdef-4abc-8def-abcdefabcdef"
    drawn = iter(["12345678-1234-4234-8234-123456789012", plain])
    monkeypatch.setattr(requestlog, "_uuid4", lambda: next(drawn))
    assert requestlog.new_request_id() == plain
    monkeypatch.undo()
    made = {requestlog.new_request_id() for _ in range(100)}
    assert {uuid.UUID(text).version for text in made} == {4}
    assert all(str(uuid.UUID(text)) == text for text in made) and len(made) == 100


def test_the_session_wide_watch_finds_each_kind_of_leak() -> None:
    watch = LeakWatch()
    watch.tokens.add("Xy-issued-token_0123")
    for leaking in (f'{{"p":"/{BSN_JA}"}}', "Bearer demo-utrecht", "t=Xy-issued-token_0123"):
        watch.check(leaking)
    watch.check('{"request_id":"abc","status":200,"time":"2026-03-01T00:00:00.000Z"}')
    assert len(watch.leaks) == 3 and watch.lines == 4
    watch.check_output(f"ok\n{BSN_FOUT}\n".encode())
    assert len(watch.leaks) == 4
