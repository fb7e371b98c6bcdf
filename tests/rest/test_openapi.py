"""The OpenAPI document: served openly, and in agreement with the code (a build fails if not)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, insert

from adapters.rest import create_rest_app
from adapters.rest.app import routes
from adapters.rest.headers import API_VERSION
from adapters.rest.openapi import BASE_PATH, load_document
from adapters.rest.problems import SOORTEN, TYPE_PREFIX
from store import demo
from store.models_zorg import ZorgkantoorLevering
from store.settings import Settings
from tests.rest.conftest import BASE_URL, URL, assert_common_headers

DOC_URL = BASE_PATH + "/openapi.json"
_CONVERTER = re.compile(r"\{(\w+):[^}]*\}")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Operational endpoints outside the versioned API, documented in the README.
UNVERSIONED = {"/health"}


@pytest.fixture
def document() -> dict[str, Any]:
    return load_document()


def _example(document: dict[str, Any], name: str) -> Any:
    content = document["paths"]["/registertoets"]["post"]["responses"]["200"]["content"]
    return content["application/json"]["examples"][name]["value"]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_the_document_is_served_without_authentication(
    anonymous: httpx.Client, settings: Settings
) -> None:
    response = anonymous.get(DOC_URL)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["access-control-allow-origin"] == "*"
    assert_common_headers(response)
    served = response.json()
    assert served["servers"] == [{"url": settings.public_url + BASE_PATH}]
    assert {k: v for k, v in served.items() if k != "servers"} == {
        k: v for k, v in load_document().items() if k != "servers"
    }


def test_the_servers_url_follows_the_public_url(engine: Engine) -> None:
    settings = Settings(database_url="sqlite://", public_url="https://registertoets.example.nl")
    transport = httpx.WSGITransport(app=create_rest_app(settings, engine))
    with httpx.Client(transport=transport, base_url=BASE_URL) as c:
        served = c.get(DOC_URL).json()
    assert served["servers"] == [{"url": "https://registertoets.example.nl/api/v1"}]


def test_every_route_and_method_is_documented_and_nothing_else(
    document: dict[str, Any], settings: Settings, engine: Engine
) -> None:
    in_code = {}
    for template, resource in routes(settings, engine).items():
        methods = {m for m in HTTP_METHODS if hasattr(resource, f"on_{m}")}
        if template not in UNVERSIONED:
            assert template.startswith(BASE_PATH + "/")
            in_code[_CONVERTER.sub(r"{\1}", template.removeprefix(BASE_PATH))] = methods
    in_document = {
        path: {m for m in item if m in HTTP_METHODS} for path, item in document["paths"].items()
    }
    assert in_code == in_document


def test_versions_and_conventions(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == API_VERSION
    assert document["servers"][0]["url"].endswith(BASE_PATH)
    for path in document["paths"]:
        assert path == path.lower() and not path.endswith("/"), path


def test_no_bsn_can_be_put_in_a_url(document: dict[str, Any]) -> None:
    """Path parameters are a number or a date, never a string that could hold a BSN; no query
    parameter is a free string either (the cursor is base64url, the Content-Disposition header
    is no part of the URL)."""
    parameters = document["components"]["parameters"]
    for path, item in document["paths"].items():
        for operation in item.values():
            for given in operation.get("parameters", []):
                parameter = parameters[given["$ref"].rsplit("/", 1)[1]]
                schema = parameter["schema"]
                if parameter["in"] == "path":
                    assert f"{{{parameter['name']}}}" in path
                    assert schema["type"] == "integer" or schema.get("format") == "date", path
                elif parameter["in"] == "query":
                    assert (
                        "enum" in schema
                        or "format" in schema
                        or "pattern" in schema
                        or (schema["type"] in ("integer", "boolean"))
                    ), parameter["name"]


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    for ref in set(_refs(document)):
        node: Any = document
        assert ref.startswith("#/"), ref
        for part in ref[2:].split("/"):
            assert part in node, ref
            node = node[part]


def test_every_answer_documents_the_version_header(document: dict[str, Any]) -> None:
    responses = document["components"]["responses"]
    for item in document["paths"].values():
        for operation in item.values():
            for given in operation["responses"].values():
                answer = responses[given["$ref"].rsplit("/", 1)[1]] if "$ref" in given else given
                assert "API-Version" in answer["headers"]


def test_every_problem_the_registertoets_can_give_is_documented(document: dict[str, Any]) -> None:
    documented = set(document["paths"]["/registertoets"]["post"]["responses"])
    routing = {404, 405}  # answered before any operation is chosen
    assert {str(s) for s in SOORTEN if s not in routing} <= documented
    description = document["info"]["description"]
    for slug, _title in SOORTEN.values():
        assert f"`{slug}`" in description
    assert TYPE_PREFIX in description


VERBLIJF = {
    "bsn": "999900006",
    "organisatie_id": 9001,
    "leveringsvorm": "4",
    "startdatum": date(2026, 2, 16),
    "einddatum": None,
    "load_id": 1,
}


def test_the_documented_examples_are_what_the_service_answers(
    client: httpx.Client, document: dict[str, Any], demo_set: demo.DemoSet, engine: Engine
) -> None:
    request = document["paths"]["/registertoets"]["post"]["requestBody"]
    example_request = request["content"]["application/json"]["example"]
    with engine.begin() as conn:  # the example's toewijzing of Verblijf (API version 1.1)
        conn.execute(insert(ZorgkantoorLevering), VERBLIJF)
    assert client.post(URL, json=example_request).json() == _example(document, "samenloop")
    nee = client.post(URL, json={"bsn": demo_set.zonder_samenloop[0]}).json()
    assert nee == _example(document, "geenSamenloop")
    fout = client.post(URL, json={"bsn": "999900007"}).json()
    problem = document["components"]["responses"]["OngeldigeInvoer"]["content"]
    assert fout == problem["application/problem+json"]["example"]


def test_health_and_options_carry_the_common_headers(anonymous: httpx.Client) -> None:
    health = anonymous.get("/health")
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    assert_common_headers(health)
    options = anonymous.options(URL)
    assert options.headers["allow"] == "POST"
    assert_common_headers(options)
