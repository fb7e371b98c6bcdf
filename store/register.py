"""The kopie Wlz-register: apply a CIZ feed (all or nothing, set-based), look a BSN up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine, insert, text

from store.db import for_jobs
from store.feeds import FeedResultaat, stage
from store.meldingen import Melding
from store.models import RegisterLoad

STAGING = "register_staging"
_COLUMNS = ("regel", "soort", "bsn", "wlz_status", "afgiftedatum", "ingangsdatum", "einddatum")
_RECORD = "bsn, wlz_status, afgiftedatum, ingangsdatum, einddatum"


@dataclass(frozen=True)
class RegisterRegel:
    """One parsed feed line: `T` (add or replace) or `V` (remove)."""

    regel: int
    soort: str
    bsn: str
    wlz_status: str | None = None
    afgiftedatum: date | None = None
    ingangsdatum: date | None = None
    einddatum: date | None = None

    def row(self) -> tuple[object, ...]:
        return (
            self.regel,
            self.soort,
            self.bsn,
            self.wlz_status,
            self.afgiftedatum,
            self.ingangsdatum,
            self.einddatum,
        )


class _Afgekeurd(Exception):
    """Raised inside the transaction so that it rolls back."""


def _create_staging(conn: Connection) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING}")
    suffix = " ON COMMIT DROP" if conn.dialect.name == "postgresql" else ""
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {STAGING} (regel INTEGER NOT NULL, soort CHAR(1) NOT NULL, "
        "bsn VARCHAR(9) NOT NULL, wlz_status VARCHAR(8), afgiftedatum DATE, "
        f"ingangsdatum DATE, einddatum DATE){suffix}"
    )


def _lock(conn: Connection) -> None:
    """One writer at a time; readers (the registertoets) carry on."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE wlz_register IN SHARE ROW EXCLUSIVE MODE")


def _check_doubles(conn: Connection, res: FeedResultaat) -> None:
    rows = conn.exec_driver_sql(
        f"SELECT s.bsn, s.regel FROM {STAGING} s WHERE s.bsn IN "
        f"(SELECT bsn FROM {STAGING} GROUP BY bsn HAVING COUNT(*) > 1) ORDER BY s.bsn, s.regel"
    ).all()
    first: dict[str, int] = {}
    for bsn, regel in rows:
        if bsn in first:
            tekst = f"hetzelfde BSN staat ook op regel {first[bsn]}; een BSN mag één keer voorkomen"
            res.fouten.add(Melding(regel, "BSN", tekst))
        else:
            first[bsn] = regel


def _count(conn: Connection, sql: str) -> int:
    return int(conn.exec_driver_sql(sql).scalar_one())


_IN_REGISTER = "EXISTS (SELECT 1 FROM wlz_register r WHERE r.bsn = s.bsn)"


def _warn_unknown_removals(conn: Connection, res: FeedResultaat) -> None:
    rows = conn.exec_driver_sql(
        f"SELECT regel FROM {STAGING} s WHERE soort = 'V' AND NOT {_IN_REGISTER} ORDER BY regel"
    ).scalars()
    for regel in rows:
        res.waarschuwingen.add(
            Melding(regel, "BSN", "V-regel voor een BSN dat niet in het register staat; genegeerd")
        )


def _counts(conn: Connection, res: FeedResultaat) -> None:
    res.toegevoegd = _count(
        conn,
        f"SELECT COUNT(*) FROM {STAGING} s WHERE soort = 'T' AND NOT {_IN_REGISTER}",
    )
    res.vervangen = _count(
        conn,
        f"SELECT COUNT(*) FROM {STAGING} s WHERE soort = 'T' AND {_IN_REGISTER}",
    )
    removed = f"SELECT COUNT(*) FROM {STAGING} s WHERE soort = 'V' AND {_IN_REGISTER}"
    if res.initieel:
        removed = (
            "SELECT COUNT(*) FROM wlz_register r WHERE NOT EXISTS "
            f"(SELECT 1 FROM {STAGING} s WHERE s.bsn = r.bsn AND s.soort = 'T')"
        )
    res.verwijderd = _count(conn, removed)


def _new_load(conn: Connection, res: FeedResultaat, bestandsnaam: str) -> int:
    values = res.load_kolommen(bestandsnaam)
    return int(conn.execute(insert(RegisterLoad).returning(RegisterLoad.id), values).scalar_one())


def _apply(conn: Connection, load_id: int, initieel: bool) -> None:
    p = {"load": load_id}
    conn.execute(
        text(
            "INSERT INTO register_mutatie (load_id, regel, soort, " + _RECORD + ") "
            "SELECT :load, regel, soort, " + _RECORD + f" FROM {STAGING}"
        ),
        p,
    )
    if initieel:
        conn.execute(
            text(
                "INSERT INTO register_mutatie (load_id, regel, soort, bsn) "
                "SELECT :load, NULL, 'V', r.bsn FROM wlz_register r WHERE NOT EXISTS "
                f"(SELECT 1 FROM {STAGING} s WHERE s.bsn = r.bsn AND s.soort = 'T')"
            ),
            p,
        )
        conn.exec_driver_sql("DELETE FROM wlz_register")
    else:
        conn.exec_driver_sql(f"DELETE FROM wlz_register WHERE bsn IN (SELECT bsn FROM {STAGING})")
    conn.execute(
        text(
            "INSERT INTO wlz_register (" + _RECORD + ", load_id) "
            "SELECT " + _RECORD + f", :load FROM {STAGING} WHERE soort = 'T'"
        ),
        p,
    )


def _load(
    conn: Connection, items: Iterable[RegisterRegel | Melding], res: FeedResultaat, naam: str
) -> None:
    _lock(conn)
    _create_staging(conn)
    stage(conn, STAGING, _COLUMNS, items, res, RegisterRegel.row)
    if res.fouten:
        raise _Afgekeurd
    conn.exec_driver_sql(f"CREATE INDEX ix_{STAGING}_bsn ON {STAGING} (bsn)")
    _check_doubles(conn, res)
    if res.fouten:
        raise _Afgekeurd
    _warn_unknown_removals(conn, res)
    _counts(conn, res)
    res.load_id = _new_load(conn, res, naam)
    _apply(conn, res.load_id, res.initieel)
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING}")


def load_feed(
    engine: Engine,
    items: Iterable[RegisterRegel | Melding],
    *,
    initieel: bool,
    bestandsnaam: str,
) -> FeedResultaat:
    """Apply a parsed CIZ feed in one transaction; any error anywhere and nothing changes."""
    res = FeedResultaat(initieel=initieel)
    try:
        with for_jobs(engine).begin() as conn:
            _load(conn, items, res, bestandsnaam)
    except _Afgekeurd:
        pass
    return res
