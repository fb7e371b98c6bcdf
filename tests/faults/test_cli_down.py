"""Every command that touches the database, with the database down: exit 3 and one line on
stderr, never a traceback (interfaces.md section 4), and never a wait past the timeout.

PostgreSQL session only: the database URL here is a PostgreSQL one whatever the session's engine.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from adapters.cli import cli
from tests.conftest import fixture_path
from tests.faults.conftest import BOUND, DB_TIMEOUT
from tests.server import free_port

pytestmark = pytest.mark.postgres

FEED = str(fixture_path("ciz", "initieel-geldig.csv"))
UPLOAD = str(fixture_path("aanlevering", "initieel-geldig.csv"))
TABEL33 = str(fixture_path("..", "store", "data", "rvig-tabel33-gemeenten-2022-11.csv"))
ZORGKANTOOR = str(fixture_path("zorgkantoor", "initieel-geldig.csv"))
ZORGAANBIEDER = str(fixture_path("zorgaanbieder", "initieel-geldig.csv"))
G = ("--gemeente", "0363")
PERIODE = ("--van", "2026-03-01", "--tot", "2026-03-31")

# Every command with arguments it accepts; `serve` runs without a database (/health says 503).
COMMANDS: dict[str, tuple[str, ...]] = {
    "db upgrade": (),
    "demo": (),
    "gemeenten load": (TABEL33,),
    "org add": G,
    "org token": G,
    "org set": (*G, "--mail", "pb@0363.example"),
    "org remove": G,
    "org list": (),
    "register load": (FEED,),
    "populatie upload": (*G, "--initieel", UPLOAD),
    "populatie rapport": G,
    "populatie verslag": G,
    "populatie aanleveringen": G,
    "signalen run": ("--datum", "2026-03-01"),
    "signalen export": G,
    "signalen rapport": (*G, *PERIODE),
    "audit rapport": PERIODE,
    "audit inzage": PERIODE,
    "bewaartermijn opschonen": (),
    "zorgkantoor load": ("--zorgkantoor", "5501", "--initieel", ZORGKANTOOR),
    "zorgaanbieder load": ("--agb", "12345678", ZORGAANBIEDER),
    "gebruiker add": (*G, "--email", "pb@0363.example"),
    "gebruiker link": ("--email", "pb@0363.example"),
}
WITHOUT_DATABASE = frozenset({"serve"})
# What a command reads from stdin, for those that do.
STDIN = {"audit inzage": "999900006\n"}


def _paths(group: click.Group, prefix: str = "") -> Iterator[str]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _paths(command, f"{prefix}{name} ")
        else:
            yield prefix + name


def test_the_table_names_every_command() -> None:
    """A new command must say here how it behaves with the database down."""
    assert set(_paths(cli)) == set(COMMANDS) | WITHOUT_DATABASE


def _down() -> dict[str, str]:
    # A free port: nothing listens, as when the server is stopped (connection refused).
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/samenloop"
    return {"SAMENLOOP_DATABASE_URL": url, "SAMENLOOP_DB_TIMEOUT": str(DB_TIMEOUT)}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_database_down_is_exit_3_with_one_line(command: str) -> None:
    args = [*command.split(), *COMMANDS[command]]
    result = CliRunner().invoke(cli, args, input=STDIN.get(command), env=_down())
    assert result.exit_code == 3, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: database niet bereikbaar: connection failed:")
    assert "Traceback" not in result.output


def test_a_server_that_never_answers_is_exit_3_after_the_timeout(hung_database: str) -> None:
    env = {"SAMENLOOP_DATABASE_URL": hung_database, "SAMENLOOP_DB_TIMEOUT": str(DB_TIMEOUT)}
    began = time.monotonic()
    result = CliRunner().invoke(cli, ["signalen", "run"], env=env)
    elapsed = time.monotonic() - began
    assert result.exit_code == 3, (result.output, result.exception)
    assert result.stderr.strip().splitlines() == [
        "Error: database niet bereikbaar: connection timeout expired"
    ]
    assert DB_TIMEOUT <= elapsed < BOUND
