"""Audit log of the registertoets: one record per call.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_registertoets",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("tijdstip", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        sa.Column("operatie", sa.String(40), nullable=False),
        sa.Column("bsn", sa.String(9)),
        sa.Column("uitkomst", sa.String(24), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_registertoets"),
        sa.ForeignKeyConstraint(
            ["organisatie_id"],
            ["organisatie.id"],
            name="fk_audit_registertoets_organisatie_id_organisatie",
        ),
    )
    op.create_index("ix_audit_registertoets_bsn", "audit_registertoets", ["bsn"])


def downgrade() -> None:
    op.drop_table("audit_registertoets")
