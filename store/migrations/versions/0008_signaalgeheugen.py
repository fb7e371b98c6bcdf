"""The nightly run's memory in a table of its own (signaal_geheugen), moved off abonnement; the
zorg information and advies stored with every signal (signaal columns, signaal_leveringsvorm);
the signal file version (organisatie.signaalversie, and signaal_bestand.versie per file).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
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
        sa.Column("leveringsvorm_codes", sa.Integer()),
        sa.Column("startdatum_zorg", sa.Date()),
        sa.Column("advies", sa.String(10)),
        sa.Column("advies_per", sa.Date()),
        sa.PrimaryKeyConstraint("bsn", "wet", "gemeentecode", name="pk_signaal_geheugen"),
    )


BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _zorg() -> None:
    with op.batch_alter_table("signaal") as batch:
        batch.add_column(sa.Column("startdatum_zorg", sa.Date()))
        batch.add_column(sa.Column("bron_startdatum_zorg", sa.String(16)))
        batch.add_column(sa.Column("advies", sa.String(10)))
        batch.add_column(sa.Column("advies_regel", sa.String(4)))
        batch.add_column(sa.Column("advies_versie", sa.String(10)))
        batch.add_column(sa.Column("advies_per", sa.Date()))
        batch.add_column(sa.Column("leveringsvorm_codes", sa.Integer()))
    op.create_table(
        "signaal_leveringsvorm",
        sa.Column("signaal_id", BigId, nullable=False),
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(2), nullable=False),
        sa.Column("startdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date()),
        sa.PrimaryKeyConstraint(
            "signaal_id", "organisatie_id", "code", "startdatum", name="pk_signaal_leveringsvorm"
        ),
    )


_VERSIES = (("organisatie", "signaalversie"), ("signaal_bestand", "versie"))


def _versie(table: str, name: str) -> None:
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="1"))


def upgrade() -> None:
    _memory()
    _zorg()
    for table, name in _VERSIES:
        _versie(table, name)
    op.execute(_MOVE)
    with op.batch_alter_table("abonnement") as batch:
        for name in (*_STATE, "op"):
            batch.drop_column(f"gesignaleerd_{name}")


def downgrade() -> None:
    for table, name in _VERSIES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column(name)
    op.drop_table("signaal_leveringsvorm")
    with op.batch_alter_table("signaal") as batch:
        for name in ("startdatum_zorg", "bron_startdatum_zorg", "advies", "advies_regel"):
            batch.drop_column(name)
        for name in ("advies_versie", "advies_per", "leveringsvorm_codes"):
            batch.drop_column(name)
    with op.batch_alter_table("abonnement") as batch:
        batch.add_column(sa.Column("gesignaleerd_status", sa.String(8)))
        for name in ("afgiftedatum", "ingangsdatum", "einddatum", "op"):
            batch.add_column(sa.Column(f"gesignaleerd_{name}", sa.Date()))
    sets = ", ".join(f"gesignaleerd_{n} = g.{'wlz_status' if n == 'status' else n}" for n in _STATE)
    op.execute(_BACK.format(sets=sets + ", gesignaleerd_op = g.gesignaleerd_op"))
    op.drop_table("signaal_geheugen")
