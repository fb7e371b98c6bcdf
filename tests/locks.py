"""Holding another process back at a known point: a lock the test holds, and how to see that
the other process has come up against it."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from tests.procs import read_position

Reached = Callable[[subprocess.Popen[bytes]], bool]


def waits_for_lock(engine: Engine) -> bool:
    """True while some session of this database waits for a lock (each call a new snapshot:
    pg_stat_activity does not change inside one transaction)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND datname = current_database()"
    )
    with engine.connect() as conn:
        return bool(conn.execute(query).scalar_one())


@contextmanager
def write_barrier(engine: Engine, table: str, reads: Path | None = None) -> Iterator[Reached]:
    """Hold back the next write of another process while the block runs.

    PostgreSQL: a SHARE lock on table, so its INSERT there waits; `reached(proc)` is True once
    a session waits for a lock. SQLite: the single write lock, so its first write waits (give
    it a long SAMENLOOP_DB_TIMEOUT); that cannot be seen from outside, so `reached(proc)` is
    True once it has read the file `reads` to the end: all reading done, it can get no
    further than that write (without `reads`, never).
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as blocker, blocker.begin():
            blocker.exec_driver_sql(f"LOCK TABLE {table} IN SHARE MODE")
            yield lambda _proc: waits_for_lock(engine)
        return
    engine.dispose()
    with closing(sqlite3.connect(str(engine.url.database), isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        yield lambda proc: reads is not None and read_position(proc.pid, reads) == _size(reads)
        writer.execute("ROLLBACK")


def _size(path: Path) -> int:
    return path.stat().st_size
