"""Jeugdwet scenarios (doorontwikkeling-2023.md section 5): gemeenten with their tokens, the CLI
and the REST app on the test database, with the Jeugdwet switch aan or uit."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from datetime import date

import httpx
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from adapters.rest import create_rest_app
from store.organisaties import add_gemeente
from store.settings import Settings
from tests.conftest import fixture_path
from tests.rest.conftest import BASE_URL

D = date(2026, 3, 1)
Rest = Callable[..., httpx.Client]


def bestand(naam: str) -> str:
    return str(fixture_path("jeugdwet", naam))


def run_cli(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def tokens(sessions: sessionmaker[Session]) -> dict[str, str]:
    """0363 delivering for itself and 0437 (both wetten), 0599 for itself; code -> token."""
    with sessions.begin() as session:
        return {
            "0363": add_gemeente(
                session, "0363", samenwerking=["0437"], mail="pb@0363.example", peildatum=D
            ),
            "0599": add_gemeente(session, "0599", peildatum=D),
        }


@pytest.fixture
def uit_env(cli_env: dict[str, str]) -> dict[str, str]:
    return {**cli_env, "SAMENLOOP_JEUGDWET": "uit"}


@pytest.fixture
def rest(settings: Settings, engine: Engine) -> Iterator[Rest]:
    """rest(code, token, jeugdwet=True): an in-process client of the REST app as that gemeente,
    with 'today' fixed at D and the Jeugdwet switch in the given position."""
    with contextlib.ExitStack() as stack:

        def make(code: str, token: str, *, jeugdwet: bool = True, today: date = D) -> httpx.Client:
            app = create_rest_app(
                dataclasses.replace(settings, jeugdwet=jeugdwet), engine, today=lambda: today
            )
            client = httpx.Client(
                transport=httpx.WSGITransport(app=app), base_url=BASE_URL, auth=(code, token)
            )
            return stack.enter_context(client)

        yield make
