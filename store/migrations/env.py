"""Alembic environment: the connection comes from store.migrate, never from an ini file."""

from __future__ import annotations

from alembic import context

from store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite needs batch mode for later ALTERs
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
