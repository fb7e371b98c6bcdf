"""A registertoets done in the portal is audited with the person who did it, not only with the
organisation: audit_registertoets.gebruiker_id (NULL for SOAP and REST, whose caller is an
organisation's token or certificate). Users are blocked, never deleted, so the key holds.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_FK = "fk_audit_registertoets_gebruiker_id_gebruiker"


def upgrade() -> None:
    with op.batch_alter_table("audit_registertoets") as batch:
        batch.add_column(sa.Column("gebruiker_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(_FK, "gebruiker", ["gebruiker_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("audit_registertoets") as batch:
        batch.drop_constraint(_FK, type_="foreignkey")
        batch.drop_column("gebruiker_id")
