"""Registertoets: one BSN for a chosen wet, by form POST (never in a URL), answered as the
2021/2023 operation answers, with the advies. The same store function as SOAP and REST:
audited the same way, a bad BSN or wet included, and under the same rate limit."""

from __future__ import annotations

import falcon

from adapters.portaal.context import Portaal
from adapters.portaal.formulieren import WETTEN, RegistertoetsFormulier, fout_bij
from adapters.requestinfo import organisation_setter
from store.auth import Credentials
from store.gebruikers import Gebruikersrecht
from store.registertoets import BsnOngeldig
from store.registertoets_2023 import (
    Samenloopuitslag,
    Schakelaars,
    WetOngeldig,
    registertoets_samenloop,
)
from store.toetslimiet import TeVeelVerzoeken


class Registertoets:
    naam = "portaal.registertoets"
    recht = Gebruikersrecht.REGISTERTOETS

    def __init__(self, portaal: Portaal) -> None:
        self._p = portaal
        settings = portaal.settings
        self._schakelaars = Schakelaars(settings.jeugdwet, settings.zorginformatie)
        self._wetten = {w: naam for w, naam in WETTEN.items() if w != "jw" or settings.jeugdwet}

    def _formulier(self, req: falcon.Request | None = None) -> RegistertoetsFormulier:
        form = RegistertoetsFormulier(req.context.formulier if req else None)
        form.wet.choices = dict(self._wetten)
        return form

    def _toon(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        form: RegistertoetsFormulier,
        uitslag: Samenloopuitslag | None = None,
        status: int = 200,
        melding: str | None = None,
    ) -> None:
        self._p.weergave.toon(
            req, resp, "registertoets.html", status, form=form, uitslag=uitslag, melding=melding
        )

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._toon(req, resp, self._formulier())

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = self._formulier(req)
        if not form.validate():
            self._toon(req, resp, form)
            return
        try:
            uitslag = self._toets(req, form.bsn.data or "", form.wet.data or "")
        except BsnOngeldig as exc:
            fout_bij(form.bsn, str(exc))
        except WetOngeldig as exc:
            fout_bij(form.wet, str(exc))
        except TeVeelVerzoeken as exc:
            resp.set_header("Retry-After", str(exc.wacht))
            melding = f"Te veel registertoetsen: probeer het over {exc.wacht} seconde(n) opnieuw."
            self._toon(req, resp, form, status=429, melding=melding)
            return
        else:
            self._toon(req, resp, form, uitslag)
            return
        self._toon(req, resp, form)

    def _toets(self, req: falcon.Request, bsn: str, wet: str) -> Samenloopuitslag:
        gebruiker = req.context.sessie.gebruiker
        return registertoets_samenloop(
            self._p.engine,
            Credentials(organisatie_id=gebruiker.organisatie_id, gebruiker_id=gebruiker.id),
            bsn,
            wet,
            self._p.vandaag(),
            organisation_setter(req.env),
            limiet=self._p.settings.registertoets_limiet,
            schakelaars=self._schakelaars,
        )
