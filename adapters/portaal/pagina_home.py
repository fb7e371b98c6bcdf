"""The start page: who is logged in, and the menu as the user's rights allow."""

from __future__ import annotations

import falcon

from adapters.portaal import paden
from adapters.portaal.context import Portaal


class Home:
    naam = "portaal.home"
    recht = None

    def __init__(self, portaal: Portaal) -> None:
        self._p = portaal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._p.weergave.toon(req, resp, "home.html")


class ZonderSlash:
    """/portaal itself: the start page is /portaal/."""

    naam = "portaal.home"
    openbaar = True

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        raise falcon.HTTPSeeOther(paden.HOME)
