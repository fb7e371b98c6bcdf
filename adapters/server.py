"""gunicorn, started from `samenloop serve` with the WSGI app of adapters.wsgi."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from adapters.wsgi import WsgiApp, create_app
from store.settings import Settings


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WsgiApp:
        return create_app(self._settings)


def run(settings: Settings, *, host: str, port: int, workers: int) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": 300,  # an aanlevering of 60 MB takes over a minute on a sync worker
        "graceful_timeout": 10,
        "accesslog": None,  # the service logs its own lines, without BSNs or tokens
        "proc_name": "samenloop",
    }
    _Server(settings, options).run()
