"""Downloads, for REST and the portal alike: a file (CSV, text) is written completely into a
spooled buffer before the status is chosen, so a failure while writing is still an error
answer and the database connection is free before the client starts reading; it is always
sent as an attachment.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, TextIO, TypeVar

import falcon
from sqlalchemy import Engine

from adapters.files.signaalbestanden import schrijf_signalen
from store import signaalinzage
from store.rollen import Wet

CSV = "text/csv; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
IN_MEMORY = 1024 * 1024
CHUNK = 64 * 1024

T = TypeVar("T")


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


def signaalbestand(engine: Engine, organisatie_id: int, wet: Wet, dag: date) -> IO[bytes] | None:
    """A gemeente's signal file of a wet and day, spooled in the version it was made in; None
    when that day has none."""
    with engine.connect() as conn:
        versie = signaalinzage.bestandsversie(conn, organisatie_id, wet, dag)
    rows = signaalinzage.dag(engine, organisatie_id, wet, dag)
    buffer, aantal = spool(lambda out: schrijf_signalen(rows, out, versie))
    if aantal == 0:
        buffer.close()
        return None
    return buffer
