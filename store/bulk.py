"""The fastest bulk insert each engine offers: COPY on PostgreSQL, multi-row INSERT on SQLite.

Used by the loads and by the benchmark's floor, so that both are measured the same way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import chain
from typing import Any

from sqlalchemy import Connection

Row = Sequence[Any]

# SQLite stores a DATE as ISO text (what SQLAlchemy's Date writes and reads). The adapter is
# looked up by exact type, so it converts date values only (a datetime keeps its own); it does
# what Python 3.11's default adapter does (deprecated in 3.12), without a Python call per value.
sqlite3.register_adapter(date, date.isoformat)

# Rows per INSERT statement on SQLite: one statement of many rows binds and steps far less
# than executemany does per row; bounded by the number of parameters a statement may have.
_SQLITE_ROWS = 4000


def bulk_insert(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
    """Insert rows (tuples in column order) into table inside the connection's transaction."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        with _copy(conn, table, columns) as copy:
            for row in rows:
                copy.write_row(row)
        return
    _sqlite_insert(conn, table, columns, tuple(chain.from_iterable(rows)))


def bulk_insert_values(
    conn: Connection, table: str, columns: Sequence[str], values: Sequence[Any]
) -> None:
    """Insert rows given as one flat sequence of values (len(columns) per row, row after row).

    For callers that collect many rows: a flat list holds no object per row, so a large batch
    gives the garbage collector nothing to scan (a tuple subclass per row is scanned again at
    every full collection while the batch lives).
    """
    if not values:
        return
    if conn.dialect.name == "postgresql":
        width = len(columns)
        with _copy(conn, table, columns) as copy:
            for start in range(0, len(values), width):
                copy.write_row(values[start : start + width])
        return
    _sqlite_insert(conn, table, columns, values)


@contextmanager
def _copy(conn: Connection, table: str, columns: Sequence[str]) -> Iterator[Any]:
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as c:
        yield c


def _sqlite_insert(
    conn: Connection, table: str, columns: Sequence[str], values: Sequence[Any]
) -> None:
    driver = conn.connection.driver_connection
    limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if driver else 999
    width = len(columns)
    per = max(1, min(_SQLITE_ROWS, limit // width)) * width  # values per statement
    marks = "(" + ", ".join("?" * width) + ")"
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    for start in range(0, len(values), per):
        chunk = tuple(values[start : start + per])
        conn.exec_driver_sql(insert + ", ".join([marks] * (len(chunk) // width)), chunk)
