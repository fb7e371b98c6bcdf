"""The contents of every table, to compare two databases (a rerun after a crash against a run
that was never interrupted), and a copy of a database to run the reference on.

Left out of the comparison is only what differs between any two runs by nature: surrogate keys
(PostgreSQL does not roll a sequence back, so a killed run uses up numbers), the clock times of
processing and the measured duration. Everything else must be equal, row for row.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import Column, DateTime, Engine, create_engine, select, text
from sqlalchemy.engine import make_url

from adapters.cli import cli
from store.db import make_engine
from store.schema import metadata
from store.settings import Settings

Contents = dict[str, list[tuple[Any, ...]]]

_MEASURED = frozenset({"duur_ms"})
_RUN_KEYS_IN_JSON = ("id", "ontvangenOp")
# Keys of rows a run creates itself; organisatie and gemeente rows exist before any run.
_SURROGATE_TARGETS = frozenset({"register_load", "aanlevering", "signaal_run", "signaal"})


def _compared(column: Column[Any]) -> bool:
    if column.name in _MEASURED or isinstance(column.type, DateTime):
        return False
    if column.name == "id" and column.table.name != "organisatie":
        return False
    targets = {fk.column.table.name for fk in column.foreign_keys}
    return not targets & _SURROGATE_TARGETS


def _value(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, repr(v)) for k, v in value.items() if k not in _RUN_KEYS_IN_JSON))
    return value


def table_contents(engine: Engine) -> Contents:
    """Every table's rows (compared columns only), in a stable order."""
    contents: Contents = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if _compared(c)]
            rows = [tuple(map(_value, row)) for row in conn.execute(select(*columns))]
            contents[table.name] = sorted(rows, key=repr)
    return contents


@contextmanager
def copy_of(engine: Engine, directory: Path) -> Iterator[str]:
    """A copy of the database behind engine (whose pool is emptied first); its URL.

    SQLite: the backup API into a new file. PostgreSQL: CREATE DATABASE ... TEMPLATE, on the
    same server, dropped afterwards (a template may have no other sessions: hence dispose)."""
    engine.dispose()
    if engine.dialect.name == "sqlite":
        target = directory / f"copy_{uuid.uuid4().hex[:8]}.db"
        source = closing(sqlite3.connect(str(engine.url.database)))
        with source as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
        yield f"sqlite:///{target}"
        return
    name = f"{engine.url.database}_c{uuid.uuid4().hex[:6]}"
    admin = create_engine(
        make_url(engine.url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{engine.url.database}"'))
    try:
        yield engine.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def assert_rerun_ends_as_reference(
    engine: Engine, env: dict[str, str], reference_url: str, args: list[str]
) -> None:
    """Run the command again on engine's database, and uninterrupted on the reference copy
    (made before the interrupted run): same exit, same table contents."""
    rerun = CliRunner().invoke(cli, args, env=env)
    expected = CliRunner().invoke(cli, args, env={**env, "SAMENLOOP_DATABASE_URL": reference_url})
    assert rerun.exit_code == expected.exit_code == 0, (rerun.output, expected.output)
    reference = make_engine(Settings(database_url=reference_url))
    try:
        assert table_contents(engine) == table_contents(reference)
    finally:
        reference.dispose()
