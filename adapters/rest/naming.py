"""The request log's and the metrics' name for each REST request (adapters.requestinfo).

Names are bounded: one per route, with the method only where a route has more than one
(`rest.aanleveringen.get`, `rest.aanleveringen.post`). The path logged is the route template
without its field converters (`/api/v1/aanleveringen/{id}`), never the path with its ids.
Named before the body limits and Falcon, so that a 401 or 413 answered there is named too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from falcon.constants import COMBINED_METHODS
from falcon.routing import CompiledRouter

from adapters.bodylimit import Environ, StartResponse, WsgiApp
from adapters.requestinfo import name_operation
from adapters.rest.openapi import BASE_PATH

OPERATIONS = {
    BASE_PATH + "/registertoets": "rest.registertoets",
    BASE_PATH + "/advies-regels": "rest.advies-regels",
    BASE_PATH + "/aanleveringen": "rest.aanleveringen",
    BASE_PATH + "/aanleveringen/{id}": "rest.aanlevering",
    BASE_PATH + "/aanleveringen/{id}/verslag": "rest.aanlevering.verslag",
    BASE_PATH + "/abonnementen": "rest.abonnementen",
    BASE_PATH + "/signalen": "rest.signalen",
    BASE_PATH + "/signalen/bestanden": "rest.signalen.bestanden",
    BASE_PATH + "/signalen/bestanden/{datum}": "rest.signalen.bestand",
    BASE_PATH + "/rapporten/aantal-signalen": "rest.rapporten.aantal-signalen",
    BASE_PATH + "/zorgkantoor-leveringen": "rest.zorgkantoor-leveringen",
    BASE_PATH + "/zorgaanbieder-leveringen": "rest.zorgaanbieder-leveringen",
    BASE_PATH + "/openapi.json": "rest.openapi",
    "/health": "health",
}

_CONVERTER = re.compile(r"\{(\w+):[^}]*\}")


def shown(template: str) -> str:
    """The template as logged: `{id:int(min=1)}` becomes `{id}`."""
    return _CONVERTER.sub(r"{\1}", template)


def _derived(template: str) -> str:
    # A route added without a name above still gets a bounded one.
    parts = shown(template).removeprefix(BASE_PATH).strip("/").split("/")
    return "rest." + ".".join(p.strip("{}") for p in parts if p)


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    by_method: Mapping[str, str]

    def operation(self, method: str) -> str:
        return self.by_method.get(method, self.name)


def route(template: str, resource: object) -> Route:
    path = shown(template)
    name = OPERATIONS.get(path) or _derived(template)
    methods = [m for m in COMBINED_METHODS if hasattr(resource, "on_" + m.lower())]
    by_method = {m: f"{name}.{m.lower()}" for m in methods} if len(methods) > 1 else {}
    return Route(name, path, by_method)


def named(app: WsgiApp, router: CompiledRouter, routes: Iterable[tuple[str, object]]) -> WsgiApp:
    """Wrap app: name each request by the route the router finds for its path."""
    table = {template: route(template, resource) for template, resource in routes}

    def wrapped(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        found = router.find(str(environ.get("PATH_INFO", "")))
        if found is not None and found[3] in table:
            r = table[found[3]]
            name_operation(environ, r.operation(str(environ.get("REQUEST_METHOD"))), r.path)
        return app(environ, start_response)

    return wrapped
