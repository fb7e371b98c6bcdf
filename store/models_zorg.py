"""Tables of the zorgkantoor and zorgaanbieder feeds (doorontwikkeling-2023.md section 1).

Dat-informatie only: how and from when Wlz care is delivered, never which care or why. Each row
belongs to the organisation that delivered it, so that a `--initieel` load replaces only that
sender's rows. The key starts with the BSN: the registertoets and the nightly run read them by
BSN; the organisation index serves the initial load.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models import CLUSTERED_ON_SQLITE, Base, LoadKolommen


class ZorgLoad(LoadKolommen, Base):
    """One applied zorgkantoor or zorgaanbieder feed, with its counts."""

    __tablename__ = "zorg_load"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisatie_id: Mapped[int] = mapped_column(Integer, index=True)
    soort: Mapped[str] = mapped_column(String(20))  # "zorgkantoor" or "zorgaanbieder"


class ZorgkantoorLevering(Base):
    """A toewijzing of a leveringsvorm (iWlz COD578) by a zorgkantoor."""

    __tablename__ = "zorgkantoor_levering"
    __table_args__ = (
        PrimaryKeyConstraint("bsn", "organisatie_id", "leveringsvorm", "startdatum"),
        Index("ix_zorgkantoor_levering_organisatie_id", "organisatie_id"),
        CLUSTERED_ON_SQLITE,
    )
    bsn: Mapped[str] = mapped_column(String(9))
    organisatie_id: Mapped[int] = mapped_column(Integer)
    leveringsvorm: Mapped[str] = mapped_column(String(2))
    startdatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    load_id: Mapped[int] = mapped_column(Integer)


class ZorgaanbiederLevering(Base):
    """The day Wlz care delivery actually began, as a zorgaanbieder reported it."""

    __tablename__ = "zorgaanbieder_levering"
    __table_args__ = (
        PrimaryKeyConstraint("bsn", "organisatie_id", "startdatum"),
        Index("ix_zorgaanbieder_levering_organisatie_id", "organisatie_id"),
        CLUSTERED_ON_SQLITE,
    )
    bsn: Mapped[str] = mapped_column(String(9))
    organisatie_id: Mapped[int] = mapped_column(Integer)
    startdatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    load_id: Mapped[int] = mapped_column(Integer)
