"""Writing an answer: JSON documents, HAL links, and files (CSV, text) spooled before sending.

A file is written completely into a spooled buffer before the status is chosen: a failure
while writing is still a problem+json, and the database connection is free before the
client starts reading.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO, Any, TextIO, TypeVar
from urllib.parse import urlencode

import falcon

from adapters.rest.headers import JSON
from store.datums import AMSTERDAM

CSV = "text/csv; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
IN_MEMORY = 1024 * 1024
CHUNK = 64 * 1024

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


def spool(write: Callable[[TextIO], T]) -> tuple[IO[bytes], T]:
    """What `write` writes (UTF-8, no newline translation), rewound, and what it returned.

    The caller closes the buffer (send_file hands that to Falcon).
    """
    buffer = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 - handed on
    try:
        text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
        result = write(text)
        text.flush()
        text.detach()
    except BaseException:
        buffer.close()
        raise
    buffer.seek(0)
    return buffer, result


def _chunks(buffer: IO[bytes]) -> Iterator[bytes]:
    with buffer:  # closed when read to the end, or when the server closes the answer
        while chunk := buffer.read(CHUNK):
            yield chunk


def send_file(resp: falcon.Response, buffer: IO[bytes], media: str, filename: str) -> None:
    """Send a spooled file as a download, taking over the buffer (it is closed here or once
    the server has sent it)."""
    size = buffer.seek(0, 2)
    buffer.seek(0)
    resp.content_type = media
    resp.downloadable_as = filename
    if size <= IN_MEMORY:
        with buffer:
            resp.data = buffer.read()
    else:
        resp.set_stream(_chunks(buffer), size)
