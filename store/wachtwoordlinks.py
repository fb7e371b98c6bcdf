"""One-time set-password links (portaal.md: valid 24 hours, usable once).

The token is 256 random bits (`secrets`); only its SHA-256 digest is kept. A new link for a
user ends the earlier ones. A used link is kept (with when it was used) so that using it again
says so; setting a password ends every session of the user and lifts a lockout.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from store.datums import utc
from store.models import Organisatie
from store.models_portaal import Gebruiker, MisluktePoging, PortaalSessie, WachtwoordToken
from store.organisaties import token_digest as digest
from store.wachtwoorden import maak_hash, wachtwoord_fout
from store.writes import schrijven

GELDIG = timedelta(hours=24)

ONGELDIG = "Deze link is ongeldig. Vraag uw gebruikersbeheerder om een nieuwe link."
GEBRUIKT = (
    "Deze link is al gebruikt. Log in met uw wachtwoord, of vraag uw gebruikersbeheerder om "
    "een nieuwe link."
)
VERLOPEN = (
    "Deze link is verlopen: een link is 24 uur geldig. Vraag uw gebruikersbeheerder om een "
    "nieuwe link."
)


class LinkFout(ValueError):
    """The link cannot be used (one of the messages above)."""


class WachtwoordFout(ValueError):
    """The chosen password is refused (store.wachtwoorden.wachtwoord_fout's message)."""


def nieuw_token(session: Session, gebruiker_id: int, nu: datetime) -> str:
    """A new link's token for the user; the user's earlier links stop working."""
    session.execute(delete(WachtwoordToken).where(WachtwoordToken.gebruiker_id == gebruiker_id))
    token = secrets.token_urlsafe(32)
    session.add(WachtwoordToken(digest=digest(token), gebruiker_id=gebruiker_id, aangemaakt_op=nu))
    return token


def _geldig(session: Session, token: str, nu: datetime) -> tuple[WachtwoordToken, Gebruiker]:
    row = session.get(WachtwoordToken, digest(token)) if token else None
    gebruiker = session.get(Gebruiker, row.gebruiker_id) if row is not None else None
    org = session.get(Organisatie, gebruiker.organisatie_id) if gebruiker is not None else None
    if row is None or gebruiker is None or org is None or gebruiker.geblokkeerd or not org.actief:
        raise LinkFout(ONGELDIG)
    if row.gebruikt_op is not None:
        raise LinkFout(GEBRUIKT)
    if nu - utc(row.aangemaakt_op) >= GELDIG:
        raise LinkFout(VERLOPEN)
    return row, gebruiker


def controleer(engine: Engine, token: str, nu: datetime) -> str:
    """The e-mail address the link is for, or LinkFout; changes nothing."""
    with Session(engine) as session:
        return _geldig(session, token, nu)[1].email


def stel_in(engine: Engine, token: str, wachtwoord: str, nu: datetime) -> str:
    """Set the password with the link (once); returns the user's e-mail address. LinkFout
    when the link cannot be used, else WachtwoordFout for a refused password."""
    with schrijven(engine) as session:
        row, gebruiker = _geldig(session, token, nu)
        if (fout := wachtwoord_fout(wachtwoord)) is not None:
            raise WachtwoordFout(fout)
        gebruiker.wachtwoord_hash = maak_hash(wachtwoord)
        gebruiker.vergrendeld_tot = None
        row.gebruikt_op = nu
        for table in (PortaalSessie, MisluktePoging):
            session.execute(delete(table).where(table.gebruiker_id == gebruiker.id))
        return gebruiker.email
