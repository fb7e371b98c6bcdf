"""Migration 0007: the gemeenten registered before it get Jeugdwet aanleverrechten equal to their
Wmo rights, except for a gemeentecode that already has a Jeugdwet aanleverende gemeente."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, text

from store import migrate
from store.db import make_engine
from store.models import Aanleverrecht
from store.settings import Settings
from tests.conftest import TARGET
from tests.databases import throwaway_database

# Plain SQL: the models are those of the newest revision, the tables here those of 0006.
_ORGANISATIE = text(
    "INSERT INTO organisatie (id, rol, code, actief, aangemaakt_op)"
    " VALUES (:id, 'gemeente', :code, true, :t)"
)
_RECHT = text(
    "INSERT INTO aanleverrecht (organisatie_id, wet, gemeentecode) VALUES (:org, :wet, :code)"
)


def test_existing_wmo_rights_become_jw_rights_too(tmp_path: Path) -> None:
    with throwaway_database(TARGET, tmp_path) as url:
        engine = make_engine(Settings(database_url=url))
        try:
            migrate.upgrade(engine, "0006")
            now = datetime.now(UTC)
            with engine.begin() as conn:
                for id_, code in ((1, "0363"), (2, "0599")):
                    conn.execute(_ORGANISATIE, {"id": id_, "code": code, "t": now})
                rights = [(1, "wmo", "0363"), (1, "wmo", "0437"), (2, "wmo", "0599")]
                rights.append((2, "jw", "0437"))  # 0437's Jeugdwet was already 0599's
                conn.execute(_RECHT, [{"org": o, "wet": w, "code": g} for o, w, g in rights])
            migrate.upgrade(engine)
            with engine.connect() as conn:
                jw = conn.execute(
                    select(Aanleverrecht.organisatie_id, Aanleverrecht.gemeentecode)
                    .where(Aanleverrecht.wet == "jw")
                    .order_by(Aanleverrecht.gemeentecode)
                ).all()
            assert [tuple(r) for r in jw] == [(1, "0363"), (2, "0437"), (2, "0599")]
        finally:
            engine.dispose()
