"""Properties: the parser never crashes, and an accepted file applied twice changes nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

from adapters.files.aanlevering import parse_aanlevering
from store.bsn import elfproef
from store.meldingen import Melding
from store.models import Aanlevering, Abonnement
from store.populatie import AanleverRegel
from store.verslag import Aantallen
from tests.populatie.conftest import D, populatie_van, upload_bytes

BSNS = ["999900006", "999900018", "999900031", "999900043", "999900055", "999900067"]


def _toets(code: str) -> str | None:
    return None if code in ("0363", "0437") else "hoort er niet bij"


def _check_parse(data: bytes) -> None:
    items = list(parse_aanlevering(io.BytesIO(data), _toets))
    assert items, "an empty answer would be accepted as an empty file"
    regels = [i.regel for i in items if isinstance(i, AanleverRegel)]
    assert regels == sorted(set(regels))
    for item in items:
        assert isinstance(item, AanleverRegel | Melding)
        if isinstance(item, AanleverRegel):
            assert elfproef(item.bsn) and item.gemeentecode in ("0363", "0437")
        else:
            assert item.tekst and "Traceback" not in item.tekst


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_the_parser_never_crashes_on_arbitrary_bytes(data: bytes) -> None:
    _check_parse(data)


CSVISH = st.text(
    alphabet=st.sampled_from([*"0123456789,;\t\"'\r\n -/.ab", "٣", "\ufeff", "é", "\x00"]),
    max_size=300,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*BSNS, "0363", "0437", "01-03-2020", ""]) | CSVISH, max_size=12))
def test_the_parser_never_crashes_on_almost_csv(parts: list[str]) -> None:
    _check_parse(",".join(parts).encode())


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300) | CSVISH.map(str.encode))
def test_the_whole_check_never_crashes_and_an_afgekeurd_file_changes_nothing(
    engine: Engine, sessions: sessionmaker[Session], gemeenten: None, data: bytes
) -> None:
    before = populatie_van(sessions)
    verslag = upload_bytes(engine, data)
    assert verslag.status in ("afgeleverd", "afgekeurd")
    if verslag.afgekeurd:
        assert populatie_van(sessions) == before and verslag.fouten.totaal > 0


def _datum(d: date | None, quoted: bool) -> str:
    text = "" if d is None else d.strftime("%d-%m-%Y")
    return f'"{text}"' if quoted else text


DATUMS = st.none() | st.dates(min_value=D - timedelta(days=400), max_value=D + timedelta(days=60))
REGEL = st.tuples(
    st.sampled_from(BSNS), st.sampled_from(["0363", "0437"]), DATUMS, DATUMS, st.booleans()
)


def _bestand(regels: list[tuple[str, str, date | None, date | None, bool]], crlf: bool) -> bytes:
    end = "\r\n" if crlf else "\n"
    return "".join(
        f"{b}, {c} ,{_datum(i, q)},{_datum(e, q)}{end}" for b, c, i, e, q in regels
    ).encode()


def _empty(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(Abonnement))
        conn.execute(delete(Aanlevering))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(REGEL, min_size=1, max_size=15), st.booleans(), st.booleans())
def test_an_accepted_file_applied_twice_changes_nothing_the_second_time(
    engine: Engine,
    sessions: sessionmaker[Session],
    gemeenten: None,
    regels: list[tuple[str, str, date | None, date | None, bool]],
    initieel: bool,
    crlf: bool,
) -> None:
    _empty(engine)
    data = _bestand(regels, crlf)
    eerste = upload_bytes(engine, data, initieel=initieel, peildatum=D - timedelta(days=1))
    assert eerste.status == "afgeleverd", eerste.fouten.regels()
    # The last line per (gemeentecode, bsn) wins; what has ended by the peildatum is not kept.
    laatste = {(c, b): (i, e) for b, c, i, e, _ in regels}
    kept = {k: v for k, v in laatste.items() if v[1] is None or v[1] > D - timedelta(days=1)}
    assert {k: v[:2] for k, v in populatie_van(sessions).items()} == kept
    before = populatie_van(sessions)
    tweede = upload_bytes(engine, data, initieel=initieel, peildatum=D - timedelta(days=1))
    assert populatie_van(sessions) == before
    assert tweede.aantallen == Aantallen(
        ongewijzigd=len(kept),
        met_einddatum=sum(1 for _, e in laatste.values() if e is not None),
        beeindigd=len(laatste) - len(kept),
    )
