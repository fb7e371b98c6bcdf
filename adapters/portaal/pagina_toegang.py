"""Inloggen, Uitloggen and Wachtwoord instellen: the pages around a session."""

from __future__ import annotations

from typing import Any

import falcon

from adapters.portaal import paden
from adapters.portaal.context import SESSIE_COOKIE, Portaal
from adapters.portaal.formulieren import InloggenFormulier, WachtwoordFormulier, fout_bij
from adapters.portaal.toegang import sessie_id, veilig_volgende
from store import portaalsessies, wachtwoordlinks
from store.wachtwoorden import MINIMUM

_MELDINGEN = {
    "uitgelogd": "U bent uitgelogd.",
    "wachtwoord": "Uw wachtwoord is ingesteld. Log in met uw e-mailadres en het nieuwe wachtwoord.",
}


class Inloggen:
    naam = "portaal.inloggen"
    openbaar = True

    def __init__(self, portaal: Portaal) -> None:
        self._p = portaal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        volgende = veilig_volgende(req.get_param("volgende"))
        if req.context.sessie is not None:
            raise falcon.HTTPSeeOther(volgende)
        form = InloggenFormulier(volgende=volgende)
        melding = _MELDINGEN.get(req.get_param("melding") or "")
        self._p.weergave.toon(req, resp, "inloggen.html", form=form, melding=melding)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = InloggenFormulier(req.context.formulier)
        if form.validate():
            email, wachtwoord = form.email.data or "", form.wachtwoord.data or ""
            try:
                nieuw = portaalsessies.inloggen(
                    self._p.engine, email, wachtwoord, self._p.nu(), sessie_id(req)
                )
            except portaalsessies.InloggenMislukt as exc:
                fout_bij(form.wachtwoord, str(exc))
            else:
                self._p.zet_cookie(resp, SESSIE_COOKIE, nieuw.id)
                raise falcon.HTTPSeeOther(veilig_volgende(form.volgende.data))
        form.wachtwoord.data = ""
        self._p.weergave.toon(req, resp, "inloggen.html", form=form, melding=None)


class Uitloggen:
    """POST only (a form button): the session ends in the store, the cookie goes."""

    naam = "portaal.uitloggen"
    recht = None

    def __init__(self, portaal: Portaal) -> None:
        self._p = portaal

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        gevonden = sessie_id(req)
        if gevonden:
            portaalsessies.uitloggen(self._p.engine, gevonden)
        self._p.wis_cookie(resp, SESSIE_COOKIE)
        raise falcon.HTTPSeeOther(f"{paden.INLOGGEN}?melding=uitgelogd")


class Wachtwoord:
    """The page the one-time link opens: GET shows the form (or why the link cannot be used),
    POST sets the password and uses the link up."""

    naam = "portaal.wachtwoord"
    openbaar = True

    def __init__(self, portaal: Portaal) -> None:
        self._p = portaal

    def _toon(self, req: falcon.Request, resp: falcon.Response, **v: Any) -> None:
        self._p.weergave.toon(req, resp, "wachtwoord.html", minimum=MINIMUM, **v)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        token = req.get_param("token") or ""
        try:
            email = wachtwoordlinks.controleer(self._p.engine, token, self._p.nu())
        except wachtwoordlinks.LinkFout as exc:
            self._toon(req, resp, form=None, email=None, linkfout=str(exc))
            return
        form = WachtwoordFormulier(token=token)
        self._toon(req, resp, form=form, email=email, linkfout=None)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = WachtwoordFormulier(req.context.formulier)
        token = form.token.data or ""
        try:
            email = wachtwoordlinks.controleer(self._p.engine, token, self._p.nu())
            if form.validate():
                nieuw = form.wachtwoord.data or ""
                wachtwoordlinks.stel_in(self._p.engine, token, nieuw, self._p.nu())
                raise falcon.HTTPSeeOther(f"{paden.INLOGGEN}?melding=wachtwoord")
        except wachtwoordlinks.LinkFout as exc:
            self._toon(req, resp, form=None, email=None, linkfout=str(exc))
            return
        except wachtwoordlinks.WachtwoordFout as exc:
            fout_bij(form.wachtwoord, str(exc))
        form.wachtwoord.data = form.herhaling.data = ""
        self._toon(req, resp, form=form, email=email, linkfout=None)
