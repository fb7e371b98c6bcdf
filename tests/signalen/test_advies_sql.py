"""The set-based advies (store/advies_sql.py) says exactly what store/advies.py says.

Random situations (a register record or none, random zorgkantoor and zorgaanbieder rows, a
random peildatum) on the test's engine: the SQL generated from the rule table and the Python
rules must agree on rule, advies, perDatum, startdatumZorg with its bron, and the set of codes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, insert, literal, select

from store import advies_sql
from store.advies import (
    Indicatie,
    Periode,
    Situatie,
    advies,
    omschrijvingen,
    zorginformatie,
)
from store.models import RegisterLoad, WlzRegister
from store.models_zorg import ZorgaanbiederLevering, ZorgkantoorLevering

BSN = "999900006"
BASE = date(2026, 3, 1)
_dagen = st.integers(min_value=-60, max_value=60).map(lambda n: BASE + timedelta(days=n))
_eind = st.none() | _dagen
_toewijzing = st.builds(Periode, _dagen, _eind, st.sampled_from(sorted(omschrijvingen())))
_start = st.builds(Periode, _dagen, _eind)
_indicaties = st.none() | st.builds(
    Indicatie, st.sampled_from(["Ja", "Nee", "Onbekend"]), _dagen, _dagen, _eind
)


def _store(
    conn: Connection, ind: Indicatie | None, rows: list[Periode], starts: list[Periode]
) -> None:
    if ind is not None:
        conn.execute(insert(RegisterLoad), [_load()])
        conn.execute(insert(WlzRegister), [{"bsn": BSN, "load_id": 1, **vars(ind)}])
    common = {"bsn": BSN, "load_id": 1}
    if rows:
        conn.execute(
            insert(ZorgkantoorLevering),
            [
                {**common, "organisatie_id": i, "leveringsvorm": p.code}
                | {"startdatum": p.startdatum, "einddatum": p.einddatum}
                for i, p in enumerate(rows)
            ],
        )
    if starts:
        conn.execute(
            insert(ZorgaanbiederLevering),
            [
                {
                    **common,
                    "organisatie_id": i,
                    "startdatum": p.startdatum,
                    "einddatum": p.einddatum,
                }
                for i, p in enumerate(starts)
            ],
        )


def _load() -> dict[str, Any]:
    counts = dict.fromkeys(("aantal_regels", "toegevoegd", "vervangen", "verwijderd"), 0)
    return {
        "id": 1,
        "bestandsnaam": "prop",
        "initieel": True,
        "verwerkt_op": datetime.now(UTC),
        "waarschuwingen": 0,
        **counts,
    }


def _sql(conn: Connection, peildatum: date) -> tuple[Any, ...]:
    q = select(literal(BSN).label("bsn")).subquery("q")
    r = WlzRegister
    zk, za = advies_sql.kantoor(peildatum), advies_sql.aanbieder(peildatum)
    b = advies_sql.Bronnen(r.wlz_status, r.einddatum, zk, za, peildatum)
    joined = q.outerjoin(r, r.bsn == q.c.bsn).outerjoin(zk, zk.c.bsn == q.c.bsn)
    m = advies_sql
    query = select(
        m.regel(b), m.waarde(b), m.per_datum(b), m.startdatum_zorg(b), m.bron(b), zk.c.codes
    ).select_from(joined.outerjoin(za, za.c.bsn == q.c.bsn))
    return tuple(conn.execute(query).one())


def _mask(codes: tuple[str, ...]) -> int | None:
    return sum(1 << int(c) for c in set(codes)) or None


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    _indicaties,
    st.lists(_toewijzing, max_size=5),
    st.lists(_start, max_size=3),
    _dagen,
)
def test_sql_and_python_advies_agree(
    engine: Engine,
    indicatie: Indicatie | None,
    rows: list[Periode],
    starts: list[Periode],
    peildatum: date,
) -> None:
    zorg = zorginformatie(rows, starts, peildatum)
    verwacht = advies(Situatie(indicatie, zorg, peildatum), "wmo")
    with engine.connect() as conn, conn.begin() as tx:
        _store(conn, indicatie, rows, starts)
        regel, waarde, per, start, bron, codes = _sql(conn, peildatum)
        tx.rollback()
    assert (regel, waarde, per) == (verwacht.regel, str(verwacht.waarde), verwacht.per_datum)
    assert (start, bron) == (zorg.startdatum_zorg, zorg.bron and str(zorg.bron))
    assert codes == _mask(zorg.codes)
