"""gunicorn, started from `samenloop serve` with the WSGI app of adapters.wsgi.

Logging: every line on stderr is JSON (JsonLogger; gunicorn's access log stays off, the
service logs its own request lines without BSNs or tokens). Metrics: the workers share a
PROMETHEUS_MULTIPROC_DIR that this process makes and removes. prometheus_client decides at
import whether it runs in multiprocess mode, so nothing that imports it (adapters.wsgi) is
imported here before that directory is set: the app is loaded in each worker.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from adapters import jsonlog
from store.settings import Settings

if TYPE_CHECKING:
    from adapters.wsgi import WsgiApp

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class JsonLogger(Logger):  # type: ignore[misc]
    """gunicorn's own lines as JSON on stderr, through the service's logging set-up; no
    access log (adapters.requestlog writes the request lines)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        jsonlog.configure()
        for log in (self.error_log, self.access_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
        self.error_log.propagate = True  # to the JSON handler on the root logger

    def access(self, *args: Any, **kwargs: Any) -> None:
        return None


def child_exit(_server: Any, worker: Any) -> None:
    """gunicorn hook: a dead worker's live gauges leave the metrics (prometheus_client docs)."""
    from prometheus_client import multiprocess  # noqa: PLC0415 - after the directory is set

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WsgiApp:
        from adapters.wsgi import create_app  # noqa: PLC0415 - see the module's docstring

        return create_app(self._settings)


def _options(host: str, port: int, workers: int) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": 300,  # an aanlevering of 60 MB takes over a minute on a sync worker
        "graceful_timeout": 10,
        "accesslog": None,  # the service logs its own lines, without BSNs or tokens
        "logger_class": JsonLogger,
        "child_exit": child_exit,
        "proc_name": "samenloop",
    }


def run(settings: Settings, *, host: str, port: int, workers: int) -> None:
    directory = tempfile.mkdtemp(prefix="samenloop-metrics-")
    os.environ[MULTIPROC_ENV] = directory
    owner = os.getpid()
    try:
        _Server(settings, _options(host, port, workers)).run()
    finally:
        # A worker leaves gunicorn by SystemExit through this frame too: only the master,
        # once it stops, removes the directory.
        if os.getpid() == owner:
            shutil.rmtree(directory, ignore_errors=True)
