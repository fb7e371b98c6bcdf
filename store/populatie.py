"""The landelijke voorziening: apply an aanlevering (all or nothing, set-based), report on it.

A transport parses the file into `AanleverRegel`s and `Melding`s (adapters/files/aanlevering.py)
and hands them over as a `Lezer`: a function that, given the gemeentecode check of this
aanlevering, yields the lines. `verwerk_aanlevering` then does everything in one transaction:
lock the aanleverende gemeente, stage the lines (COPY on PostgreSQL), warn about doubles, upsert
per (wet, gemeentecode, bsn), remove what ended, and keep the verwerkingsverslag.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    CursorResult,
    Date,
    Engine,
    bindparam,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from store.bulk import bulk_insert
from store.gemeenten import Gemeenteregister, laad_register
from store.meldingen import Melding, Meldingen
from store.models import Aanleverrecht, Abonnement, Organisatie
from store.rollen import Rol, Wet
from store.verslag import Aantallen, Verslag, bewaar

BATCH = 20_000
STAGING = "aanlevering_staging"
_COLUMNS = ("regel", "gemeentecode", "bsn", "ingangsdatum", "einddatum")


class AanleverRegel(NamedTuple):
    """One valid line of an aanlevering; the field order is the staging table's."""

    regel: int
    gemeentecode: str
    bsn: str
    ingangsdatum: date | None
    einddatum: date | None


GemeenteToets = Callable[[str], "str | None"]
Lezer = Callable[[GemeenteToets], Iterable["AanleverRegel | Melding"]]


class AanleveringFout(ValueError):
    """The organisation cannot deliver at all (not a registered gemeente); nothing is kept."""


@dataclass(frozen=True)
class Opdracht:
    """What to do with one uploaded file."""

    gemeente: str
    wet: Wet
    bestandsnaam: str
    peildatum: date
    initieel: bool = False
    controle: bool = False


def is_lopend(ingangsdatum: date | None, einddatum: date | None, peildatum: date) -> bool:
    """beslisregels section 3: begun (or no ingangsdatum) and not yet ended on the peildatum."""
    begun = ingangsdatum is None or ingangsdatum <= peildatum
    return begun and (einddatum is None or einddatum > peildatum)


def lopend_op(peildatum: date) -> ColumnElement[bool]:
    """The same rule as SQL, for queries on Abonnement (the nightly run)."""
    begun = or_(Abonnement.ingangsdatum.is_(None), Abonnement.ingangsdatum <= peildatum)
    return begun & or_(Abonnement.einddatum.is_(None), Abonnement.einddatum > peildatum)


class _Toets:
    """The gemeentecode check: an existing gemeente on the peildatum that the sender serves."""

    def __init__(self, register: Gemeenteregister, toegestaan: Iterable[str], o: Opdracht) -> None:
        self._register, self._opdracht = register, o
        self._toegestaan = frozenset(toegestaan)
        self._cache: dict[str, str | None] = {}

    def __call__(self, code: str) -> str | None:
        try:
            return self._cache[code]
        except KeyError:
            fout = self._cache[code] = self._fout(code)
            return fout

    def _fout(self, code: str) -> str | None:
        o = self._opdracht
        if fout := self._register.fout(code, o.peildatum):
            return fout
        if code in self._toegestaan:
            return None
        lijst = ", ".join(sorted(self._toegestaan)) or "geen"
        return (
            f"{code} hoort niet bij de gemeenten waarvoor {o.gemeente} aanlevert voor de "
            f"{o.wet} ({lijst}); haal deze regel weg"
        )


class _Terugdraaien(Exception):
    """Raised inside the transaction so that it rolls back (afgekeurd, or a controle)."""

    def __init__(self, organisatie_id: int, verslag: Verslag) -> None:
        super().__init__("terugdraaien")
        self.organisatie_id, self.verslag = organisatie_id, verslag


def _gemeente_filter(code: str) -> ColumnElement[bool]:
    active = Organisatie.actief.is_(True)
    return (Organisatie.rol == Rol.GEMEENTE) & (Organisatie.code == code) & active


def _lock(conn: Connection, gemeente: str) -> int:
    """One aanlevering per gemeente at a time: a row lock (PostgreSQL), the write lock (SQLite)."""
    if conn.dialect.name == "sqlite":
        # A write first, so that SQLite takes its single writer lock now (waiting for another
        # upload to finish) instead of failing when this transaction writes later.
        conn.execute(
            update(Organisatie).where(_gemeente_filter(gemeente)).values(actief=Organisatie.actief)
        )
    # FOR NO KEY UPDATE: a second upload waits, foreign-key checks (audit records) do not.
    org_id = conn.scalar(
        select(Organisatie.id).where(_gemeente_filter(gemeente)).with_for_update(key_share=True)
    )
    if org_id is None:
        raise AanleveringFout(
            f"gemeente {gemeente} is niet geregistreerd als aanleverende gemeente"
        )
    return int(org_id)


def _toets(conn: Connection, org_id: int, opdracht: Opdracht) -> _Toets:
    with Session(bind=conn) as session:
        register = laad_register(session)
    codes = conn.scalars(
        select(Aanleverrecht.gemeentecode).where(
            Aanleverrecht.organisatie_id == org_id, Aanleverrecht.wet == opdracht.wet
        )
    )
    return _Toets(register, codes, opdracht)


@dataclass
class _Inlezing:
    fouten: Meldingen
    waarschuwingen: Meldingen
    aantal_regels: int = 0


def _stage(conn: Connection, items: Iterable[AanleverRegel | Melding]) -> _Inlezing:
    """Stage the lines in batches until the first error; after it, only collect the errors."""
    res = _Inlezing(Meldingen(), Meldingen())
    batch: list[AanleverRegel] = []
    regels = 0
    for item in items:
        regels = item.regel or regels
        if isinstance(item, Melding):
            res.fouten.add(item)
            batch = []
        elif not res.fouten.totaal:
            batch.append(item)
            if len(batch) >= BATCH:
                bulk_insert(conn, STAGING, _COLUMNS, batch)
                batch = []
    bulk_insert(conn, STAGING, _COLUMNS, batch)
    res.aantal_regels = regels
    if regels == 0 and not res.fouten:
        res.fouten.add(Melding(None, None, "het bestand bevat geen regels"))
    return res


def _verslag(
    opdracht: Opdracht, ontvangen: datetime, res: _Inlezing, aantallen: Aantallen | None
) -> Verslag:
    return Verslag(
        bestandsnaam=opdracht.bestandsnaam,
        aanleverende_gemeente=opdracht.gemeente,
        wet=str(opdracht.wet),
        initieel=opdracht.initieel,
        controle=opdracht.controle,
        ontvangen_op=ontvangen,
        peildatum=opdracht.peildatum,
        aantal_regels=res.aantal_regels,
        aantallen=aantallen,
        fouten=res.fouten,
        waarschuwingen=res.waarschuwingen,
    )


# The staging table and every statement on it are constants: nothing from input enters the SQL.
# A line whose einddatum is reached on the peildatum ends: it is not kept (beslisregels 3).
# _ANDERS: ingangsdatum, einddatum or aanleverende gemeente differ (NULL-safe on both engines).
_ANDERS = """(a.organisatie_id <> :org
  OR COALESCE(a.ingangsdatum <> s.ingangsdatum,
    (a.ingangsdatum IS NULL) <> (s.ingangsdatum IS NULL))
  OR COALESCE(a.einddatum <> s.einddatum, (a.einddatum IS NULL) <> (s.einddatum IS NULL)))"""
_MET_BESTAAND = """FROM aanlevering_staging s LEFT JOIN abonnement a
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
# Only new and changed lines are written: an unchanged one is not even locked.
_UPSERT = (
    """INSERT INTO abonnement (wet, gemeentecode, bsn, ingangsdatum, einddatum,
  organisatie_id, ib_creatiedatum, ib_mutatiedatum)
SELECT :wet, s.gemeentecode, s.bsn, s.ingangsdatum, s.einddatum, :org, :peil, :peil """
    + _MET_BESTAAND
    + " WHERE (s.einddatum IS NULL OR s.einddatum > :peil) AND (a.bsn IS NULL OR "
    + _ANDERS
    + """)
ON CONFLICT (wet, gemeentecode, bsn) DO UPDATE SET ingangsdatum = excluded.ingangsdatum,
  einddatum = excluded.einddatum, organisatie_id = excluded.organisatie_id,
  ib_mutatiedatum = excluded.ib_mutatiedatum"""
)
_WEG_GEEINDIGD = """DELETE FROM abonnement WHERE wet = :wet AND (gemeentecode, bsn) IN
  (SELECT s.gemeentecode, s.bsn FROM aanlevering_staging s WHERE s.einddatum <= :peil)"""
_WEG_NIET_IN_BESTAND = """DELETE FROM abonnement WHERE wet = :wet AND organisatie_id = :org
  AND NOT EXISTS (SELECT 1 FROM aanlevering_staging s
    WHERE s.gemeentecode = abonnement.gemeentecode AND s.bsn = abonnement.bsn)"""
_WEG_EINDDATUM = (
    "DELETE FROM abonnement WHERE wet = :wet AND organisatie_id = :org AND einddatum <= :peil"
)
_POPULATIE = "SELECT COUNT(*) FROM abonnement WHERE wet = :wet AND organisatie_id = :org"
_DUBBEL_ER = """SELECT 1 FROM aanlevering_staging
  GROUP BY gemeentecode, bsn HAVING COUNT(*) > 1 LIMIT 1"""
_DUBBEL = """SELECT d.eerste, s.regel, s.gemeentecode FROM aanlevering_staging s JOIN
  (SELECT gemeentecode, bsn, MIN(regel) AS eerste FROM aanlevering_staging
   GROUP BY gemeentecode, bsn HAVING COUNT(*) > 1) d
  ON d.gemeentecode = s.gemeentecode AND d.bsn = s.bsn
ORDER BY d.eerste, s.regel"""
_ALLEEN_LAATSTE = """DELETE FROM aanlevering_staging WHERE regel NOT IN
  (SELECT MAX(regel) FROM aanlevering_staging GROUP BY gemeentecode, bsn)"""


def _create_staging(conn: Connection) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING}")
    suffix = " ON COMMIT DROP" if conn.dialect.name == "postgresql" else ""
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {STAGING} (regel INTEGER NOT NULL, "
        "gemeentecode VARCHAR(4) NOT NULL, bsn VARCHAR(9) NOT NULL, "
        f"ingangsdatum DATE, einddatum DATE){suffix}"
    )


def _sql(conn: Connection, sql: str, params: dict[str, object]) -> CursorResult[Any]:
    statement = text(sql)
    if ":peil" in sql:
        statement = statement.bindparams(bindparam("peil", type_=Date))
    return conn.execute(statement, params)


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


def _dubbele(conn: Connection, waarschuwingen: Meldingen) -> None:
    """A BSN twice for one gemeentecode: a warning naming the lines; the last line wins."""
    if conn.exec_driver_sql(_DUBBEL_ER).first() is None:
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


def _apply(conn: Connection, p: dict[str, object], *, initieel: bool) -> Aantallen:
    telling = _sql(conn, _TELLING, p).one()
    uniek, met_einddatum, geeindigd, nieuw, gewijzigd = (int(v or 0) for v in telling)
    _sql(conn, _WEG_GEEINDIGD, p)
    _sql(conn, _UPSERT, p)
    bewaard = uniek - geeindigd
    common = {
        "nieuw": nieuw,
        "gewijzigd": gewijzigd,
        "ongewijzigd": bewaard - nieuw - gewijzigd,
        "met_einddatum": met_einddatum,
    }
    if initieel:
        weg = _sql(conn, _WEG_NIET_IN_BESTAND, p).rowcount
        return Aantallen(**common, beeindigd=geeindigd, verwijderd=weg)
    beeindigd = geeindigd + _sql(conn, _WEG_EINDDATUM, p).rowcount
    populatie = int(_sql(conn, _POPULATIE, p).scalar_one())
    return Aantallen(**common, beeindigd=beeindigd, niet_in_bestand=populatie - bewaard)


def _verwerk(
    conn: Connection, opdracht: Opdracht, lees: Lezer, ontvangen: datetime
) -> tuple[int, Verslag]:
    org_id = _lock(conn, opdracht.gemeente)
    toets = _toets(conn, org_id, opdracht)
    _create_staging(conn)
    res = _stage(conn, lees(toets))
    if res.fouten:
        return org_id, _verslag(opdracht, ontvangen, res, None)
    _dubbele(conn, res.waarschuwingen)
    params = {"wet": str(opdracht.wet), "org": org_id, "peil": opdracht.peildatum}
    aantallen = _apply(conn, params, initieel=opdracht.initieel)
    conn.exec_driver_sql(f"DROP TABLE {STAGING}")
    return org_id, _verslag(opdracht, ontvangen, res, aantallen)


def verwerk_aanlevering(engine: Engine, opdracht: Opdracht, lees: Lezer) -> Verslag:
    """Check and apply one aanlevering; any error and the population stays exactly as it was.

    Every aanlevering's verslag is kept (also an afgekeurde); a `controle` runs the same steps
    and rolls them back, so its verslag shows what would happen, and nothing is kept.
    Raises AanleveringFout when `opdracht.gemeente` is not a registered gemeente.
    """
    ontvangen = datetime.now(UTC).replace(microsecond=0)
    try:
        with engine.begin() as conn:
            org_id, verslag = _verwerk(conn, opdracht, lees, ontvangen)
            if verslag.afgekeurd or opdracht.controle:
                raise _Terugdraaien(org_id, verslag)
            return bewaar(conn, org_id, verslag)
    except _Terugdraaien as undo:
        if opdracht.controle:
            return undo.verslag
        with engine.begin() as conn:
            return bewaar(conn, undo.organisatie_id, undo.verslag)


def _org_id(session: Session, gemeente: str) -> int:
    org_id = session.scalar(select(Organisatie.id).where(_gemeente_filter(gemeente)))
    if org_id is None:
        raise AanleveringFout(
            f"gemeente {gemeente} is niet geregistreerd als aanleverende gemeente"
        )
    return int(org_id)


class AbonnementRegel(NamedTuple):
    """One line of the Wmo abonnementen report (bestanden.md section 5), in its column order."""

    aanleverende_gemeente: str
    gemeentecode: str
    bsn: str
    ingangsdatum: date | None
    einddatum: date | None
    ib_mutatiedatum: date
    ib_creatiedatum: date


def abonnementen(
    session: Session, gemeente: str, wet: Wet, peildatum: date
) -> Iterator[AbonnementRegel]:
    """The gemeente's current population for the wet (not what ended by the peildatum), streamed.

    Raises AanleveringFout at once (before any line) when the gemeente is not registered.
    """
    a = Abonnement
    query = (
        select(a.gemeentecode, a.bsn, a.ingangsdatum, a.einddatum)
        .add_columns(a.ib_mutatiedatum, a.ib_creatiedatum)
        .where(a.organisatie_id == _org_id(session, gemeente), a.wet == wet)
        .where(or_(a.einddatum.is_(None), a.einddatum > peildatum))
        .order_by(a.gemeentecode, a.bsn)
        .execution_options(yield_per=5_000)
    )
    return (AbonnementRegel(gemeente, *row) for row in session.execute(query))
