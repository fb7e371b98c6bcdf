"""Gebruikers, for the gebruikersbeheerder: the own organisation's users with their e-mail and
rights; add a user (the set-password link is shown once), grant and revoke rights, block and
unblock, a new link. Every id is looked up within the own organisation: another's is 404."""

from __future__ import annotations

import falcon

from adapters.portaal import paden
from adapters.portaal.context import Portaal
from adapters.portaal.formulieren import GebruikerFormulier, RechtenFormulier, fout_bij
from adapters.portaal.paden import wachtwoord_link
from store import gebruikers
from store.gebruikers import GebruikerFout, GebruikerInfo, Gebruikersrecht

_GEWIJZIGD = {
    "rechten": "De rechten zijn opgeslagen.",
    "geblokkeerd": "De gebruiker is geblokkeerd: inloggen kan niet meer en open sessies zijn "
    "beëindigd.",
    "gedeblokkeerd": "De gebruiker is gedeblokkeerd.",
}


def _org(req: falcon.Request) -> int:
    organisatie_id: int = req.context.sessie.gebruiker.organisatie_id
    return organisatie_id


def _rechten(form: RechtenFormulier | GebruikerFormulier) -> list[Gebruikersrecht]:
    return [Gebruikersrecht(r) for r in form.rechten.data or []]


def gebruiker_pad(gebruiker_id: int) -> str:
    return f"{paden.GEBRUIKERS}/{gebruiker_id}"


class Gebruikers:
    naam = "portaal.gebruikers"
    recht = Gebruikersrecht.GEBRUIKERSBEHEER

    def __init__(self, portaal: Portaal) -> None:
        self._p = portaal

    def _toon(self, req: falcon.Request, resp: falcon.Response, form: GebruikerFormulier) -> None:
        lijst = gebruikers.lijst(self._p.engine, _org(req))
        self._p.weergave.toon(req, resp, "gebruikers.html", gebruikers=lijst, form=form)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._toon(req, resp, GebruikerFormulier())

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = GebruikerFormulier(req.context.formulier)
        if form.validate():
            try:
                nieuw = gebruikers.voeg_toe(
                    self._p.engine, _org(req), form.email.data or "", _rechten(form), self._p.nu()
                )
            except GebruikerFout as exc:
                fout_bij(form.email if exc.veld == "email" else form.rechten, str(exc))
            else:
                self._link(req, resp, nieuw.gebruiker, nieuw.token, nieuw=True)
                return
        self._toon(req, resp, form)

    def _link(
        self, req: falcon.Request, resp: falcon.Response, g: GebruikerInfo, token: str, nieuw: bool
    ) -> None:
        link = wachtwoord_link(self._p.settings.public_url, token)
        self._p.weergave.toon(req, resp, "gebruiker_link.html", doel=g, link=link, nieuw=nieuw)


class Gebruiker:
    """One user of the own organisation, with the forms to change it."""

    naam = "portaal.gebruiker"
    recht = Gebruikersrecht.GEBRUIKERSBEHEER

    def __init__(self, portaal: Portaal) -> None:
        self._p = portaal

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        doel = gebruikers.lees(self._p.engine, _org(req), id)
        form = RechtenFormulier(rechten=[r.value for r in doel.rechten])
        melding = _GEWIJZIGD.get(req.get_param("gewijzigd") or "")
        toon_gebruiker(self._p, req, resp, doel, form, melding)


def toon_gebruiker(
    p: Portaal,
    req: falcon.Request,
    resp: falcon.Response,
    doel: GebruikerInfo,
    form: RechtenFormulier,
    melding: str | None = None,
    fout: str | None = None,
) -> None:
    """The user's page; `fout`: why a block was refused (it concerns no field)."""
    zelf = doel.id == req.context.sessie.gebruiker.id
    v = {"doel": doel, "form": form, "melding": melding, "fout": fout, "zelf": zelf}
    p.weergave.toon(req, resp, "gebruiker.html", 200, **v)


class Rechten:
    naam = "portaal.gebruiker.rechten"
    recht = Gebruikersrecht.GEBRUIKERSBEHEER

    def __init__(self, portaal: Portaal) -> None:
        self._p = portaal

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        form = RechtenFormulier(req.context.formulier)
        if form.validate():
            try:
                gebruikers.zet_rechten(self._p.engine, _org(req), id, _rechten(form))
            except GebruikerFout as exc:
                fout_bij(form.rechten, str(exc))
            else:
                raise falcon.HTTPSeeOther(f"{gebruiker_pad(id)}?gewijzigd=rechten")
        doel = gebruikers.lees(self._p.engine, _org(req), id)
        toon_gebruiker(self._p, req, resp, doel, form)


class Blokkeren:
    """Block (or, with `geblokkeerd=False`, unblock) a user."""

    recht = Gebruikersrecht.GEBRUIKERSBEHEER

    def __init__(self, portaal: Portaal, *, geblokkeerd: bool) -> None:
        self._p = portaal
        self._geblokkeerd = geblokkeerd
        self.naam = "portaal.gebruiker." + ("blokkeren" if geblokkeerd else "deblokkeren")

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        try:
            gebruikers.blokkeer(self._p.engine, _org(req), id, geblokkeerd=self._geblokkeerd)
        except GebruikerFout as exc:
            doel = gebruikers.lees(self._p.engine, _org(req), id)
            form = RechtenFormulier(rechten=[r.value for r in doel.rechten])
            toon_gebruiker(self._p, req, resp, doel, form, fout=str(exc))
            return
        stand = "geblokkeerd" if self._geblokkeerd else "gedeblokkeerd"
        raise falcon.HTTPSeeOther(f"{gebruiker_pad(id)}?gewijzigd={stand}")


class NieuweLink:
    naam = "portaal.gebruiker.link"
    recht = Gebruikersrecht.GEBRUIKERSBEHEER

    def __init__(self, portaal: Portaal) -> None:
        self._p = portaal

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        token = gebruikers.nieuwe_link(self._p.engine, _org(req), id, self._p.nu())
        doel = gebruikers.lees(self._p.engine, _org(req), id)
        link = wachtwoord_link(self._p.settings.public_url, token)
        self._p.weergave.toon(req, resp, "gebruiker_link.html", doel=doel, link=link, nieuw=False)
