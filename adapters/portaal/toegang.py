"""Who may see a page: one Falcon middleware for every resource of the portal.

A resource declares what it needs, as class attributes:
- `naam`: its bounded name in the request log and the metrics (`portaal.registertoets`);
- `recht`: the Gebruikersrecht it needs (None: any logged-in user);
- `openbaar = True`: no login needed (Inloggen, Wachtwoord instellen).
Then, before the resource runs: the session is read from the store (rights anew on every
page); without one a protected page answers 303 to Inloggen and back afterwards; without the
right, 403; a POST without the form's CSRF token, 403 "formulier verlopen". A later page is a
resource with these attributes and nothing else to wire.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

import falcon

from adapters.portaal import csrf, formulieren, paden, upload
from adapters.portaal.context import SESSIE_COOKIE, Portaal
from adapters.requestinfo import name_operation, name_organisation
from store.auth import Caller
from store.portaalsessies import Sessie, lees_sessie
from store.rollen import Rol

_CONVERTER = re.compile(r"\{(\w+):[^}]*\}")


class GeenRecht(Exception):
    """403: the user lacks the page's right."""


def veilig_volgende(doel: str | None) -> str:
    """Where to go after login: a path of the portal on this service, else its home page
    (never another site: no scheme, no host, no `//`, no backslash; no `..`, also not as
    `%2e%2e`, which browsers resolve as one)."""
    if not doel or "\\" in doel or "%2e" in doel.lower() or any(ord(c) < 0x20 for c in doel):
        return paden.HOME
    parts = urlsplit(doel)
    plain = not parts.scheme and not parts.netloc and not doel.startswith("//")
    if plain and parts.path.startswith(paden.PREFIX + "/") and ".." not in parts.path:
        return doel
    return paden.HOME


def inlog_url(req: falcon.Request) -> str:
    terug = req.path + (f"?{req.query_string}" if req.method == "GET" and req.query_string else "")
    return f"{paden.INLOGGEN}?{urlencode({'volgende': terug})}"


def _noem(req: falcon.Request, resource: object) -> None:
    naam = getattr(resource, "naam", "portaal")
    route = _CONVERTER.sub(r"{\1}", req.uri_template or req.path)
    name_operation(req.env, f"{naam}.{req.method.lower()}", route)


def sessie_id(req: falcon.Request) -> str | None:
    values = req.get_cookie_values(SESSIE_COOKIE)
    return values[0] if values else None


class Toegang:
    """The middleware (see the module's docstring)."""

    def __init__(self, portaal: Portaal) -> None:
        self._portaal = portaal

    def _sessie(self, req: falcon.Request) -> Sessie | None:
        gevonden = sessie_id(req)
        if not gevonden:
            return None
        sessie = lees_sessie(self._portaal.engine, gevonden, self._portaal.nu())
        if sessie is not None:
            org = sessie.gebruiker
            name_organisation(
                req.env, Caller(org.organisatie_id, Rol.GEMEENTE, org.organisatie_code)
            )
        return sessie

    def _formuliertoken(self, req: falcon.Request, resp: falcon.Response) -> str:
        values = req.get_cookie_values(csrf.COOKIE)
        if values:
            return values[0]
        token = csrf.nieuw()
        self._portaal.zet_cookie(resp, csrf.COOKIE, token)
        return token

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        if req.path.startswith(paden.STATIC + "/"):  # no resource: named here
            name_operation(req.env, "portaal.static", paden.STATIC + "/{bestand}")

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: Any, req_succeeded: bool
    ) -> None:
        upload.sluit(req)  # an uploaded file's spool, once the page has used it

    def process_resource(
        self, req: falcon.Request, resp: falcon.Response, resource: Any, params: dict[str, Any]
    ) -> None:
        if resource is None:  # the stylesheet
            return
        _noem(req, resource)
        sessie = req.context.sessie = self._sessie(req)
        openbaar = getattr(resource, "openbaar", False)
        if sessie is None and not openbaar:
            raise falcon.HTTPSeeOther(inlog_url(req))
        recht = getattr(resource, "recht", None)
        if sessie is not None and recht is not None and not sessie.gebruiker.mag(recht):
            raise GeenRecht
        beschermd = sessie is not None and not openbaar
        req.context.csrf = sessie.csrf if sessie and beschermd else self._formuliertoken(req, resp)
        req.context.formulier = formulieren.lees(req)
        if req.method == "POST" and not csrf.klopt(
            req.context.csrf, req.context.formulier.getlist(csrf.VELD)
        ):
            raise csrf.FormulierVerlopen
