"""One JSON line per request, the X-Request-ID header on every answer, and the request metrics:
a WSGI middleware around the whole app (adapters.wsgi).

The transports name the operation, the route and the organisation in the environ
(adapters.requestinfo); this middleware reads them when the answer is done. A line holds only
bounded values: never a query string, a body, a header value but a checked request id, or a
path with a number in it (a route template, or the path with its numbers masked).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring_ascii as escape
from typing import Any

from adapters.bodylimit import close_answer
from adapters.jsonlog import FIELDS, REQUEST_ID
from adapters.requestinfo import OPERATION, ORGANISATION, ROUTE

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]
# operation, HTTP status, seconds: adapters.metrics counts and times requests with it.
Observe = Callable[[str, int, float], None]

LOG = logging.getLogger("samenloop.request")
HEADER = "X-Request-ID"
UNKNOWN = "unknown"
MAX_PATH = 200

# An incoming id is kept when it is short and plain, and has no run of nine digits (a caller
# could use a BSN as its correlation id): otherwise the service makes one.
_INCOMING = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_NINE_DIGITS = re.compile(r"[0-9]{9}")
_NUMBER = re.compile(r"[0-9]{2,}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})
_FAILED = b"Interne fout; de fout is vastgelegd.\n"
_MEMBERS = (
    ',"request_id":%s,"method":"%s","path":%s,"operation":%s,"organisation":%s,'
    '"status":%d,"duration_ms":%.3f'
)


def _uuid4() -> str:
    """A random UUID version 4 as text (what str(uuid.uuid4()) gives, in half the time)."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_request_id() -> str:
    """A uuid4, drawn again in the rare case that it holds nine digits in a row: then no log
    line of the service ever has such a run, which makes a leaked BSN easy to find."""
    while True:
        candidate = _uuid4()
        if not _NINE_DIGITS.search(candidate):
            return candidate


def request_id(incoming: str | None) -> str:
    if incoming and _INCOMING.fullmatch(incoming) and not _NINE_DIGITS.search(incoming):
        return incoming
    return new_request_id()


def logged_path(environ: Environ) -> str:
    """The route template the transport matched, else the path with its numbers masked."""
    route = environ.get(ROUTE)
    if route is not None:
        return str(route)
    return _NUMBER.sub("{n}", str(environ.get("PATH_INFO", ""))[:MAX_PATH])


class _Request:
    """One request on its way through: its id, start time, status and the server's callback."""

    __slots__ = ("began", "environ", "error", "id", "observe", "start_response", "status")

    def __init__(self, environ: Environ, start_response: StartResponse, observe: Observe) -> None:
        self.began = time.perf_counter()
        self.environ = environ
        self.start_response = start_response
        self.observe = observe
        self.id = request_id(environ.get("HTTP_X_REQUEST_ID"))
        self.status = 500  # until the app starts its answer
        self.error: str | None = None
        REQUEST_ID.set(self.id)

    def start(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        self.status = int(status[:3])
        headers.append((HEADER, self.id))
        if exc_info is None:  # some servers' start_response takes two arguments only
            return self.start_response(status, headers)
        return self.start_response(status, headers, exc_info)

    def failed(self, exc: Exception) -> list[bytes]:
        """The app raised before its answer: a plain 500 (its message is never sent or logged)."""
        self.error = type(exc).__name__
        headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(_FAILED))),
        ]
        self.start("500 Internal Server Error", headers, sys.exc_info())
        return [_FAILED]

    def members(self, seconds: float) -> str:
        """The line's own JSON members (adapters.jsonlog.FIELDS), every string escaped."""
        env = self.environ
        method = env.get("REQUEST_METHOD")
        organisation = env.get(ORGANISATION)
        line = _MEMBERS % (
            escape(self.id),
            method if method in _METHODS else "OTHER",
            escape(logged_path(env)),
            escape(str(env.get(OPERATION, UNKNOWN))),
            "null" if organisation is None else escape(str(organisation)),
            self.status,
            seconds * 1000,
        )
        return line if self.error is None else f'{line},"error":{escape(self.error)}'

    def done(self) -> None:
        seconds = time.perf_counter() - self.began
        self.observe(str(self.environ.get(OPERATION, UNKNOWN)), self.status, seconds)
        level = logging.INFO if self.error is None else logging.ERROR
        if LOG.isEnabledFor(level):
            # makeRecord + handle: what LOG.log does, less looking up the caller's frame.
            extra = {FIELDS: self.members(seconds)}
            LOG.handle(
                LOG.makeRecord(LOG.name, level, __file__, 0, "request", (), None, None, extra)
            )
        REQUEST_ID.set(None)


class _Answer:
    """The app's answer; its line is logged when the server closes it (the body sent)."""

    __slots__ = ("_answer", "_request")

    def __init__(self, answer: Iterable[bytes], request: _Request) -> None:
        self._answer = answer
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._answer
        except Exception as exc:
            # Headers went out: the server must break the answer off. The line says why, by
            # type only (as does adapters.jsonlog for the server's own line about it).
            self._request.error = type(exc).__name__
            raise

    def close(self) -> None:
        try:
            close_answer(self._answer)
        finally:
            self._request.done()


def observe(app: WsgiApp, observe: Observe) -> WsgiApp:
    """Wrap app: every request gets an id (X-Request-ID), a log line and its metrics."""

    def observed(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        request = _Request(environ, start_response, observe)
        try:
            answer = app(environ, request.start)
        except Exception as exc:
            answer = request.failed(exc)
        return _Answer(answer, request)

    return observed
