"""The nightly run compares only what changed since the last run: a journal of changed BSNs
(signaal_wijziging) and, per run, what the next one starts from (signaal_run's
register_mutatie_tot, instellingen, volledig). Runs made before this have no settings recorded,
so the first run after the upgrade compares everything.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("signaal_wijziging", sa.Column("bsn", sa.String(9), nullable=False))
    op.create_index("ix_signaal_wijziging_bsn", "signaal_wijziging", ["bsn"])
    with op.batch_alter_table("signaal_run") as batch:
        batch.add_column(sa.Column("register_mutatie_tot", sa.BigInteger()))
        batch.add_column(sa.Column("instellingen", sa.String(64)))
        batch.add_column(sa.Column("volledig", sa.Boolean()))


def downgrade() -> None:
    with op.batch_alter_table("signaal_run") as batch:
        batch.drop_column("volledig")
        batch.drop_column("instellingen")
        batch.drop_column("register_mutatie_tot")
    op.drop_index("ix_signaal_wijziging_bsn", "signaal_wijziging")
    op.drop_table("signaal_wijziging")
