"""A write transaction for the small store functions that read and then write (the portal's
accounts): on SQLite the write lock is taken at BEGIN, because a deferred transaction that
reads and then writes fails at once ("database is locked", no busy wait) when another process
committed in between, as concurrent gunicorn workers do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session


@contextmanager
def schrijven(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back on error."""
    immediate = engine.execution_options(sqlite_begin="IMMEDIATE")
    with Session(immediate, expire_on_commit=False) as session, session.begin():
        yield session
