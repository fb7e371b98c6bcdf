"""Migration 0003 creates exactly what store/models.py declares for the aanleveringen."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from store.models import Base

TABLES = {"abonnement", "aanlevering"}


def _about_our_tables(diff: object) -> bool:
    flat = repr(diff)
    return any(f"'{t}'" in flat or f"Table('{t}'" in flat for t in TABLES)


def test_the_migration_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, Base.metadata)
    assert [d for d in diffs if _about_our_tables(d)] == []


def test_the_key_serves_the_nightly_join_on_bsn(engine: Engine) -> None:
    pk = inspect(engine).get_pk_constraint("abonnement")
    assert pk["constrained_columns"][0] == "bsn"
    indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("abonnement")}
    assert indexes == {"ix_abonnement_organisatie_id": ["organisatie_id"]}
