"""Wlz signalen: runs, signals, the memory of what was signalled (on abonnement), the outbox.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _state(prefix: str = "", *, required: bool = True) -> list[sa.Column]:  # type: ignore[type-arg]
    name = "status" if prefix else "wlz_status"
    return [
        sa.Column(f"{prefix}{name}", sa.String(8), nullable=not required),
        sa.Column(f"{prefix}afgiftedatum", sa.Date(), nullable=not required),
        sa.Column(f"{prefix}ingangsdatum", sa.Date(), nullable=not required),
        sa.Column(f"{prefix}einddatum", sa.Date()),
    ]


def upgrade() -> None:
    op.create_table(
        "signaal_run",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("peildatum", sa.Date(), nullable=False),
        sa.Column("gestart_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voltooid_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("geforceerd", sa.Boolean(), nullable=False),
        sa.Column("signalen", sa.Integer(), nullable=False),
        sa.Column("bestanden", sa.Integer(), nullable=False),
        sa.Column("verwijderd", sa.Integer(), nullable=False),
        sa.Column("duur_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_signaal_run"),
        sa.UniqueConstraint("peildatum", name="uq_signaal_run_peildatum"),
    )
    op.create_table(
        "signaal",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("peildatum", sa.Date(), nullable=False),
        sa.Column("wet", sa.String(8), nullable=False),
        sa.Column("gemeentecode", sa.String(4), nullable=False),
        sa.Column("bsn", sa.String(9), nullable=False),
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        *_state(),
        sa.Column("regel", sa.String(12), nullable=False),
        *_state("vorige_", required=False),
        sa.PrimaryKeyConstraint("id", name="pk_signaal"),
    )
    op.create_index("ix_signaal_peildatum", "signaal", ["peildatum", "organisatie_id", "wet"])
    op.create_table(
        "signaal_bestand",
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        sa.Column("wet", sa.String(8), nullable=False),
        sa.Column("peildatum", sa.Date(), nullable=False),
        sa.Column("aantal", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organisatie_id", "wet", "peildatum", name="pk_signaal_bestand"),
    )
    # What was last signalled lives on the subscription itself: it goes when the subscription
    # goes (beslisregels section 4), and the nightly run needs no extra join.
    if op.get_bind().dialect.name == "postgresql":
        # Room on each page, so that the nightly run's updates of these columns (not indexed)
        # stay heap-only (HOT) and touch no index.
        op.execute("ALTER TABLE abonnement SET (fillfactor = 85)")
    with op.batch_alter_table("abonnement") as batch:
        for column in (
            *_state("gesignaleerd_", required=False),
            sa.Column("gesignaleerd_op", sa.Date()),
        ):
            batch.add_column(column)
    op.create_table(
        "mail_uitgaand",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        sa.Column("soort", sa.String(20), nullable=False),
        sa.Column("sleutel", sa.String(40), nullable=False),
        sa.Column("aan", sa.String(254), nullable=False),
        sa.Column("onderwerp", sa.String(200), nullable=False),
        sa.Column("tekst", sa.Text(), nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verzonden_op", sa.DateTime(timezone=True)),
        sa.Column("pogingen", sa.Integer(), nullable=False),
        sa.Column("laatste_fout", sa.String(200)),
        sa.PrimaryKeyConstraint("id", name="pk_mail_uitgaand"),
        sa.ForeignKeyConstraint(
            ["organisatie_id"],
            ["organisatie.id"],
            name="fk_mail_uitgaand_organisatie_id_organisatie",
        ),
        sa.UniqueConstraint(
            "organisatie_id", "soort", "sleutel", name="uq_mail_uitgaand_organisatie_id"
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("abonnement") as batch:
        for name in ("status", "afgiftedatum", "ingangsdatum", "einddatum", "op"):
            batch.drop_column(f"gesignaleerd_{name}")
    for table in ("mail_uitgaand", "signaal_bestand", "signaal", "signaal_run"):
        op.drop_table(table)
