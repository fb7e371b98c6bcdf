"""Aanleveringen: the abonnementen of the landelijke voorziening and every upload's verslag.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "abonnement",
        sa.Column("wet", sa.String(8), nullable=False),
        sa.Column("gemeentecode", sa.String(4), nullable=False),
        sa.Column("bsn", sa.String(9), nullable=False),
        sa.Column("ingangsdatum", sa.Date()),
        sa.Column("einddatum", sa.Date()),
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        sa.Column("ib_creatiedatum", sa.Date(), nullable=False),
        sa.Column("ib_mutatiedatum", sa.Date(), nullable=False),
        # bsn first: the key serves the nightly join on bsn as well (see store/models.py).
        sa.PrimaryKeyConstraint("bsn", "wet", "gemeentecode", name="pk_abonnement"),
    )
    # organisatie_id has no foreign key on purpose (see store/models.py Abonnement).
    op.create_index("ix_abonnement_organisatie_id", "abonnement", ["organisatie_id"])
    op.create_table(
        "aanlevering",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        sa.Column("wet", sa.String(8), nullable=False),
        sa.Column("bestandsnaam", sa.String(255), nullable=False),
        sa.Column("ontvangen_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("peildatum", sa.Date(), nullable=False),
        sa.Column("initieel", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("aantal_regels", sa.Integer(), nullable=False),
        sa.Column("verslag", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_aanlevering"),
        sa.ForeignKeyConstraint(
            ["organisatie_id"], ["organisatie.id"], name="fk_aanlevering_organisatie_id_organisatie"
        ),
    )
    op.create_index("ix_aanlevering_organisatie_id", "aanlevering", ["organisatie_id"])


def downgrade() -> None:
    op.drop_table("aanlevering")
    op.drop_table("abonnement")
