"""The REST JSON adapter as one WSGI app: /api/v1/... and /health (interfaces.md section 2)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import falcon
from falcon.routing import CompiledRouter
from sqlalchemy import Engine

from adapters.rest import problems
from adapters.rest.aanleveringen import (
    AanleveringenResource,
    AanleveringResource,
    VerslagResource,
)
from adapters.rest.context import Context
from adapters.rest.headers import COMMON
from adapters.rest.limits import limited
from adapters.rest.naming import named
from adapters.rest.openapi import BASE_PATH, OpenApiResource
from adapters.rest.rapporten import AantalSignalenResource, AbonnementenResource
from adapters.rest.resources import AdviesRegelsResource, HealthResource, RegistertoetsResource
from adapters.rest.signalen import BestandenResource, BestandResource, SignalenResource
from adapters.rest.zorgleveringen import PADEN, ZorgleveringenResource
from store.datums import vandaag
from store.settings import Settings
from store.zorgfeed import Feed

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
FalconApp = falcon.App[falcon.Request, falcon.Response]


Today = Callable[[], date]

# An id in a path is a database number (never a BSN); out of range it names nothing: 404.
AANLEVERING = BASE_PATH + "/aanleveringen/{id:int(min=1, max=2147483647)}"


def routes(settings: Settings, engine: Engine, today: Today = vandaag) -> dict[str, object]:
    """Every route of the app: the test that holds the OpenAPI document to the code reads this."""
    ctx = Context(engine, settings, today)
    return {
        BASE_PATH + "/registertoets": RegistertoetsResource(ctx),
        BASE_PATH + "/advies-regels": AdviesRegelsResource(),
        BASE_PATH + "/aanleveringen": AanleveringenResource(ctx),
        AANLEVERING: AanleveringResource(ctx),
        AANLEVERING + "/verslag": VerslagResource(ctx),
        BASE_PATH + "/abonnementen": AbonnementenResource(ctx),
        BASE_PATH + "/signalen": SignalenResource(ctx),
        BASE_PATH + "/signalen/bestanden": BestandenResource(ctx),
        BASE_PATH + "/signalen/bestanden/{datum}": BestandResource(ctx),
        BASE_PATH + "/rapporten/aantal-signalen": AantalSignalenResource(ctx),
        BASE_PATH + PADEN[Feed.ZORGKANTOOR]: ZorgleveringenResource(ctx, Feed.ZORGKANTOOR),
        BASE_PATH + PADEN[Feed.ZORGAANBIEDER]: ZorgleveringenResource(ctx, Feed.ZORGAANBIEDER),
        BASE_PATH + "/openapi.json": OpenApiResource(settings),
        "/health": HealthResource(engine),
    }


def create_falcon_app(table: dict[str, object], router: CompiledRouter) -> FalconApp:
    app = falcon.App(router=router)
    for template, resource in table.items():
        app.add_route(template, resource)
    app.add_error_handler(Exception, problems.handle)
    app.add_error_handler(falcon.HTTPError, problems.handle)
    return app


def _edge(app: WsgiApp) -> WsgiApp:
    """Add the common headers to every answer, Falcon's own included; answer a problem for
    what fails before Falcon's error handlers apply (building the request); close the body
    buffer that adapters.bodylimit spooled (Falcon has read it by the time it answers)."""

    def wrapped(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = False

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal started
            started = True
            headers.extend(COMMON)
            return start_response(status, headers, exc_info)

        try:
            return app(environ, start)
        except Exception as exc:
            exc_info = sys.exc_info() if started else None  # PEP 3333: only once headers went
            return problems.wsgi_answer(problems.problem_for(exc), start, (), exc_info)
        finally:
            environ["wsgi.input"].close()

    return wrapped


def create_rest_app(settings: Settings, engine: Engine, today: Today = vandaag) -> WsgiApp:
    """The Falcon app behind the body-size limits (413 problem+json above the route's maximum).

    `today` is the date an aanlevering is processed on and the registertoets's peildatum
    (Europe/Amsterdam; tests fix it).
    """
    table = routes(settings, engine, today)
    router = CompiledRouter()  # shared with adapters.rest.naming, which names each request
    app = create_falcon_app(table, router)
    return named(limited(_edge(app), settings), router, table.items())
