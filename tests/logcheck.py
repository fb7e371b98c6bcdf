"""The session-wide check that no BSN and no token appears in what the service logs.

Every record that the service's logging set-up would write in production (adapters.jsonlog:
its own loggers from INFO, gunicorn's, anything else from WARNING) is formatted by the
production formatter and checked as it is logged; what the served processes wrote
(tests/server.py) is checked at the end. A line must hold no run of nine digits at all (a BSN
is nine digits, and the service draws its request ids without such a run), no demo token and
no token issued in this test process.

So that the check covers the whole suite's traffic, every in-process SOAP and REST app the
tests make runs behind the request log, as it does under gunicorn (`in_process_apps_logged`).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import ParamSpec

import pytest

from adapters.bodylimit import WsgiApp
from adapters.jsonlog import JsonFormatter
from adapters.metrics import RequestMetrics
from adapters.requestlog import observe

P = ParamSpec("P")

NINE_DIGITS = re.compile(r"[0-9]{9}")
DEMO_TOKEN = re.compile(r"demo-[a-z]")


def visible_in_production(record: logging.LogRecord) -> bool:
    """What `samenloop serve` writes: its own loggers from INFO, gunicorn's, others' warnings."""
    own = record.name.startswith(("samenloop", "gunicorn"))
    return record.levelno >= (logging.INFO if own else logging.WARNING)


class LeakWatch(logging.Handler):
    """Checks every line as it is logged; keeps the lines that leak (and a count of all)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.tokens: set[str] = set()
        self.lines = 0
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if visible_in_production(record):
            self.check(self.format(record))
            # The formatter masks long numbers in messages; code that tries to log one is
            # found all the same.
            self.check(record.getMessage(), counted=False)

    def check(self, line: str, *, counted: bool = True) -> None:
        self.lines += counted
        why = leak(line, self.tokens)
        if why is not None:
            self.leaks.append(f"{why}: {line[:400]}")

    def check_output(self, output: bytes) -> None:
        for line in output.decode("utf-8", errors="replace").splitlines():
            self.check(line)


def leak(line: str, tokens: Iterable[str]) -> str | None:
    """Why this log line leaks, or None."""
    if NINE_DIGITS.search(line):
        return "nine digits (a BSN?)"
    if DEMO_TOKEN.search(line):
        return "a demo token"
    if any(token in line for token in tokens):
        return "an issued token"
    return None


def report(watch: LeakWatch) -> str:
    return f"{len(watch.leaks)} of {watch.lines} log lines leak:\n" + "\n".join(watch.leaks[:20])


@contextmanager
def watching(watch: LeakWatch) -> Iterator[LeakWatch]:
    """Attach the watch to the root logger, with the service's loggers at their production
    level, and learn every token that store.organisaties issues meanwhile."""
    from store import organisaties

    service = logging.getLogger("samenloop")
    level = service.level
    root = logging.getLogger()
    root.addHandler(watch)
    service.setLevel(logging.INFO)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(organisaties, "issue_token", _remembered(organisaties.issue_token, watch))
        try:
            yield watch
        finally:
            root.removeHandler(watch)
            service.setLevel(level)


def _remembered(issue: Callable[P, str], watch: LeakWatch) -> Callable[P, str]:
    @functools.wraps(issue)
    def issue_and_remember(*args: P.args, **kwargs: P.kwargs) -> str:
        token = issue(*args, **kwargs)
        watch.tokens.add(token)
        return token

    return issue_and_remember


def _logged(factory: Callable[P, WsgiApp]) -> Callable[P, WsgiApp]:
    @functools.wraps(factory)
    def behind_the_request_log(*args: P.args, **kwargs: P.kwargs) -> WsgiApp:
        return observe(factory(*args, **kwargs), RequestMetrics().observe)

    return behind_the_request_log


def in_process_apps_logged() -> None:
    """Make the transports' factories return their app behind the request log, as
    adapters.wsgi serves them. Call before any test module imports them."""
    import adapters.rest
    import adapters.wsgi  # binds the real factories first: create_app wraps them once
    import soap_service.app

    patch = pytest.MonkeyPatch()
    patch.setattr(adapters.rest, "create_rest_app", _logged(adapters.rest.create_rest_app))
    patch.setattr(soap_service.app, "create_soap_app", _logged(soap_service.app.create_soap_app))


def parsed(output: bytes) -> list[dict[str, object]]:
    """The JSON objects of a served process's output (every line must be one)."""
    return [json.loads(line) for line in output.decode("utf-8").splitlines() if line]
