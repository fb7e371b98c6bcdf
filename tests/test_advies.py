"""The advies "Wlz voorliggend?" and the zorg information (doorontwikkeling-2023.md sections 2
and 3): every worked example as a table, and properties over arbitrary rows."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.advies import (
    REGELS,
    VERSIE,
    Bron,
    Indicatie,
    Periode,
    Situatie,
    Waarde,
    advies,
    omschrijvingen,
    regeltabel,
    zorginformatie,
)

D = date(2026, 3, 1)
JA = Indicatie("Ja", date(2026, 1, 10), date(2026, 1, 15), None)


def d(text: str) -> date:
    return date.fromisoformat(text)


def kantoor(code: str, start: str, eind: str | None = None) -> Periode:
    return Periode(d(start), d(eind) if eind else None, code)


def aanbieder(start: str) -> Periode:
    return Periode(d(start), None)


# (#, register, zorgkantoor rows, zorgaanbieder rows, advies, perDatum, regel, startdatumZorg, bron)
VOORBEELDEN = [
    (1, None, [], [], "NEE", None, "A1", None, None),
    (2, "Nee", [kantoor("4", "2026-02-01")], [], "NEE", None, "A2", "2026-02-01", "zorgkantoor"),
    (3, "eind", [kantoor("4", "2026-02-01")], [], "NEE", None, "A3", "2026-02-01", "zorgkantoor"),
    (4, "Onbekend", [kantoor("5", "2026-02-01")], [], "ONBEKEND", None, "A4", "2026-02-01",
     "zorgkantoor"),
    (5, "Ja", [], [], "ONBEKEND", None, "A5", None, None),
    (6, "Ja", [kantoor("4", "2026-02-01")], [], "JA", "2026-02-01", "A6", "2026-02-01",
     "zorgkantoor"),
    (7, "Ja", [kantoor("4", "2026-02-01")], [aanbieder("2026-02-03")], "JA", "2026-02-03", "A6",
     "2026-02-03", "zorgaanbieder"),
    (8, "Ja", [kantoor("7", "2026-02-01"), kantoor("2", "2026-02-01")], [], "DEELS",
     "2026-02-01", "A7", "2026-02-01", "zorgkantoor"),
    (9, "Ja", [kantoor("7", "2026-01-20"), kantoor("4", "2026-04-01")], [], "JA", "2026-04-01",
     "A6", "2026-01-20", "zorgkantoor"),
    (10, "Ja", [kantoor("7", "2026-01-20"), kantoor("4", "2026-04-01")],
     [aanbieder("2026-01-22")], "JA", "2026-04-01", "A6", "2026-01-22", "zorgaanbieder"),
    (11, "Ja", [kantoor("5", "2025-06-01", "2026-02-01")], [], "ONBEKEND", None, "A5", None,
     None),
    (12, "Ja", [kantoor("4", "2026-05-01")], [], "JA", "2026-05-01", "A6", "2026-05-01",
     "zorgkantoor"),
]  # fmt: skip


def _indicatie(register: str | None) -> Indicatie | None:
    if register is None:
        return None
    if register == "eind":
        return Indicatie("Ja", JA.afgiftedatum, JA.ingangsdatum, date(2026, 2, 28))
    return Indicatie(register, JA.afgiftedatum, JA.ingangsdatum, None)


@pytest.mark.parametrize("voorbeeld", VOORBEELDEN, ids=lambda v: f"voorbeeld-{v[0]}")
def test_worked_examples(voorbeeld: tuple[object, ...]) -> None:
    _, register, rows, starts, waarde, per, regel, start_zorg, bron = voorbeeld
    assert isinstance(rows, list) and isinstance(starts, list)
    zorg = zorginformatie(rows, starts, D)
    uit = advies(Situatie(_indicatie(register), zorg, D), "wmo")  # type: ignore[arg-type]
    assert (uit.waarde, uit.regel, uit.regelversie) == (waarde, regel, VERSIE)
    assert uit.per_datum == (d(per) if isinstance(per, str) else None)
    assert zorg.startdatum_zorg == (d(start_zorg) if isinstance(start_zorg, str) else None)
    assert zorg.bron == (Bron(bron) if isinstance(bron, str) else None)


def test_the_toelichting_names_the_wet_and_the_per_datum() -> None:
    zorg = zorginformatie([kantoor("4", "2023-05-01")], [], D)
    uit = advies(Situatie(JA, zorg, D), "jw")
    assert uit.toelichting.startswith("Wlz voorliggend aan de Jeugdwet per 01-05-2023: ")
    for regel in REGELS:
        assert "Wmo 2015" in regel.tekst("wmo") and "Jeugdwet" in regel.tekst("jw")


def test_leveringsvormen_sorted_by_start_then_code_each_code_once_with_its_omschrijving() -> None:
    rows = [kantoor("7", "2026-02-01"), kantoor("2", "2026-02-01"), kantoor("7", "2025-01-01")]
    zorg = zorginformatie(rows, [], D)
    assert [(lv.code, lv.startdatum) for lv in zorg.leveringsvormen] == [
        ("7", date(2025, 1, 1)),
        ("2", date(2026, 2, 1)),
        ("7", date(2026, 2, 1)),
    ]
    assert zorg.codes == ("7", "2")
    assert zorg.leveringsvormen[1].omschrijving == omschrijvingen()["2"]
    assert omschrijvingen()["4"] == "Verblijf"


def test_an_ended_zorgaanbieder_row_and_a_future_start_are_not_an_actual_start() -> None:
    starts = [Periode(d("2026-01-01"), d("2026-02-01")), aanbieder("2026-04-01")]
    zorg = zorginformatie([kantoor("5", "2026-03-15")], starts, D)
    assert (zorg.startdatum_zorg, zorg.bron) == (d("2026-03-15"), Bron.ZORGKANTOOR)


def test_the_rule_table_lists_every_rule_in_order_with_a_toelichting_per_wet() -> None:
    tabel = regeltabel()
    assert tabel["versie"] == VERSIE
    regels = tabel["regels"]
    assert isinstance(regels, list)
    assert [r["regel"] for r in regels] == [f"A{n}" for n in range(1, 8)]
    assert {r["advies"] for r in regels} == {w.value for w in Waarde}
    assert all(set(r["toelichting"]) == {"wmo", "jw"} for r in regels)


_dagen = st.integers(min_value=-400, max_value=400).map(lambda n: D + timedelta(days=n))
_eind = st.none() | _dagen
_toewijzing = st.builds(Periode, _dagen, _eind, st.sampled_from(sorted(omschrijvingen())))
_start = st.builds(Periode, _dagen, _eind)
_indicaties = st.none() | st.builds(
    Indicatie, st.sampled_from(["Ja", "Nee", "Onbekend"]), _dagen, _dagen, _eind
)


@given(
    _indicaties,
    st.lists(_toewijzing, max_size=5),
    st.lists(_start, max_size=3),
    st.sampled_from(["wmo", "jw"]),
    st.randoms(use_true_random=False),
)
def test_properties_of_the_advies(
    indicatie: Indicatie | None,
    rows: list[Periode],
    starts: list[Periode],
    wet: str,
    rnd: random.Random,
) -> None:
    zorg = zorginformatie(rows, starts, D)
    uit = advies(Situatie(indicatie, zorg, D), wet)
    assert uit.regel in {r.regel for r in REGELS} and uit.toelichting
    assert (uit.per_datum is not None) == (uit.waarde in (Waarde.JA, Waarde.DEELS))
    # The order of the rows, and which feed came first, does not change the outcome.
    rnd.shuffle(rows)
    rnd.shuffle(starts)
    assert zorginformatie(rows, starts, D) == zorg
