"""Aanleveren: upload a population file for a wet, as mutaties, initieel, or first as controle
(nothing applied); the verwerkingsverslag at once; the earlier aanleveringen with their
verslagen (page and text download), newest first, a page at a time; per wet the last accepted
aanlevering and the reminder date. The same calls as the REST upload
(adapters.files.aanlevering.verwerk with an store.populatie.Opdracht, store.verslag) and the same
limit (60 MB, adapters.bodylimit)."""

from __future__ import annotations

import re
from typing import Any

import falcon
from sqlalchemy.orm import Session

from adapters.downloads import TEXT
from adapters.files import aanlevering
from adapters.portaal import paden
from adapters.portaal.context import Portaal
from adapters.portaal.formulieren import AanleverFormulier, fout_bij
from adapters.portaal.upload import Upload
from store import verslag as verslagen
from store import wetten
from store.gebruikers import Gebruikersrecht
from store.models import INTEGER_MAX
from store.populatie import Opdracht
from store.rollen import Wet
from store.uitgaand import herinneringsdatum, laatste_aanleveringen
from store.verslag import Verslag

_CSV_TYPES = {"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"}
PER_PAGINA = 25  # earlier aanleveringen on one page; older ones a link further
_ID = re.compile(r"[0-9]{1,10}")


def _id(waarde: str | None) -> int | None:
    """The id of a URL's `voor` (ASCII digits, 1 to the column's largest); else None."""
    if not waarde or not _ID.fullmatch(waarde):
        return None
    return min(int(waarde), INTEGER_MAX) or None


def _geen_csv(upload: Upload) -> str | None:
    """Why this is no CSV file (None: it may be one; the parser decides the rest)."""
    if not upload.bestandsnaam.lower().endswith(".csv"):
        return "Kies een CSV-bestand (de naam eindigt op .csv)."
    media = (upload.media or "").split(";")[0].strip().lower()
    if media and media not in _CSV_TYPES and media != "application/octet-stream":
        return "Dit is geen CSV-bestand. Kies het bestand met de populatie (.csv)."
    if upload.grootte == 0:
        return "Het bestand is leeg."
    return None


class _Basis:
    recht = Gebruikersrecht.AANLEVEREN

    def __init__(self, portaal: Portaal) -> None:
        self._p = portaal
        self._wetten = wetten.actief(portaal.settings)

    def _code(self, req: falcon.Request) -> str:
        code: str = req.context.sessie.gebruiker.organisatie_code
        return code


class Aanleveren(_Basis):
    naam = "portaal.aanleveren"

    def _formulier(self, req: falcon.Request | None = None) -> AanleverFormulier:
        form = AanleverFormulier(req.context.formulier if req else None)
        form.wet.choices = {w.value: wetten.NAAM[w] for w in self._wetten}
        return form

    def _toon(self, req: falcon.Request, resp: falcon.Response, form: AanleverFormulier) -> None:
        g = req.context.sessie.gebruiker
        voor = _id(req.get_param("voor"))
        with Session(self._p.engine) as session:
            rijen = verslagen.aanleveringen(
                session, g.organisatie_code, self._wetten, voor=voor, aantal=PER_PAGINA + 1
            )
            laatst = laatste_aanleveringen(session.connection(), g.organisatie_id)
        per_wet = [
            (wetten.NAAM[w], laatst.get(w.value), _herinnering(laatst.get(w.value)))
            for w in self._wetten
        ]
        v: dict[str, Any] = {"form": form, "per_wet": per_wet, "namen": _namen(), "voor": voor}
        v["aanleveringen"] = rijen[:PER_PAGINA]
        v["verder"] = rijen[PER_PAGINA - 1].id if len(rijen) > PER_PAGINA else None
        self._p.weergave.toon(req, resp, "aanleveren.html", **v)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._toon(req, resp, self._formulier())

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = self._formulier(req)
        if not form.validate():
            self._toon(req, resp, form)
            return
        upload = form.bestand.data
        if not isinstance(upload, Upload):
            fout_bij(form.bestand, "Kies het bestand met de populatie.")
        elif (reden := _geen_csv(upload)) is not None:
            fout_bij(form.bestand, reden)
        else:
            soort = form.soort.data
            opdracht = Opdracht(
                self._code(req),
                Wet(form.wet.data),
                upload.bestandsnaam,
                self._p.vandaag(),
                soort == "initieel",
                soort == "controle",
            )
            verslag = aanlevering.verwerk(self._p.engine, upload.inhoud, opdracht)
            _toon_verslag(self._p, req, resp, verslag, nieuw=True)
            return
        self._toon(req, resp, form)


def _herinnering(laatst: Any) -> Any:
    return None if laatst is None else herinneringsdatum(laatst)


def _namen() -> dict[str, str]:
    return {w.value: wetten.NAAM[w] for w in Wet}


def _toon_verslag(
    p: Portaal, req: falcon.Request, resp: falcon.Response, v: Verslag, *, nieuw: bool = False
) -> None:
    p.weergave.toon(req, resp, "verslag.html", verslag=v, namen=_namen(), nieuw=nieuw)


def _verslag(p: Portaal, req: falcon.Request, id: int) -> Verslag:
    """A kept verslag of the own gemeente, for an active wet; otherwise 404."""
    code = req.context.sessie.gebruiker.organisatie_code
    with Session(p.engine) as session:
        found = verslagen.ophalen(session, code, id)
    if found is None or found.wet not in wetten.actief(p.settings):
        raise falcon.HTTPNotFound
    return found


class Aanlevering(_Basis):
    """GET /portaal/aanleveren/{id}: a kept verwerkingsverslag as a page."""

    naam = "portaal.aanlevering"

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        _toon_verslag(self._p, req, resp, _verslag(self._p, req, id))


class VerslagTekst(_Basis):
    """GET /portaal/aanleveren/{id}/verslag: the verslag as text, as REST and the CLI give it."""

    naam = "portaal.aanlevering.verslag"

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        tekst = _verslag(self._p, req, id).tekst()
        resp.content_type = TEXT
        resp.downloadable_as = f"verwerkingsverslag-{id}.txt"
        resp.data = tekst.encode("utf-8")


AANLEVERING = paden.AANLEVEREN + f"/{{id:int(min=1, max={INTEGER_MAX})}}"
