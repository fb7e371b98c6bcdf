"""Building blocks for signal scenarios: gemeenten, subscriptions and register states."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.orm import Session, sessionmaker

from store.models import Abonnement, Organisatie
from store.models_signalen import Signaal, signaal_wijziging
from store.models_zorg import ZorgaanbiederLevering, ZorgkantoorLevering
from store.organisaties import add_gemeente
from store.register import RegisterRegel, load_feed

D = date(2026, 3, 1)
STAAT_2 = ("Ja", date(2026, 2, 10), date(2026, 2, 15), None)


@dataclass(frozen=True)
class Abo:
    gemeentecode: str
    bsn: str
    ingangsdatum: date | None = None
    einddatum: date | None = None
    wet: str = "wmo"


def gemeenten(sessions: sessionmaker[Session], peildatum: date = D) -> dict[str, int]:
    """0363 delivering for itself and 0437; 0599 for itself. Returns code -> organisatie id."""
    with sessions.begin() as session:
        add_gemeente(
            session, "0363", samenwerking=["0437"], mail="pb@0363.example", peildatum=peildatum
        )
        add_gemeente(session, "0599", peildatum=peildatum)
    with sessions() as session:
        return {
            code: id_ for code, id_ in session.execute(select(Organisatie.code, Organisatie.id))
        }


def abonneer(engine: Engine, orgs: dict[str, int], abos: Iterable[Abo], on: date = D) -> None:
    deliverer = {"0363": "0363", "0437": "0363", "0599": "0599"}
    rows = [
        {
            "wet": a.wet,
            "gemeentecode": a.gemeentecode,
            "bsn": a.bsn,
            "ingangsdatum": a.ingangsdatum,
            "einddatum": a.einddatum,
            "organisatie_id": orgs[deliverer[a.gemeentecode]],
            "ib_creatiedatum": on,
            "ib_mutatiedatum": on,
        }
        for a in abos
    ]
    with engine.begin() as conn:
        conn.execute(insert(Abonnement), rows)
        gewijzigd(conn, [a.bsn for a in abos])


def gewijzigd(conn: Connection, bsns: Iterable[str]) -> None:
    """What an upload or a feed does for the next nightly run: journal the BSNs it touched."""
    conn.execute(insert(signaal_wijziging), [{"bsn": bsn} for bsn in bsns])


def register(engine: Engine, records: dict[str, tuple[str, date, date, date | None]]) -> None:
    """Replace the register by these records (an initial CIZ load)."""
    regels = [
        RegisterRegel(i, "T", bsn, *state) for i, (bsn, state) in enumerate(records.items(), 1)
    ]
    res = load_feed(engine, regels, initieel=True, bestandsnaam="scenario")
    assert res.geaccepteerd, res.fouten.regels()


def signalen(sessions: sessionmaker[Session], peildatum: date = D) -> list[tuple[str, ...]]:
    with sessions() as session:
        rows = session.execute(
            select(
                Organisatie.code,
                Signaal.gemeentecode,
                Signaal.bsn,
                Signaal.wlz_status,
                Signaal.regel,
            )
            .join(Organisatie, Organisatie.id == Signaal.organisatie_id)
            .where(Signaal.peildatum == peildatum)
            .order_by(Signaal.gemeentecode, Signaal.bsn)
        )
        return [tuple(r) for r in rows]


def zorgkantoor(engine: Engine, bsn: str, code: str, start: date, eind: date | None = None) -> None:
    """A zorgkantoor's toewijzing (zorgkantoor 1), as a feed would have stored it."""
    row = {"bsn": bsn, "organisatie_id": 1, "leveringsvorm": code, "load_id": 1}
    with engine.begin() as conn:
        conn.execute(insert(ZorgkantoorLevering), [row | {"startdatum": start, "einddatum": eind}])
        gewijzigd(conn, [bsn])


def zorgaanbieder(engine: Engine, bsn: str, start: date, eind: date | None = None) -> None:
    """A zorgaanbieder's actual start of care (zorgaanbieder 1)."""
    row = {"bsn": bsn, "organisatie_id": 1, "load_id": 1, "startdatum": start, "einddatum": eind}
    with engine.begin() as conn:
        conn.execute(insert(ZorgaanbiederLevering), [row])
        gewijzigd(conn, [bsn])
