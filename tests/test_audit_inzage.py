"""`samenloop audit inzage`: who looked up the BSNs given on stdin (a citizen's inzage, AVG art.
15), from the audit records that real registertoetsen wrote: the organisation, its role, the
operation, the outcome, and the portal user who did it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import islice

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from store.auth import Credentials
from store.demo import synthetic_bsns
from store.gebruikers import Gebruikersrecht, voeg_toe_aan_gemeente
from store.models import AuditRegistertoets
from store.organisaties import add_gemeente
from store.registertoets import BsnOngeldig, Operatie, registertoets
from store.registertoets_2023 import Schakelaars, registertoets_samenloop

GEZOCHT, ANDER = islice(synthetic_bsns(), 20, 22)
KOP = "BSN,Tijdstip,Rol,Organisatie,Operatie,Uitkomst,Gebruiker"
MEDEWERKER = "wmo-loket@0599.example"


def _lookups(engine: Engine, sessions: sessionmaker[Session]) -> None:
    """0363 over REST or SOAP (its token) twice, 0599's portal user once, and 0363 for another
    BSN and with a bad one (audited without it); each at a time of its own."""
    with sessions.begin() as session:
        amsterdam = add_gemeente(session, "0363", peildatum=date(2026, 1, 1))
        add_gemeente(session, "0599", peildatum=date(2026, 1, 1))
    gebruiker = voeg_toe_aan_gemeente(
        engine, "0599", MEDEWERKER, (Gebruikersrecht.REGISTERTOETS,), datetime.now(UTC)
    ).gebruiker
    token = Credentials(token=amsterdam, user="0363")
    portaal = Credentials(organisatie_id=gebruiker.organisatie_id, gebruiker_id=gebruiker.id)
    registertoets(engine, token, GEZOCHT, Operatie.REGISTERTOETS, limiet=0)
    registertoets(engine, token, ANDER, Operatie.UITGEBREID, limiet=0)
    args = (GEZOCHT, "wmo", date(2026, 3, 1))
    registertoets_samenloop(engine, portaal, *args, limiet=0, schakelaars=Schakelaars())
    registertoets(engine, token, GEZOCHT, Operatie.UITGEBREID, limiet=0)
    with pytest.raises(BsnOngeldig):
        registertoets(engine, token, "999900007", Operatie.REGISTERTOETS, limiet=0)
    # Spread them over days, in Amsterdam's winter (UTC+1) and summer (UTC+2).
    momenten = [
        datetime(2026, 1, 15, 22, 30, tzinfo=UTC),  # 15 January 23:30 in Amsterdam
        datetime(2026, 2, 1, 12, 0, tzinfo=UTC),
        datetime(2026, 6, 30, 22, 30, tzinfo=UTC),  # 1 July 00:30 in Amsterdam
        datetime(2026, 7, 2, 8, 0, tzinfo=UTC),
        datetime(2026, 7, 3, 8, 0, tzinfo=UTC),
    ]
    a = AuditRegistertoets
    with engine.begin() as conn:
        ids = conn.execute(select(a.id).order_by(a.id)).scalars().all()
        for id_, moment in zip(ids, momenten, strict=True):
            conn.execute(update(a).where(a.id == id_).values(tijdstip=moment))


def _inzage(env: dict[str, str], stdin: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["audit", "inzage", *args], input=stdin, env=env)


def test_every_lookup_of_the_bsn_with_who_did_it(
    cli_env: dict[str, str], engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _lookups(engine, sessions)
    res = _inzage(cli_env, f"{GEZOCHT}\n")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == [
        KOP,
        f"{GEZOCHT},2026-01-15T23:30:00+01:00,gemeente,0363,Registertoets,NEE,",
        f"{GEZOCHT},2026-07-01T00:30:00+02:00,gemeente,0599,RegistertoetsSamenloop,NEE,{MEDEWERKER}",
        f"{GEZOCHT},2026-07-02T10:00:00+02:00,gemeente,0363,RegistertoetsUitgebreid,NEE,",
    ]


def test_several_bsns_and_a_period_of_amsterdam_days(
    cli_env: dict[str, str], engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _lookups(engine, sessions)
    # 1 July 00:30 in Amsterdam is still 30 June in UTC: it belongs to 1 July.
    res = _inzage(
        cli_env, f"\n{ANDER}\n {GEZOCHT} \n", "--van", "2026-02-01", "--tot", "2026-07-01"
    )
    assert res.exit_code == 0, res.output
    assert [regel.split(",")[:2] for regel in res.stdout.splitlines()[1:]] == [
        [ANDER, "2026-02-01T13:00:00+01:00"],
        [GEZOCHT, "2026-07-01T00:30:00+02:00"],
    ]


def test_a_bsn_nobody_looked_up_gives_the_header_alone(
    cli_env: dict[str, str], engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _lookups(engine, sessions)
    nooit = next(islice(synthetic_bsns(), 30, None))
    res = _inzage(cli_env, nooit)
    assert (res.exit_code, res.stdout.splitlines()) == (0, [KOP])


@pytest.mark.parametrize(
    ("stdin", "args", "code", "melding"),
    [
        (f"{GEZOCHT}\n999900007\n", (), 1, "regel 2 van stdin: BSN ongeldig"),
        ("\n \n", (), 1, "geen BSN ontvangen"),
        (GEZOCHT, ("--van", "2026-03-02", "--tot", "2026-03-01"), 2, "--van ligt na --tot"),
        (GEZOCHT, ("--van", "01-03-2026"), 2, "--van"),
        (GEZOCHT, (GEZOCHT,), 2, "unexpected extra argument"),
    ],
)
def test_bad_input_one_message_no_output_and_no_bsn_repeated(
    cli_env: dict[str, str],
    engine: Engine,
    stdin: str,
    args: tuple[str, ...],
    code: int,
    melding: str,
) -> None:
    res = _inzage(cli_env, stdin, *args)
    assert res.exit_code == code, res.output
    assert melding in res.stderr and res.stdout == ""
    assert "999900007" not in res.stderr
