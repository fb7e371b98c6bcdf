"""Reports a gemeente can request (bestanden.md section 5), as CSV downloads: the abonnementen
of a wet (its current Wmo or Jeugdwet population) and the Aantal Wlz signalen over a period."""

from __future__ import annotations

import falcon
from sqlalchemy.orm import Session

from adapters.downloads import CSV, send_file, spool
from adapters.files.rapporten import abonnementen_csv
from adapters.files.signaalbestanden import schrijf_tellingen
from adapters.rest import query
from adapters.rest.context import Context
from adapters.rest.query import Param
from adapters.rest.validation import check_accept
from store import signaalinzage
from store.populatie import abonnementen
from store.rollen import Recht, Wet


def _periode(ctx: Context) -> dict[str, Param]:
    return {
        "van": Param(query.iso_date, required=True),
        "tot": Param(query.iso_date, required=True),
        "wet": query.wet(ctx.settings, default=Wet.WMO),
    }


class AbonnementenResource:
    """GET /api/v1/abonnementen: the caller's current population for the wet, as CSV."""

    def __init__(self, ctx: Context) -> None:
        self._ctx, self._params = ctx, {"wet": query.wet(ctx.settings, default=Wet.WMO)}

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        caller = self._ctx.caller(req, Recht.RAPPORTEN)
        check_accept(req, "text/csv")
        wet = query.read(req, self._params)["wet"]
        peildatum = self._ctx.today()
        with Session(self._ctx.engine) as session:
            regels = abonnementen(session, caller.code, wet, peildatum)
            buffer, _ = spool(lambda out: out.writelines(abonnementen_csv(regels)))
        naam = f"abonnementen-{caller.code}-{wet}-{peildatum:%Y%m%d}.csv"
        send_file(resp, buffer, CSV, naam)


class AantalSignalenResource:
    """GET /api/v1/rapporten/aantal-signalen?van=...&tot=...: signals per gemeentecode and day."""

    def __init__(self, ctx: Context) -> None:
        self._ctx, self._params = ctx, _periode(ctx)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        caller = self._ctx.caller(req, Recht.RAPPORTEN)
        check_accept(req, "text/csv")
        q = query.read(req, self._params)
        van, tot, wet = q["van"], q["tot"], q["wet"]
        if van > tot:
            raise query.refuse("van", "ligt na tot; van en tot tellen allebei mee")
        with self._ctx.engine.connect() as conn:
            rows = signaalinzage.tellingen(conn, caller.organisatie_id, wet, van, tot)
        buffer, _ = spool(lambda out: schrijf_tellingen(rows, out))
        naam = f"aantal-wlz-signalen-{caller.code}-{wet}-{van:%Y%m%d}-{tot:%Y%m%d}.csv"
        send_file(resp, buffer, CSV, naam)
