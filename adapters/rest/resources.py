"""The REST resources: each parses, calls one core function and renders the result."""

from __future__ import annotations

import json
from datetime import date
from json.encoder import encode_basestring_ascii

import falcon
from sqlalchemy import Engine

from adapters.requestinfo import organisation_setter
from adapters.rest.auth import request_credentials, require_right
from adapters.rest.context import Context
from adapters.rest.headers import JSON
from adapters.rest.problems import Problem
from adapters.rest.validation import check_accept, registertoets_verzoek
from store.advies import Advies, Zorginformatie, regeltabel
from store.db import check_connection
from store.registertoets import MELDING_NEE
from store.registertoets_2023 import Samenloopuitslag, Schakelaars, registertoets_samenloop
from store.rollen import Recht

_NEE = json.dumps(
    {
        "samenloop": False,
        "bsn": None,
        "wlzStatus": None,
        "afgiftedatum": None,
        "ingangsdatum": None,
        "einddatum": None,
        "melding": MELDING_NEE,
    },
    separators=(",", ":"),
).encode()

# The JA answer is on the hot path: formatted directly, every string JSON-escaped. Since API
# version 1.1 it ends with the 2023 properties (null while zorg information is uit).
_JA = (
    '{"samenloop":true,"bsn":%s,"wlzStatus":%s,"afgiftedatum":%s,'
    '"ingangsdatum":%s,"einddatum":%s,"melding":null,%s}'
)
_ZORG = '"leveringsvormen":%s,"startdatumZorg":%s,"bronStartdatumZorg":%s,"advies":%s'
_LEVERINGSVORM = '{"code":%s,"omschrijving":%s,"startdatum":%s,"einddatum":%s}'
_ADVIES = '{"waarde":%s,"regel":%s,"regelversie":%s,"toelichting":%s,"perDatum":%s}'


def _string(value: str | None) -> str:
    return "null" if value is None else encode_basestring_ascii(value)


def _date(value: date | None) -> str:
    return "null" if value is None else f'"{value.isoformat()}"'


def _zorg_json(zorg: Zorginformatie | None, advies: Advies | None) -> str:
    """The 2023 properties: null when unknown; leveringsvormen [] when none are known."""
    if zorg is None or advies is None:
        return _ZORG % ("null", "null", "null", "null")
    vormen = ",".join(
        _LEVERINGSVORM
        % (_string(v.code), _string(v.omschrijving), _date(v.startdatum), _date(v.einddatum))
        for v in zorg.leveringsvormen
    )
    a = advies
    advies_json = _ADVIES % (
        _string(a.waarde.value),
        _string(a.regel),
        _string(a.regelversie),
        _string(a.toelichting),
        _date(a.per_datum),
    )
    bron = zorg.bron.value if zorg.bron else None
    return _ZORG % (f"[{vormen}]", _date(zorg.startdatum_zorg), _string(bron), advies_json)


def uitslag_json(samenloopuitslag: Samenloopuitslag) -> bytes:
    """Every documented property, null when empty (interfaces.md section 2). The answer without
    samenloop is exactly that of API version 1.0 (doorontwikkeling-2023.md section 4)."""
    u = samenloopuitslag.uitslag
    if not u.samenloop:
        return _NEE
    text = _JA % (
        _string(u.bsn),
        _string(u.wlz_status),
        _date(u.afgiftedatum),
        _date(u.ingangsdatum),
        _date(u.einddatum),
        _zorg_json(samenloopuitslag.zorg, samenloopuitslag.advies),
    )
    return text.encode()


class RegistertoetsResource:
    """POST /api/v1/registertoets with {"bsn": "...", "wet": "wmo" | "jw"} (wet optional).

    The answer carries what the SOAP operation RegistertoetsSamenloop carries: audited as that
    operation (as the 1.0 answer, with the dates, was audited as RegistertoetsUitgebreid).
    """

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        settings = ctx.settings
        self._schakelaars = Schakelaars(settings.jeugdwet, settings.zorginformatie)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        ctx = self._ctx
        creds = request_credentials(req, ctx.settings)
        try:
            bsn, wet = registertoets_verzoek(req, self._schakelaars.jeugdwet)
        except Problem:
            require_right(ctx.engine, creds, Recht.REGISTERTOETS, req.env)
            raise
        uitslag = registertoets_samenloop(
            ctx.engine, creds, bsn, wet, ctx.today(), organisation_setter(req.env),
            limiet=ctx.settings.registertoets_limiet, schakelaars=self._schakelaars,
        )  # fmt: skip
        resp.content_type = JSON
        resp.data = uitslag_json(uitslag)


class AdviesRegelsResource:
    """GET /api/v1/advies-regels: the advies rule table, public like the OpenAPI document."""

    def __init__(self) -> None:
        self._body = json.dumps(regeltabel(), ensure_ascii=False).encode("utf-8")

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        check_accept(req)
        resp.content_type = JSON
        resp.set_header("Access-Control-Allow-Origin", "*")
        resp.data = self._body


class HealthResource:
    """GET /health: 200 when the database answers, 503 (problem+json) when it does not."""

    _OK = b'{"status":"ok"}'

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        check_connection(self._engine)
        resp.content_type = JSON
        resp.data = self._OK
