"""Writing an answer: JSON documents and HAL links (files: adapters/downloads.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

import falcon

from adapters.rest.headers import JSON
from store.datums import AMSTERDAM

Link = dict[str, str]
T = TypeVar("T")


def send_json(resp: falcon.Response, document: Any, status: int = 200) -> None:
    resp.status = status
    resp.content_type = JSON
    resp.data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def link(base: str, path: str, **query: object) -> Link:
    """A HAL link to base + path; query values that are None are left out."""
    given = {k: str(v) for k, v in query.items() if v is not None}
    return {"href": base + path + ("?" + urlencode(given) if given else "")}


def moment(value: datetime) -> str:
    """A moment as ISO 8601 in Dutch time, to the second (as in the verwerkingsverslag)."""
    return value.astimezone(AMSTERDAM).isoformat(timespec="seconds")
