"""Applying the lines of an accepted aanlevering to `abonnement`: set-based SQL, two ways.

The fast way (`toepasser`): the lines are staged in batches while the file is read, and
applied with as few passes over the staging table as each engine allows.

- PostgreSQL: COPY into the staging table (the server takes it in while the file is read),
  then one statement that joins the lines with the population once, counts from that join,
  and writes: a plain INSERT for new lines, an upsert for changed ones, a DELETE for ended
  ones. Unchanged lines are not written.
- SQLite: each batch is applied by a worker thread while the next batch is read (SQLite
  releases the GIL while it steps, so its work runs next to the parsing); a batch is a range
  of the staging table's rowid, the line number.

The SQLite way is exact when every (gemeentecode, bsn) occurs once in the file (the staging
table tells at the end, unless the keys ascended all the way, which rules doubles out): then
no batch touches a subscription that another line touched, and the counts are those of the
population before the upload. Otherwise the caller rolls it back (a savepoint) and takes the
exact way: read again, warn about the doubles (the last line wins), then `pas_toe`. On
PostgreSQL nothing is applied before the check, so the exact way runs on the staged lines.

Every table name and statement is a constant: nothing from the input enters the SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from operator import add, lt
from typing import Any, NamedTuple

from sqlalchemy import Connection, CursorResult, Date, bindparam, text
from sqlalchemy.exc import IntegrityError

from store.bulk import bulk_insert_values
from store.meldingen import Melding, Meldingen
from store.verslag import Aantallen

STAGING = "aanlevering_staging"  # every line of the file
COLUMNS = ("regel", "gemeentecode", "bsn", "ingangsdatum", "einddatum")
_VELDEN = (
    "gemeentecode VARCHAR(4) NOT NULL, bsn VARCHAR(9) NOT NULL, ingangsdatum DATE, einddatum DATE"
)


class Telling(NamedTuple):
    """What the lines do, counted against the population before the upload."""

    uniek: int = 0
    met_einddatum: int = 0
    geeindigd: int = 0
    nieuw: int = 0
    gewijzigd: int = 0

    def plus(self, other: Sequence[Any]) -> Telling:
        return Telling(*(a + int(b or 0) for a, b in zip(self, other, strict=True)))


def create_staging(conn: Connection) -> None:
    drop_staging(conn)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {STAGING} (regel INTEGER NOT NULL, {_VELDEN}) ON COMMIT DROP"
        )
        return
    # The line number is the rowid: a batch is a range of it, and it costs no index.
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {STAGING} (regel INTEGER PRIMARY KEY, {_VELDEN})")


def drop_staging(conn: Connection) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING}")


def sql(conn: Connection, statement: str, params: dict[str, object]) -> CursorResult[Any]:
    clause = text(statement)
    if ":peil" in statement:
        clause = clause.bindparams(bindparam("peil", type_=Date))
    return conn.execute(clause, params)


# A line whose einddatum is reached on the peildatum ends: it is not kept (beslisregels 3).
# _ANDERS: ingangsdatum, einddatum or aanleverende gemeente differ (NULL-safe on both engines).
_ANDERS = """(a.organisatie_id <> :org
  OR COALESCE(a.ingangsdatum <> s.ingangsdatum,
    (a.ingangsdatum IS NULL) <> (s.ingangsdatum IS NULL))
  OR COALESCE(a.einddatum <> s.einddatum, (a.einddatum IS NULL) <> (s.einddatum IS NULL)))"""
_MET_BESTAAND = """FROM {bron} s LEFT JOIN abonnement a
  ON a.wet = :wet AND a.gemeentecode = s.gemeentecode AND a.bsn = s.bsn"""
_TELLING = (
    """SELECT COUNT(*),
  SUM(CASE WHEN s.einddatum IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN s.einddatum <= :peil THEN 1 ELSE 0 END),
  SUM(CASE WHEN s.einddatum <= :peil THEN 0 WHEN a.bsn IS NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN s.einddatum <= :peil OR a.bsn IS NULL THEN 0 WHEN """
    + _ANDERS
    + " THEN 1 ELSE 0 END) "
    + _MET_BESTAAND
)
_KOLOMMEN = """INSERT INTO abonnement (wet, gemeentecode, bsn, ingangsdatum, einddatum,
  organisatie_id, ib_creatiedatum, ib_mutatiedatum) """
_BIJWERKEN = """ON CONFLICT (wet, gemeentecode, bsn) DO UPDATE SET
  ingangsdatum = excluded.ingangsdatum, einddatum = excluded.einddatum,
  organisatie_id = excluded.organisatie_id, ib_mutatiedatum = excluded.ib_mutatiedatum"""
# Only new and changed lines are written: an unchanged one is not even locked.
_UPSERT = (
    _KOLOMMEN
    + "SELECT :wet, s.gemeentecode, s.bsn, s.ingangsdatum, s.einddatum, :org, :peil, :peil "
    + _MET_BESTAAND
    + " WHERE (s.einddatum IS NULL OR s.einddatum > :peil) AND (a.bsn IS NULL OR "
    + _ANDERS
    + ") "
    + _BIJWERKEN
)
# Every delete of subscriptions first deletes their signal memory (same key): a client delivered
# again later gets a first signal again (beslisregels section 4).
_VERGEET = """DELETE FROM signaal_geheugen WHERE (bsn, wet, gemeentecode) IN
  (SELECT bsn, wet, gemeentecode FROM abonnement WHERE {waar})"""
_GEEINDIGD = """wet = :wet AND (gemeentecode, bsn) IN
  (SELECT s.gemeentecode, s.bsn FROM {bron} s WHERE s.einddatum <= :peil)"""
_WEG_GEEINDIGD = "DELETE FROM abonnement WHERE " + _GEEINDIGD  # noqa: S608 (constants)
_NIET_IN_BESTAND = """wet = :wet AND organisatie_id = :org
  AND NOT EXISTS (SELECT 1 FROM aanlevering_staging s
    WHERE s.gemeentecode = abonnement.gemeentecode AND s.bsn = abonnement.bsn)"""
_WEG_NIET_IN_BESTAND = "DELETE FROM abonnement WHERE " + _NIET_IN_BESTAND  # noqa: S608 (constants)
# Without it, the NOT EXISTS above scans every staged line for every subscription of the
# sender: quadratic (9,000 lines of an initial upload took 6 s on SQLite, 10 s on PostgreSQL).
_SLEUTEL_INDEX = f"CREATE INDEX ix_{STAGING}_sleutel ON {STAGING} (gemeentecode, bsn)"
_EINDDATUM = "wet = :wet AND organisatie_id = :org AND einddatum <= :peil"
_WEG_EINDDATUM = "DELETE FROM abonnement WHERE " + _EINDDATUM  # noqa: S608 (constants)
# The sender's population and what of it has reached its einddatum, in one pass over it.
_POPULATIE = """SELECT COUNT(*), SUM(CASE WHEN einddatum <= :peil THEN 1 ELSE 0 END)
  FROM abonnement WHERE wet = :wet AND organisatie_id = :org"""

# PostgreSQL, every line in one statement: the join with the population is made once, and
# counted and written from (the sub-statements all see the population as it was before it).
# A new line is a plain INSERT: a conflict (only possible from a concurrent upload for the same
# gemeentecode, after its aanleverrecht moved) fails the statement, and the caller takes the
# exact way, whose upsert waits for the other upload instead.
_ALLES_PG = (
    """WITH j AS MATERIALIZED (SELECT s.gemeentecode, s.bsn, s.ingangsdatum, s.einddatum,
  COALESCE(s.einddatum <= :peil, FALSE) AS geeindigd, a.bsn IS NULL AS nieuw,
  a.bsn IS NOT NULL AND """  # noqa: S608 (constants only, like every statement here)
    + _ANDERS
    + " AS gewijzigd "
    + _MET_BESTAAND
    + """),
weg AS (DELETE FROM abonnement WHERE wet = :wet AND (gemeentecode, bsn) IN
  (SELECT gemeentecode, bsn FROM j WHERE geeindigd AND NOT nieuw)),
vergeet AS (DELETE FROM signaal_geheugen WHERE wet = :wet AND (gemeentecode, bsn) IN
  (SELECT gemeentecode, bsn FROM j WHERE geeindigd AND NOT nieuw)),
nieuw AS ("""
    + _KOLOMMEN
    + """SELECT :wet, gemeentecode, bsn, ingangsdatum, einddatum, :org, :peil, :peil
  FROM j WHERE nieuw AND NOT geeindigd),
gewijzigd AS ("""
    + _KOLOMMEN
    + """SELECT :wet, gemeentecode, bsn, ingangsdatum, einddatum, :org, :peil, :peil
  FROM j WHERE gewijzigd AND NOT geeindigd """
    + _BIJWERKEN
    + """)
SELECT COUNT(*), COUNT(einddatum), SUM(CASE WHEN geeindigd THEN 1 ELSE 0 END),
  SUM(CASE WHEN nieuw AND NOT geeindigd THEN 1 ELSE 0 END),
  SUM(CASE WHEN gewijzigd AND NOT geeindigd THEN 1 ELSE 0 END) FROM j"""
).format(bron=STAGING)
# SQLite: a batch is the lines of STAGING from line :van on (a range of the rowid).
_PARTIJ_SQLITE = "(SELECT * FROM aanlevering_staging WHERE regel >= :van)"


class _Volgorde:
    """Whether the keys ascend, by gemeentecode or by BSN: then no key occurs twice.

    A gemeentecode is 4 digits and a BSN 9, so the joined text orders as the pair does.
    """

    def __init__(self) -> None:
        # The last key in either order while the keys still ascend in it; None once they don't.
        self._laatste: list[str | None] = ["", ""]

    def partij(self, values: Sequence[Any]) -> None:
        codes, bsns = values[1 :: len(COLUMNS)], values[2 :: len(COLUMNS)]
        for i, (a, b) in enumerate(((codes, bsns), (bsns, codes))):
            vorige = self._laatste[i]
            if vorige is not None:
                sleutels = list(map(add, a, b))
                oplopend = vorige < sleutels[0] and all(
                    map(lt, sleutels, islice(sleutels, 1, None))
                )
                self._laatste[i] = sleutels[-1] if oplopend else None

    @property
    def oplopend(self) -> bool:
        return any(laatste is not None for laatste in self._laatste)


class Toepasser:
    """The fast way: `partij` takes each batch (flat values, in a list the Toepasser may keep),
    `stop` follows the last batch (or an error), then `klaar` gives the Telling, or None when
    the exact way must be taken."""

    def __init__(self, conn: Connection, params: dict[str, object]) -> None:
        self._conn, self._params = conn, params
        self._volgorde = _Volgorde()

    def partij(self, values: Sequence[Any]) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        """Nothing is applied in the background after this."""

    def klaar(self, waarschuwingen: Meldingen) -> Telling | None:
        raise NotImplementedError

    def _dubbel(self) -> bool:
        if self._volgorde.oplopend:
            return False
        return self._conn.exec_driver_sql(_DUBBEL_ER).first() is not None


class _PostgresToepasser(Toepasser):
    """Each batch is copied into the staging table; `klaar` applies them in one statement (or,
    with doubles, nothing has been applied yet: the exact way on the staged lines)."""

    def partij(self, values: Sequence[Any]) -> None:
        if values:
            self._volgorde.partij(values)
            bulk_insert_values(self._conn, STAGING, COLUMNS, values)

    def klaar(self, waarschuwingen: Meldingen) -> Telling | None:
        if self._dubbel():
            dubbele(self._conn, waarschuwingen, gezien=True)
            return pas_toe(self._conn, self._params)
        try:
            return Telling().plus(sql(self._conn, _ALLES_PG, self._params).one())
        except IntegrityError:
            return None  # a conflict with another upload: the exact way (see _ALLES_PG)


class _SqliteToepasser(Toepasser):
    """Each batch is staged and applied by a worker thread while the caller reads the next.

    The connection is used by one thread at a time: `partij` waits for the batch before it
    (SQLAlchemy's pysqlite dialect opens connections with check_same_thread=False). The worker
    keeps the batch's list (the caller makes a new one for the next batch).
    """

    def __init__(self, conn: Connection, params: dict[str, object]) -> None:
        super().__init__(conn, params)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aanlevering")
        self._bezig: Future[Telling] | None = None
        self._telling = Telling()

    def partij(self, values: Sequence[Any]) -> None:
        self._wacht()
        if values:
            self._volgorde.partij(values)
            self._bezig = self._worker.submit(self._stage_en_pas_toe, values)

    def _stage_en_pas_toe(self, values: Sequence[Any]) -> Telling:
        bulk_insert_values(self._conn, STAGING, COLUMNS, values)
        return pas_toe(self._conn, {**self._params, "van": values[0]}, _PARTIJ_SQLITE)

    def _wacht(self) -> None:
        """Until the batch being applied is done (its error, if any, is raised here)."""
        bezig, self._bezig = self._bezig, None
        if bezig is not None:
            self._telling = self._telling.plus(bezig.result())

    def stop(self) -> None:
        try:
            self._wacht()
        finally:
            self._worker.shutdown()

    def klaar(self, waarschuwingen: Meldingen) -> Telling | None:
        return None if self._dubbel() else self._telling


def toepasser(conn: Connection, params: dict[str, object]) -> Toepasser:
    if conn.dialect.name == "postgresql":
        return _PostgresToepasser(conn, params)
    return _SqliteToepasser(conn, params)


def stage(conn: Connection, values: Sequence[Any]) -> None:
    """The exact way's staging: every line (flat values), applied later."""
    bulk_insert_values(conn, STAGING, COLUMNS, values)


_DUBBEL_ER = """SELECT 1 FROM aanlevering_staging
  GROUP BY gemeentecode, bsn HAVING COUNT(*) > 1 LIMIT 1"""
# Every line of a (gemeentecode, bsn) that occurs more than once, with the first line of it.
# Window functions: one sort (a join of the lines with their groups made SQLite compare every
# line with every group: a minute for 5,000 doubles in 100,000 lines).
_DUBBEL = """SELECT eerste, regel, gemeentecode FROM (SELECT regel, gemeentecode,
    MIN(regel) OVER w AS eerste, COUNT(*) OVER w AS aantal FROM aanlevering_staging
    WINDOW w AS (PARTITION BY gemeentecode, bsn)) d
  WHERE aantal > 1 ORDER BY eerste, regel"""
_ALLEEN_LAATSTE = """DELETE FROM aanlevering_staging WHERE regel NOT IN
  (SELECT MAX(regel) FROM aanlevering_staging GROUP BY gemeentecode, bsn)"""


def _opsomming(nummers: list[int]) -> str:
    woorden = [str(n) for n in nummers[:10]]
    if len(nummers) > 10:
        return ", ".join(woorden) + f" en nog {len(nummers) - 10} regels"
    return woorden[0] if len(woorden) == 1 else ", ".join(woorden[:-1]) + " en " + woorden[-1]


def _dubbel(regels: list[int], code: str) -> Melding:
    tekst = (
        f"hetzelfde BSN staat voor gemeentecode {code} ook op regel {_opsomming(regels[1:])}; "
        f"de laatste regel ({regels[-1]}) telt"
    )
    return Melding(regels[0], "BSN", tekst)


def dubbele(conn: Connection, waarschuwingen: Meldingen, *, gezien: bool = False) -> None:
    """A BSN twice for one gemeentecode: a warning naming the lines; the last line wins.
    `gezien`: the staged lines are known to hold a double (the quick check is skipped)."""
    if not gezien and conn.exec_driver_sql(_DUBBEL_ER).first() is None:
        return
    groep: list[int] = []
    code = ""
    for eerste, regel, gemeentecode in conn.exec_driver_sql(_DUBBEL):
        if groep and eerste != groep[0]:
            waarschuwingen.add(_dubbel(groep, code))
            groep = []
        groep.append(regel)
        code = gemeentecode
    if groep:
        waarschuwingen.add(_dubbel(groep, code))
        conn.exec_driver_sql(_ALLEEN_LAATSTE)


def pas_toe(conn: Connection, p: dict[str, object], bron: str = STAGING) -> Telling:
    """The lines of bron (no doubles), counted and applied: what ended is removed, what is
    new or changed is upserted (unchanged lines are not written)."""
    telling = Telling().plus(sql(conn, _TELLING.format(bron=bron), p).one())
    if telling.geeindigd:
        sql(conn, _VERGEET.format(waar=_GEEINDIGD.format(bron=bron)), p)
        sql(conn, _WEG_GEEINDIGD.format(bron=bron), p)
    if telling.nieuw or telling.gewijzigd:
        sql(conn, _UPSERT.format(bron=bron), p)
    return telling


def aantallen(conn: Connection, p: dict[str, object], t: Telling, *, initieel: bool) -> Aantallen:
    """The verslag's counts; removes what ended, and for initieel what is not in the file."""
    bewaard = t.uniek - t.geeindigd
    common = {
        "nieuw": t.nieuw,
        "gewijzigd": t.gewijzigd,
        "ongewijzigd": bewaard - t.nieuw - t.gewijzigd,
        "met_einddatum": t.met_einddatum,
    }
    if initieel:
        conn.exec_driver_sql(_SLEUTEL_INDEX)
        sql(conn, _VERGEET.format(waar=_NIET_IN_BESTAND), p)
        weg = sql(conn, _WEG_NIET_IN_BESTAND, p).rowcount
        return Aantallen(**common, beeindigd=t.geeindigd, verwijderd=weg)
    totaal, einde = (int(v or 0) for v in sql(conn, _POPULATIE, p).one())
    if einde:  # a second pass only then
        sql(conn, _VERGEET.format(waar=_EINDDATUM), p)
    weg = sql(conn, _WEG_EINDDATUM, p).rowcount if einde else 0
    return Aantallen(
        **common, beeindigd=t.geeindigd + weg, niet_in_bestand=totaal - einde - bewaard
    )
