"""Shared set-up for the aanleveringen: two gemeenten, an upload helper, the population."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from adapters.cli_populatie import populatie
from adapters.files.aanlevering import MAX_BYTES, verwerk
from store.models import Abonnement
from store.organisaties import add_gemeente
from store.populatie import Opdracht
from store.rollen import Wet
from store.verslag import Verslag
from tests.conftest import fixture_path

# Until adapters/cli.py registers the group itself (its last line), the tests do it.
cli.add_command(populatie)

D = date(2026, 3, 1)
Upload = Callable[..., Verslag]
Populatie = dict[tuple[str, str], tuple[object, ...]]


def aanlevering(name: str) -> Path:
    return fixture_path("aanlevering", name)


@pytest.fixture
def gemeenten(sessions: sessionmaker[Session]) -> None:
    """0363 delivers for itself and 0437; 0599 only for itself."""
    with sessions.begin() as session:
        add_gemeente(session, "0363", samenwerking=["0437"], peildatum=D)
        add_gemeente(session, "0599", peildatum=D)


def upload_bytes(
    engine: Engine,
    data: bytes,
    *,
    gemeente: str = "0363",
    bestandsnaam: str = "test.csv",
    peildatum: date = D,
    initieel: bool = False,
    controle: bool = False,
    max_bytes: int = MAX_BYTES,
) -> Verslag:
    opdracht = Opdracht(gemeente, Wet.WMO, bestandsnaam, peildatum, initieel, controle)
    return verwerk(engine, io.BytesIO(data), opdracht, max_bytes=max_bytes)


@pytest.fixture
def upload(engine: Engine, gemeenten: None) -> Upload:
    """Upload a fixture file by name (or raw bytes) as 0363 on D unless told otherwise."""

    def run(name_or_data: str | bytes, **kw: Any) -> Verslag:
        if isinstance(name_or_data, bytes):
            return upload_bytes(engine, name_or_data, **kw)
        data = aanlevering(name_or_data).read_bytes()
        return upload_bytes(engine, data, bestandsnaam=name_or_data, **kw)

    return run


def populatie_van(sessions: sessionmaker[Session]) -> Populatie:
    """Every abonnement: (gemeentecode, bsn) -> (ingang, eind, aanleverende org id, ib dates)."""
    with sessions() as s:
        return {
            (a.gemeentecode, a.bsn): (
                a.ingangsdatum,
                a.einddatum,
                a.organisatie_id,
                a.ib_creatiedatum,
                a.ib_mutatiedatum,
            )
            for a in s.scalars(select(Abonnement))
        }
