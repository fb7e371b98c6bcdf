"""The zorg information of one BSN on a peildatum (doorontwikkeling-2023.md section 2).

Both feeds' rows for the BSN, whatever organisation sent them (one indexed lookup per table,
by the primary keys that start with the BSN), as a subquery that the registertoets joins onto
its own query for caller and register record: the registertoets 2023 runs it on every call,
and a round trip of its own cost more than the lookups (bench/soap.py holds the operation
within 10% of 2021). The pure core in store/advies.py decides what the rows mean on the
peildatum.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Row, String, bindparam, null, or_, select, union_all

from store.advies import Periode, Zorginformatie, zorginformatie
from store.models_zorg import ZorgaanbiederLevering as _ZA
from store.models_zorg import ZorgkantoorLevering as _ZK

# Built once. The peildatum filters are section 2's "not ended on D" (and, for a zorgaanbieder,
# "begun on or before D"); store.advies applies them again, so they only save rows.
_NIET_GEEINDIGD_ZK = or_(_ZK.einddatum.is_(None), _ZK.einddatum > bindparam("peildatum"))
_NIET_GEEINDIGD_ZA = or_(_ZA.einddatum.is_(None), _ZA.einddatum > bindparam("peildatum"))
ZORGRIJEN = union_all(
    select(
        _ZK.bsn,
        _ZK.leveringsvorm.label("zorg_code"),
        _ZK.startdatum.label("zorg_start"),
        _ZK.einddatum.label("zorg_eind"),
    ).where(_ZK.bsn == bindparam("bsn"), _NIET_GEEINDIGD_ZK),
    select(
        _ZA.bsn,
        null().cast(String).label("zorg_code"),
        _ZA.startdatum.label("zorg_start"),
        _ZA.einddatum.label("zorg_eind"),
    ).where(
        _ZA.bsn == bindparam("bsn"),
        _ZA.startdatum <= bindparam("peildatum"),
        _NIET_GEEINDIGD_ZA,
    ),
).subquery("zorg")
"""Parameters `bsn` and `peildatum`; columns bsn, zorg_code (None for a zorgaanbieder row),
zorg_start and zorg_eind."""

KOLOMMEN = (ZORGRIJEN.c.zorg_code, ZORGRIJEN.c.zorg_start, ZORGRIJEN.c.zorg_eind)


def uit_rijen(rows: Iterable[Row[*tuple[Any, ...]]], peildatum: date) -> Zorginformatie:
    """Section 2 from rows with KOLOMMEN; a row without zorg_start (an outer join that found
    nothing) counts for nothing."""
    periodes = [
        Periode(row.zorg_start, row.zorg_eind, row.zorg_code)
        for row in rows
        if row.zorg_start is not None
    ]
    toewijzingen = [p for p in periodes if p.code is not None]
    zorgstarts = [p for p in periodes if p.code is None]
    return zorginformatie(toewijzingen, zorgstarts, peildatum)
