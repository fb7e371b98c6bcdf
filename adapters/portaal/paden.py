"""The portal's paths: one place, for the pages, the menu and the links the CLI prints."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from store.uitgaand import Links

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


def mail_links(public_url: str) -> Links:
    """The pages the nightly run's mails send a productbeheerder to: the day's signals of a
    wet on Ophalen (its download is there), and Aanleveren for the 60-day reminder."""
    base = public_url.rstrip("/")

    def bestand(wet: str, peildatum: date) -> str:
        return f"{base}{OPHALEN}/{wet}/{peildatum.isoformat()}"

    return Links(bestand=bestand, aanleveren=f"{base}{AANLEVEREN}")
