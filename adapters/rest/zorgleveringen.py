"""POST /api/v1/zorgkantoor-leveringen and /api/v1/zorgaanbieder-leveringen
(doorontwikkeling-2023.md section 1): a zorgkantoor or zorgaanbieder delivers its own feed.

The sender is the caller (its own code): nobody delivers for another organisation. 201 with
the load's report, or a 400 problem listing every error with its line and field.
"""

from __future__ import annotations

import falcon

from adapters.files.zorgfeed import parse_zorgfeed
from adapters.rest import problems, query
from adapters.rest.aanleveringen import CSV_MEDIA, bestandsnaam, request_body
from adapters.rest.answers import send_json
from adapters.rest.context import Context
from adapters.rest.query import Param
from adapters.rest.validation import check_accept, check_content_type
from store.rollen import Recht
from store.zorgfeed import Feed, Opdracht, load_zorgfeed

_CURL = " Met curl: --data-binary @levering.csv -H 'Content-Type: text/csv'."
_UPLOAD = {"initieel": Param(query.boolean, default=False)}
RECHT = {
    Feed.ZORGKANTOOR: Recht.ZORGKANTOOR_LEVEREN,
    Feed.ZORGAANBIEDER: Recht.ZORGAANBIEDER_LEVEREN,
}
PADEN = {
    Feed.ZORGKANTOOR: "/zorgkantoor-leveringen",
    Feed.ZORGAANBIEDER: "/zorgaanbieder-leveringen",
}


class ZorgleveringenResource:
    """POST a feed as text/csv; `?initieel=true` replaces the caller's own earlier rows."""

    def __init__(self, ctx: Context, feed: Feed) -> None:
        self._ctx, self._feed = ctx, feed

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        caller = self._ctx.caller(req, RECHT[self._feed])
        check_accept(req)
        check_content_type(req, CSV_MEDIA, _CURL)
        q = query.read(req, _UPLOAD)
        opdracht = Opdracht(self._feed, caller.code, bestandsnaam(req), q["initieel"])
        regels = parse_zorgfeed(request_body(req), self._feed)
        res = load_zorgfeed(
            self._ctx.engine, opdracht, regels, aan=self._ctx.settings.zorginformatie
        )
        if not res.geaccepteerd:
            raise problems.levering_afgekeurd(res.as_dict())
        send_json(resp, res.as_dict(), 201)
