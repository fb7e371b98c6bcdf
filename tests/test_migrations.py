"""Migrations: every step upgrades an existing database without losing data; models match."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from store import migrate
from store.db import make_engine
from store.schema import metadata
from store.settings import Settings
from tests.conftest import TARGET
from tests.databases import throwaway_database


@pytest.fixture
def fresh_engine(tmp_path: Path) -> Iterator[Engine]:
    """A database of its own: migrations must start from nothing."""
    with throwaway_database(TARGET, tmp_path) as url:
        engine = make_engine(Settings(database_url=url))
        yield engine
        engine.dispose()


def test_models_and_migrations_agree(migrated: Engine) -> None:
    with migrated.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_tables_clustered_on_sqlite_are_so_after_the_migrations(migrated: Engine) -> None:
    """compare_metadata does not look at WITHOUT ROWID: the schema itself must say it."""
    if migrated.dialect.name != "sqlite":
        pytest.skip("WITHOUT ROWID is SQLite's")
    clustered = {
        t.name for t in metadata.sorted_tables if t.dialect_options["sqlite"]["with_rowid"] is False
    }
    assert clustered >= {"zorgkantoor_levering", "zorgaanbieder_levering", "signaal_leveringsvorm"}
    with migrated.connect() as conn:
        rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all()
    zonder_rowid = {name for name, sql in rows if sql.rstrip().endswith("WITHOUT ROWID")}
    assert zonder_rowid == clustered


def test_each_step_keeps_existing_data(fresh_engine: Engine) -> None:
    revisions = [
        s.revision
        for s in reversed(
            list(ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions())
        )
    ]
    migrate.upgrade(fresh_engine, revisions[0])
    with fresh_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO register_load (id, bestandsnaam, initieel, verwerkt_op, aantal_regels,"
                " toegevoegd, vervangen, verwijderd, waarschuwingen)"
                " VALUES (1, 'oud', true, :t, 1, 1, 0, 0, 0)"
            ),
            {"t": datetime.now(UTC)},
        )
        conn.execute(
            text("INSERT INTO wlz_register VALUES ('999900006', 'Ja', :d, :d, NULL, 1)"),
            {"d": date(2026, 2, 10)},
        )
    for revision in revisions[1:]:
        migrate.upgrade(fresh_engine, revision)
        with fresh_engine.connect() as conn:
            assert conn.execute(text("SELECT bsn FROM wlz_register")).scalars().all() == [
                "999900006"
            ]
    assert migrate.is_current(fresh_engine)


def test_upgrade_twice_is_harmless_and_loads_reference_data_once(migrated: Engine) -> None:
    migrate.upgrade(migrated)
    with migrated.connect() as conn:
        count = conn.execute(text("SELECT COUNT(*) FROM gemeente")).scalar_one()
    assert count > 1400
