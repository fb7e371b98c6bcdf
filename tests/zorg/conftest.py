"""Fixtures for the zorg feeds: registered senders, running the CLI, and the stored rows."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from store import organisaties
from store.models_zorg import ZorgaanbiederLevering, ZorgkantoorLevering, ZorgLoad
from store.rollen import Rol
from store.zorgfeed import Feed
from tests.conftest import fixture_path

# The REST adapter's fixtures (the app in-process on the demo set), for the feed routes.
from tests.rest.conftest import anonymous, connect, demo_set, rest_app  # noqa: F401

D = date(2026, 3, 1)
ZORGKANTOOR = "5501"
ANDER_ZORGKANTOOR = "5502"
AGB = "12345678"
ANDERE_AGB = "87654321"
AFZENDER = {Feed.ZORGKANTOOR: ZORGKANTOOR, Feed.ZORGAANBIEDER: AGB}
ANDERE = {Feed.ZORGKANTOOR: ANDER_ZORGKANTOOR, Feed.ZORGAANBIEDER: ANDERE_AGB}
OPTIE = {Feed.ZORGKANTOOR: "--zorgkantoor", Feed.ZORGAANBIEDER: "--agb"}
TABEL = {Feed.ZORGKANTOOR: ZorgkantoorLevering, Feed.ZORGAANBIEDER: ZorgaanbiederLevering}
Tokens = dict[tuple[Rol, str], str]


@pytest.fixture
def zorgpartijen(sessions: sessionmaker[Session]) -> Tokens:
    """Two zorgkantoren and two zorgaanbieders, each with its token."""
    tokens: Tokens = {}
    with sessions.begin() as session:
        for rol, codes in (
            (Rol.ZORGKANTOOR, (ZORGKANTOOR, ANDER_ZORGKANTOOR)),
            (Rol.ZORGAANBIEDER, (AGB, ANDERE_AGB)),
        ):
            for code in codes:
                tokens[rol, code] = organisaties.add_zorgpartij(session, rol, code, peildatum=D)
    return tokens


def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def load(
    env: dict[str, str], feed: Feed, name: str, *extra: str, code: str | None = None
) -> tuple[int, str, str]:
    path = str(fixture_path(feed.value, name))
    return run(env, feed.value, "load", OPTIE[feed], code or AFZENDER[feed], *extra, path)


def rows(engine: Engine, feed: Feed) -> list[tuple[object, ...]]:
    """Every stored row of the feed, without its load_id, in key order."""
    t = TABEL[feed].__table__.c
    cols = [c for c in t if c.name != "load_id"]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*cols).order_by(*cols))]


def loads(engine: Engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(ZorgLoad.id)).all())
