"""Alembic environment: the connection comes from store.migrate, never from an ini file."""

from __future__ import annotations

from alembic import context

from store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite needs batch mode for later ALTERs
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
