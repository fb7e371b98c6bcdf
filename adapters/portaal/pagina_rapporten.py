"""Rapporten: "Wmo abonnementen" / "Jw abonnementen" (the current population of a wet) and
"Aantal Wlz signalen" over a period (van, tot), each a CSV download in bestanden.md's format:
the same store functions and writers as the REST reports (store.populatie.abonnementen,
store.signaalinzage.tellingen). A bad period is a message next to its field, nothing sent."""

from __future__ import annotations

from datetime import date

import falcon
from sqlalchemy.orm import Session
from wtforms import Field

from adapters import downloads
from adapters.files.rapporten import abonnementen_csv
from adapters.files.signaalbestanden import schrijf_tellingen
from adapters.portaal.context import Portaal
from adapters.portaal.formulieren import AantalSignalenFormulier, fout_bij, lees_query
from store import signaalinzage, wetten
from store.datums import DatumFout, format_datum, parse_datum
from store.gebruikers import Gebruikersrecht
from store.populatie import abonnementen
from store.rollen import Wet


class _Basis:
    recht = Gebruikersrecht.RAPPORTEN

    def __init__(self, portaal: Portaal) -> None:
        self._p = portaal
        self._wetten = wetten.actief(portaal.settings)

    def _formulier(self, req: falcon.Request | None = None) -> AantalSignalenFormulier:
        form = AantalSignalenFormulier(lees_query(req) if req else None)
        if req is None:
            vandaag = self._p.vandaag()
            form.van.data = format_datum(vandaag.replace(day=1))
            form.tot.data = format_datum(vandaag)
        form.wet.choices = {w.value: wetten.NAAM[w] for w in self._wetten}
        return form

    def _toon(
        self, req: falcon.Request, resp: falcon.Response, form: AantalSignalenFormulier
    ) -> None:
        keuzes = [(w.value, f"{'Jw' if w is Wet.JW else 'Wmo'} abonnementen") for w in self._wetten]
        self._p.weergave.toon(req, resp, "rapporten.html", form=form, abonnementen=keuzes)


class Rapporten(_Basis):
    naam = "portaal.rapporten"

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._toon(req, resp, self._formulier())


class Abonnementen(_Basis):
    """GET /portaal/rapporten/abonnementen?wet=W: the current population of the wet."""

    naam = "portaal.rapporten.abonnementen"

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        try:
            wet = wetten.kies(req.get_param("wet") or "", self._p.settings.jeugdwet)
        except wetten.WetGeweigerd:
            raise falcon.HTTPNotFound from None
        code = req.context.sessie.gebruiker.organisatie_code
        peildatum = self._p.vandaag()
        with Session(self._p.engine) as session:
            regels = abonnementen(session, code, wet, peildatum)
            buffer, _ = downloads.spool(lambda out: out.writelines(abonnementen_csv(regels)))
        naam = f"abonnementen-{code}-{wet}-{peildatum:%Y%m%d}.csv"
        downloads.send_file(resp, buffer, downloads.CSV, naam)


def _datum(veld: Field) -> date | None:
    """The field's date, or None with the store's reason next to the field."""
    try:
        return parse_datum(veld.data or "")
    except DatumFout as exc:
        fout_bij(veld, str(exc))
        return None


class AantalSignalen(_Basis):
    """GET /portaal/rapporten/aantal-signalen?wet=W&van=D&tot=D: signals per gemeentecode and
    day; a bad period shows the Rapporten page with the message next to the field."""

    naam = "portaal.rapporten.aantal-signalen"

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = self._formulier(req)
        if form.validate():
            van, tot = _datum(form.van), _datum(form.tot)
            if van is not None and tot is not None and van > tot:
                fout_bij(form.van, "Van ligt na tot en met; van en tot tellen allebei mee.")
            elif van is not None and tot is not None:
                self._stuur(req, resp, Wet(form.wet.data), van, tot)
                return
        self._toon(req, resp, form)

    def _stuur(
        self, req: falcon.Request, resp: falcon.Response, wet: Wet, van: date, tot: date
    ) -> None:
        g = req.context.sessie.gebruiker
        with self._p.engine.connect() as conn:
            rows = signaalinzage.tellingen(conn, g.organisatie_id, wet, van, tot)
        buffer, _ = downloads.spool(lambda out: schrijf_tellingen(rows, out))
        naam = f"aantal-wlz-signalen-{g.organisatie_code}-{wet}-{van:%Y%m%d}-{tot:%Y%m%d}.csv"
        downloads.send_file(resp, buffer, downloads.CSV, naam)
