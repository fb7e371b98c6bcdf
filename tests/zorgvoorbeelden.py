"""The worked examples #1-#12 of doorontwikkeling-2023.md section 3 as data, and their rows.

D = 2026-03-01; a register record Ja, afgifte 2026-01-10, ingang 2026-01-15, eind empty, unless
the example says otherwise. The core, SOAP and REST tests all run this one table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session, sessionmaker

from store.demo import synthetic_bsns
from store.models import Organisatie
from store.models_signalen import signaal_wijziging
from store.models_zorg import ZorgaanbiederLevering, ZorgkantoorLevering
from store.organisaties import issue_token
from store.register import RegisterRegel, load_feed
from store.rollen import Rol

D = date(2026, 3, 1)
AFGIFTE, INGANG = date(2026, 1, 10), date(2026, 1, 15)
ZORGKANTOOR_ID, ZORGAANBIEDER_ID = 9001, 9002  # the rows' owners (no foreign key)


def d(text: str) -> date:
    return date.fromisoformat(text)


@dataclass(frozen=True)
class Voorbeeld:
    nr: int
    status: str | None  # None: no register record
    zorgkantoor: tuple[tuple[str, date, date | None], ...]  # (leveringsvorm, start, eind)
    zorgaanbieder: tuple[date, ...]  # started on
    advies: str
    regel: str
    per: date | None
    start: date | None  # startdatumZorg
    bron: str | None
    eind: date | None = None  # the indication's einddatum


VOORBEELDEN = (
    Voorbeeld(1, None, (), (), "NEE", "A1", None, None, None),
    Voorbeeld(2, "Nee", (("4", d("2026-02-01"), None),), (), "NEE", "A2", None,
              d("2026-02-01"), "zorgkantoor"),
    Voorbeeld(3, "Ja", (("4", d("2026-02-01"), None),), (), "NEE", "A3", None,
              d("2026-02-01"), "zorgkantoor", eind=d("2026-02-28")),
    Voorbeeld(4, "Onbekend", (("5", d("2026-02-01"), None),), (), "ONBEKEND", "A4", None,
              d("2026-02-01"), "zorgkantoor"),
    Voorbeeld(5, "Ja", (), (), "ONBEKEND", "A5", None, None, None),
    Voorbeeld(6, "Ja", (("4", d("2026-02-01"), None),), (), "JA", "A6", d("2026-02-01"),
              d("2026-02-01"), "zorgkantoor"),
    Voorbeeld(7, "Ja", (("4", d("2026-02-01"), None),), (d("2026-02-03"),), "JA", "A6",
              d("2026-02-03"), d("2026-02-03"), "zorgaanbieder"),
    Voorbeeld(8, "Ja", (("7", d("2026-02-01"), None), ("2", d("2026-02-01"), None)), (),
              "DEELS", "A7", d("2026-02-01"), d("2026-02-01"), "zorgkantoor"),
    Voorbeeld(9, "Ja", (("7", d("2026-01-20"), None), ("4", d("2026-04-01"), None)), (),
              "JA", "A6", d("2026-04-01"), d("2026-01-20"), "zorgkantoor"),
    Voorbeeld(10, "Ja", (("7", d("2026-01-20"), None), ("4", d("2026-04-01"), None)),
              (d("2026-01-22"),), "JA", "A6", d("2026-04-01"), d("2026-01-22"), "zorgaanbieder"),
    Voorbeeld(11, "Ja", (("5", d("2025-06-01"), d("2026-02-01")),), (), "ONBEKEND", "A5", None,
              None, None),
    Voorbeeld(12, "Ja", (("4", d("2026-05-01"), None),), (), "JA", "A6", d("2026-05-01"),
              d("2026-05-01"), "zorgkantoor"),
)  # fmt: skip

# Beyond the demo set's BSNs (which start at the beginning of the test range).
BSNS = dict(zip((v.nr for v in VOORBEELDEN), islice(synthetic_bsns(999_990_000), 12), strict=True))


def plaats(engine: Engine) -> dict[int, str]:
    """Put every example's register record and zorg rows in the database; nr -> BSN."""
    regels = [
        RegisterRegel(i + 1, "T", BSNS[v.nr], v.status, AFGIFTE, INGANG, v.eind)
        for i, v in enumerate(v for v in VOORBEELDEN if v.status)
    ]
    assert load_feed(engine, regels, initieel=False, bestandsnaam="voorbeelden").geaccepteerd
    kantoor = [
        {"bsn": BSNS[v.nr], "organisatie_id": ZORGKANTOOR_ID, "leveringsvorm": code,
         "startdatum": start, "einddatum": eind, "load_id": 1}
        for v in VOORBEELDEN for code, start, eind in v.zorgkantoor
    ]  # fmt: skip
    aanbieder = [
        {"bsn": BSNS[v.nr], "organisatie_id": ZORGAANBIEDER_ID, "startdatum": start,
         "einddatum": None, "load_id": 1}
        for v in VOORBEELDEN for start in v.zorgaanbieder
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(ZorgkantoorLevering), kantoor)
        conn.execute(insert(ZorgaanbiederLevering), aanbieder)
        journaal = {row["bsn"] for row in (*kantoor, *aanbieder)}
        conn.execute(insert(signaal_wijziging), [{"bsn": bsn} for bsn in journaal])
    return dict(BSNS)


def zorg_token(sessions: sessionmaker[Session], rol: Rol) -> str:
    """A token of an active zorgkantoor (5501) or zorgaanbieder (an AGB code)."""
    with sessions.begin() as session:
        org = Organisatie(rol=rol, code="5501" if rol is Rol.ZORGKANTOOR else "12345678")
        org.aangemaakt_op, org.actief = datetime.now(UTC), True
        session.add(org)
        session.flush()
        return issue_token(session, org)
