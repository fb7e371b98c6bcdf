"""The portal's accounts: users with their rights, server-side sessions, one-time
set-password links and the failed logins that lock an account (store/models_portaal.py).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_MOMENT = sa.DateTime(timezone=True)


def _gebruiker() -> None:
    op.create_table(
        "gebruiker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("wachtwoord_hash", sa.String(255)),
        sa.Column("geblokkeerd", sa.Boolean(), nullable=False),
        sa.Column("aangemaakt_op", _MOMENT, nullable=False),
        sa.Column("vergrendeld_tot", _MOMENT),
        sa.PrimaryKeyConstraint("id", name="pk_gebruiker"),
        sa.UniqueConstraint("email", name="uq_gebruiker_email"),
        sa.ForeignKeyConstraint(
            ["organisatie_id"],
            ["organisatie.id"],
            name="fk_gebruiker_organisatie_id_organisatie",
        ),
    )
    op.create_index("ix_gebruiker_organisatie_id", "gebruiker", ["organisatie_id"])


def _fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["gebruiker_id"], ["gebruiker.id"], name=f"fk_{table}_gebruiker_id_gebruiker"
    )


def _per_gebruiker() -> None:
    op.create_table(
        "gebruiker_recht",
        sa.Column("gebruiker_id", sa.Integer(), nullable=False),
        sa.Column("recht", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("gebruiker_id", "recht", name="pk_gebruiker_recht"),
        _fk("gebruiker_recht"),
    )
    op.create_table(
        "mislukte_poging",
        sa.Column("id", BigId, nullable=False),
        sa.Column("gebruiker_id", sa.Integer(), nullable=False),
        sa.Column("tijdstip", _MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mislukte_poging"),
        _fk("mislukte_poging"),
    )
    op.create_index("ix_mislukte_poging_gebruiker_id", "mislukte_poging", ["gebruiker_id"])


def _sessies_en_tokens() -> None:
    op.create_table(
        "portaal_sessie",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("gebruiker_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("aangemaakt_op", _MOMENT, nullable=False),
        sa.Column("laatst_gezien_op", _MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("digest", name="pk_portaal_sessie"),
        _fk("portaal_sessie"),
    )
    op.create_index("ix_portaal_sessie_gebruiker_id", "portaal_sessie", ["gebruiker_id"])
    op.create_index("ix_portaal_sessie_laatst_gezien", "portaal_sessie", ["laatst_gezien_op"])
    op.create_table(
        "wachtwoord_token",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("gebruiker_id", sa.Integer(), nullable=False),
        sa.Column("aangemaakt_op", _MOMENT, nullable=False),
        sa.Column("gebruikt_op", _MOMENT),
        sa.PrimaryKeyConstraint("digest", name="pk_wachtwoord_token"),
        _fk("wachtwoord_token"),
    )
    op.create_index("ix_wachtwoord_token_gebruiker_id", "wachtwoord_token", ["gebruiker_id"])


def upgrade() -> None:
    _gebruiker()
    _per_gebruiker()
    _sessies_en_tokens()


def downgrade() -> None:
    for table in ("wachtwoord_token", "portaal_sessie", "mislukte_poging", "gebruiker_recht"):
        op.drop_table(table)
    op.drop_table("gebruiker")
