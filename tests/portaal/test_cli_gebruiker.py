"""`samenloop gebruiker add` and `link`: the operator's way to a gemeente's first user."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from adapters.cli import cli
from store.demo import DemoSet
from store.models_portaal import Gebruiker
from store.wachtwoordlinks import LinkFout, controleer


def _run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def _token(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def test_add_prints_the_link_last_under_the_public_url(
    cli_env: dict[str, str], engine: Engine, demo_set: DemoSet
) -> None:
    env = {**cli_env, "SAMENLOOP_PUBLIC_URL": "https://samenloop.example.nl/"}
    code, out, err = _run(env, "gebruiker", "add", "--gemeente", "0363", "--email", "Pb@A.example")
    assert (code, err) == (0, "")
    lines = out.strip().splitlines()
    assert "pb@a.example" in lines[0] and "gebruikersbeheer" in lines[0] and "rapporten" in lines[0]
    assert lines[-1].startswith("https://samenloop.example.nl/portaal/wachtwoord?token=")
    assert controleer(engine, _token(lines[-1]), datetime.now(UTC)) == "pb@a.example"


def test_later_users_get_only_the_rights_named(
    cli_env: dict[str, str], engine: Engine, demo_set: DemoSet
) -> None:
    _run(cli_env, "gebruiker", "add", "--gemeente", "0363", "--email", "eerste@a.example")
    args = ("--gemeente", "0363", "--email", "tweede@a.example", "--recht", "ophalen")
    code, out, _ = _run(cli_env, "gebruiker", "add", *args, "--recht", "rapporten")
    assert code == 0
    assert "rechten: ophalen, rapporten" in out
    code, out, _ = _run(cli_env, "gebruiker", "add", "--gemeente", "0363", "--email", "d@a.example")
    assert code == 0 and "rechten: geen" in out


def test_bad_input_is_refused_with_one_dutch_line_and_the_projects_exit_codes(
    cli_env: dict[str, str], engine: Engine, demo_set: DemoSet
) -> None:
    add = ("gebruiker", "add", "--gemeente")
    assert _run(cli_env, *add, "0363", "--email", "pb@a.example")[0] == 0
    cases = [
        (
            (*add, "0363", "--email", "PB@a.example"),
            1,
            "Er is al een gebruiker met dit e-mailadres",
        ),
        ((*add, "9999", "--email", "x@a.example"), 1, "gemeente 9999 is niet geregistreerd"),
        ((*add, "0363", "--email", "geen adres"), 1, "geen geldig e-mailadres"),
        ((*add, "0363", "--email", "y@a.example", "--recht", "alles"), 2, "onbekend recht"),
        ((*add, "0363"), 2, "--email"),
        (("gebruiker", "link", "--email", "niemand@a.example"), 1, "geen gebruiker"),
    ]
    for args, exit_code, message in cases:
        code, out, err = _run(cli_env, *args)
        assert code == exit_code, (args, out, err)
        assert message in err, (args, err)
        assert "Traceback" not in err
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Gebruiker)) == 1


def test_link_makes_a_new_link_and_ends_the_earlier_one(
    cli_env: dict[str, str], engine: Engine, demo_set: DemoSet
) -> None:
    _, out, _ = _run(cli_env, "gebruiker", "add", "--gemeente", "0599", "--email", "r@r.example")
    eerste = _token(out.strip().splitlines()[-1])
    code, out, _ = _run(cli_env, "gebruiker", "link", "--email", "R@r.example")
    assert code == 0
    tweede = _token(out.strip().splitlines()[-1])
    assert controleer(engine, tweede, datetime.now(UTC)) == "r@r.example"
    with pytest.raises(LinkFout, match="ongeldig"):
        controleer(engine, eerste, datetime.now(UTC))
