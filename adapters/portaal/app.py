"""The portal as one WSGI app under /portaal/ (mounted by adapters.wsgi): Falcon routes, one
middleware for sessions, rights and CSRF (adapters.portaal.toegang), one for the headers, one
error handler for every page, the stylesheet as package data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import falcon
from sqlalchemy import Engine

from adapters.bodylimit import limit_body
from adapters.portaal import paden, upload
from adapters.portaal.context import SESSIE_COOKIE, Portaal
from adapters.portaal.fouten import Foutpaginas, te_groot
from adapters.portaal.kopregels import ALTIJD, GEEN_OPSLAG, HSTS, STATISCH
from adapters.portaal.pagina_aanleveren import AANLEVERING, Aanleveren, Aanlevering, VerslagTekst
from adapters.portaal.pagina_gebruikers import Blokkeren, Gebruiker, Gebruikers, NieuweLink, Rechten
from adapters.portaal.pagina_home import Home, ZonderSlash
from adapters.portaal.pagina_instellingen import Instellingen, Mail, Versie
from adapters.portaal.pagina_ophalen import OPHALEN_DAG, SIGNAAL, Bestand, Dag, Ophalen, Signaal
from adapters.portaal.pagina_rapporten import AantalSignalen, Abonnementen, Rapporten
from adapters.portaal.pagina_registertoets import Registertoets
from adapters.portaal.pagina_toegang import Inloggen, Uitloggen, Wachtwoord
from adapters.portaal.toegang import Toegang
from adapters.portaal.weergave import Weergave
from store.settings import Settings

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

STATIC_DIR = Path(__file__).with_name("static")
GEBRUIKER = paden.GEBRUIKERS + "/{id:int(min=1, max=2147483647)}"


def routes(p: Portaal) -> dict[str, object]:
    """Every page. A page of a later round is one more line here (and one in menu.MENU)."""
    return {
        paden.PREFIX: ZonderSlash(),
        paden.HOME: Home(p),
        paden.INLOGGEN: Inloggen(p),
        paden.UITLOGGEN: Uitloggen(p),
        paden.WACHTWOORD: Wachtwoord(p),
        paden.REGISTERTOETS: Registertoets(p),
        paden.AANLEVEREN: Aanleveren(p),
        AANLEVERING: Aanlevering(p),
        AANLEVERING + "/verslag": VerslagTekst(p),
        paden.OPHALEN: Ophalen(p),
        OPHALEN_DAG: Dag(p),
        OPHALEN_DAG + "/bestand": Bestand(p),
        SIGNAAL: Signaal(p),
        paden.RAPPORTEN: Rapporten(p),
        paden.RAPPORTEN + "/abonnementen": Abonnementen(p),
        paden.RAPPORTEN + "/aantal-signalen": AantalSignalen(p),
        paden.INSTELLINGEN: Instellingen(p),
        paden.INSTELLINGEN + "/mail": Mail(p),
        paden.INSTELLINGEN + "/signaalversie": Versie(p),
        paden.GEBRUIKERS: Gebruikers(p),
        GEBRUIKER: Gebruiker(p),
        GEBRUIKER + "/rechten": Rechten(p),
        GEBRUIKER + "/blokkeren": Blokkeren(p, geblokkeerd=True),
        GEBRUIKER + "/deblokkeren": Blokkeren(p, geblokkeerd=False),
        GEBRUIKER + "/link": NieuweLink(p),
    }


class Kopregels:
    """The security headers on every answer, error pages and redirects included."""

    def __init__(self, https: bool) -> None:
        self._vast = [*ALTIJD, HSTS] if https else list(ALTIJD)

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: Any, req_succeeded: bool
    ) -> None:
        resp.set_headers(self._vast)
        statisch = req.path.startswith(paden.STATIC + "/") and resp.status == falcon.HTTP_200
        resp.set_header(*(STATISCH if statisch else GEEN_OPSLAG))


def create_portaal_app(
    settings: Settings,
    engine: Engine,
    *,
    nu: Callable[[], datetime] | None = None,
    vandaag: Callable[[], date] | None = None,
) -> WsgiApp:
    """The portal on this engine. `nu` (UTC) and `vandaag` (Europe/Amsterdam) are the clocks
    of sessions, links and the registertoets; the tests set them."""
    weergave = Weergave()
    p = Portaal(engine, settings, weergave)
    p = replace(p, nu=nu) if nu is not None else p
    p = replace(p, vandaag=vandaag) if vandaag is not None else p
    middleware: list[Any] = [Kopregels(p.https), Toegang(p)]
    app = falcon.App(middleware=middleware)
    for template, resource in routes(p).items():
        app.add_route(template, resource)
    app.add_static_route(paden.STATIC, str(STATIC_DIR))
    app.add_error_handler(Exception, Foutpaginas(weergave))
    app.add_error_handler(falcon.HTTPError, Foutpaginas(weergave))
    return limit_body(app, _limiet(settings), te_groot)


def _limiet(settings: Settings) -> Callable[[dict[str, Any]], int]:
    """SAMENLOOP_MAX_BODY for every form; the aanlevering's own limit (the API's) for its upload,
    and only from a browser with a session cookie (checked properly after the body is read)."""

    def limiet(environ: dict[str, Any]) -> int:
        upload = environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") == (
            paden.AANLEVEREN
        )
        if upload and SESSIE_COOKIE in str(environ.get("HTTP_COOKIE", "")):
            return max(upload_limiet(), settings.max_body)
        return settings.max_body

    return limiet


def upload_limiet() -> int:
    return upload.LIMIET
