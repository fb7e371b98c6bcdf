"""Logging in to the portal, and its server-side sessions (portaal.md "Security").

- A session lives in the database: logout and expiry end it for good, a replayed cookie finds
  nothing. It ends after 30 minutes idle and 8 hours at most; a login always makes a new id
  (and ends the session the browser came with: no fixation). The cookie carries 256 random
  bits; the table keeps their SHA-256 digest.
- Lockout: a login that fails 5 times within 15 minutes for an account is refused for 15
  minutes, with the same message as a wrong password. An unknown address, a blocked user, a
  user without a password yet and a locked account all get that message, after the same
  argon2 work, so that nothing tells them apart.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, or_, select, update
from sqlalchemy.orm import Session

from store.datums import utc
from store.gebruikers import GebruikerInfo, info, normaliseer_email
from store.models import Organisatie
from store.models_portaal import Gebruiker, MisluktePoging, PortaalSessie
from store.organisaties import token_digest
from store.wachtwoorden import klopt, maak_hash, verouderd
from store.writes import schrijven

IDLE = timedelta(minutes=30)
MAXIMAAL = timedelta(hours=8)
POGINGEN = 5
VENSTER = timedelta(minutes=15)
VERGRENDELING = timedelta(minutes=15)
# How often a session's last-seen moment is written: reading a page writes at most once a
# minute (a long write elsewhere, such as the nightly run on SQLite, then blocks no page).
BIJWERKEN = timedelta(minutes=1)
MISLUKT = "Onjuist e-mailadres of wachtwoord."


class InloggenMislukt(Exception):
    """Wrong address or password, blocked, or locked: one message for all (MISLUKT)."""

    def __init__(self) -> None:
        super().__init__(MISLUKT)


@dataclass(frozen=True)
class Sessie:
    gebruiker: GebruikerInfo
    csrf: str  # the session's form token (adapters/portaal/csrf.py)


@dataclass(frozen=True)
class NieuweSessie:
    id: str  # for the cookie only; never stored
    sessie: Sessie


def _zoek(session: Session, email: str) -> tuple[Gebruiker, Organisatie] | None:
    row = session.execute(
        select(Gebruiker, Organisatie)
        .join(Organisatie, Organisatie.id == Gebruiker.organisatie_id)
        .where(Gebruiker.email == normaliseer_email(email))
        .with_for_update(of=Gebruiker)  # PostgreSQL: concurrent failures count one by one
    ).first()
    return None if row is None else (row[0], row[1])


def _vergrendeld(gebruiker: Gebruiker, nu: datetime) -> bool:
    return gebruiker.vergrendeld_tot is not None and nu < utc(gebruiker.vergrendeld_tot)


def _mislukt(session: Session, gebruiker: Gebruiker, nu: datetime) -> None:
    mine = MisluktePoging.gebruiker_id == gebruiker.id
    session.execute(delete(MisluktePoging).where(mine, MisluktePoging.tijdstip <= nu - VENSTER))
    session.add(MisluktePoging(gebruiker_id=gebruiker.id, tijdstip=nu))
    session.flush()
    aantal = session.scalar(select(func.count()).select_from(MisluktePoging).where(mine))
    if (aantal or 0) >= POGINGEN:
        gebruiker.vergrendeld_tot = nu + VERGRENDELING
        session.execute(delete(MisluktePoging).where(mine))


def _gelukt(session: Session, gebruiker: Gebruiker, wachtwoord: str) -> None:
    session.execute(delete(MisluktePoging).where(MisluktePoging.gebruiker_id == gebruiker.id))
    gebruiker.vergrendeld_tot = None
    if gebruiker.wachtwoord_hash is not None and verouderd(gebruiker.wachtwoord_hash):
        gebruiker.wachtwoord_hash = maak_hash(wachtwoord)


def _nieuwe_sessie(session: Session, gebruiker: Gebruiker, code: str, nu: datetime) -> NieuweSessie:
    sessie_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        PortaalSessie(
            digest=token_digest(sessie_id),
            gebruiker_id=gebruiker.id,
            csrf=csrf,
            aangemaakt_op=nu,
            laatst_gezien_op=nu,
        )
    )
    return NieuweSessie(sessie_id, Sessie(info(session, gebruiker, code), csrf))


def _poging(
    session: Session, email: str, wachtwoord: str, nu: datetime
) -> NieuweSessie | InloggenMislukt:
    found = _zoek(session, email)
    if found is None or _vergrendeld(found[0], nu):
        klopt(None, wachtwoord)  # the same work as a real check
        return InloggenMislukt()
    gebruiker, org = found
    if not klopt(gebruiker.wachtwoord_hash, wachtwoord) or gebruiker.geblokkeerd or not org.actief:
        _mislukt(session, gebruiker, nu)
        return InloggenMislukt()
    _gelukt(session, gebruiker, wachtwoord)
    return _nieuwe_sessie(session, gebruiker, org.code, nu)


def _opruimen(session: Session, nu: datetime) -> None:
    """Expired sessions go as anyone logs in: the table holds live sessions only."""
    session.execute(
        delete(PortaalSessie).where(
            or_(
                PortaalSessie.laatst_gezien_op <= nu - IDLE,
                PortaalSessie.aangemaakt_op <= nu - MAXIMAAL,
            )
        )
    )


def inloggen(
    engine: Engine, email: str, wachtwoord: str, nu: datetime, vorige: str | None = None
) -> NieuweSessie:
    """Log in: a new session, or InloggenMislukt (after its failure is recorded). `vorige` is
    the session id the browser came with: it ends, whatever the outcome."""
    with schrijven(engine) as session:
        if vorige:
            _beeindig(session, vorige)
        _opruimen(session, nu)
        uitkomst = _poging(session, email, wachtwoord, nu)
    if isinstance(uitkomst, InloggenMislukt):
        raise uitkomst
    return uitkomst


def _beeindig(session: Session, sessie_id: str) -> None:
    session.execute(delete(PortaalSessie).where(PortaalSessie.digest == token_digest(sessie_id)))


def uitloggen(engine: Engine, sessie_id: str) -> None:
    with schrijven(engine) as session:
        _beeindig(session, sessie_id)


def _verlopen(row: PortaalSessie, nu: datetime) -> bool:
    return nu - utc(row.laatst_gezien_op) >= IDLE or nu - utc(row.aangemaakt_op) >= MAXIMAAL


def _geldig(session: Session, row: PortaalSessie, nu: datetime) -> Sessie | None:
    if _verlopen(row, nu):
        return None
    gebruiker = session.get(Gebruiker, row.gebruiker_id)
    org = session.get(Organisatie, gebruiker.organisatie_id) if gebruiker else None
    if gebruiker is None or org is None or gebruiker.geblokkeerd or not org.actief:
        return None
    return Sessie(info(session, gebruiker, org.code), row.csrf)


def lees_sessie(engine: Engine, sessie_id: str, nu: datetime) -> Sessie | None:
    """The live session with this id (its user's rights read anew), or None: unknown, ended,
    expired, or its user blocked. Seeing it keeps it alive (idle time starts again)."""
    with Session(engine) as session:
        row = session.get(PortaalSessie, token_digest(sessie_id))
        sessie = _geldig(session, row, nu) if row is not None else None
        laatst = utc(row.laatst_gezien_op) if row is not None else nu
    if row is not None and sessie is None:
        uitloggen(engine, sessie_id)  # an expired session goes for good
    elif sessie is not None and nu - laatst >= BIJWERKEN:
        _bijwerken(engine, sessie_id, nu)
    return sessie


def _bijwerken(engine: Engine, sessie_id: str, nu: datetime) -> None:
    with schrijven(engine) as session:
        session.execute(
            update(PortaalSessie)
            .where(PortaalSessie.digest == token_digest(sessie_id))
            .values(laatst_gezien_op=nu)
        )
