"""`samenloop org` for zorgkantoren and zorgaanbieders: the codes, the tokens, the lifecycle."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from store.auth import Credentials, NietGeauthenticeerd, identify
from tests.zorg.conftest import run


def _caller(engine: Engine, user: str, token: str) -> tuple[str, str]:
    with engine.connect() as conn:
        caller = identify(conn, Credentials(token=token, user=user))
    return caller.rol, caller.code


@pytest.mark.parametrize(
    ("optie", "code", "rol"),
    [("--zorgkantoor", "5501", "zorgkantoor"), ("--zorgaanbieder", "12345678", "zorgaanbieder")],
)
def test_add_token_set_remove_and_list(
    cli_env: dict[str, str], engine: Engine, optie: str, code: str, rol: str
) -> None:
    status, out, _ = run(cli_env, "org", "add", optie, code, "--mail", "pb@zorg.example")
    assert status == 0
    token = out.splitlines()[-1]
    assert _caller(engine, code, token) == (rol, code), "HTTP Basic: the user is the code"
    assert run(cli_env, "org", "add", optie, code)[0] == 1, "already registered"
    status, out, _ = run(cli_env, "org", "token", optie, code)
    nieuw = out.splitlines()[-1]
    with pytest.raises(NietGeauthenticeerd):
        _caller(engine, code, token)
    assert run(cli_env, "org", "set", optie, code, "--mail", "")[0] == 0
    assert run(cli_env, "org", "set", optie, code, "--samenwerking", "0363")[0] == 2
    assert f"{rol} {code} actief" in run(cli_env, "org", "list")[1]
    assert run(cli_env, "org", "remove", optie, code)[0] == 0
    with pytest.raises(NietGeauthenticeerd):
        _caller(engine, code, nieuw)
    assert f"{rol} {code} gedeactiveerd" in run(cli_env, "org", "list")[1]


@pytest.mark.parametrize(
    ("args", "melding"),
    [
        (("--zorgkantoor", "5522"), "zorgkantoorcode 5522 is op"),  # ended in 2020
        (("--zorgkantoor", "5599"), "zorgkantoorcode 5599 staat niet in iWlz COD001"),
        (("--zorgkantoor", "55O1"), "een zorgkantoorcode is 4 cijfers"),
        (("--zorgkantoor", "0363"), "zorgkantoorcode 0363 staat niet in iWlz COD001"),
        (("--zorgaanbieder", "1234567"), "een AGB-code is 8 cijfers"),
        (("--zorgaanbieder", "١٢٣٤٥٦٧٨"), "een AGB-code is 8 cijfers"),
        (("--zorgaanbieder", "12345678 "), "een AGB-code is 8 cijfers"),
    ],
)
def test_a_code_that_is_not_open_is_refused(
    cli_env: dict[str, str], args: tuple[str, ...], melding: str
) -> None:
    status, _, err = run(cli_env, "org", "add", *args, "--datum", "2026-03-01")
    assert status == 1
    assert melding in err


def test_5522_was_open_before_2020(cli_env: dict[str, str]) -> None:
    assert run(cli_env, "org", "add", "--zorgkantoor", "5522", "--datum", "2019-12-31")[0] == 0


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--gemeente", "0363", "--zorgkantoor", "5501"),
        ("--zorgaanbieder", "1", "--zorgkantoor", "5501"),
    ],
)
def test_exactly_one_organisation_option(cli_env: dict[str, str], args: tuple[str, ...]) -> None:
    status, _, err = run(cli_env, "org", "add", *args)
    assert status == 2
    assert "precies één van --gemeente, --zorgkantoor, --zorgaanbieder" in err
