"""Apply a zorgkantoor or zorgaanbieder feed (doorontwikkeling-2023.md section 1).

All or nothing and set-based, as the CIZ feed (store/register.py): the parsed lines go to a
temporary staging table in batches, the checks that need the whole feed (a key twice) or the
store (a `V` for a row that does not exist) are one query each, and the apply is one DELETE and
one INSERT ... SELECT. Every row belongs to the sender: a `--initieel` load replaces only that
organisation's own rows. A rejected feed rolls back, so it leaves no trace, not even a zorg_load.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, column, insert, select, table, text

from store import signaalscope
from store.db import for_jobs
from store.feeds import FeedResultaat, stage
from store.meldingen import Melding
from store.models import Organisatie
from store.models_zorg import ZorgLoad
from store.rollen import Rol

STAGING = "zorg_staging"
_COLUMNS = ("regel", "soort", "bsn", "leveringsvorm", "startdatum", "einddatum")
UIT = (
    "zorginformatie staat uit (SAMENLOOP_ZORGINFORMATIE=uit): de wettelijke grondslag is nog "
    "niet van kracht, dus zorgkantoor- en zorgaanbiederleveringen worden niet aangenomen"
)


class Feed(StrEnum):
    ZORGKANTOOR = "zorgkantoor"
    ZORGAANBIEDER = "zorgaanbieder"

    @property
    def tabel(self) -> str:
        return f"{self.value}_levering"

    @property
    def sleutel(self) -> tuple[str, ...]:
        """The key's columns besides organisatie_id."""
        if self is Feed.ZORGKANTOOR:
            return ("bsn", "leveringsvorm", "startdatum")
        return ("bsn", "startdatum")


class ZorgRegel(NamedTuple):
    """One parsed line; a zorgaanbieder line has leveringsvorm ''. In _COLUMNS order."""

    regel: int
    soort: str
    bsn: str
    leveringsvorm: str
    startdatum: date
    einddatum: date | None


class ZorginformatieUit(Exception):
    """SAMENLOOP_ZORGINFORMATIE is uit: no feed is taken in."""

    def __init__(self) -> None:
        super().__init__(UIT)


class NietGeregistreerd(ValueError):
    """The sender is not an active organisation of the feed's role; nothing is kept."""


@dataclass(frozen=True)
class Opdracht:
    feed: Feed
    code: str  # the sender: a COD001 zorgkantoorcode or an AGB code
    bestandsnaam: str
    initieel: bool = False


@dataclass
class ZorgResultaat(FeedResultaat):
    """A feed's result with who sent it; `initieel` is the opdracht's."""

    opdracht: Opdracht
    initieel: bool = field(init=False)

    def __post_init__(self) -> None:
        self.initieel = self.opdracht.initieel

    def as_dict(self) -> dict[str, Any]:
        """The load's report (JSON names, as the verwerkingsverslag's)."""
        o = self.opdracht
        return {
            "id": self.load_id,
            "soort": o.feed.value,
            "afzender": o.code,
            "bestandsnaam": o.bestandsnaam,
            "initieel": o.initieel,
            "status": "verwerkt" if self.geaccepteerd else "afgekeurd",
            "aantalRegels": self.aantal_regels,
            "toegevoegd": self.toegevoegd,
            "vervangen": self.vervangen,
            "verwijderd": self.verwijderd,
            "aantalFouten": self.fouten.totaal,
            "fouten": [m.as_dict() for m in self.fouten.getoond],
            "aantalWaarschuwingen": self.waarschuwingen.totaal,
            "waarschuwingen": [m.as_dict() for m in self.waarschuwingen.getoond],
        }


class _Afgekeurd(Exception):
    """Raised inside the transaction so that it rolls back."""


def _sender(conn: Connection, opdracht: Opdracht) -> int:
    org_id = conn.scalar(
        select(Organisatie.id).where(
            Organisatie.rol == Rol(opdracht.feed.value),
            Organisatie.code == opdracht.code,
            Organisatie.actief,
        )
    )
    if org_id is None:
        raise NietGeregistreerd(f"{opdracht.feed.value} {opdracht.code} is niet geregistreerd")
    return int(org_id)


def _lock_and_stage_table(conn: Connection, feed: Feed) -> None:
    """One writer per feed at a time (readers carry on), and an empty staging table."""
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.exec_driver_sql(f"LOCK TABLE {feed.tabel} IN SHARE ROW EXCLUSIVE MODE")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING}")
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {STAGING} (regel INTEGER NOT NULL, soort CHAR(1) NOT NULL, "
        "bsn VARCHAR(9) NOT NULL, leveringsvorm VARCHAR(2) NOT NULL, startdatum DATE NOT NULL, "
        f"einddatum DATE){' ON COMMIT DROP' if postgres else ''}"
    )


def _match(feed: Feed, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{c} = {right}.{c}" for c in feed.sleutel)


def _check_doubles(conn: Connection, feed: Feed, res: ZorgResultaat) -> None:
    key = ", ".join(feed.sleutel)
    rows = conn.exec_driver_sql(
        f"SELECT s.regel, d.eerste FROM {STAGING} s JOIN (SELECT {key}, MIN(regel) AS eerste "
        f"FROM {STAGING} GROUP BY {key} HAVING COUNT(*) > 1) d ON {_match(feed, 's', 'd')} "
        "WHERE s.regel > d.eerste ORDER BY s.regel"
    )
    namen = ", ".join(c.capitalize() if c != "bsn" else "BSN" for c in feed.sleutel)
    for regel, eerste in rows:
        tekst = f"dezelfde sleutel ({namen}) staat ook op regel {eerste}; een sleutel mag één keer"
        res.fouten.add(Melding(regel, "BSN", tekst + " voorkomen in een levering"))


def _bestaat(feed: Feed) -> str:
    """A staging row `s` has a stored row of the sender."""
    return (
        f"EXISTS (SELECT 1 FROM {feed.tabel} r WHERE r.organisatie_id = :org "
        f"AND {_match(feed, 'r', 's')})"
    )


def _count(conn: Connection, sql: str, org_id: int) -> int:
    return int(conn.execute(text(sql), {"org": org_id}).scalar_one())


def _warn_unknown_removals(conn: Connection, feed: Feed, org_id: int, res: ZorgResultaat) -> None:
    sql = f"SELECT regel FROM {STAGING} s WHERE soort = 'V' AND NOT {_bestaat(feed)} ORDER BY regel"
    rows = conn.execute(text(sql), {"org": org_id}).scalars()
    tekst = "V-regel voor een levering die niet bestaat (bij deze afzender); genegeerd"
    for regel in rows:
        res.waarschuwingen.add(Melding(regel, "BSN", tekst))


def _counts(conn: Connection, feed: Feed, org_id: int, res: ZorgResultaat) -> None:
    """One pass over the staging table: T and V lines, with or without a stored row."""
    per = {
        (soort, bool(bestaat)): int(n)
        for soort, bestaat, n in conn.execute(
            text(
                f"SELECT soort, bestaat, COUNT(*) FROM (SELECT s.soort, CASE WHEN {_bestaat(feed)} "
                f"THEN 1 ELSE 0 END AS bestaat FROM {STAGING} s) x GROUP BY soort, bestaat"
            ),
            {"org": org_id},
        )
    }
    res.toegevoegd, res.vervangen = per.get(("T", False), 0), per.get(("T", True), 0)
    res.verwijderd = per.get(("V", True), 0)
    if res.opdracht.initieel:
        res.verwijderd = _count(
            conn,
            f"SELECT COUNT(*) FROM {feed.tabel} r WHERE r.organisatie_id = :org AND NOT EXISTS "
            f"(SELECT 1 FROM {STAGING} s WHERE s.soort = 'T' AND {_match(feed, 's', 'r')})",
            org_id,
        )


def _new_load(conn: Connection, org_id: int, res: ZorgResultaat) -> int:
    o = res.opdracht
    values = {"organisatie_id": org_id, "soort": o.feed.value, **res.load_kolommen(o.bestandsnaam)}
    return int(conn.execute(insert(ZorgLoad).returning(ZorgLoad.id), values).scalar_one())


def _markeer(conn: Connection, feed: Feed, org_id: int, *, initieel: bool) -> None:
    """The next nightly run compares these BSNs again: the feed's, and for an initieel load
    also those of the sender's rows it replaces."""
    signaalscope.markeer(conn, select(table(STAGING, column("bsn")).c.bsn))
    if initieel:
        rows = table(feed.tabel, column("bsn"), column("organisatie_id"))
        signaalscope.markeer(conn, select(rows.c.bsn).where(rows.c.organisatie_id == org_id))


def _apply(conn: Connection, feed: Feed, org_id: int, res: ZorgResultaat) -> None:
    """The sender's rows go (all of them, or those the feed names), then the T lines go in."""
    p = {"org": org_id, "load": res.load_id}
    _markeer(conn, feed, org_id, initieel=res.opdracht.initieel)
    delete = f"DELETE FROM {feed.tabel} WHERE organisatie_id = :org"
    if not res.opdracht.initieel:
        delete += f" AND EXISTS (SELECT 1 FROM {STAGING} s WHERE {_match(feed, 's', feed.tabel)})"
    conn.execute(text(delete), p)
    columns = ", ".join(dict.fromkeys((*feed.sleutel, "startdatum", "einddatum")))
    conn.execute(
        text(
            f"INSERT INTO {feed.tabel} ({columns}, organisatie_id, load_id) "
            f"SELECT {columns}, :org, :load FROM {STAGING} WHERE soort = 'T'"
        ),
        p,
    )


def _load(
    conn: Connection, items: Iterable[ZorgRegel | Melding], res: ZorgResultaat, org_id: int
) -> None:
    feed = res.opdracht.feed
    _lock_and_stage_table(conn, feed)
    stage(conn, STAGING, _COLUMNS, items, res, lambda regel: regel)
    if res.fouten:
        raise _Afgekeurd
    conn.exec_driver_sql(f"CREATE INDEX ix_{STAGING} ON {STAGING} ({', '.join(feed.sleutel)})")
    _check_doubles(conn, feed, res)
    if res.fouten:
        raise _Afgekeurd
    _warn_unknown_removals(conn, feed, org_id, res)
    _counts(conn, feed, org_id, res)
    res.load_id = _new_load(conn, org_id, res)
    _apply(conn, feed, org_id, res)
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING}")


def load_zorgfeed(
    engine: Engine, opdracht: Opdracht, items: Iterable[ZorgRegel | Melding], *, aan: bool
) -> ZorgResultaat:
    """Apply a parsed feed in one transaction; any error anywhere and nothing changes.

    `aan` is Settings.zorginformatie: when uit, raises ZorginformatieUit before reading a line.
    Raises NietGeregistreerd when the sender is not an active organisation of the feed's role.
    """
    if not aan:
        raise ZorginformatieUit
    res = ZorgResultaat(opdracht)
    try:
        with for_jobs(engine).begin() as conn:
            _load(conn, items, res, _sender(conn, opdracht))
    except _Afgekeurd:
        pass
    return res
