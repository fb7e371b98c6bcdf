"""Who looked up a BSN: the registertoets's audit records of given BSNs, for a citizen's inzage
(AVG art. 15: who received their data) or a security officer's inquiry into misuse.

The organisation that called, with its role, the operation and its outcome, and the portal user
who did it (migration 0011; SOAP and REST callers are an organisation). A refused call with a
bad BSN is audited without it and so is not found here; nor is what retention has removed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, select

from store.auditrapport import dag_begin
from store.datums import AMSTERDAM, utc
from store.models import AuditRegistertoets, Organisatie
from store.models_portaal import Gebruiker


@dataclass(frozen=True)
class Raadpleging:
    bsn: str
    tijdstip: datetime  # in Europe/Amsterdam
    rol: str
    organisatie: str  # its code
    operatie: str
    uitkomst: str
    gebruiker: str | None  # the portal user's e-mail address; None: SOAP or REST


def _query(bsns: Collection[str], van: date | None, tot: date | None) -> Select[*tuple[Any, ...]]:
    a, o, g = AuditRegistertoets, Organisatie, Gebruiker
    query = (
        select(a.bsn, a.tijdstip, o.rol, o.code, a.operatie, a.uitkomst, g.email)
        .join(o, o.id == a.organisatie_id)
        .outerjoin(g, g.id == a.gebruiker_id)
        .where(a.bsn.in_(sorted(bsns)))
        .order_by(a.tijdstip, a.id)
    )
    if van is not None:
        query = query.where(a.tijdstip >= dag_begin(van))
    if tot is not None:
        query = query.where(a.tijdstip < dag_begin(tot + timedelta(days=1)))
    return query


def raadplegingen(
    conn: Connection, bsns: Collection[str], van: date | None = None, tot: date | None = None
) -> list[Raadpleging]:
    """Every audited registertoets of these BSNs on the Europe/Amsterdam days van..tot (both
    included; None: no limit), oldest first. One query along the audit's bsn index."""
    rows = conn.execute(_query(bsns, van, tot))
    return [
        Raadpleging(bsn, utc(tijdstip).astimezone(AMSTERDAM), rol, code, operatie, uitkomst, email)
        for bsn, tijdstip, rol, code, operatie, uitkomst, email in rows
    ]
