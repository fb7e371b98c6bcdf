"""Throwaway databases for tests and benchmarks: a new one per use, removed afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def throwaway_database(target: str, directory: Path, prefix: str = "samenloop_t") -> Iterator[str]:
    """Yield the URL of a new empty database: an SQLite file in directory when target is
    "sqlite", else a new database on the PostgreSQL server of the URL target (which is never
    stopped or otherwise touched)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    if target == "sqlite":
        path = directory / f"{name}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin_url = make_url(target).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
