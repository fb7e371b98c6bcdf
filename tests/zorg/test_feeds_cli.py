"""The two feeds through the CLI: every bad input rejects the whole file (exit 1) with its line,
field and a Dutch message, and leaves the store as it was; what a good feed does."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from store.zorgfeed import Feed
from tests.zorg.conftest import AGB, ANDER_ZORGKANTOOR, ANDERE, Tokens, load, loads, rows

K, A = Feed.ZORGKANTOOR, Feed.ZORGAANBIEDER

# (feed, file, the expected error line as the CLI prints it after "fout: ")
AFGEKEURD = [
    (K, "extra-veld-zorgprofiel.csv", "regel 2: 6 velden, verwacht 5"),
    (A, "extra-veld-zorgprofiel.csv", "regel 2: 5 velden, verwacht 4"),
    (K, "te-weinig-velden.csv", "regel 2: 4 velden, verwacht 5"),
    (A, "te-weinig-velden.csv", "regel 2: 3 velden, verwacht 4"),
    (K, "leveringsvorm-3.csv", "regel 2, Leveringsvorm: geen leveringsvorm uit iWlz COD578"),
    (K, "leveringsvorm-x.csv", "regel 2, Leveringsvorm: geen leveringsvorm uit iWlz COD578"),
    (K, "onmogelijke-datum.csv", "regel 2, Startdatum: bestaat niet in de kalender"),
    (A, "onmogelijke-datum.csv", "regel 2, Startdatum: bestaat niet in de kalender"),
    (K, "tweecijferig-jaartal.csv", "regel 2, Startdatum: geen datum in de vorm dd-mm-jjjj"),
    (A, "tweecijferig-jaartal.csv", "regel 2, Startdatum: geen datum in de vorm dd-mm-jjjj"),
    (K, "bsn-elfproef.csv", "regel 2, BSN: voldoet niet aan de elfproef"),
    (A, "bsn-elfproef.csv", "regel 2, BSN: voldoet niet aan de elfproef"),
    (K, "startdatum-ontbreekt.csv", "regel 2, Startdatum: ontbreekt"),
    (A, "startdatum-ontbreekt.csv", "regel 2, Startdatum: ontbreekt"),
    (K, "sleutel-dubbel.csv", "regel 3, BSN: dezelfde sleutel (BSN, Leveringsvorm, Startdatum)"),
    (A, "sleutel-dubbel.csv", "regel 3, BSN: dezelfde sleutel (BSN, Startdatum) staat ook op"),
    (K, "puntkomma.csv", "regel 1: scheidingsteken ';' gevonden, verwacht ','"),
    (A, "puntkomma.csv", "regel 1: scheidingsteken ';' gevonden, verwacht ','"),
    (K, "leeg.csv", "het bestand is leeg"),
    (A, "leeg.csv", "het bestand is leeg"),
    (K, "v-met-einddatum.csv", "regel 2, Einddatum: een V-regel heeft een leeg einddatumveld"),
    (A, "v-met-einddatum.csv", "regel 2, Einddatum: een V-regel heeft een leeg einddatumveld"),
    (K, "soort-onbekend.csv", "regel 2, Soort: moet T (toevoegen of vervangen) of V"),
    (A, "soort-onbekend.csv", "regel 2, Soort: moet T (toevoegen of vervangen) of V"),
]


@pytest.mark.parametrize(("feed", "name", "fout"), AFGEKEURD)
def test_bad_input_rejects_the_whole_feed_and_changes_nothing(
    cli_env: dict[str, str], engine: Engine, zorgpartijen: Tokens, feed: Feed, name: str, fout: str
) -> None:
    assert load(cli_env, feed, "initieel-geldig.csv", "--initieel")[0] == 0
    before, n = rows(engine, feed), loads(engine)
    for initieel in ((), ("--initieel",)):
        code, _, err = load(cli_env, feed, name, *initieel)
        assert code == 1, err
        fouten = [line.removeprefix("fout: ") for line in err.splitlines()]
        assert any(f.startswith(fout) for f in fouten), err
        assert "levering afgekeurd" in err
        assert "999900" not in err, "no BSN in an error message"
        assert (rows(engine, feed), loads(engine)) == (before, n)


def test_a_sixth_field_names_the_dat_informatie_rule(
    cli_env: dict[str, str], zorgpartijen: Tokens
) -> None:
    _, _, err = load(cli_env, K, "extra-veld-zorgprofiel.csv")
    assert "alleen dat-informatie (geen zorgprofiel" in err
    assert "5VV" not in err


@pytest.mark.parametrize("feed", [K, A])
def test_mutaties_replace_remove_and_add(
    cli_env: dict[str, str], engine: Engine, zorgpartijen: Tokens, feed: Feed
) -> None:
    code, out, _ = load(cli_env, feed, "initieel-geldig.csv", "--initieel")
    assert code == 0
    assert "initiële levering verwerkt:" in out
    code, out, _ = load(cli_env, feed, "mutaties-geldig.csv")
    assert code == 0
    assert "3 regels, 1 toegevoegd, 1 vervangen, 1 verwijderd" in out
    bsns = [r[0] for r in rows(engine, feed)]
    assert "999900043" in bsns
    assert len(bsns) == (4 if feed is K else 3)
    assert loads(engine) == 2


@pytest.mark.parametrize("feed", [K, A])
def test_a_v_line_for_a_row_that_does_not_exist_is_a_warning(
    cli_env: dict[str, str], engine: Engine, zorgpartijen: Tokens, feed: Feed
) -> None:
    code, out, _ = load(cli_env, feed, "mutaties-v-onbekend.csv")
    assert code == 0
    assert "waarschuwing: regel 2, BSN: V-regel voor een levering die niet bestaat" in out
    assert len(rows(engine, feed)) == 1


def test_a_v_line_of_another_sender_does_not_remove_its_row(
    cli_env: dict[str, str], engine: Engine, zorgpartijen: Tokens
) -> None:
    assert load(cli_env, K, "initieel-geldig.csv", "--initieel")[0] == 0
    before = rows(engine, K)
    code, out, _ = load(cli_env, K, "mutaties-geldig.csv", code=ANDER_ZORGKANTOOR)
    assert code == 0
    assert "waarschuwing: regel 2" in out
    assert set(before) <= set(rows(engine, K))


@pytest.mark.parametrize("feed", [K, A])
def test_initieel_replaces_only_the_senders_own_rows(
    cli_env: dict[str, str], engine: Engine, zorgpartijen: Tokens, feed: Feed
) -> None:
    assert load(cli_env, feed, "initieel-geldig.csv", "--initieel", code=ANDERE[feed])[0] == 0
    van_de_ander = rows(engine, feed)
    assert load(cli_env, feed, "initieel-geldig.csv", "--initieel")[0] == 0
    code, out, _ = load(cli_env, feed, "mutaties-v-onbekend.csv", "--initieel")
    assert code == 0
    assert f"{len(van_de_ander)} verwijderd" in out
    eigen = [r for r in rows(engine, feed) if r not in van_de_ander]
    assert [r[0] for r in eigen] == ["999900055"]
    assert set(van_de_ander) <= set(rows(engine, feed))


def test_the_stored_row_carries_the_dates(
    cli_env: dict[str, str], engine: Engine, zorgpartijen: Tokens
) -> None:
    assert load(cli_env, A, "initieel-geldig.csv", "--initieel")[0] == 0
    gevonden = [r for r in rows(engine, A) if r[0] == "999900031"]
    assert [(r[2], r[3]) for r in gevonden] == [(date(2025, 6, 1), date(2025, 12, 31))]


def test_an_unregistered_sender_is_refused(cli_env: dict[str, str], zorgpartijen: Tokens) -> None:
    code, _, err = load(cli_env, A, "initieel-geldig.csv", code="11111111")
    assert code == 1
    assert "zorgaanbieder 11111111 is niet geregistreerd" in err
    code, _, err = load(cli_env, K, "initieel-geldig.csv", code=AGB)
    assert code == 1


@pytest.mark.parametrize("feed", [K, A])
def test_zorginformatie_uit_refuses_the_feed_and_stores_nothing(
    cli_env: dict[str, str], engine: Engine, zorgpartijen: Tokens, feed: Feed
) -> None:
    env = {**cli_env, "SAMENLOOP_ZORGINFORMATIE": "uit"}
    code, _, err = load(env, feed, "initieel-geldig.csv", "--initieel")
    assert code == 1
    assert "SAMENLOOP_ZORGINFORMATIE=uit" in err
    assert (rows(engine, feed), loads(engine)) == ([], 0)
