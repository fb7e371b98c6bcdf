"""The registertoets rate limit per organisation: a sliding minute, counted in the audit log.

Restraint (the seeds: a gemeente "dient terughoudend te zijn in het gebruik van de toets"; to
ask daily for all clients is "niet proportioneel"): an organisation makes at most `limiet`
registertoetsen in any 60 seconds. The count is the organisation's own audit records of the
last minute, so it holds across gunicorn workers and app nodes on one database, and it costs no
round trip of its own: the registertoets query carries it (`vol`), reading at most `limiet`
entries of the index on (organisatie_id, tijdstip). A refused call is neither looked up nor
audited, and so does not count.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    ScalarSelect,
    Select,
    and_,
    bindparam,
    literal_column,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from store.datums import utc
from store.models import AuditRegistertoets

VENSTER = timedelta(seconds=60)

_A = AuditRegistertoets


class TeVeelVerzoeken(Exception):
    """Over the limit: nothing was looked up or audited. `wacht` is in whole seconds."""

    def __init__(self, limiet: int, wacht: int) -> None:
        super().__init__(
            f"te veel registertoetsen: de limiet is {limiet} per minuut per organisatie; "
            f"probeer het over {wacht} seconde(n) opnieuw"
        )
        self.limiet = limiet
        self.wacht = wacht


def _in_window(
    organisatie_id: ColumnElement[int] | InstrumentedAttribute[int],
) -> ColumnElement[bool]:
    return and_(_A.organisatie_id == organisatie_id, _A.tijdstip >= bindparam("sinds"))


def vol(organisatie_id: ColumnElement[int] | InstrumentedAttribute[int]) -> ScalarSelect[Any]:
    """Not NULL when the organisation made `limiet` calls or more since `sinds` (see params):
    the row at offset limiet - 1 of its window exists. Reads at most `limiet` index entries."""
    query: Select[Any] = select(literal_column("1")).where(_in_window(organisatie_id)).limit(1)
    return query.offset(bindparam("vol_na", type_=Integer)).scalar_subquery()


def params(limiet: int, nu: datetime) -> dict[str, object]:
    """The bind parameters of `vol` for a call at `nu`."""
    return {"sinds": nu - VENSTER, "vol_na": limiet - 1}


# The limiet-th newest call of the window: when it leaves the window, a call is allowed again.
_KANTELPUNT = (
    select(_A.tijdstip)
    .where(_in_window(bindparam("organisatie_id")))
    .order_by(_A.tijdstip.desc())
    .limit(1)
    .offset(bindparam("vol_na", type_=Integer))
)


def weiger(conn: Connection, organisatie_id: int, limiet: int, nu: datetime) -> TeVeelVerzoeken:
    """The refusal, with the seconds until the organisation may call again (at least 1)."""
    values = {"organisatie_id": organisatie_id, **params(limiet, nu)}
    kantel = conn.execute(_KANTELPUNT, values).scalar()
    if kantel is None:
        return TeVeelVerzoeken(limiet, 1)
    seconden = (utc(kantel) + VENSTER - nu).total_seconds()
    return TeVeelVerzoeken(limiet, max(1, math.ceil(seconden)))
