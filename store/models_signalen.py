"""Tables of the Wlz signalen: the runs, the signals, what was last signalled, the outbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from store.models import CLUSTERED_ON_SQLITE, Base, BigId


class SignaalRun(Base):
    """One nightly run per peildatum; completed runs are final."""

    __tablename__ = "signaal_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peildatum: Mapped[date] = mapped_column(Date, unique=True)
    gestart_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    voltooid_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    geforceerd: Mapped[bool] = mapped_column(Boolean)
    signalen: Mapped[int] = mapped_column(Integer)
    bestanden: Mapped[int] = mapped_column(Integer)
    verwijderd: Mapped[int] = mapped_column(Integer)
    duur_ms: Mapped[int] = mapped_column(Integer)
    # What the next run needs to compare only what changed (store/signaalscope.py): the last
    # register mutation this run saw, the settings it ran with, and whether it compared all.
    register_mutatie_tot: Mapped[int | None] = mapped_column(BigInteger)
    instellingen: Mapped[str | None] = mapped_column(String(64))
    volledig: Mapped[bool | None] = mapped_column(Boolean)


# BSNs whose subscriptions, zorg rows or gemeente's signal version changed since the last run:
# written in the same transaction as the change, emptied by the run that compared them. No key:
# an append is all a writer pays (store/signaalscope.py).
signaal_wijziging = Table(
    "signaal_wijziging",
    Base.metadata,
    Column("bsn", String(9), nullable=False),
    Index("ix_signaal_wijziging_bsn", "bsn"),
)


class Signaal(Base):
    """A signal to an aanleverende gemeente, with the rule that made it and what came before."""

    __tablename__ = "signaal"
    # One index, peildatum first: a run reads back its own day, the API a day of one
    # gemeente, the report a period. No unique key: a run for a peildatum happens once, in one
    # transaction, guarded by signaal_run's unique peildatum.
    __table_args__ = (Index("ix_signaal_peildatum", "peildatum", "organisatie_id", "wet"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    peildatum: Mapped[date] = mapped_column(Date)
    wet: Mapped[str] = mapped_column(String(8))
    gemeentecode: Mapped[str] = mapped_column(String(4))
    bsn: Mapped[str] = mapped_column(String(9))
    # The aanleverende gemeente, copied from the subscription. No foreign key on purpose (as on
    # abonnement): its check is a trigger per inserted row, the largest cost of the first run.
    organisatie_id: Mapped[int] = mapped_column(Integer)
    wlz_status: Mapped[str] = mapped_column(String(8))
    afgiftedatum: Mapped[date] = mapped_column(Date)
    ingangsdatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    regel: Mapped[str] = mapped_column(String(12))
    vorige_status: Mapped[str | None] = mapped_column(String(8))
    vorige_afgiftedatum: Mapped[date | None] = mapped_column(Date)
    vorige_ingangsdatum: Mapped[date | None] = mapped_column(Date)
    vorige_einddatum: Mapped[date | None] = mapped_column(Date)
    # The zorg information and advies as they were at creation (doorontwikkeling-2023.md
    # section 6; NULL when SAMENLOOP_ZORGINFORMATIE is uit). The toelichting is not stored: a
    # version's rule table never changes, so store/advies.py rebuilds it from regel, versie,
    # wet and per_datum. The leveringsvormen are rows of signaal_leveringsvorm.
    startdatum_zorg: Mapped[date | None] = mapped_column(Date)
    bron_startdatum_zorg: Mapped[str | None] = mapped_column(String(16))
    advies: Mapped[str | None] = mapped_column(String(10))
    advies_regel: Mapped[str | None] = mapped_column(String(4))
    advies_versie: Mapped[str | None] = mapped_column(String(10))
    advies_per: Mapped[date | None] = mapped_column(Date)
    # The set of leveringsvorm codes as a bit mask (bit n: code n), for the version 2 comparison.
    leveringsvorm_codes: Mapped[int | None] = mapped_column(Integer)


class SignaalLeveringsvorm(Base):
    """A toewijzing not ended on the signal's peildatum, as it was then (section 2)."""

    __tablename__ = "signaal_leveringsvorm"
    # The signal first: read per signal; then the zorgkantoor row's own key.
    __table_args__ = (
        PrimaryKeyConstraint("signaal_id", "organisatie_id", "code", "startdatum"),
        CLUSTERED_ON_SQLITE,
    )
    signaal_id: Mapped[int] = mapped_column(BigId)
    organisatie_id: Mapped[int] = mapped_column(Integer)  # the zorgkantoor
    code: Mapped[str] = mapped_column(String(2))
    startdatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)


class SignaalGeheugen(Base):
    """What the nightly run last signalled per subscription (beslisregels section 4).

    Keyed like abonnement (bsn first, for the nightly join) and narrow on purpose: the run
    writes it by one upsert from the day's signals instead of updating wide subscription rows
    (on PostgreSQL that update wrote a full page image to the WAL for most touched pages). It goes
    when its subscription goes: every delete of abonnement rows deletes the same keys here.
    """

    __tablename__ = "signaal_geheugen"
    __table_args__ = (PrimaryKeyConstraint("bsn", "wet", "gemeentecode"),)
    bsn: Mapped[str] = mapped_column(String(9))
    wet: Mapped[str] = mapped_column(String(8))
    gemeentecode: Mapped[str] = mapped_column(String(4))
    wlz_status: Mapped[str] = mapped_column(String(8))
    afgiftedatum: Mapped[date] = mapped_column(Date)
    ingangsdatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    gesignaleerd_op: Mapped[date] = mapped_column(Date)
    # The rest of the version 2 state (doorontwikkeling section 6) of the last signal.
    leveringsvorm_codes: Mapped[int | None] = mapped_column(Integer)
    startdatum_zorg: Mapped[date | None] = mapped_column(Date)
    advies: Mapped[str | None] = mapped_column(String(10))
    advies_per: Mapped[date | None] = mapped_column(Date)


class SignaalBestand(Base):
    """A published signal file: one per (aanleverende gemeente, wet, peildatum) with signals."""

    __tablename__ = "signaal_bestand"
    organisatie_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wet: Mapped[str] = mapped_column(String(8), primary_key=True)
    peildatum: Mapped[date] = mapped_column(Date, primary_key=True)
    aantal: Mapped[int] = mapped_column(Integer)
    versie: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # of its columns


class MailUitgaand(Base):
    """The outbox: a mail is queued in the run's transaction and sent after it; kept on failure."""

    __tablename__ = "mail_uitgaand"
    __table_args__ = (UniqueConstraint("organisatie_id", "soort", "sleutel"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisatie_id: Mapped[int] = mapped_column(ForeignKey("organisatie.id"))
    soort: Mapped[str] = mapped_column(String(20))
    sleutel: Mapped[str] = mapped_column(String(40))
    aan: Mapped[str] = mapped_column(String(254))
    onderwerp: Mapped[str] = mapped_column(String(200))
    tekst: Mapped[str] = mapped_column(Text)
    aangemaakt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    verzonden_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pogingen: Mapped[int] = mapped_column(Integer, default=0)
    laatste_fout: Mapped[str | None] = mapped_column(String(200))
