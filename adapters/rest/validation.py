"""Reading a request: media types and the JSON body. Every error found is reported at once.

Only the form is checked here; whether a BSN is valid (9 digits, elfproef) is the core's call,
so that a well-formed registertoets with a wrong BSN is audited like a SOAP one. Only when the
body has other errors too is store.bsn.bsn_fout asked here, so that all of them come back together.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_plus

import falcon

from adapters.rest.headers import JSON
from adapters.rest.problems import InvalidParam, Problem, invalid_input
from store.bsn import bsn_fout
from store.registertoets_2023 import wet_fout

_REGISTERTOETS_FIELDS = frozenset({"bsn", "wet"})
STANDAARD_WET = "wmo"  # a request without "wet" (every client of API version 1.0)
_ACCEPTED_ACCEPT = frozenset({"*/*", JSON, "application/*"})
_SAFE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,39}")
_DIGIT_RUN = re.compile(r"[0-9]{5}")
_BOM = b"\xef\xbb\xbf"
_DETAIL_400 = "De invoer is ongeldig; zie invalidParams voor alle fouten."
_QUERY_REASON = "onbekende queryparameter; een BSN hoort in de body, nooit in de URL"


class _Object(dict[str, Any]):
    """A JSON object that remembers which keys came more than once."""

    doubles: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        keys = [k for k, _ in pairs]
        obj.doubles = tuple(k for k in obj if keys.count(k) > 1)
    return obj


_DECODER = json.JSONDecoder(object_pairs_hook=_object)


def check_accept(req: falcon.Request, media: str = JSON) -> None:
    """406 unless the caller accepts this media type (no Accept header means anything goes)."""
    accept = req.accept
    if media == JSON and accept in _ACCEPTED_ACCEPT:
        return
    if req.client_accepts(media):
        return
    raise Problem(406, f"Deze dienst antwoordt hier alleen met {media}.")


def check_content_type(req: falcon.Request, media: str = JSON, hint: str = "") -> None:
    """415 unless the body is declared as this media type (charset UTF-8 if one is named)."""
    raw = req.content_type
    if raw == media:
        return
    declared, _, params = (raw or "").partition(";")
    charset = _param(params, "charset")
    if declared.strip().lower() == media and charset in (None, "utf-8", "utf8"):
        return
    raise Problem(415, f"Stuur de invoer als {media} (UTF-8).{hint}")


def _param(params: str, name: str) -> str | None:
    for part in params.split(";"):
        key, _, value = part.partition("=")
        if key.strip().lower() == name:
            return value.strip().strip('"').lower()
    return None


def safe_name(key: str) -> str:
    """A field or query name fit to repeat: short, a name, no run of digits that could be a BSN."""
    if _SAFE_NAME.fullmatch(key) and not _DIGIT_RUN.search(key):
        return key
    return "(naam weggelaten)"


def read_json(req: falcon.Request) -> Any:
    raw = req.stream.read(req.content_length or 0)
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    if not raw.strip():
        raise invalid_input("De body is leeg.", [InvalidParam("body", "verwacht een JSON-object")])
    try:
        return _DECODER.decode(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        reason = "geen geldige JSON (UTF-8)"
        raise invalid_input(
            "De body is geen geldige JSON.", [InvalidParam("body", reason)]
        ) from None


def _query_errors(req: falcon.Request) -> list[InvalidParam]:
    names = (unquote_plus(p.partition("=")[0]) for p in req.query_string.split("&") if p)
    return [InvalidParam(safe_name(name), _QUERY_REASON) for name in names]


def _field_errors(data: dict[str, Any], fields: frozenset[str]) -> list[InvalidParam]:
    errors = [
        InvalidParam(safe_name(key), "onbekend veld; toegestaan: " + ", ".join(sorted(fields)))
        for key in data
        if key not in fields
    ]
    doubles = getattr(data, "doubles", ())
    errors += [InvalidParam(safe_name(key), "komt meer dan één keer voor") for key in doubles]
    return errors


def _bsn_errors(data: dict[str, Any], check_value: bool) -> list[InvalidParam]:
    if "bsn" not in data:
        return [InvalidParam("bsn", "ontbreekt; verwacht een tekst van 9 cijfers")]
    bsn = data["bsn"]
    if not isinstance(bsn, str):
        return [InvalidParam("bsn", "moet een tekst (string) van 9 cijfers zijn")]
    reason = bsn_fout(bsn) if check_value else None
    return [InvalidParam("bsn", reason)] if reason else []


def registertoets_verzoek(req: falcon.Request, jeugdwet: bool) -> tuple[str, str]:
    """The BSN and wet of a registertoets request, or a Problem listing everything wrong with
    it. Only the form is checked when nothing else is wrong: the values are the core's call."""
    check_accept(req)
    check_content_type(req)
    data = read_json(req)
    if type(data) is _Object and not data.doubles and not req.query_string:
        bsn, wet = data.get("bsn"), data.get("wet", STANDAARD_WET)
        if isinstance(bsn, str) and isinstance(wet, str) and data.keys() <= _REGISTERTOETS_FIELDS:
            return bsn, wet
    raise invalid_input(_DETAIL_400, _all_errors(req, data, jeugdwet))


def _wet_errors(data: dict[str, Any], jeugdwet: bool) -> list[InvalidParam]:
    if "wet" not in data:
        return []
    reason = wet_fout(data["wet"], jeugdwet)
    return [InvalidParam("wet", reason)] if reason else []


def _all_errors(req: falcon.Request, data: Any, jeugdwet: bool) -> list[InvalidParam]:
    errors = _query_errors(req) if req.query_string else []
    if not isinstance(data, dict):
        return [*errors, InvalidParam("body", 'moet een JSON-object zijn, zoals {"bsn": "..."}')]
    errors += _field_errors(data, _REGISTERTOETS_FIELDS)
    errors += _wet_errors(data, jeugdwet)
    return errors + _bsn_errors(data, check_value=bool(errors))
