"""JSON log lines: one object per line, the same shape for the request log
(adapters.requestlog), the service's own error lines and gunicorn's.

No BSN and no token may appear in a line. The request log is built from bounded fields only;
for every other record this formatter is the last gate: a run of nine or more digits in a
message is masked, an exception is given by its type only (its message may repeat input, a SQL
error's parameters a BSN), stack info is left out, and gunicorn's lines about a bad request
lose the request text they quote.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
import time
from contextvars import ContextVar
from json.encoder import encode_basestring_ascii as escape
from typing import IO

# The id of the request being handled (adapters.requestlog sets it): every line logged while
# it is handled carries it.
REQUEST_ID: ContextVar[str | None] = ContextVar("samenloop_request_id", default=None)
# A record with this attribute is a request line: its value (a string of further JSON members,
# each after a comma, built by adapters.requestlog from bounded values) ends the object.
FIELDS = "samenloop_fields"

MASK = "[getal weggelaten]"
_DIGITS = re.compile(r"[0-9]{9,}")
# Built by hand (a fifth of what json.dumps costs): every string member is JSON-escaped.
_HEAD = '{"time":"%s","level":%s,"logger":%s,"message":%s,"pid":%d'


@functools.lru_cache(maxsize=4)
def _second(whole: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))


def utc_time(created: float) -> str:
    """ISO 8601 in UTC with milliseconds: 2026-03-01T08:15:02.123Z."""
    whole = int(created)
    return f"{_second(whole)}.{int((created - whole) * 1000):03d}Z"


def scrub(text: str) -> str:
    """Mask every run of nine or more digits: a BSN never survives."""
    return _DIGITS.sub(MASK, text)


def _gunicorn(message: str) -> str:
    # "Invalid request from ip=...: <the request line or header it choked on>" and
    # "Error handling request <uri with query string>": the quoted request text goes.
    if message.startswith("Invalid request from ip="):
        return message.split(": ", 1)[0]
    if message.startswith("Error handling request"):
        return "Error handling request"
    return message


def _message(record: logging.LogRecord) -> str:
    message = record.getMessage()
    if record.name.startswith("gunicorn"):
        message = _gunicorn(message)
    return scrub(message)


def _context(record: logging.LogRecord) -> str:
    """The members of any other line: the request being handled, an exception's type."""
    members = ""
    if (request_id := REQUEST_ID.get()) is not None:
        members += ',"request_id":' + escape(request_id)
    if record.exc_info and record.exc_info[0] is not None:
        members += ',"error":' + escape(record.exc_info[0].__name__)
    return members


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        head = _HEAD % (
            utc_time(record.created),
            escape(record.levelname),
            escape(record.name),
            escape(_message(record)),
            record.process or 0,
        )
        members = getattr(record, FIELDS, None)
        return head + (members if members is not None else _context(record)) + "}"


def json_handler(stream: IO[str] | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    return handler


def configure(stream: IO[str] | None = None) -> None:
    """Log JSON lines to stderr: the service's own loggers from INFO (the request lines),
    libraries from WARNING. Called by entry points only (`samenloop serve`)."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(json_handler(stream))
    root.setLevel(logging.WARNING)
    logging.getLogger("samenloop").setLevel(logging.INFO)
    # No line shows them: not looking them up makes every record a microsecond cheaper.
    logging.logThreads = False
    logging.logMultiprocessing = False
