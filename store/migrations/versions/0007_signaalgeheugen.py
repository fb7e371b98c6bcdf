"""The nightly run's memory in a table of its own (signaal_geheugen), moved off abonnement.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_STATE = ("status", "afgiftedatum", "ingangsdatum", "einddatum")
_MOVE = """INSERT INTO signaal_geheugen (bsn, wet, gemeentecode, wlz_status, afgiftedatum,
  ingangsdatum, einddatum, gesignaleerd_op)
SELECT bsn, wet, gemeentecode, gesignaleerd_status, gesignaleerd_afgiftedatum,
  gesignaleerd_ingangsdatum, gesignaleerd_einddatum, gesignaleerd_op
FROM abonnement WHERE gesignaleerd_op IS NOT NULL"""
_BACK = """UPDATE abonnement SET {sets} FROM signaal_geheugen g
WHERE g.bsn = abonnement.bsn AND g.wet = abonnement.wet
  AND g.gemeentecode = abonnement.gemeentecode"""


def _memory() -> None:
    op.create_table(
        "signaal_geheugen",
        sa.Column("bsn", sa.String(9), nullable=False),
        sa.Column("wet", sa.String(8), nullable=False),
        sa.Column("gemeentecode", sa.String(4), nullable=False),
        sa.Column("wlz_status", sa.String(8), nullable=False),
        sa.Column("afgiftedatum", sa.Date(), nullable=False),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date()),
        sa.Column("gesignaleerd_op", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("bsn", "wet", "gemeentecode", name="pk_signaal_geheugen"),
    )


def upgrade() -> None:
    _memory()
    op.execute(_MOVE)
    with op.batch_alter_table("abonnement") as batch:
        for name in (*_STATE, "op"):
            batch.drop_column(f"gesignaleerd_{name}")


def downgrade() -> None:
    with op.batch_alter_table("abonnement") as batch:
        batch.add_column(sa.Column("gesignaleerd_status", sa.String(8)))
        for name in ("afgiftedatum", "ingangsdatum", "einddatum", "op"):
            batch.add_column(sa.Column(f"gesignaleerd_{name}", sa.Date()))
    sets = ", ".join(f"gesignaleerd_{n} = g.{'wlz_status' if n == 'status' else n}" for n in _STATE)
    op.execute(_BACK.format(sets=sets + ", gesignaleerd_op = g.gesignaleerd_op"))
    op.drop_table("signaal_geheugen")
