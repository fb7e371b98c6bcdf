"""Property: the rows a feed leaves do not depend on the order of its lines (nor do the counts)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from adapters.files.zorgfeed import parse_zorgfeed
from store.datums import format_datum
from store.models_zorg import ZorgLoad
from store.zorgfeed import Feed, Opdracht, load_zorgfeed
from tests.conftest import fixture_path
from tests.zorg.conftest import AFZENDER, TABEL, Tokens, rows

BSNS = ("999900006", "999900018", "999900031", "999900043")
DATUMS = (date(2025, 6, 1), date(2026, 1, 20), date(2026, 2, 1))
Lijn = tuple[str, str, str, date, date | None]

lijnen = st.tuples(
    st.sampled_from("TV"),
    st.sampled_from(BSNS),
    st.sampled_from(("2", "4", "7")),
    st.sampled_from(DATUMS),
    st.none() | st.just(date(2026, 12, 31)),
)


def _csv(feed: Feed, lines: list[Lijn]) -> bytes:
    out = []
    for soort, bsn, vorm, start, eind in lines:
        eind_veld = format_datum(eind) if eind and soort == "T" else ""
        velden = [soort, bsn, *([vorm] if feed is Feed.ZORGKANTOOR else []), format_datum(start)]
        out.append(",".join([*velden, eind_veld]) + "\n")
    return "".join(out).encode()


def _sleutel(feed: Feed) -> Callable[[Lijn], tuple[object, ...]]:
    """A key twice is an error, so the lines drawn have distinct keys."""
    if feed is Feed.ZORGKANTOOR:
        return lambda line: (line[1], line[2], line[3])
    return lambda line: (line[1], line[3])


def _apply(engine: Engine, feed: Feed, data: bytes, initieel: bool = False) -> tuple[int, ...]:
    opdracht = Opdracht(feed, AFZENDER[feed], "eigenschap.csv", initieel)
    res = load_zorgfeed(engine, opdracht, parse_zorgfeed(io.BytesIO(data), feed), aan=True)
    assert res.geaccepteerd, res.fouten.regels()
    return res.toegevoegd, res.vervangen, res.verwijderd, res.waarschuwingen.totaal


def _from_start(engine: Engine, feed: Feed) -> None:
    with engine.begin() as conn:
        conn.execute(delete(TABEL[feed]))
        conn.execute(delete(ZorgLoad))
    _apply(engine, feed, fixture_path(feed.value, "initieel-geldig.csv").read_bytes(), True)


@pytest.mark.parametrize("feed", list(Feed))
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_rows_do_not_depend_on_the_order_of_the_lines(
    engine: Engine, zorgpartijen: Tokens, feed: Feed, data: st.DataObject
) -> None:
    lines = data.draw(st.lists(lijnen, min_size=1, max_size=10, unique_by=_sleutel(feed)))
    shuffled = data.draw(st.permutations(lines))
    outcomes = []
    for volgorde in (lines, shuffled):
        _from_start(engine, feed)
        counts = _apply(engine, feed, _csv(feed, volgorde))
        outcomes.append((rows(engine, feed), counts))
    assert outcomes[0] == outcomes[1]
