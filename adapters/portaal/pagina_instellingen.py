"""Instellingen: the productbeheerder's mail address for the service's mails, and the version of
the gemeente's Wmo signal files (1 or 2; Jeugdwet files are always 2), with the number of new
signals a switch to version 2 gives on the next run, computed as `samenloop org set
--signaalversie` computes it (store.signalen.zorgwissel / kies_versie), for the same date:
today."""

from __future__ import annotations

import re

import falcon
from sqlalchemy.orm import Session

from adapters.portaal import paden
from adapters.portaal.context import Portaal
from adapters.portaal.formulieren import MailFormulier, VersieFormulier, fout_bij
from store import organisaties, signalen
from store.gebruikers import Gebruikersrecht
from store.organisaties import OrganisatieFout, OrganisatieInfo
from store.rollen import Rol
from store.signaalversie import ZORG

_AANTAL = re.compile(r"[0-9]{1,9}")


class _Basis:
    recht = Gebruikersrecht.INSTELLINGEN

    def __init__(self, portaal: Portaal) -> None:
        self._p = portaal

    def _info(self, req: falcon.Request) -> OrganisatieInfo:
        code = req.context.sessie.gebruiker.organisatie_code
        with Session(self._p.engine) as session:
            info = organisaties.describe(session, Rol.GEMEENTE, code)
        if info is None:
            raise falcon.HTTPNotFound
        return info

    def _toon(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        *,
        mail: MailFormulier | None = None,
        versie: VersieFormulier | None = None,
        melding: str | None = None,
    ) -> None:
        info = self._info(req)
        mail = mail or MailFormulier(mail=info.mail or "")
        versie = versie or VersieFormulier(versie=str(info.signaalversie))
        nieuw = None
        if info.signaalversie != ZORG:
            with self._p.engine.connect() as conn:
                aan = self._p.settings.zorginformatie
                nieuw = signalen.zorgwissel(conn, info.id, self._p.vandaag(), aan)
        self._p.weergave.toon(
            req,
            resp,
            "instellingen.html",
            info=info,
            mailform=mail,
            versieform=versie,
            nieuw=nieuw,
            melding=melding,
        )


def _melding(req: falcon.Request) -> str | None:
    gewijzigd = req.get_param("gewijzigd")
    if gewijzigd == "mail":
        return "Het e-mailadres voor meldingen is opgeslagen."
    if gewijzigd == "versie1":
        return "Vanaf de volgende run zijn de Wmo-signaalbestanden versie 1."
    nieuw = req.get_param("nieuw") or ""
    if gewijzigd == "versie2" and _AANTAL.fullmatch(nieuw):
        aantal = f"{int(nieuw):,}".replace(",", ".")
        return (
            "Vanaf de volgende run zijn de Wmo-signaalbestanden versie 2. Die run geeft door de "
            f"overstap {aantal} nieuwe signalen."
        )
    return None


class Instellingen(_Basis):
    naam = "portaal.instellingen"

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._toon(req, resp, melding=_melding(req))


class Mail(_Basis):
    """POST /portaal/instellingen/mail: the store checks the address (organisaties.set_gemeente,
    as `samenloop org set --mail`)."""

    naam = "portaal.instellingen.mail"

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = MailFormulier(req.context.formulier)
        if form.validate():
            code = req.context.sessie.gebruiker.organisatie_code
            try:
                with Session(self._p.engine) as session, session.begin():
                    organisaties.set_gemeente(
                        session, code, mail=form.mail.data or "", peildatum=self._p.vandaag()
                    )
            except OrganisatieFout as exc:
                fout_bij(form.mail, str(exc))
            else:
                raise falcon.HTTPSeeOther(f"{paden.INSTELLINGEN}?gewijzigd=mail")
        self._toon(req, resp, mail=form)


class Versie(_Basis):
    """POST /portaal/instellingen/signaalversie: switch, as `samenloop org set --signaalversie`
    does (store.signalen.kies_versie), from the next run on."""

    naam = "portaal.instellingen.signaalversie"

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = VersieFormulier(req.context.formulier)
        if not form.validate():
            self._toon(req, resp, versie=form)
            return
        versie = int(form.versie.data or 1)
        code = req.context.sessie.gebruiker.organisatie_code
        aan = self._p.settings.zorginformatie
        with self._p.engine.begin() as conn:
            nieuw = signalen.kies_versie(conn, code, versie, self._p.vandaag(), zorginformatie=aan)
        doel = f"{paden.INSTELLINGEN}?gewijzigd=versie{versie}"
        raise falcon.HTTPSeeOther(doel + (f"&nieuw={nieuw}" if versie == ZORG else ""))
