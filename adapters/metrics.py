"""Prometheus metrics (prometheus_client) and the /metrics endpoint, off by default.

Requests are counted and timed by operation and HTTP status (both bounded: the operations are
names the transports give, never a path with an id, never an organisation). The last nightly
run's duration and counts are read from the database when scraped, never per request.

Several gunicorn workers: `samenloop serve` sets PROMETHEUS_MULTIPROC_DIR to a directory of its
own before prometheus_client is imported (adapters.server); each worker then writes its values
to files there and a scrape, answered by any worker, adds up all of them.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from adapters.requestinfo import name_operation
from store.settings import Settings
from store.signaalruns import LaatsteRun, laatste_run

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

PATH = "/metrics"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LABELS = ("operation", "status")
# From a registertoets (about a millisecond) to a 60 MB aanlevering (over a minute).
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def _check_mode() -> None:
    # prometheus_client chooses its value class when imported: imported before the directory
    # was set, every worker would count for itself and a scrape would show one worker only.
    if multiprocess_dir() and not getattr(values.ValueClass, "_multiprocess", False):
        raise RuntimeError(f"prometheus_client was imported before {MULTIPROC_ENV} was set")


class RequestMetrics:
    """The request counter and latency histogram of one app (per process in multiprocess mode)."""

    def __init__(self) -> None:
        _check_mode()
        self.requests = Counter(
            "samenloop_http_requests", "Requests answered.", LABELS, registry=None
        )
        self.duration = Histogram(
            "samenloop_http_request_duration_seconds",
            "Time from receiving a request to its answer being sent.",
            LABELS,
            buckets=BUCKETS,
            registry=None,
        )
        self._children: dict[tuple[str, int], tuple[Counter, Histogram]] = {}

    def _labelled(self, key: tuple[str, int]) -> tuple[Counter, Histogram]:
        labels = (key[0], str(key[1]))
        pair = (self.requests.labels(*labels), self.duration.labels(*labels))
        return self._children.setdefault(key, pair)

    def observe(self, operation: str, status: int, seconds: float) -> None:
        key = (operation, status)
        counter, histogram = self._children.get(key) or self._labelled(key)
        counter.inc()
        histogram.observe(seconds)


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _run_metrics(run: LaatsteRun) -> Iterable[GaugeMetricFamily]:
    prefix = "samenloop_signalen_run_"
    yield _gauge(prefix + "duration_seconds", "Last nightly run: duration.", run.duur_ms / 1000)
    yield _gauge(prefix + "signals", "Last nightly run: signals made.", run.signalen)
    yield _gauge(prefix + "files", "Last nightly run: signal files published.", run.bestanden)
    yield _gauge(
        prefix + "removed_subscriptions",
        "Last nightly run: ended subscriptions removed.",
        run.verwijderd,
    )
    yield _gauge(
        prefix + "completed_timestamp_seconds",
        "Last nightly run: when it completed (Unix time).",
        run.voltooid_op.timestamp(),
    )


class RunCollector(Collector):
    """The last nightly run and whether the database answered, read at scrape time."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def describe(self) -> Iterable[Any]:
        return []  # registering it must not query the database

    def collect(self) -> Iterable[Any]:
        try:
            run = laatste_run(self._engine)
        except (DBAPIError, PoolTimeout):
            yield _gauge("samenloop_database_up", "The database answered this scrape.", 0)
            return
        yield _gauge("samenloop_database_up", "The database answered this scrape.", 1)
        if run is not None:
            yield from _run_metrics(run)


def exposition(metrics: RequestMetrics, engine: Engine) -> CollectorRegistry:
    """What a scrape shows: every worker's request metrics and the database's figures."""
    registry = CollectorRegistry()
    if multiprocess_dir() is not None:
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(metrics.requests)
        registry.register(metrics.duration)
    registry.register(RunCollector(engine))
    return registry


def enabled(settings: Settings) -> bool:
    return bool(settings.metrics_token or settings.metrics_from)


def _from_allowed(environ: Environ, settings: Settings) -> bool:
    if not settings.metrics_from:
        return True
    try:
        address = ipaddress.ip_address(str(environ.get("REMOTE_ADDR", "")))
    except ValueError:
        return False
    return any(address in network for network in settings.metrics_from)


def _token_ok(environ: Environ, settings: Settings) -> bool:
    if not settings.metrics_token:
        return True
    scheme, _, value = str(environ.get("HTTP_AUTHORIZATION", "")).strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.strip().encode(), settings.metrics_token.encode())


def _send(start: StartResponse, status: str, body: bytes, *extra: tuple[str, str]) -> list[bytes]:
    headers = [("Content-Length", str(len(body))), ("Cache-Control", "no-store"), *extra]
    start(status, headers)
    return [body]


def _scrape(
    registry: CollectorRegistry, settings: Settings, environ: Environ, start: StartResponse
) -> list[bytes]:
    if not _token_ok(environ, settings):
        challenge = ("WWW-Authenticate", 'Bearer realm="metrics"')
        return _send(start, "401 Unauthorized", b"", challenge)
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return _send(start, "405 Method Not Allowed", b"", ("Allow", "GET, HEAD"))
    return _send(start, "200 OK", generate_latest(registry), ("Content-Type", CONTENT_TYPE_LATEST))


def metrics_app(settings: Settings, registry: CollectorRegistry, fallback: WsgiApp) -> WsgiApp:
    """GET /metrics. Off unless SAMENLOOP_METRICS_TOKEN or SAMENLOOP_METRICS_FROM is set; from
    an address outside SAMENLOOP_METRICS_FROM it does not exist (fallback's 404), and with a
    token set, a scrape without it gets 401."""
    if not enabled(settings):
        return fallback

    def app(environ: Environ, start: StartResponse) -> Iterable[bytes]:
        if not _from_allowed(environ, settings):
            return fallback(environ, start)
        name_operation(environ, "metrics", PATH)
        return _scrape(registry, settings, environ, start)

    return app
