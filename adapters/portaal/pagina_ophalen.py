"""Ophalen: per wet (Wmo first) the days with a signal file, newest first, with their counts;
a day's file as a download (the bytes of the REST and CLI download, in the version the file was
made in); a day's signals and one signal's "why". The same store functions as REST
(store.signaalinzage). A signal is named by its id, never by its BSN, and looked up within the
own gemeente: another's id, wet or day answers 404."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import falcon
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from adapters import downloads
from adapters.files.signaalbestanden import bestandsnaam
from adapters.portaal import paden
from adapters.portaal.context import Portaal
from store import signaalinzage, wetten
from store.gebruikers import Gebruikersrecht
from store.organisaties import describe
from store.rollen import Rol, Wet

DAGEN_PER_PAGINA = 31
SIGNALEN_PER_PAGINA = 100
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID = re.compile(r"[0-9]{1,18}")


def _dag(waarde: str | None) -> date | None:
    """A day of a URL (ISO, ASCII digits only); None when there is none or it is no date."""
    if not waarde or not _ISO.fullmatch(waarde):
        return None
    try:
        return date.fromisoformat(waarde)
    except ValueError:
        return None


def _na(waarde: str | None) -> int:
    return int(waarde) if waarde and _ID.fullmatch(waarde) else 0


@dataclass(frozen=True)
class Wetlijst:
    """One wet's days on the page: the days shown, and the day to continue before (if more)."""

    wet: str
    naam: str
    dagen: list[tuple[date, int]]
    verder: date | None
    voor: date | None


class _Basis:
    recht = Gebruikersrecht.OPHALEN

    def __init__(self, portaal: Portaal) -> None:
        self._p = portaal

    def _wet(self, waarde: str) -> Wet:
        """The wet of a URL when this service works for it now; else 404."""
        try:
            return wetten.kies(waarde, self._p.settings.jeugdwet)
        except wetten.WetGeweigerd:
            raise falcon.HTTPNotFound from None

    def _wet_en_dag(self, wet: str, datum: str) -> tuple[Wet, date]:
        """The wet and the day of a day's URL; 404 when either is not one."""
        w, dag = self._wet(wet), _dag(datum)
        if dag is None:
            raise falcon.HTTPNotFound
        return w, dag


def _org(req: falcon.Request) -> tuple[int, str]:
    g = req.context.sessie.gebruiker
    return g.organisatie_id, g.organisatie_code


class Ophalen(_Basis):
    """GET /portaal/ophalen[?wet=W&voor=D]: every wet's newest days, or one wet's older ones."""

    naam = "portaal.ophalen"

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        org_id, code = _org(req)
        gekozen = req.get_param("wet")
        voor = _dag(req.get_param("voor"))
        with Session(self._p.engine) as session:
            info = describe(session, Rol.GEMEENTE, code)
            jw_rechten = bool(info and info.levert_voor_jw)
            conn = session.connection()
            lijsten = [
                self._lijst(conn, org_id, wet, voor if gekozen == wet.value else None)
                for wet in wetten.actief(self._p.settings)
                if gekozen in (None, wet.value)
            ]
        if gekozen is not None and not lijsten:
            raise falcon.HTTPNotFound
        # Jeugdwet only for a gemeente that delivers for it (or has its files from before).
        lijsten = [x for x in lijsten if x.wet != Wet.JW or jw_rechten or x.dagen or x.voor]
        self._p.weergave.toon(req, resp, "ophalen.html", lijsten=lijsten, gekozen=gekozen)

    def _lijst(self, conn: Connection, org_id: int, wet: Wet, voor: date | None) -> Wetlijst:
        rijen = signaalinzage.dagen(conn, org_id, wet, voor=voor, aantal=DAGEN_PER_PAGINA + 1)
        getoond = rijen[:DAGEN_PER_PAGINA]
        verder = getoond[-1][0] if len(rijen) > len(getoond) else None
        return Wetlijst(wet.value, wetten.NAAM[wet], getoond, verder, voor)


class Bestand(_Basis):
    """GET /portaal/ophalen/{wet}/{datum}/bestand: the day's signal file as an attachment."""

    naam = "portaal.ophalen.bestand"

    def on_get(self, req: falcon.Request, resp: falcon.Response, wet: str, datum: str) -> None:
        org_id, code = _org(req)
        w, dag = self._wet_en_dag(wet, datum)
        buffer = downloads.signaalbestand(self._p.engine, org_id, w, dag)
        if buffer is None:
            raise falcon.HTTPNotFound
        downloads.send_file(resp, buffer, downloads.CSV, bestandsnaam(code, w.value, dag))


class Dag(_Basis):
    """GET /portaal/ophalen/{wet}/{datum}[?na=ID]: a day's signals, a page at a time, each
    linking to its "why"."""

    naam = "portaal.ophalen.dag"

    def on_get(self, req: falcon.Request, resp: falcon.Response, wet: str, datum: str) -> None:
        org_id, code = _org(req)
        w, dag = self._wet_en_dag(wet, datum)
        na = _na(req.get_param("na"))
        with self._p.engine.connect() as conn:
            rijen = signaalinzage.pagina(
                conn, org_id, w, dag, na=na, aantal=SIGNALEN_PER_PAGINA + 1
            )
            volgende_dag = dag + timedelta(days=1)
            bestand = signaalinzage.dagen(conn, org_id, w, voor=volgende_dag, aantal=1)
        totaal = bestand[0][1] if bestand and bestand[0][0] == dag else 0
        if not rijen and na == 0:
            raise falcon.HTTPNotFound  # no file that day
        getoond = rijen[:SIGNALEN_PER_PAGINA]
        verder = getoond[-1].id if len(rijen) > len(getoond) else None
        self._p.weergave.toon(
            req,
            resp,
            "ophalen_dag.html",
            wet=w.value,
            wetnaam=wetten.NAAM[w],
            dag=dag,
            totaal=totaal,
            signalen=getoond,
            verder=verder,
            bestandsnaam=bestandsnaam(code, w.value, dag),
        )


class Signaal(_Basis):
    """GET /portaal/signalen/{id}: why the signal was made (rule, earlier state, advies)."""

    naam = "portaal.signaal"

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        org_id, _ = _org(req)
        with self._p.engine.connect() as conn:
            gevonden = signaalinzage.signaal(conn, org_id, id)
        if gevonden is None:
            raise falcon.HTTPNotFound
        wet = self._wet(gevonden.wet)  # a switched-off wet's signal is not shown (as in REST)
        self._p.weergave.toon(
            req,
            resp,
            "signaal.html",
            s=gevonden.rij,
            wet=wet.value,
            wetnaam=wetten.NAAM[wet],
            dag=gevonden.peildatum,
        )


SIGNAAL = paden.SIGNALEN + "/{id:int(min=1)}"
OPHALEN_DAG = paden.OPHALEN + "/{wet}/{datum}"
