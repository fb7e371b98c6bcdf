"""The portal's paths: one place, for the pages, the menu and the links the CLI prints."""

from __future__ import annotations

from urllib.parse import urlencode

PREFIX = "/portaal"
HOME = PREFIX + "/"
INLOGGEN = PREFIX + "/inloggen"
UITLOGGEN = PREFIX + "/uitloggen"
WACHTWOORD = PREFIX + "/wachtwoord"
REGISTERTOETS = PREFIX + "/registertoets"
GEBRUIKERS = PREFIX + "/gebruikers"
AANLEVEREN = PREFIX + "/aanleveren"
OPHALEN = PREFIX + "/ophalen"
SIGNALEN = PREFIX + "/signalen"
RAPPORTEN = PREFIX + "/rapporten"
INSTELLINGEN = PREFIX + "/instellingen"
STATIC = PREFIX + "/static"


def wachtwoord_link(public_url: str, token: str) -> str:
    """The one-time set-password link. The token goes in the query string, which the request
    log never writes (it logs the route), and Referrer-Policy no-referrer keeps it from
    leaving the page."""
    return f"{public_url.rstrip('/')}{WACHTWOORD}?{urlencode({'token': token})}"
