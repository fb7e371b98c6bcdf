"""Each source of change reaches a run that compares only what changed (store/signaalscope.py):
one scenario per source, after a first run that compared everything. Between the two runs
nothing else touches the BSN, so only that source can put it in the second run's scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from store import signalen as run_module
from store.models_signalen import SignaalLeveringsvorm, SignaalRun
from store.organisaties import add_zorgpartij
from store.register import RegisterRegel, load_feed
from store.rollen import Rol
from store.zorgfeed import Feed, ZorgRegel, load_zorgfeed
from store.zorgfeed import Opdracht as ZorgOpdracht
from tests.signalen.scenario import STAAT_2, Abo, D, abonneer, gemeenten, register, signalen

BSN = "999900006"
JA = ("Ja", date(2026, 1, 10), date(2026, 1, 15), None)
LATER = D + timedelta(days=7)


def _volledig(sessions: sessionmaker[Session]) -> list[bool | None]:
    with sessions() as s:
        return list(s.scalars(select(SignaalRun.volledig).order_by(SignaalRun.id)))


def _twee_runs(engine: Engine, sessions: sessionmaker[Session]) -> list[tuple[str, ...]]:
    """The first run on D compares all, the second, on LATER, only its scope."""
    run_module.run(engine, D)
    run_module.run(engine, LATER)
    assert _volledig(sessions) == [True, False]
    return signalen(sessions, LATER)


def _jw_client(engine: Engine, sessions: sessionmaker[Session]) -> None:
    """A Jeugdwet subscription (always version 2) of a BSN with a Wlz indication."""
    abonneer(engine, gemeenten(sessions), [Abo("0363", BSN, wet="jw")])
    register(engine, {BSN: JA})


def _feed(engine: Engine, feed: Feed, code: str, rij: ZorgRegel) -> None:
    assert load_zorgfeed(engine, ZorgOpdracht(feed, code, "f"), [rij], aan=True).geaccepteerd


def _zorgpartijen(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        add_zorgpartij(session, Rol.ZORGKANTOOR, "5515", peildatum=D)
        add_zorgpartij(session, Rol.ZORGAANBIEDER, "98765432", peildatum=D)


def test_a_subscription_whose_ingangsdatum_is_reached_gets_its_first_signal(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    abonneer(engine, gemeenten(sessions), [Abo("0363", BSN, ingangsdatum=D + timedelta(days=3))])
    register(engine, {BSN: JA})
    assert [s[2:] for s in _twee_runs(engine, sessions)] == [(BSN, "Ja", "eerste")]


def test_a_register_mutation_gives_a_changed_signal(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    abonneer(engine, gemeenten(sessions), [Abo("0363", BSN)])
    register(engine, {BSN: JA})
    run_module.run(engine, D)
    regel = RegisterRegel(1, "T", BSN, *STAAT_2)
    assert load_feed(engine, [regel], initieel=False, bestandsnaam="m").geaccepteerd
    run_module.run(engine, LATER)
    assert _volledig(sessions) == [True, False]
    assert [s[2:] for s in signalen(sessions, LATER)] == [(BSN, "Ja", "gewijzigd")]


def test_an_indication_ending_changes_the_advies(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    abonneer(engine, gemeenten(sessions), [Abo("0363", BSN, wet="jw")])
    register(engine, {BSN: (*JA[:3], D + timedelta(days=2))})
    assert [s[2:] for s in _twee_runs(engine, sessions)] == [(BSN, "Ja", "gewijzigd")]


def test_a_toewijzing_ending_changes_the_version_2_state(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _jw_client(engine, sessions)
    _zorgpartijen(sessions)
    einde = D + timedelta(days=3)
    _feed(engine, Feed.ZORGKANTOOR, "5515", ZorgRegel(1, "T", BSN, "4", date(2026, 2, 1), einde))
    assert [s[2:] for s in _twee_runs(engine, sessions)] == [(BSN, "Ja", "gewijzigd")]


def test_care_starting_or_ending_changes_the_version_2_state(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _jw_client(engine, sessions)
    _zorgpartijen(sessions)
    _feed(engine, Feed.ZORGKANTOOR, "5515", ZorgRegel(1, "T", BSN, "4", date(2026, 2, 1), None))
    start = D + timedelta(days=2)  # planned care begins only after the first run
    _feed(engine, Feed.ZORGAANBIEDER, "98765432", ZorgRegel(1, "T", BSN, "", start, None))
    assert [s[2:] for s in _twee_runs(engine, sessions)] == [(BSN, "Ja", "gewijzigd")]


def test_a_zorg_feed_after_the_last_run_is_compared(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _jw_client(engine, sessions)
    _zorgpartijen(sessions)
    run_module.run(engine, D)
    _feed(engine, Feed.ZORGKANTOOR, "5515", ZorgRegel(1, "T", BSN, "4", date(2026, 2, 1), None))
    run_module.run(engine, LATER)
    assert _volledig(sessions) == [True, False]
    assert [s[2:] for s in signalen(sessions, LATER)] == [(BSN, "Ja", "gewijzigd")]


def test_switching_to_version_2_compares_the_gemeentes_subscriptions_again(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    abonneer(engine, gemeenten(sessions), [Abo("0363", BSN)])
    register(engine, {BSN: JA})
    _zorgpartijen(sessions)
    run_module.run(engine, D)
    _feed(engine, Feed.ZORGKANTOOR, "5515", ZorgRegel(1, "T", BSN, "4", date(2026, 2, 1), None))
    run_module.run(engine, D + timedelta(days=1))  # version 1: the toewijzing is not compared
    with engine.begin() as conn:
        assert run_module.kies_versie(conn, "0363", 2, LATER) == 1
    run_module.run(engine, LATER)
    assert _volledig(sessions) == [True, False, False]
    assert signalen(sessions, D + timedelta(days=1)) == []
    assert [s[2:] for s in signalen(sessions, LATER)] == [(BSN, "Ja", "gewijzigd")]


def test_other_settings_than_the_last_run_compare_everything(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    abonneer(engine, gemeenten(sessions), [Abo("0363", BSN)])
    register(engine, {BSN: JA})
    run_module.run(engine, D)
    run_module.run(engine, D + timedelta(days=1), zorginformatie=False)
    run_module.run(engine, D + timedelta(days=2), zorginformatie=False)
    run_module.run(engine, D - timedelta(days=1), forceer=True)  # a replay of an earlier day
    run_module.run(engine, LATER)
    assert _volledig(sessions) == [True, True, False, True, False]


def test_the_operator_can_have_a_run_compare_everything(
    engine: Engine, sessions: sessionmaker[Session], cli_env: dict[str, str]
) -> None:
    abonneer(engine, gemeenten(sessions), [Abo("0363", BSN)])
    register(engine, {BSN: JA})
    for dag, extra in ((D, ()), (D + timedelta(days=1), ()), (LATER, ("--volledig",))):
        args = ["signalen", "run", "--datum", dag.isoformat(), *extra]
        result = CliRunner().invoke(cli, args, env=cli_env)
        assert result.exit_code == 0, result.output
    assert _volledig(sessions) == [True, False, True]


def test_a_day_with_many_signals_refreshes_the_statistics_and_still_stores_everything(
    engine: Engine, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """VEEL_SIGNALEN lowered to 1: the refresh (PostgreSQL's ANALYZE, inside the run's
    transaction) runs, and the leveringsvormen read the day back as before."""
    monkeypatch.setattr(run_module, "VEEL_SIGNALEN", 1)
    _jw_client(engine, sessions)
    _zorgpartijen(sessions)
    _feed(engine, Feed.ZORGKANTOOR, "5515", ZorgRegel(1, "T", BSN, "4", date(2026, 2, 1), None))
    assert run_module.run(engine, D).signalen == 1
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(SignaalLeveringsvorm)) == 1
