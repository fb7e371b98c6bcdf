"""Tables of the portal's accounts (portaal.md "Who sees what", "Security"): users of one
organisation with their rights, server-side sessions, one-time set-password links and the
failed logins that lock an account.

Secrets are never stored as such: a password as its argon2id hash, a session id and a
set-password token as the SHA-256 digest of 256 random bits (found with one indexed lookup).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base, BigId


class Gebruiker(Base):
    """A person who logs in to the portal; belongs to exactly one organisation.

    `email` is kept in lower case, so that its unique constraint is case-insensitive on both
    engines (a person logs in with any capitalisation of the address)."""

    __tablename__ = "gebruiker"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisatie_id: Mapped[int] = mapped_column(ForeignKey("organisatie.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    wachtwoord_hash: Mapped[str | None] = mapped_column(String(255))  # None until set
    geblokkeerd: Mapped[bool] = mapped_column(Boolean, default=False)
    aangemaakt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Lockout (store/inloggen.py): refused until this moment, whatever the password.
    vergrendeld_tot: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class GebruikerRecht(Base):
    """One right of a user (store.gebruikers.Gebruikersrecht), one row each."""

    __tablename__ = "gebruiker_recht"
    __table_args__ = (PrimaryKeyConstraint("gebruiker_id", "recht"),)
    gebruiker_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    recht: Mapped[str] = mapped_column(String(20))


class MisluktePoging(Base):
    """A failed login of a user in the last 15 minutes (older ones are removed as they go)."""

    __tablename__ = "mislukte_poging"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    gebruiker_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"), index=True)
    tijdstip: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PortaalSessie(Base):
    """A logged-in session: the cookie carries the id, this table only its digest."""

    __tablename__ = "portaal_sessie"
    __table_args__ = (Index("ix_portaal_sessie_laatst_gezien", "laatst_gezien_op"),)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    gebruiker_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))  # the session's form token
    aangemaakt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    laatst_gezien_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WachtwoordToken(Base):
    """A one-time set-password link: valid 24 hours, usable once (kept after use to say so)."""

    __tablename__ = "wachtwoord_token"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    gebruiker_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"), index=True)
    aangemaakt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    gebruikt_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
