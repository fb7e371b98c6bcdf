"""Foundation: gemeenten, organisaties with tokens and aanleverrechten, the kopie Wlz-register.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "gemeente",
        sa.Column("code", sa.String(4), primary_key=True),
        sa.Column("naam", sa.String(80), nullable=False),
        sa.Column("provincie", sa.String(40)),
        sa.Column("nieuwe_code", sa.String(4)),
        sa.Column("datum_ingang", sa.Date()),
        sa.Column("datum_einde", sa.Date()),
        sa.PrimaryKeyConstraint("code", name="pk_gemeente"),
    )
    op.create_table(
        "organisatie",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rol", sa.String(20), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("oin", sa.String(20)),
        sa.Column("mail", sa.String(254)),
        sa.Column("actief", sa.Boolean(), nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organisatie"),
        sa.UniqueConstraint("rol", "code", name="uq_organisatie_rol"),
        sa.UniqueConstraint("oin", name="uq_organisatie_oin"),
    )
    op.create_table(
        "organisatie_token",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organisatie_token"),
        sa.ForeignKeyConstraint(
            ["organisatie_id"],
            ["organisatie.id"],
            name="fk_organisatie_token_organisatie_id_organisatie",
        ),
        sa.UniqueConstraint("digest", name="uq_organisatie_token_digest"),
    )
    op.create_index("ix_organisatie_token_organisatie_id", "organisatie_token", ["organisatie_id"])
    op.create_table(
        "aanleverrecht",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        sa.Column("wet", sa.String(8), nullable=False),
        sa.Column("gemeentecode", sa.String(4), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_aanleverrecht"),
        sa.ForeignKeyConstraint(
            ["organisatie_id"],
            ["organisatie.id"],
            name="fk_aanleverrecht_organisatie_id_organisatie",
        ),
        sa.ForeignKeyConstraint(
            ["gemeentecode"], ["gemeente.code"], name="fk_aanleverrecht_gemeentecode_gemeente"
        ),
        sa.UniqueConstraint("wet", "gemeentecode", name="uq_aanleverrecht_wet"),
    )
    op.create_index("ix_aanleverrecht_organisatie_id", "aanleverrecht", ["organisatie_id"])
    op.create_table(
        "register_load",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("bestandsnaam", sa.String(255), nullable=False),
        sa.Column("initieel", sa.Boolean(), nullable=False),
        sa.Column("verwerkt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("aantal_regels", sa.Integer(), nullable=False),
        sa.Column("toegevoegd", sa.Integer(), nullable=False),
        sa.Column("vervangen", sa.Integer(), nullable=False),
        sa.Column("verwijderd", sa.Integer(), nullable=False),
        sa.Column("waarschuwingen", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_register_load"),
    )
    op.create_table(
        "wlz_register",
        sa.Column("bsn", sa.String(9), nullable=False),
        sa.Column("wlz_status", sa.String(8), nullable=False),
        sa.Column("afgiftedatum", sa.Date(), nullable=False),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date()),
        sa.Column("load_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bsn", name="pk_wlz_register"),
        sa.ForeignKeyConstraint(
            ["load_id"], ["register_load.id"], name="fk_wlz_register_load_id_register_load"
        ),
    )
    op.create_table(
        "register_mutatie",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("load_id", sa.Integer(), nullable=False),
        sa.Column("regel", sa.Integer()),
        sa.Column("soort", sa.String(1), nullable=False),
        sa.Column("bsn", sa.String(9), nullable=False),
        sa.Column("wlz_status", sa.String(8)),
        sa.Column("afgiftedatum", sa.Date()),
        sa.Column("ingangsdatum", sa.Date()),
        sa.Column("einddatum", sa.Date()),
        sa.PrimaryKeyConstraint("id", name="pk_register_mutatie"),
        sa.ForeignKeyConstraint(
            ["load_id"], ["register_load.id"], name="fk_register_mutatie_load_id_register_load"
        ),
    )
    op.create_index("ix_register_mutatie_load_id", "register_mutatie", ["load_id"])
    op.create_index("ix_register_mutatie_bsn", "register_mutatie", ["bsn"])


def downgrade() -> None:
    for table in (
        "register_mutatie",
        "wlz_register",
        "register_load",
        "aanleverrecht",
        "organisatie_token",
        "organisatie",
        "gemeente",
    ):
        op.drop_table(table)
