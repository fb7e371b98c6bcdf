"""Wlz signalen (bestanden.md section 4): a day's signals as JSON pages, the days that have a
signal file, and a day's file as CSV. Only the aanleverende gemeente sees its signals."""

from __future__ import annotations

from datetime import date
from typing import Any

import falcon

from adapters.downloads import CSV, send_file, signaalbestand
from adapters.files.signaalbestanden import bestandsnaam
from adapters.rest import query
from adapters.rest.answers import Link, send_json
from adapters.rest.context import Context
from adapters.rest.problems import Problem
from adapters.rest.query import Param
from adapters.rest.validation import check_accept
from store import signaalinzage
from store.advies import Advies
from store.rollen import Recht, Wet
from store.signaalinzage import SignaalRij, SignaalZorg


def _wet(ctx: Context) -> Param:
    return query.wet(ctx.settings, default=Wet.WMO)


def _dag(ctx: Context) -> dict[str, Param]:
    return {
        "datum": Param(query.iso_date, required=True),
        "wet": _wet(ctx),
        "na": Param(query.cursor),
        "aantal": Param(query.aantal, default=100),
    }


def _bestand(ctx: Context) -> dict[str, Param]:
    return {"datum": Param(query.iso_date, required=True), "wet": _wet(ctx)}


_GEEN_BESTAND = "Deze gemeente heeft op deze datum geen signaalbestand voor deze wet."


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _advies(a: Advies) -> dict[str, Any]:
    return {
        "waarde": a.waarde.value,
        "regel": a.regel,
        "regelversie": a.regelversie,
        "toelichting": a.toelichting,
        "perDatum": _iso(a.per_datum),
    }


def zorg_json(zorg: SignaalZorg | None) -> dict[str, Any]:
    """The zorg information and advies stored with the signal, with the property names of the
    REST registertoets; all null when there is none (stored or shown)."""
    if zorg is None:
        return dict.fromkeys(("leveringsvormen", "startdatumZorg", "bronStartdatumZorg", "advies"))
    vormen = [
        {
            "code": v.code,
            "omschrijving": v.omschrijving,
            "startdatum": _iso(v.startdatum),
            "einddatum": _iso(v.einddatum),
        }
        for v in zorg.leveringsvormen
    ]
    return {
        "leveringsvormen": vormen,
        "startdatumZorg": _iso(zorg.startdatum_zorg),
        "bronStartdatumZorg": zorg.bron,
        "advies": None if zorg.advies is None else _advies(zorg.advies),
    }


def signaal_json(r: SignaalRij, *, zorginformatie: bool = True) -> dict[str, Any]:
    """One signal, with the rule that made it, what was signalled before (if anything), and
    the zorg information as it was (null when SAMENLOOP_ZORGINFORMATIE is uit)."""
    vorige = None
    if r.vorige_status is not None:
        vorige = {
            "wlzStatus": r.vorige_status,
            "afgiftedatum": _iso(r.vorige_afgiftedatum),
            "ingangsdatum": _iso(r.vorige_ingangsdatum),
            "einddatum": _iso(r.vorige_einddatum),
        }
    return {
        "codeAanleverendeGemeente": r.code_aanleverende_gemeente,
        "gemeentecode": r.gemeentecode,
        "bsn": r.bsn,
        "wlzStatus": r.wlz_status,
        "afgiftedatum": _iso(r.afgiftedatum),
        "ingangsdatum": _iso(r.ingangsdatum),
        "einddatum": _iso(r.einddatum),
        "regel": r.regel,
        "vorigeStand": vorige,
        **zorg_json(r.zorg if zorginformatie else None),
    }


class SignalenResource:
    """GET /api/v1/signalen?datum=...: the day's signals, a page at a time (keyset paging)."""

    def __init__(self, ctx: Context) -> None:
        self._ctx, self._params = ctx, _dag(ctx)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        caller = self._ctx.caller(req, Recht.SIGNALEN)
        check_accept(req)
        q = query.read(req, self._params)
        with self._ctx.engine.connect() as conn:
            rows = signaalinzage.pagina(
                conn,
                caller.organisatie_id,
                q["wet"],
                q["datum"],
                na=q["na"] or 0,
                aantal=q["aantal"] + 1,
            )
        send_json(resp, self._pagina(rows, q))

    def _pagina(self, rows: list[SignaalRij], q: dict[str, Any]) -> dict[str, Any]:
        pagina, aan = rows[: q["aantal"]], self._ctx.settings.zorginformatie
        volgende = query.to_cursor(pagina[-1].id) if len(rows) > len(pagina) else None
        return {
            "datum": q["datum"].isoformat(),
            "wet": str(q["wet"]),
            "signalen": [signaal_json(r, zorginformatie=aan) for r in pagina],
            "volgende": volgende,
            "_links": self._links(q, volgende),
        }

    def _links(self, q: dict[str, Any], volgende: str | None) -> dict[str, Link | None]:
        def page(na: str | None) -> Link:
            datum, wet, aantal = q["datum"].isoformat(), str(q["wet"]), q["aantal"]
            return self._ctx.link("/signalen", datum=datum, wet=wet, na=na, aantal=aantal)

        huidige = None if q["na"] is None else query.to_cursor(q["na"])
        return {"self": page(huidige), "next": None if volgende is None else page(volgende)}


class BestandenResource:
    """GET /api/v1/signalen/bestanden: the days with a signal file, newest first."""

    def __init__(self, ctx: Context) -> None:
        self._ctx, self._params = ctx, {"wet": _wet(ctx)}

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        caller = self._ctx.caller(req, Recht.SIGNALEN)
        check_accept(req)
        wet = query.read(req, self._params)["wet"]
        with self._ctx.engine.connect() as conn:
            dagen = signaalinzage.dagen(conn, caller.organisatie_id, wet)
        items = [self._item(caller.code, wet, d, n) for d, n in dagen]
        send_json(resp, {"wet": str(wet), "bestanden": items})

    def _item(self, code: str, wet: Wet, datum: date, aantal: int) -> dict[str, Any]:
        d, w = datum.isoformat(), str(wet)
        return {
            "datum": d,
            "aantal": aantal,
            "bestandsnaam": bestandsnaam(code, w, datum),
            "_links": {
                "bestand": self._ctx.link(f"/signalen/bestanden/{d}", wet=w),
                "signalen": self._ctx.link("/signalen", datum=d, wet=w),
            },
        }


class BestandResource:
    """GET /api/v1/signalen/bestanden/{datum}: that day's signal file (CSV), or 404."""

    def __init__(self, ctx: Context) -> None:
        self._ctx, self._params = ctx, _bestand(ctx)

    def on_get(self, req: falcon.Request, resp: falcon.Response, datum: str) -> None:
        caller = self._ctx.caller(req, Recht.SIGNALEN)
        check_accept(req, "text/csv")
        if not datum:  # Falcon matches an empty last segment: a trailing slash, no path
            raise falcon.HTTPNotFound
        q = query.read(req, self._params, {"datum": datum})
        dag, wet = q["datum"], q["wet"]
        buffer = signaalbestand(self._ctx.engine, caller.organisatie_id, wet, dag)
        if buffer is None:
            raise Problem(404, _GEEN_BESTAND)
        send_file(resp, buffer, CSV, bestandsnaam(caller.code, str(wet), dag))
