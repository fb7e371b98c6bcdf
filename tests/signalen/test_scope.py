"""A run that compares only what changed since the last run (store/signaalscope.py) makes
exactly the signals that comparing every subscription would make.

Hypothesis drives the real writers (register loads, population uploads, zorg feeds, a switch of
signal version) between runs a few days apart; before each run the full comparison is computed
as a query, and the run, which must be one that compares only its scope, has to make exactly
those signals."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.files.aanlevering import verwerk
from store import signalen
from store.bsn import elfproef
from store.models_signalen import Signaal, SignaalRun
from store.organisaties import add_zorgpartij
from store.populatie import Opdracht
from store.register import RegisterRegel, load_feed
from store.rollen import Rol, Wet
from store.signaalregels import SIGNAAL_COLUMNS, Zorg, signal_query
from store.zorgfeed import Feed, ZorgRegel, load_zorgfeed
from store.zorgfeed import Opdracht as ZorgOpdracht
from tests.conftest import _clean
from tests.signalen.scenario import D, gemeenten

BSNS = tuple(b for b in (f"9999000{n:02d}" for n in range(100)) if elfproef(b))[:8]
KANTOOR, AANBIEDER = "5515", "98765432"
WETTEN = tuple(str(w) for w in Wet)

bsn = st.sampled_from(BSNS)
dag = st.integers(-15, 25).map(lambda n: D + timedelta(days=n))
eind = st.none() | dag
status = st.sampled_from(("Ja", "Ja", "Nee", "Onbekend", None))
register = st.tuples(st.just("register"), bsn, status, eind)
regel = st.tuples(bsn, st.none() | dag, eind)
wet = st.sampled_from(tuple(Wet))
upload = st.tuples(
    st.just("upload"),
    st.sampled_from(("0363", "0599")),
    wet,
    st.lists(regel, min_size=1, max_size=4),
    st.booleans(),
)
kantoor = st.tuples(st.just("kantoor"), bsn, st.sampled_from(("2", "4", "7")), dag, eind)
aanbieder = st.tuples(st.just("aanbieder"), bsn, dag, eind)
versie = st.tuples(st.just("versie"), st.sampled_from(("0363", "0599")), st.sampled_from((1, 2)))
run = st.tuples(st.just("run"), st.integers(1, 12))
stap = register | upload | kantoor | aanbieder | versie | run | run


def _elk(s: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    """One value per BSN."""
    return st.lists(s, min_size=len(BSNS), max_size=len(BSNS))


# Before the steps, every BSN is in the register and subscribed by 0363 (signals from the
# start), and may have zorg rows whose dates the runs will pass.
zk_rij = st.none() | st.tuples(st.sampled_from(("2", "4", "7")), dag, eind)
za_rij = st.none() | st.tuples(dag, eind)
begin = st.tuples(wet, _elk(status), _elk(regel), _elk(zk_rij), _elk(za_rij))


def _register(engine: Engine, b: str, status: str | None, einde: date | None) -> None:
    if status is None:
        line = RegisterRegel(1, "V", b, None, None, None, None)
    else:
        line = RegisterRegel(
            1, "T", b, status, D - timedelta(days=40), D - timedelta(days=30), einde
        )
    load_feed(engine, [line], initieel=False, bestandsnaam="r")  # a rejected one changes nothing


def _datum(d: date | None) -> str:
    return "" if d is None else d.strftime("%d-%m-%Y")


def _upload(engine: Engine, code: str, w: Wet, regels: list[Any], initieel: bool, op: date) -> None:
    lines = [
        f"{b},{code},{_datum(i)},{_datum(e)}"
        for b, i, e in dict((r[0], r) for r in regels).values()
    ]
    opdracht = Opdracht(code, w, "p.csv", op, initieel=initieel)
    verwerk(engine, io.BytesIO("\n".join(lines).encode() + b"\n"), opdracht)


def _zorg(engine: Engine, feed: Feed, code: str, row: ZorgRegel) -> None:
    load_zorgfeed(engine, ZorgOpdracht(feed, code, "z"), [row], aan=True)  # rejected: no change


def _expected(engine: Engine, peildatum: date) -> list[tuple[Any, ...]]:
    query = signal_query(peildatum, Zorg.op(peildatum, True), WETTEN)
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(query))


def _made(engine: Engine, peildatum: date) -> list[tuple[Any, ...]]:
    columns = [getattr(Signaal, c) for c in SIGNAAL_COLUMNS]
    with engine.connect() as conn:
        rows = conn.execute(select(*columns).where(Signaal.peildatum == peildatum))
        return sorted(tuple(r) for r in rows)


def _volledig(engine: Engine, peildatum: date) -> bool | None:
    with engine.connect() as conn:
        query = select(SignaalRun.volledig).where(SignaalRun.peildatum == peildatum)
        return conn.execute(query).scalar_one()


def _run_and_compare(engine: Engine, peildatum: date, first: bool) -> None:
    expected = _expected(engine, peildatum)
    signalen.run(engine, peildatum)
    assert _made(engine, peildatum) == expected
    assert _volledig(engine, peildatum) is first


def _apply(engine: Engine, step: tuple[Any, ...], today: date) -> None:
    soort, *args = step
    if soort == "register":
        _register(engine, *args)
    elif soort == "upload":
        code, w, regels, initieel = args
        _upload(engine, code, w, regels, initieel, today)
    elif soort == "kantoor":
        b, vorm, start, einde = args
        _zorg(engine, Feed.ZORGKANTOOR, KANTOOR, ZorgRegel(1, "T", b, vorm, start, einde))
    elif soort == "aanbieder":
        b, start, einde = args
        _zorg(engine, Feed.ZORGAANBIEDER, AANBIEDER, ZorgRegel(1, "T", b, "", start, einde))
    else:
        with engine.begin() as conn:
            signalen.kies_versie(conn, args[0], args[1], today)


def _setup(engine: Engine, sessions: sessionmaker[Session]) -> None:
    _clean(engine)
    gemeenten(sessions, D - timedelta(days=30))
    with sessions.begin() as session:
        add_zorgpartij(session, Rol.ZORGKANTOOR, KANTOOR, peildatum=D)
        add_zorgpartij(session, Rol.ZORGAANBIEDER, AANBIEDER, peildatum=D)


def _begin(
    engine: Engine,
    w: Wet,
    states: list[Any],
    regels: list[Any],
    zk: list[Any],
    za: list[Any],
    today: date,
) -> None:
    for b, state in zip(BSNS, states, strict=True):
        _register(engine, b, state, None)
    _upload(
        engine, "0363", w, [(b, *r[1:]) for b, r in zip(BSNS, regels, strict=True)], True, today
    )
    for b, kantoor_rij, aanbieder_rij in zip(BSNS, zk, za, strict=True):
        if kantoor_rij is not None:
            _apply(engine, ("kantoor", b, *kantoor_rij), today)
        if aanbieder_rij is not None:
            _apply(engine, ("aanbieder", b, *aanbieder_rij), today)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start=begin, steps=st.lists(stap, min_size=4, max_size=14))
def test_a_run_over_what_changed_makes_the_signals_of_a_full_comparison(
    engine: Engine,
    sessions: sessionmaker[Session],
    start: tuple[Wet, list[str | None], list[Any], list[Any], list[Any]],
    steps: list[tuple[Any, ...]],
) -> None:
    _setup(engine, sessions)
    today, runs = D - timedelta(days=10), 0
    _begin(engine, *start, today)
    for step in [*steps, ("run", 1)]:
        if step[0] == "run":
            today += timedelta(days=step[1])
            _run_and_compare(engine, today, first=runs == 0)
            runs += 1
        else:
            _apply(engine, step, today)
