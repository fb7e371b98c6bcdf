"""Zorgkantoor and zorgaanbieder feeds: their rows and their loads.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _rows(table: str, key: list[str], *extra: sa.Column) -> None:  # type: ignore[type-arg]
    op.create_table(
        table,
        sa.Column("bsn", sa.String(9), nullable=False),
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        *extra,
        sa.Column("startdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date()),
        sa.Column("load_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*key, name=f"pk_{table}"),
    )
    op.create_index(f"ix_{table}_organisatie_id", table, ["organisatie_id"])


def upgrade() -> None:
    op.create_table(
        "zorg_load",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        sa.Column("soort", sa.String(20), nullable=False),
        sa.Column("bestandsnaam", sa.String(255), nullable=False),
        sa.Column("initieel", sa.Boolean(), nullable=False),
        sa.Column("verwerkt_op", sa.DateTime(timezone=True), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("aantal_regels", "toegevoegd", "vervangen", "verwijderd", "waarschuwingen")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_zorg_load"),
    )
    op.create_index("ix_zorg_load_organisatie_id", "zorg_load", ["organisatie_id"])
    _rows(
        "zorgkantoor_levering",
        ["bsn", "organisatie_id", "leveringsvorm", "startdatum"],
        sa.Column("leveringsvorm", sa.String(2), nullable=False),
    )
    _rows("zorgaanbieder_levering", ["bsn", "organisatie_id", "startdatum"])


def downgrade() -> None:
    for table in ("zorgaanbieder_levering", "zorgkantoor_levering", "zorg_load"):
        op.drop_table(table)
