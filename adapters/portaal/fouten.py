"""The portal's error pages: one Falcon error handler, a Dutch page for every refusal, and
never a stack trace. Unexpected errors are logged by type and code location only (a message
could carry a BSN)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable
from typing import Any

import falcon
from sqlalchemy import exc as sa_exc

from adapters.portaal.csrf import FormulierVerlopen
from adapters.portaal.kopregels import ALTIJD, GEEN_OPSLAG, HTML
from adapters.portaal.toegang import GeenRecht
from adapters.portaal.weergave import Weergave
from store.db import DatabaseUnavailable
from store.gebruikers import NietGevonden

_log = logging.getLogger("samenloop.portaal")

_DB = (
    DatabaseUnavailable,
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
)

# status -> (title, explanation)
PAGINAS: dict[int, tuple[str, str]] = {
    400: ("Ongeldig verzoek", "Het verzoek kan niet worden verwerkt."),
    403: ("Geen toegang", "U heeft geen recht op deze pagina. Vraag uw gebruikersbeheerder."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet, of u heeft er geen toegang toe."),
    405: ("Niet toegestaan", "Deze pagina kan zo niet worden gebruikt."),
    413: ("Te groot", "Wat u verstuurde is groter dan de dienst aanneemt."),
    500: ("Er ging iets mis", "Er ging iets mis in de dienst. De fout is vastgelegd."),
    503: ("Even niet beschikbaar", "De dienst kan zijn database niet bereiken. Probeer het zo."),
}
VERLOPEN = (
    "Formulier verlopen",
    "Het formulier is verlopen of kwam niet van deze dienst. Er is niets gewijzigd. Open de "
    "pagina opnieuw en verstuur het formulier nog eens.",
)


def _chain(exc: BaseException | None) -> Iterable[str]:
    while exc is not None:
        yield type(exc).__qualname__
        exc = exc.__cause__ or exc.__context__


def _log_onverwacht(exc: Exception) -> None:
    frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    _log.error("onverwachte fout (%s); melding weggelaten\n%s", " <- ".join(_chain(exc)), frames)


def _pagina(exc: Exception) -> tuple[int, tuple[str, str]]:
    if isinstance(exc, FormulierVerlopen):
        return 403, VERLOPEN
    if isinstance(exc, GeenRecht):
        return 403, PAGINAS[403]
    if isinstance(exc, NietGevonden):
        return 404, PAGINAS[404]
    if isinstance(exc, _DB):
        return 503, PAGINAS[503]
    if isinstance(exc, falcon.HTTPError):
        status = int(exc.status_code)
        return status, PAGINAS.get(status, PAGINAS[400])
    _log_onverwacht(exc)
    return 500, PAGINAS[500]


class Foutpaginas:
    def __init__(self, weergave: Weergave) -> None:
        self._weergave = weergave

    def __call__(
        self, req: falcon.Request, resp: falcon.Response, exc: Exception, params: dict[str, Any]
    ) -> None:
        status, (titel, uitleg) = _pagina(exc)
        if isinstance(exc, falcon.HTTPMethodNotAllowed) and exc.headers:
            resp.set_headers(exc.headers)
        self._weergave.toon(req, resp, "fout.html", status, titel=titel, uitleg=uitleg)


_TE_GROOT = (
    b'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Te groot - '
    b'Samenloop</title><link rel="stylesheet" href="/portaal/static/portaal.css"></head>'
    b'<body><main id="inhoud"><h1>Te groot</h1><p>Wat u verstuurde is groter dan de dienst '
    b'aanneemt. Er is niets gewijzigd.</p><p><a href="/portaal/">Naar de startpagina</a></p>'
    b"</main></body></html>"
)


def te_groot(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """The answer of adapters.bodylimit for a body over the maximum (before Falcon)."""
    headers = [("Content-Type", HTML), ("Content-Length", str(len(_TE_GROOT)))]
    start_response("413 Content Too Large", [*headers, *ALTIJD, GEEN_OPSLAG])
    return [_TE_GROOT]
