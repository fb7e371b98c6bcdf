"""The OpenAPI document: a frozen contract file (openapi.json beside this module), served with
only `servers` filled in from SAMENLOOP_PUBLIC_URL."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import falcon

from adapters.rest.headers import JSON
from adapters.rest.validation import check_accept
from store.settings import Settings

BASE_PATH = "/api/v1"


def load_document() -> dict[str, Any]:
    """The frozen document, as stored in the package."""
    text = resources.files("adapters.rest").joinpath("openapi.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def served_document(settings: Settings) -> dict[str, Any]:
    document = load_document()
    document["servers"] = [{"url": settings.public_url + BASE_PATH}]
    return document


class OpenApiResource:
    """GET /api/v1/openapi.json: no authentication, readable from any origin."""

    def __init__(self, settings: Settings) -> None:
        self._body = json.dumps(served_document(settings), ensure_ascii=False).encode("utf-8")

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        check_accept(req)
        resp.content_type = JSON
        resp.set_header("Access-Control-Allow-Origin", "*")
        resp.data = self._body
