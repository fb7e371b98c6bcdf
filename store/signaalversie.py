"""Which signal file version a (aanleverende gemeente, wet) gets (doorontwikkeling-2023.md
section 6): Jeugdwet files are always version 2; Wmo files version 1 unless the gemeente chose 2.

One function in two forms (Python for a single choice, SQL for a set of rows), so the rule is
stated once here. The version is recorded with each published file: switching is not
retroactive.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from store.models import Organisatie
from store.rollen import Wet

VERSIES = (1, 2)
ZORG = 2  # the version that compares and writes the zorg information and advies


def versie(wet: str, gekozen: int) -> int:
    """The version of a (gemeente, wet): Jeugdwet always 2, else the gemeente's choice."""
    return ZORG if wet == Wet.JW else gekozen


def versie_sql(wet: Any, gekozen: Any) -> ColumnElement[int]:
    """The same, for a wet column and an organisatie.signaalversie column."""
    return case((wet == str(Wet.JW), literal(ZORG)), else_=gekozen)


def is_zorgversie(wet: Any, organisatie_id: Any) -> ColumnElement[bool]:
    """Whether rows of (wet, aanleverende gemeente) compare the version 2 state."""
    gekozen = select(Organisatie.id).where(Organisatie.signaalversie == ZORG)
    return or_(wet == str(Wet.JW), organisatie_id.in_(gekozen))
