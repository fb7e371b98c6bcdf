"""Downloads: a file written completely before it is sent (a failure while writing is still an
error page), always as an attachment, never kept by a browser (the middleware's no-store)."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, TextIO, TypeVar

import falcon

CSV = "text/csv; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
_IN_MEMORY = 1024 * 1024
_CHUNK = 64 * 1024

T = TypeVar("T")


def _chunks(buffer: IO[bytes]) -> Iterator[bytes]:
    with buffer:  # closed when read to the end, or when the server closes the answer
        while chunk := buffer.read(_CHUNK):
            yield chunk


def schrijf(write: Callable[[TextIO], T]) -> tuple[IO[bytes], T]:
    """What `write` writes (UTF-8, no newline translation, as the REST and CLI downloads),
    rewound, and what it returned. The caller hands the buffer to `stuur` or closes it."""
    buffer = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)  # noqa: SIM115 - handed on
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


def stuur(resp: falcon.Response, buffer: IO[bytes], media: str, bestandsnaam: str) -> None:
    """Send a written file as an attachment (`Content-Disposition: attachment`), taking over
    the buffer."""
    size = buffer.seek(0, 2)
    buffer.seek(0)
    resp.content_type = media
    resp.downloadable_as = bestandsnaam
    if size <= _IN_MEMORY:
        with buffer:
            resp.data = buffer.read()
    else:
        resp.set_stream(_chunks(buffer), size)
