"""The REST resources: each parses, calls one core function and renders the result."""

from __future__ import annotations

import json
from datetime import date
from json.encoder import encode_basestring_ascii

import falcon
from sqlalchemy import Engine

from adapters.requestinfo import organisation_setter
from adapters.rest.auth import request_credentials, require_right
from adapters.rest.headers import JSON
from adapters.rest.problems import Problem
from adapters.rest.validation import registertoets_bsn
from store.db import check_connection
from store.registertoets import MELDING_NEE, Operatie, Toetsuitslag, registertoets
from store.rollen import Recht
from store.settings import Settings

# The REST answer carries the dates, as the 2021 SOAP operation does: audited as that operation.
OPERATIE = Operatie.UITGEBREID

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

# The JA answer is on the hot path: formatted directly, every string JSON-escaped.
_JA = (
    '{"samenloop":true,"bsn":%s,"wlzStatus":%s,"afgiftedatum":%s,'
    '"ingangsdatum":%s,"einddatum":%s,"melding":null}'
)


def _string(value: str | None) -> str:
    return "null" if value is None else encode_basestring_ascii(value)


def _date(value: date | None) -> str:
    return "null" if value is None else f'"{value.isoformat()}"'


def uitslag_json(uitslag: Toetsuitslag) -> bytes:
    """Every documented property, null when empty (interfaces.md section 2)."""
    if not uitslag.samenloop:
        return _NEE
    u = uitslag
    text = _JA % (
        _string(u.bsn),
        _string(u.wlz_status),
        _date(u.afgiftedatum),
        _date(u.ingangsdatum),
        _date(u.einddatum),
    )
    return text.encode()


class RegistertoetsResource:
    """POST /api/v1/registertoets with {"bsn": "..."}."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self._engine = engine
        self._settings = settings

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        creds = request_credentials(req, self._settings)
        try:
            bsn = registertoets_bsn(req)
        except Problem:
            require_right(self._engine, creds, Recht.REGISTERTOETS, req.env)
            raise
        limiet = self._settings.registertoets_limiet
        uitslag = registertoets(
            self._engine, creds, bsn, OPERATIE, organisation_setter(req.env), limiet=limiet
        )
        resp.content_type = JSON
        resp.data = uitslag_json(uitslag)


class HealthResource:
    """GET /health: 200 when the database answers, 503 (problem+json) when it does not."""

    _OK = b'{"status":"ok"}'

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        check_connection(self._engine)
        resp.content_type = JSON
        resp.data = self._OK
