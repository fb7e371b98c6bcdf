"""On SQLite the zorg feeds' tables and signaal_leveringsvorm become WITHOUT ROWID tables
(store.models.CLUSTERED_ON_SQLITE): their primary key, which starts with what they are read
by, is the table itself. Each table is rebuilt with its rows; PostgreSQL has nothing to do.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ("zorgkantoor_levering", "zorgaanbieder_levering", "signaal_leveringsvorm")


def _rebuild(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        kwargs = {"sqlite_with_rowid": with_rowid}
        with op.batch_alter_table(table, recreate="always", table_kwargs=kwargs):
            pass


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
