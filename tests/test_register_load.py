"""The CIZ feed: all or nothing, every error with line and field, history kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.cli import cli
from adapters.files.cizfeed import parse_feed
from store.feeds import FeedResultaat
from store.models import RegisterLoad, RegisterMutatie, WlzRegister
from store.register import load_feed
from tests.conftest import fixture_path


def _load(engine: Engine, name: str, *, initieel: bool = False) -> FeedResultaat:
    with fixture_path("ciz", name).open("rb") as raw:
        return load_feed(engine, parse_feed(raw), initieel=initieel, bestandsnaam=name)


def _register(sessions: sessionmaker[Session]) -> dict[str, tuple[object, ...]]:
    with sessions() as s:
        return {
            r.bsn: (r.wlz_status, r.afgiftedatum, r.ingangsdatum, r.einddatum)
            for r in s.scalars(select(WlzRegister))
        }


def test_initial_load_then_mutations(engine: Engine, sessions: sessionmaker[Session]) -> None:
    res = _load(engine, "initieel-geldig.csv", initieel=True)
    assert res.geaccepteerd
    assert (res.aantal_regels, res.toegevoegd, res.vervangen, res.verwijderd) == (4, 4, 0, 0)
    res = _load(engine, "mutaties-geldig.csv")
    assert res.geaccepteerd, res.fouten.regels()
    assert (res.toegevoegd, res.vervangen, res.verwijderd) == (1, 1, 2)
    assert _register(sessions) == {
        "999900006": ("Ja", date(2026, 2, 27), date(2026, 2, 15), None),
        "999900043": ("Ja", date(2024, 6, 3), date(2024, 5, 20), date(2027, 5, 19)),
        "999900055": ("Onbekend", date(2026, 3, 1), date(2026, 3, 1), None),
    }
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(RegisterMutatie)) == 8
        assert s.scalar(select(func.count()).select_from(RegisterLoad)) == 2


def test_initial_load_replaces_the_register_and_records_what_it_removed(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _load(engine, "initieel-geldig.csv", initieel=True)
    res = _load(engine, "mutaties-v-onbekend-bsn.csv", initieel=True)
    # A V-only initial feed empties the register; the V is for a BSN that was not there.
    assert res.geaccepteerd
    assert res.verwijderd == 4
    assert [str(w) for w in res.waarschuwingen.getoond] == [
        "regel 1, BSN: V-regel voor een BSN dat niet in het register staat; genegeerd"
    ]
    assert _register(sessions) == {}
    with sessions() as s:
        removed = s.scalars(
            select(RegisterMutatie.bsn)
            .where(RegisterMutatie.regel.is_(None))
            .order_by(RegisterMutatie.bsn)
        ).all()
    assert removed == ["999900006", "999900018", "999900031", "999900043"]


def test_v_for_an_unknown_bsn_is_a_warning(engine: Engine) -> None:
    res = _load(engine, "mutaties-v-onbekend-bsn.csv")
    assert res.geaccepteerd
    assert res.waarschuwingen.totaal == 1


def test_real_exports_are_accepted(engine: Engine, sessions: sessionmaker[Session]) -> None:
    res = _load(engine, "windows-bom-quotes-spaties.csv", initieel=True)
    assert res.geaccepteerd, res.fouten.regels()
    assert set(_register(sessions)) == {"999900006", "999900018"}


REJECTED = [
    ("leeg.csv", ["het bestand is leeg"]),
    (
        "binair.csv",
        ["het bestand is geen tekstbestand (binaire inhoud); lever een CSV-bestand aan"],
    ),
    ("onmogelijke-datum.csv", ["regel 1, Afgiftedatum: bestaat niet in de kalender"]),
    (
        "eencijferige-dag.csv",
        ["regel 1, Afgiftedatum: geen datum in de vorm dd-mm-jjjj (bijvoorbeeld 15-03-2020)"],
    ),
    ("onbekende-status.csv", ["regel 1, WlzStatus: moet Ja, Nee of Onbekend zijn"]),
    ("bsn-elfproef.csv", ["regel 1, BSN: voldoet niet aan de elfproef"]),
    (
        "bsn-arabische-cijfers.csv",
        [
            "regel 1, BSN: mag alleen de cijfers 0-9 bevatten (geen punten, streepjes, spaties of letters)"
        ],
    ),
    (
        "extra-veld-zorgprofiel.csv",
        [
            "regel 1: 7 velden; een CIZ-levering heeft er 6 (alleen dat-informatie mag het register in)"
        ],
    ),
    (
        "bsn-dubbel.csv",
        ["regel 3, BSN: hetzelfde BSN staat ook op regel 1; een BSN mag één keer voorkomen"],
    ),
    ("puntkomma.csv", ["regel 1: scheidingsteken ';' gevonden, verwacht ','"]),
    ("kopregel.csv", ["regel 1: lijkt een kopregel; kopregels zijn niet toegestaan"]),
    ("lege-regel-tussen.csv", ["regel 2: lege regel; lege regels mogen alleen aan het eind staan"]),
    (
        "meerdere-fouten.csv",
        [
            "regel 1, Ingangsdatum: ontbreekt",
            "regel 2, Soort: moet T (toevoegen) of V (verwijderen) zijn",
            "regel 3, WlzStatus: een V-regel heeft na het BSN alleen lege velden",
        ],
    ),
]


@pytest.mark.parametrize(("name", "fouten"), REJECTED, ids=[r[0] for r in REJECTED])
def test_rejected_feeds_change_nothing(
    engine: Engine, sessions: sessionmaker[Session], name: str, fouten: list[str]
) -> None:
    _load(engine, "initieel-geldig.csv", initieel=True)
    before = _register(sessions)
    for initieel in (False, True):
        res = _load(engine, name, initieel=initieel)
        assert not res.geaccepteerd
        assert res.fouten.regels() == fouten
        assert _register(sessions) == before
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(RegisterLoad)) == 1


def test_cli_rejects_with_exit_1_and_lists_errors(cli_env: dict[str, str]) -> None:
    path = fixture_path("ciz", "meerdere-fouten.csv")
    result = CliRunner().invoke(cli, ["register", "load", str(path)], env=cli_env)
    assert result.exit_code == 1
    assert "fout: regel 2, Soort: moet T (toevoegen) of V (verwijderen) zijn" in result.stderr
    assert "levering afgekeurd: 3 fout(en); register ongewijzigd" in result.stderr
    assert "999900" not in result.stderr


def test_cli_loads_and_reports(cli_env: dict[str, str]) -> None:
    path = fixture_path("ciz", "initieel-geldig.csv")
    result = CliRunner().invoke(cli, ["register", "load", "--initieel", str(path)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert (
        "initiële levering verwerkt: 4 regels, 4 toegevoegd, 0 vervangen, 0 verwijderd"
        in result.stdout
    )


def test_cli_missing_file_is_an_environment_error(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["register", "load", str(tmp_path / "nope.csv")], env=cli_env)
    assert result.exit_code == 3
    assert "No such file" in result.stderr


def test_more_than_a_thousand_errors_are_counted(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "veel.csv"
    path.write_text("".join("T,999900007,Ja,10-02-2026,15-02-2026,\n" for _ in range(1500)))
    with path.open("rb") as raw:
        res = load_feed(engine, parse_feed(raw), initieel=False, bestandsnaam="veel.csv")
    assert res.fouten.totaal == 1500
    assert len(res.fouten.getoond) == 1000
    assert res.fouten.regels()[-1] == "... en nog 500 (totaal 1500)"
