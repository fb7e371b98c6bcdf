"""Count request body bytes before a transport sees them (gunicorn has no such limit).

Chunked bodies included: the body is read into a spooled buffer until end of stream or until
it exceeds the maximum, and the transport gets the buffer, with CONTENT_LENGTH set, as its
wsgi.input. Over the maximum, the transport's own `too_large` answer is sent (a SOAP fault,
a problem+json) and the rest of the body is never read.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

CHUNK = 64 * 1024
IN_MEMORY = 1024 * 1024


def _declared_length(environ: Environ) -> int | None:
    raw = str(environ.get("CONTENT_LENGTH") or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def _spool(stream: Any, limit: int, declared: int | None) -> Any | None:
    """The body in a rewound buffer, or None when it is larger than limit."""
    buffer = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 - handed on
    remaining = declared if declared is not None else limit + 1
    total = 0
    while remaining > 0:
        data = stream.read(min(CHUNK, remaining))
        if not data:
            break
        total += len(data)
        remaining -= len(data)
        if total > limit:
            buffer.close()
            return None
        buffer.write(data)
        if declared is None:
            remaining = limit + 1 - total
    buffer.seek(0)
    return buffer


class _Closing:
    """The app's answer, closing the spooled body too once the server is done with it."""

    def __init__(self, answer: Iterable[bytes], body: Any) -> None:
        self._answer = answer
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._answer)

    def close(self) -> None:
        try:
            close_answer(self._answer)
        finally:
            self._body.close()


def close_answer(answer: Iterable[bytes]) -> None:
    """What PEP 3333 asks of a server (and so of a wrapper) when it is done with an answer."""
    close = getattr(answer, "close", None)
    if close is not None:
        close()


def limit_body(app: WsgiApp, max_bytes: Callable[[Environ], int], too_large: WsgiApp) -> WsgiApp:
    """Wrap app: bodies larger than max_bytes(environ) get too_large's answer instead."""

    def wrapped(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        limit = max_bytes(environ)
        declared = _declared_length(environ)
        if declared is not None and declared > limit:
            return too_large(environ, start_response)
        body = _spool(environ["wsgi.input"], limit, declared)
        if body is None:
            return too_large(environ, start_response)
        size = body.seek(0, 2)
        body.seek(0)
        environ["wsgi.input"] = body
        environ["CONTENT_LENGTH"] = str(size)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        try:
            answer = app(environ, start_response)
        except BaseException:
            body.close()
            raise
        return _Closing(answer, body)

    return wrapped
