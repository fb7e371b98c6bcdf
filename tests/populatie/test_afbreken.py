"""A process killed in the middle of an upload leaves the population exactly as it was, and the
same upload again ends exactly as one uninterrupted upload (compared with a copy of the database
on which it ran without interruption)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from store.demo import synthetic_bsns
from store.models import Aanlevering
from tests.locks import write_barrier
from tests.populatie.conftest import D, Upload, populatie_van
from tests.procs import kill_when, read_position, spawn_cli
from tests.state import assert_rerun_ends_as_reference, copy_of, table_contents


def _write_locked(database: str) -> bool:
    """SQLite: True while another connection holds the write lock."""
    with closing(sqlite3.connect(database, timeout=0, isolation_level=None)) as probe:
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        probe.execute("ROLLBACK")
        return False


def _kill_halfway(engine: Engine, env: dict[str, str], args: list[str], path: Path) -> None:
    if engine.dialect.name == "postgresql":
        # Held back at saving its verslag: every abonnement written, nothing committed.
        with write_barrier(engine, "aanlevering") as reached:
            proc = spawn_cli(env, *args)
            kill_when(proc, lambda: reached(proc), "the upload came to its verslag")
        return
    # SQLite: the upload takes the write lock before it reads; killed halfway through the file.
    size, database = path.stat().st_size, str(engine.url.database)
    proc = spawn_cli(env, *args)

    def halfway() -> bool:
        read = read_position(proc.pid, path) or 0
        return size // 2 <= read < size and _write_locked(database)

    kill_when(proc, halfway, "the upload read half the file")


@pytest.mark.slow
def test_killed_halfway_then_rerun_ends_as_one_upload(
    upload: Upload,
    engine: Engine,
    sessions: sessionmaker[Session],
    cli_env: dict[str, str],
    tmp_path: Path,
) -> None:
    assert upload("initieel-geldig.csv", initieel=True).status == "afgeleverd"
    before, contents = populatie_van(sessions), table_contents(engine)
    groot = tmp_path / "groot.csv"
    bsns = list(synthetic_bsns())
    groot.write_text("".join(f"{b},{c},01-01-2020,\n" for c in ("0363", "0437") for b in bsns))
    args = ["populatie", "upload", "--gemeente", "0363", "--initieel", "--datum", str(D)]
    with copy_of(engine, tmp_path) as reference:
        _kill_halfway(engine, cli_env, [*args, str(groot)], groot)
        assert populatie_van(sessions) == before
        assert table_contents(engine) == contents
        assert_rerun_ends_as_reference(engine, cli_env, reference, [*args, str(groot)])
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Aanlevering)) == 2
