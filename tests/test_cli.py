"""The operator's CLI: organisations, exit codes, the demo, the database that cannot be reached."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from store.auth import Credentials, NietGeauthenticeerd, identify
from store.models import OrganisatieToken
from store.organisaties import token_digest


def _run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def _identify(engine: Engine, creds: Credentials) -> str:
    with engine.connect() as conn:
        return identify(conn, creds).code


def test_org_add_prints_a_token_that_works_and_is_stored_as_a_digest(
    cli_env: dict[str, str], engine: Engine, sessions: sessionmaker[Session]
) -> None:
    code, out, _ = _run(cli_env, "org", "add", "--gemeente", "0363", "--samenwerking", "0437,0363")
    assert code == 0
    token = out.strip().splitlines()[-1]
    assert len(token) >= 40
    assert _identify(engine, Credentials(token=token)) == "0363"
    assert _identify(engine, Credentials(token=token, user="0363")) == "0363"
    with sessions() as s:
        digests = s.scalars(select(OrganisatieToken.digest)).all()
    assert digests == [token_digest(token)]
    code, out, _ = _run(cli_env, "org", "list")
    assert "gemeente 0363 actief levert-voor=0363,0437" in out


def test_rotated_and_removed_tokens_stop_at_once(cli_env: dict[str, str], engine: Engine) -> None:
    _, out, _ = _run(cli_env, "org", "add", "--gemeente", "0599")
    old = out.strip().splitlines()[-1]
    _, out, _ = _run(cli_env, "org", "token", "--gemeente", "0599")
    new = out.strip().splitlines()[-1]
    for creds in (Credentials(token=old), Credentials(token=new, user="0363")):
        try:
            _identify(engine, creds)
            raise AssertionError("accepted")
        except NietGeauthenticeerd:
            pass
    assert _identify(engine, Credentials(token=new)) == "0599"
    assert _run(cli_env, "org", "remove", "--gemeente", "0599")[0] == 0
    try:
        _identify(engine, Credentials(token=new))
        raise AssertionError("accepted after remove")
    except NietGeauthenticeerd:
        pass


def test_overlapping_samenwerkingsverband_is_refused(cli_env: dict[str, str]) -> None:
    assert _run(cli_env, "org", "add", "--gemeente", "0363", "--samenwerking", "0437")[0] == 0
    code, _, err = _run(cli_env, "org", "add", "--gemeente", "0362", "--samenwerking", "0437")
    assert code == 1
    assert "voor gemeentecode 0437 levert gemeente 0363 al aan (wmo)" in err
    code, _, err = _run(cli_env, "org", "add", "--gemeente", "0363")
    assert code == 1 and "al geregistreerd" in err
    # After removal, another gemeente may take the gemeentecode over.
    assert _run(cli_env, "org", "remove", "--gemeente", "0363")[0] == 0
    assert _run(cli_env, "org", "add", "--gemeente", "0362", "--samenwerking", "0437")[0] == 0


def test_org_checks_codes_oin_and_mail(cli_env: dict[str, str]) -> None:
    code, _, err = _run(cli_env, "org", "add", "--gemeente", "9999")
    assert (code, err.strip()) == (1, "Error: gemeentecode 9999 bestaat niet")
    code, _, err = _run(cli_env, "org", "add", "--gemeente", "0501", "--datum", "2026-03-01")
    assert "0501 (Brielle) is per 01-01-2023 opgegaan in 1992 (Voorne aan Zee)" in err
    code, _, err = _run(cli_env, "org", "add", "--gemeente", "0363", "--oin", "123")
    assert code == 1 and "OIN moet 20 cijfers zijn" in err
    code, _, err = _run(cli_env, "org", "add", "--gemeente", "0363", "--mail", "geen-adres")
    assert code == 1 and "is geen mailadres" in err
    oin = "00000001001234567000"
    assert (
        _run(cli_env, "org", "add", "--gemeente", "0363", "--oin", oin, "--mail", "pb@a.nl")[0] == 0
    )
    code, _, err = _run(cli_env, "org", "add", "--gemeente", "0599", "--oin", oin)
    assert code == 1 and "OIN is al gekoppeld aan gemeente 0363" in err
    assert _run(cli_env, "org", "set", "--gemeente", "0363", "--oin", "")[0] == 0
    assert _run(cli_env, "org", "set", "--gemeente", "0599", "--mail", "x@y.nl")[0] == 1


def test_usage_errors_exit_2(cli_env: dict[str, str]) -> None:
    assert _run(cli_env, "org", "add")[0] == 2
    assert _run(cli_env, "register", "load", "--bestaat-niet", "x")[0] == 2
    assert _run(cli_env, "nonsense")[0] == 2


@pytest.mark.parametrize(
    "command",
    [
        ("audit", "rapport"),
        ("audit", "inzage"),
        ("signalen", "rapport", "--gemeente", "0363"),
    ],
)
def test_van_after_tot_is_a_usage_error_that_names_both(
    cli_env: dict[str, str], command: tuple[str, ...]
) -> None:
    code, out, err = _run(cli_env, *command, "--van", "2026-04-01", "--tot", "2026-03-31")
    assert (code, out) == (2, "")
    assert "--van ligt na --tot" in err


def test_demo_fills_an_empty_database_once(cli_env: dict[str, str], engine: Engine) -> None:
    code, out, _ = _run(cli_env, "demo")
    assert code == 0
    assert "0363: demo-amsterdam" in out
    assert _identify(engine, Credentials(token="demo-amsterdam", user="0363")) == "0363"
    assert _run(cli_env, "demo")[0] == 1
    code, out, _ = _run(cli_env, "demo", "--als-leeg")
    assert code == 0 and "demo niet geladen" in out


def test_unreachable_database_is_one_line_and_exit_3() -> None:
    env = {
        "SAMENLOOP_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none",
        "SAMENLOOP_DB_TIMEOUT": "2",
    }
    proc = subprocess.run(
        [sys.executable, "-c", "from adapters.cli import main; main()", "org", "list"],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("Error: database niet bereikbaar:")
    assert "Traceback" not in proc.stderr


def test_unmigrated_database_says_what_to_do(tmp_path: object) -> None:
    env = {"SAMENLOOP_DATABASE_URL": f"sqlite:///{tmp_path}/leeg.db"}
    code, _, err = _run(env, "org", "list")
    assert code == 3
    assert "voer eerst 'samenloop db upgrade' uit" in err
