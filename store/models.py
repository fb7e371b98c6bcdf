"""SQLAlchemy 2 typed tables. Roles and wetten are data, never table names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Integer primary keys that auto-increment on both engines (SQLite only does so for INTEGER).
BigId = BigInteger().with_variant(Integer(), "sqlite")
INTEGER_MAX = 2**31 - 1  # an Integer column's largest value (PostgreSQL refuses a larger one)
# For a table read in the order of its primary key and never by rowid: on SQLite the key is then
# the table itself (WITHOUT ROWID), one b-tree instead of a rowid table plus a key index. A scan
# in key order reads each row where it finds the key, instead of one lookup per row: the nightly
# run's zorg aggregates over 400,000 rows took half the time (bench.signalen). PostgreSQL
# ignores the option; tests/test_migrations.py holds the migrated schema to it.
CLUSTERED_ON_SQLITE = {"sqlite_with_rowid": False}

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Gemeente(Base):
    """Reference data: every gemeentecode that exists or existed (RvIG Tabel 33, CBS)."""

    __tablename__ = "gemeente"
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    naam: Mapped[str] = mapped_column(String(80))
    provincie: Mapped[str | None] = mapped_column(String(40))
    nieuwe_code: Mapped[str | None] = mapped_column(String(4))
    datum_ingang: Mapped[date | None] = mapped_column(Date)
    datum_einde: Mapped[date | None] = mapped_column(Date)


class Organisatie(Base):
    """A caller: a gemeente now; zorgkantoor and zorgaanbieder are further values of `rol`."""

    __tablename__ = "organisatie"
    __table_args__ = (UniqueConstraint("rol", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rol: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(8))
    oin: Mapped[str | None] = mapped_column(String(20), unique=True)
    mail: Mapped[str | None] = mapped_column(String(254))
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    aangemaakt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The Wmo signal file version a gemeente chose (1 or 2; store/signaalversie.py).
    signaalversie: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class OrganisatieToken(Base):
    """Only the SHA-256 digest of a token is kept, indexed for a single-lookup check."""

    __tablename__ = "organisatie_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisatie_id: Mapped[int] = mapped_column(ForeignKey("organisatie.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    aangemaakt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Aanleverrecht(Base):
    """Which aanleverende gemeente delivers for a gemeentecode, per wet (at most one)."""

    __tablename__ = "aanleverrecht"
    __table_args__ = (UniqueConstraint("wet", "gemeentecode"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisatie_id: Mapped[int] = mapped_column(ForeignKey("organisatie.id"), index=True)
    wet: Mapped[str] = mapped_column(String(8))
    gemeentecode: Mapped[str] = mapped_column(ForeignKey("gemeente.code"))


class LoadKolommen:
    """The columns of every applied feed (a mixin: each table gets its own copies, after its
    own columns): the file, initial or not, when, and what it counted (store.feeds)."""

    bestandsnaam: Mapped[str] = mapped_column(String(255))
    initieel: Mapped[bool] = mapped_column(Boolean)
    verwerkt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    aantal_regels: Mapped[int] = mapped_column(Integer)
    toegevoegd: Mapped[int] = mapped_column(Integer)
    vervangen: Mapped[int] = mapped_column(Integer)
    verwijderd: Mapped[int] = mapped_column(Integer)
    waarschuwingen: Mapped[int] = mapped_column(Integer)


class RegisterLoad(LoadKolommen, Base):
    """One applied CIZ feed."""

    __tablename__ = "register_load"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class WlzRegister(Base):
    """The kopie Wlz-register: one current record per BSN, dat-informatie only."""

    __tablename__ = "wlz_register"
    bsn: Mapped[str] = mapped_column(String(9), primary_key=True)
    wlz_status: Mapped[str] = mapped_column(String(8))
    afgiftedatum: Mapped[date] = mapped_column(Date)
    ingangsdatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    load_id: Mapped[int] = mapped_column(ForeignKey("register_load.id"))


class RegisterMutatie(Base):
    """Every applied feed line (and every record an initial load removed), to explain later."""

    __tablename__ = "register_mutatie"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    load_id: Mapped[int] = mapped_column(ForeignKey("register_load.id"), index=True)
    regel: Mapped[int | None] = mapped_column(Integer)
    soort: Mapped[str] = mapped_column(String(1))
    bsn: Mapped[str] = mapped_column(String(9), index=True)
    wlz_status: Mapped[str | None] = mapped_column(String(8))
    afgiftedatum: Mapped[date | None] = mapped_column(Date)
    ingangsdatum: Mapped[date | None] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)


class AuditRegistertoets(Base):
    """One record per registertoets: the only place that holds who looked up which BSN."""

    __tablename__ = "audit_registertoets"
    # An organisation's calls by time: the rate limit counts its last minute in the registertoets
    # query itself (store/toetslimiet.py), the retention purge walks it per organisation.
    __table_args__ = (
        Index("ix_audit_registertoets_organisatie_tijdstip", "organisatie_id", "tijdstip"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tijdstip: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    organisatie_id: Mapped[int] = mapped_column(ForeignKey("organisatie.id"))
    operatie: Mapped[str] = mapped_column(String(40))
    bsn: Mapped[str | None] = mapped_column(String(9), index=True)
    uitkomst: Mapped[str] = mapped_column(String(24))
    # The portal's user who did it (None for SOAP and REST: their caller is the organisation).
    gebruiker_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))


class Abonnement(Base):
    """A subscription of the landelijke voorziening: one per (wet, gemeentecode, bsn)."""

    __tablename__ = "abonnement"
    # bsn first: the key serves the nightly join on bsn as well, so no second index is kept up.
    __table_args__ = (PrimaryKeyConstraint("bsn", "wet", "gemeentecode"),)
    wet: Mapped[str] = mapped_column(String(8))
    gemeentecode: Mapped[str] = mapped_column(String(4))
    bsn: Mapped[str] = mapped_column(String(9))
    ingangsdatum: Mapped[date | None] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    # The aanleverende gemeente. No foreign key on purpose: its check is a trigger per row (on
    # PostgreSQL 0.75 s per 100,000 rows, more than the insert itself), and the only writer
    # (store/populatie.py) takes the id from the organisatie row it has just locked; organisaties
    # are deactivated, never deleted.
    organisatie_id: Mapped[int] = mapped_column(Integer, index=True)
    ib_creatiedatum: Mapped[date] = mapped_column(Date)
    ib_mutatiedatum: Mapped[date] = mapped_column(Date)
    # What the nightly run last signalled for it lives in signaal_geheugen (same key), and
    # every path that removes a subscription removes that too.


class Aanlevering(Base):
    """Every upload, accepted or not, with its verwerkingsverslag (a `controle` is not kept)."""

    __tablename__ = "aanlevering"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisatie_id: Mapped[int] = mapped_column(ForeignKey("organisatie.id"), index=True)
    wet: Mapped[str] = mapped_column(String(8))
    bestandsnaam: Mapped[str] = mapped_column(String(255))
    ontvangen_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    peildatum: Mapped[date] = mapped_column(Date)
    initieel: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(12))
    aantal_regels: Mapped[int] = mapped_column(Integer)
    verslag: Mapped[dict[str, Any]] = mapped_column(JSON)
