"""The fastest bulk insert each engine offers: COPY on PostgreSQL, executemany on SQLite.

Used by the loads and by the benchmark's floor, so that both are measured the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection

Row = Sequence[Any]


def _sqlite_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def bulk_insert(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
    """Insert rows (tuples in column order) into table inside the connection's transaction."""
    if not rows:
        return
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({names}) VALUES ({marks})",
        [tuple(_sqlite_value(v) for v in row) for row in rows],
    )
