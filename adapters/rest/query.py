"""Reading query parameters: each route names the keys it knows; every error found is reported
at once (400 with invalidParams). A reason never repeats the value that was sent."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

import falcon

from adapters.rest.problems import InvalidParam, Problem, invalid_input
from adapters.rest.validation import safe_name
from store import wetten
from store.rollen import Wet
from store.settings import Settings

MAX_AANTAL = 1000
MAX_ID = 2**63 - 1
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CURSOR = re.compile(r"[A-Za-z0-9_-]{11}")
_DETAIL = "De invoer is ongeldig; zie invalidParams voor alle fouten."


class Ongeldig(ValueError):
    """A value that cannot be used; the message is the reason, in Dutch, without the value."""


@dataclass(frozen=True)
class Param:
    parse: Callable[[str], Any]
    required: bool = False
    default: Any = None


def wet(settings: Settings, *, required: bool = False, default: Wet | None = None) -> Param:
    """The `wet` parameter: a known wet that this service works for now (store.wetten), so
    that `jw` is a 400 on `wet` wherever a wet is read while the Jeugdwet is switched off."""

    def parse(value: str) -> Wet:
        try:
            return wetten.kies(value, settings.jeugdwet)
        except wetten.WetGeweigerd as exc:
            raise Ongeldig(str(exc)) from None

    return Param(parse, required, default)


def boolean(value: str) -> bool:
    if value in ("true", "false"):
        return value == "true"
    raise Ongeldig("moet true of false zijn")


def iso_date(value: str) -> date:
    """Exactly jjjj-mm-dd and a real calendar date."""
    reason = "geen datum in de vorm jjjj-mm-dd (bijvoorbeeld 2026-03-01)"
    if not _ISO_DATE.fullmatch(value):
        raise Ongeldig(reason)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Ongeldig("bestaat niet in de kalender") from None


def aantal(value: str) -> int:
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_AANTAL:
        return int(value)
    raise Ongeldig(f"moet een geheel getal van 1 tot en met {MAX_AANTAL} zijn")


def cursor(value: str) -> int:
    """The opaque cursor of a page (`volgende`): an id (never a BSN) as 8 bytes in base64url.

    Any value of the documented form is accepted: a made-up one just gives some page.
    """
    if not _CURSOR.fullmatch(value):
        raise Ongeldig("onbekende cursor; gebruik de waarde van volgende uit het vorige antwoord")
    number = int.from_bytes(base64.urlsafe_b64decode(value + "="), "big")
    return min(number, MAX_ID)  # what a database integer can hold


def to_cursor(number: int) -> str:
    return base64.urlsafe_b64encode(number.to_bytes(8, "big")).rstrip(b"=").decode("ascii")


def _pairs(req: falcon.Request) -> list[tuple[str, str]]:
    return parse_qsl(req.query_string, keep_blank_values=True)


def _errors(pairs: list[tuple[str, str]], known: Mapping[str, Param]) -> list[InvalidParam]:
    names = [name for name, _ in pairs]
    errors = [
        InvalidParam(safe_name(name), "onbekende queryparameter; toegestaan: " + ", ".join(known))
        for name in dict.fromkeys(names)
        if name not in known
    ]
    doubles = dict.fromkeys(n for n in names if n in known and names.count(n) > 1)
    errors += [InvalidParam(name, "komt meer dan één keer voor") for name in doubles]
    missing = [n for n, p in known.items() if p.required and n not in names]
    return errors + [InvalidParam(name, "ontbreekt") for name in missing]


def read(
    req: falcon.Request, known: Mapping[str, Param], path: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The route's parameters (parsed, defaults filled in), or a 400 listing every error.

    A name in `path` is a path parameter: its value comes from there, never from the query.
    """
    path = path or {}
    pairs = _pairs(req)
    errors = _errors(pairs, {n: p for n, p in known.items() if n not in path})
    values = {name: p.default for name, p in known.items()}
    seen: set[str] = set()
    for name, raw in [*path.items(), *pairs]:
        if name in known and name not in seen:
            seen.add(name)
            try:
                values[name] = known[name].parse(raw)
            except Ongeldig as exc:
                errors.append(InvalidParam(name, str(exc)))
    if errors:
        raise invalid_input(_DETAIL, errors)
    return values


def refuse(name: str, reason: str) -> Problem:
    """A 400 for one parameter that is well-formed alone but not with the others."""
    return invalid_input(_DETAIL, [InvalidParam(name, reason)])
