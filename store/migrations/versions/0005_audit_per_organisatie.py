"""Audit by organisation and time: the registertoets rate limit and the retention purge.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

On a large existing audit table, building the index blocks audit inserts (and so the
registertoets) while it runs. On PostgreSQL an operator can build it beforehand without that
lock, `CREATE INDEX CONCURRENTLY ix_audit_registertoets_organisatie_tijdstip ON
audit_registertoets (organisatie_id, tijdstip)`; this step then finds it and leaves it alone.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEX = "ix_audit_registertoets_organisatie_tijdstip"


def upgrade() -> None:
    op.create_index(
        INDEX, "audit_registertoets", ["organisatie_id", "tijdstip"], if_not_exists=True
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="audit_registertoets")
