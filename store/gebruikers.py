"""The portal's users and their rights (portaal.md "Who sees what").

A user belongs to exactly one gemeente and sees only its data. The first user of a gemeente
(made by the operator) is productbeheerder and gebruikersbeheerder: every right. Others get only
what is granted. Every function that a gebruikersbeheerder calls is scoped to the own
organisation: another organisation's user is NietGevonden (the portal answers 404), exactly as
one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import Organisatie
from store.models_portaal import Gebruiker, GebruikerRecht, PortaalSessie
from store.rollen import Rol
from store.wachtwoordlinks import nieuw_token
from store.writes import schrijven


class Gebruikersrecht(StrEnum):
    REGISTERTOETS = "registertoets"
    AANLEVEREN = "aanleveren"
    OPHALEN = "ophalen"
    RAPPORTEN = "rapporten"
    INSTELLINGEN = "instellingen"
    GEBRUIKERSBEHEER = "gebruikersbeheer"


ALLE_RECHTEN = frozenset(Gebruikersrecht)
_NAMEN = frozenset(r.value for r in Gebruikersrecht)
_MAX_EMAIL = 254


class GebruikerFout(ValueError):
    """A refused change, in plain Dutch; `veld` names the form field it is about (or None)."""

    def __init__(self, melding: str, veld: str | None = None) -> None:
        super().__init__(melding)
        self.veld = veld


class NietGevonden(LookupError):
    """No such user in this organisation (another organisation's is not found either)."""


@dataclass(frozen=True)
class GebruikerInfo:
    id: int
    organisatie_id: int
    organisatie_code: str
    email: str
    rechten: frozenset[Gebruikersrecht]
    geblokkeerd: bool
    wachtwoord_ingesteld: bool

    def mag(self, recht: Gebruikersrecht) -> bool:
        return recht in self.rechten


@dataclass(frozen=True)
class NieuweGebruiker:
    gebruiker: GebruikerInfo
    token: str  # the one-time set-password token (store/wachtwoordlinks.py)


def normaliseer_email(adres: str) -> str:
    return adres.strip().lower()


def email_fout(adres: str) -> str | None:
    """Why this is not an e-mail address (plain Dutch, never repeating it), or None."""
    local, at, domain = adres.partition("@")
    if not adres:
        return "Vul een e-mailadres in."
    wrong = not at or not local or "@" in domain or "." not in domain.strip(".")
    if wrong or any(c.isspace() for c in adres) or len(adres) > _MAX_EMAIL:
        return "Dit is geen geldig e-mailadres (zoals naam@gemeente.nl)."
    return None


def rechten_uit(namen: Iterable[str]) -> frozenset[Gebruikersrecht]:
    """The rights by name; an unknown name is refused, naming the ones that exist."""
    try:
        return frozenset(Gebruikersrecht(naam) for naam in namen)
    except ValueError:
        toegestaan = ", ".join(r.value for r in Gebruikersrecht)
        raise GebruikerFout(f"onbekend recht; kies uit: {toegestaan}", "rechten") from None


def _rechten(session: Session, ids: Iterable[int]) -> dict[int, frozenset[Gebruikersrecht]]:
    """The rights of these users in one query (a list shows many users: no query per row)."""
    rows = session.execute(
        select(GebruikerRecht.gebruiker_id, GebruikerRecht.recht).where(
            GebruikerRecht.gebruiker_id.in_(list(ids))
        )
    )
    found: dict[int, set[Gebruikersrecht]] = {}
    for gebruiker_id, recht in rows:
        if recht in _NAMEN:  # a right a later version dropped is simply not held
            found.setdefault(gebruiker_id, set()).add(Gebruikersrecht(recht))
    return {k: frozenset(v) for k, v in found.items()}


def info(session: Session, gebruiker: Gebruiker, code: str) -> GebruikerInfo:
    rechten = _rechten(session, [gebruiker.id]).get(gebruiker.id, frozenset())
    return _info(gebruiker, code, rechten)


def _info(g: Gebruiker, code: str, rechten: frozenset[Gebruikersrecht]) -> GebruikerInfo:
    ingesteld = g.wachtwoord_hash is not None
    return GebruikerInfo(g.id, g.organisatie_id, code, g.email, rechten, g.geblokkeerd, ingesteld)


def _gemeente(session: Session, code: str) -> Organisatie:
    org = session.scalar(
        select(Organisatie).where(Organisatie.rol == Rol.GEMEENTE, Organisatie.code == code)
    )
    if org is None or not org.actief:
        raise GebruikerFout(f"gemeente {code} is niet geregistreerd", "gemeente")
    return org


def _organisatie(session: Session, organisatie_id: int) -> Organisatie:
    org = session.get(Organisatie, organisatie_id)
    if org is None or not org.actief or org.rol != Rol.GEMEENTE:
        raise NietGevonden
    return org


def _voeg_toe(
    session: Session,
    org: Organisatie,
    email: str,
    rechten: frozenset[Gebruikersrecht],
    nu: datetime,
) -> NieuweGebruiker:
    email = normaliseer_email(email)
    if (fout := email_fout(email)) is not None:
        raise GebruikerFout(fout, "email")
    if session.scalar(select(Gebruiker.id).where(Gebruiker.email == email)) is not None:
        raise GebruikerFout("Er is al een gebruiker met dit e-mailadres.", "email")
    eerste = session.scalar(select(Gebruiker.id).where(Gebruiker.organisatie_id == org.id)) is None
    gebruiker = Gebruiker(organisatie_id=org.id, email=email, geblokkeerd=False, aangemaakt_op=nu)
    session.add(gebruiker)
    session.flush()
    _zet(session, gebruiker.id, ALLE_RECHTEN if eerste else rechten)
    token = nieuw_token(session, gebruiker.id, nu)
    return NieuweGebruiker(info(session, gebruiker, org.code), token)


@contextmanager
def _uniek() -> Iterator[None]:
    """Two adds of one address at the same moment (PostgreSQL): the unique constraint decides,
    and the loser gets the same message as when the check found it."""
    try:
        yield
    except IntegrityError:
        raise GebruikerFout("Er is al een gebruiker met dit e-mailadres.", "email") from None


def voeg_toe_aan_gemeente(
    engine: Engine, code: str, email: str, rechten: Iterable[Gebruikersrecht], nu: datetime
) -> NieuweGebruiker:
    """The operator's `gebruiker add`: the gemeente's first user gets every right."""
    with _uniek(), schrijven(engine) as session:
        return _voeg_toe(session, _gemeente(session, code), email, frozenset(rechten), nu)


def voeg_toe(
    engine: Engine,
    organisatie_id: int,
    email: str,
    rechten: Iterable[Gebruikersrecht],
    nu: datetime,
) -> NieuweGebruiker:
    """A gebruikersbeheerder adds a user to the own organisation."""
    with _uniek(), schrijven(engine) as session:
        org = _organisatie(session, organisatie_id)
        return _voeg_toe(session, org, email, frozenset(rechten), nu)


def lijst(engine: Engine, organisatie_id: int) -> list[GebruikerInfo]:
    """The organisation's users by e-mail address: two queries, whatever their number."""
    with Session(engine) as session:
        org = _organisatie(session, organisatie_id)
        users = session.scalars(
            select(Gebruiker).where(Gebruiker.organisatie_id == org.id).order_by(Gebruiker.email)
        ).all()
        rechten = _rechten(session, [g.id for g in users])
        return [_info(g, org.code, rechten.get(g.id, frozenset())) for g in users]


def _van_organisatie(session: Session, organisatie_id: int, gebruiker_id: int) -> Gebruiker:
    gebruiker = session.get(Gebruiker, gebruiker_id)
    if gebruiker is None or gebruiker.organisatie_id != organisatie_id:
        raise NietGevonden
    return gebruiker


def lees(engine: Engine, organisatie_id: int, gebruiker_id: int) -> GebruikerInfo:
    with Session(engine) as session:
        org = _organisatie(session, organisatie_id)
        return info(session, _van_organisatie(session, org.id, gebruiker_id), org.code)


def _zet(session: Session, gebruiker_id: int, rechten: Iterable[Gebruikersrecht]) -> None:
    session.execute(delete(GebruikerRecht).where(GebruikerRecht.gebruiker_id == gebruiker_id))
    session.add_all(GebruikerRecht(gebruiker_id=gebruiker_id, recht=r.value) for r in rechten)
    session.flush()


def _andere_beheerders(session: Session, gebruiker: Gebruiker) -> int:
    """Active gebruikersbeheerders of the organisation other than this user."""
    query = (
        select(func.count())
        .select_from(Gebruiker)
        .join(GebruikerRecht, GebruikerRecht.gebruiker_id == Gebruiker.id)
        .where(
            Gebruiker.organisatie_id == gebruiker.organisatie_id,
            Gebruiker.id != gebruiker.id,
            Gebruiker.geblokkeerd.is_(False),
            GebruikerRecht.recht == Gebruikersrecht.GEBRUIKERSBEHEER.value,
        )
    )
    return int(session.scalar(query) or 0)


def _laatste_beheerder(session: Session, gebruiker: Gebruiker) -> None:
    """An organisation keeps at least one active gebruikersbeheerder: refuse otherwise."""
    rechten = _rechten(session, [gebruiker.id]).get(gebruiker.id, frozenset())
    was = Gebruikersrecht.GEBRUIKERSBEHEER in rechten
    if was and not gebruiker.geblokkeerd and _andere_beheerders(session, gebruiker) == 0:
        raise GebruikerFout(
            "Dit is de laatste gebruikersbeheerder van de organisatie; geef eerst een andere "
            "gebruiker het recht gebruikersbeheer.",
            "rechten",
        )


def zet_rechten(
    engine: Engine, organisatie_id: int, gebruiker_id: int, rechten: Iterable[Gebruikersrecht]
) -> GebruikerInfo:
    """Grant and revoke at once: the user has exactly these rights afterwards (effective at the
    user's next page, since every page reads the rights anew)."""
    rechten = frozenset(rechten)
    with schrijven(engine) as session:
        org = _organisatie(session, organisatie_id)
        gebruiker = _van_organisatie(session, org.id, gebruiker_id)
        if Gebruikersrecht.GEBRUIKERSBEHEER not in rechten:
            _laatste_beheerder(session, gebruiker)
        _zet(session, gebruiker.id, rechten)
        return info(session, gebruiker, org.code)


def blokkeer(
    engine: Engine, organisatie_id: int, gebruiker_id: int, *, geblokkeerd: bool = True
) -> GebruikerInfo:
    """Block (or unblock) a user: a blocked user cannot log in, and every session of the user
    ends at once."""
    with schrijven(engine) as session:
        org = _organisatie(session, organisatie_id)
        gebruiker = _van_organisatie(session, org.id, gebruiker_id)
        if geblokkeerd:
            _laatste_beheerder(session, gebruiker)
            session.execute(delete(PortaalSessie).where(PortaalSessie.gebruiker_id == gebruiker.id))
        gebruiker.geblokkeerd = geblokkeerd
        return info(session, gebruiker, org.code)


def nieuwe_link(engine: Engine, organisatie_id: int, gebruiker_id: int, nu: datetime) -> str:
    """A new one-time set-password link for a user of the organisation (earlier links stop)."""
    with schrijven(engine) as session:
        org = _organisatie(session, organisatie_id)
        return nieuw_token(session, _van_organisatie(session, org.id, gebruiker_id).id, nu)


def nieuwe_link_voor(engine: Engine, email: str, nu: datetime) -> str:
    """The operator's `gebruiker link`: a new set-password link for this address."""
    with schrijven(engine) as session:
        gebruiker_id = session.scalar(
            select(Gebruiker.id).where(Gebruiker.email == normaliseer_email(email))
        )
        if gebruiker_id is None:
            raise GebruikerFout("er is geen gebruiker met dit e-mailadres", "email")
        return nieuw_token(session, gebruiker_id, nu)
