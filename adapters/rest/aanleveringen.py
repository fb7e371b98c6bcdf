"""Aanleveringen (bestanden.md sections 1 and 2): upload a population file, list the caller's
aanleveringen, fetch a verwerkingsverslag as JSON or as text.

A gemeente sees only its own aanleveringen: one of another gemeente is answered exactly as one
that does not exist (404), so that its existence is not revealed.
"""

from __future__ import annotations

import contextlib
import email.message
import re
from pathlib import PurePosixPath
from typing import Any, BinaryIO, cast

import falcon
from sqlalchemy.orm import Session

from adapters.downloads import TEXT
from adapters.files import aanlevering
from adapters.rest import problems, query
from adapters.rest.answers import Link, moment, send_json
from adapters.rest.context import Context
from adapters.rest.headers import JSON
from adapters.rest.problems import Problem
from adapters.rest.query import Param
from adapters.rest.validation import check_accept, check_content_type
from store import verslag as verslagen
from store import wetten
from store.populatie import Opdracht
from store.rollen import Recht
from store.verslag import AanleveringInfo, Verslag

CSV_MEDIA = "text/csv"
STANDAARD_NAAM = "aanlevering.csv"
_CURL = " Met curl: --data-binary @bestand.csv -H 'Content-Type: text/csv'."
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NIET_GEVONDEN = "Deze gemeente heeft geen aanlevering met dit nummer."


def _upload(ctx: Context) -> dict[str, Param]:
    return {
        "wet": query.wet(ctx.settings, required=True),
        "initieel": Param(query.boolean, default=False),
        "controle": Param(query.boolean, default=False),
    }


def _lijst(ctx: Context) -> dict[str, Param]:
    return {
        "wet": query.wet(ctx.settings),
        "na": Param(query.cursor),
        "aantal": Param(query.aantal, default=100),
    }


def bestandsnaam(req: falcon.Request) -> str:
    """The file name from Content-Disposition (filename or filename*), its last path part."""
    raw = req.get_header("Content-Disposition")
    if not raw:
        return STANDAARD_NAAM
    message = email.message.Message()
    message["Content-Disposition"] = raw
    name = message.get_filename() or ""
    with contextlib.suppress(UnicodeError):  # a UTF-8 name sent as is arrives as latin-1
        name = name.encode("latin-1").decode("utf-8")
    name = _CONTROL.sub("", PurePosixPath(name.replace("\\", "/")).name).strip()
    return name[:255] or STANDAARD_NAAM


def request_body(req: falcon.Request) -> BinaryIO:
    # create_rest_app's body limit hands Falcon a spooled, seekable buffer as wsgi.input.
    return cast(BinaryIO, req.stream)


class AanleveringenResource:
    """POST /api/v1/aanleveringen (upload) and GET /api/v1/aanleveringen (the list)."""

    def __init__(self, ctx: Context) -> None:
        self._ctx, self._upload, self._lijst = ctx, _upload(ctx), _lijst(ctx)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        caller = self._ctx.caller(req, Recht.AANLEVEREN)
        check_accept(req)
        check_content_type(req, CSV_MEDIA, _CURL)
        q = query.read(req, self._upload)
        opdracht = Opdracht(
            caller.code,
            q["wet"],
            bestandsnaam(req),
            self._ctx.today(),
            q["initieel"],
            q["controle"],
        )
        verslag = aanlevering.verwerk(self._ctx.engine, request_body(req), opdracht)
        if verslag.afgekeurd:
            raise problems.afgekeurd(verslag)
        if verslag.id is None:  # a controle: nothing was kept
            send_json(resp, verslag.as_dict())
            return
        resp.location = self._ctx.link(f"/aanleveringen/{verslag.id}")["href"]
        send_json(resp, verslag.as_dict(), 201)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        caller = self._ctx.caller(req, Recht.AANLEVEREN)
        check_accept(req)
        q = query.read(req, self._lijst)
        soorten = wetten.actief(self._ctx.settings) if q["wet"] is None else (q["wet"],)
        with Session(self._ctx.engine) as session:
            rijen = verslagen.aanleveringen(
                session, caller.code, soorten, voor=q["na"], aantal=q["aantal"] + 1
            )
        send_json(resp, self._pagina(rijen, q))

    def _pagina(self, rijen: list[AanleveringInfo], q: dict[str, Any]) -> dict[str, Any]:
        """Newest first, one more than the page (is there a next one?); `na` is the cursor of
        the last one on the previous page."""
        pagina = rijen[: q["aantal"]]
        volgende = query.to_cursor(pagina[-1].id) if len(rijen) > len(pagina) else None
        return {
            "aanleveringen": [self._item(a) for a in pagina],
            "volgende": volgende,
            "_links": self._links(q, volgende),
        }

    def _links(self, q: dict[str, Any], volgende: str | None) -> dict[str, Link | None]:
        def page(na: str | None) -> Link:
            return self._ctx.link("/aanleveringen", wet=q["wet"], na=na, aantal=q["aantal"])

        huidige = None if q["na"] is None else query.to_cursor(q["na"])
        return {"self": page(huidige), "next": None if volgende is None else page(volgende)}

    def _item(self, a: AanleveringInfo) -> dict[str, Any]:
        return {
            "id": a.id,
            "wet": a.wet,
            "bestandsnaam": a.bestandsnaam,
            "ontvangenOp": moment(a.ontvangen_op),
            "initieel": a.initieel,
            "status": a.status,
            "aantalRegels": a.aantal_regels,
            "_links": {
                "self": self._ctx.link(f"/aanleveringen/{a.id}"),
                "verslag": self._ctx.link(f"/aanleveringen/{a.id}/verslag"),
            },
        }


def _verslag(ctx: Context, req: falcon.Request, aanlevering_id: int, media: str) -> Verslag:
    caller = ctx.caller(req, Recht.AANLEVEREN)
    check_accept(req, media)
    query.read(req, {})
    with Session(ctx.engine) as session:
        found = verslagen.ophalen(session, caller.code, aanlevering_id)
    if found is None or found.wet not in wetten.actief(ctx.settings):
        raise Problem(404, _NIET_GEVONDEN)  # a switched-off wet's verslag is not shown
    return found


class AanleveringResource:
    """GET /api/v1/aanleveringen/{id}: the verwerkingsverslag as JSON."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        send_json(resp, _verslag(self._ctx, req, id, JSON).as_dict())


class VerslagResource:
    """GET /api/v1/aanleveringen/{id}/verslag: the verwerkingsverslag as readable text."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        tekst = _verslag(self._ctx, req, id, "text/plain").tekst()
        resp.content_type = TEXT
        resp.downloadable_as = f"verwerkingsverslag-{id}.txt"
        resp.data = tekst.encode("utf-8")
