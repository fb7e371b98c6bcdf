"""Jinja2 templates (package data, autoescape on) and the Dutch way of showing values."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import falcon
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from adapters.portaal.kopregels import HTML
from adapters.portaal.menu import menu_voor
from store.datums import AMSTERDAM, format_datum


def datum(value: date | datetime | None) -> str:
    """15-03-2020; a moment in Europe/Amsterdam as 15-03-2020 14:05."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")
    return format_datum(value)


def aantal(value: int) -> str:
    """12.345: thousands separated by a point."""
    return f"{value:,}".replace(",", ".")


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("adapters.portaal", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a name missing from a page is an error, not blank text
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["datum"] = datum
    env.filters["aantal"] = aantal
    return env


class Weergave:
    """Renders a page into the response, with what every page shows (user, menu, CSRF)."""

    def __init__(self) -> None:
        self._env = _environment()

    def toon(
        self, req: falcon.Request, resp: falcon.Response, naam: str, status: int = 200, **v: Any
    ) -> None:
        sessie = getattr(req.context, "sessie", None)
        gebruiker = sessie.gebruiker if sessie is not None else None
        context = {
            "gebruiker": gebruiker,
            "menu": menu_voor(gebruiker, req.path) if gebruiker is not None else [],
            "csrf": getattr(req.context, "csrf", ""),
            **v,
        }
        resp.status = status
        resp.content_type = HTML
        resp.text = self._env.get_template(naam).render(context)
