"""The landelijke voorziening: apply an aanlevering (all or nothing, set-based), report on it.

A transport parses the file into `AanleverRegel`s and `Melding`s (adapters/files/aanlevering.py)
and hands them over as a `Lezer`: a function that, given the gemeentecode check of this
aanlevering, yields the lines. `verwerk_aanlevering` then does everything in one transaction:
lock the aanleverende gemeente, stage the lines in batches while the file is read (COPY on
PostgreSQL), upsert per (wet, gemeentecode, bsn), remove what ended, and keep the
verwerkingsverslag. The SQL and its two ways (fast; exact, with the warnings about doubles)
are in store/populatie_toepassen.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import NamedTuple

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    column,
    or_,
    select,
    table,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from store import signaalscope
from store.db import for_jobs
from store.gemeenten import VELDEN as GEMEENTE_VELDEN
from store.gemeenten import GemeenteInfo, Gemeenteregister
from store.meldingen import Melding, Meldingen
from store.models import Aanleverrecht, Abonnement, Organisatie
from store.populatie_toepassen import (
    STAGING,
    Telling,
    create_staging,
    drop_staging,
    dubbele,
    pas_toe,
    stage,
    toepasser,
)
from store.populatie_toepassen import aantallen as _aantallen
from store.rollen import Rol, Wet
from store.verslag import Aantallen, Verslag, bewaar

BATCH = 20_000


class AanleverRegel(NamedTuple):
    """One valid line of an aanlevering, as the staging table takes it (its column order).

    The dates are ISO 8601 text (jjjj-mm-dd) of a checked calendar date: the form both engines
    take without a conversion per value (a date object costs a Python call per value when it
    is bound or copied, more than the whole line's other work).
    """

    regel: int
    gemeentecode: str
    bsn: str
    ingangsdatum: str | None
    einddatum: str | None


GemeenteToets = Callable[[str], "str | None"]
# Called once, and a second time when the file has a (gemeentecode, bsn) twice (see _verwerk).
Lezer = Callable[[GemeenteToets], Iterable["AanleverRegel | Melding"]]
# A batch of lines as one flat list of values, AanleverRegel after AanleverRegel.
Partij = Callable[[list[object]], None]


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


# A row of the gemeente table: GemeenteInfo's fields.
_Rij = Row[str, str, str | None, str | None, date | None, date | None]


class _Toets:
    """The gemeentecode check: an existing gemeente on the peildatum that the sender serves.

    `rijen` is the reference table as plain rows (GemeenteInfo's fields, by code): a code the
    sender serves that exists is answered from its own row, and only another answer (with its
    message) builds the whole Gemeenteregister, once. No database access after construction:
    the check runs while the batches before it are being applied.
    """

    def __init__(self, rijen: dict[str, _Rij], toegestaan: Iterable[str], o: Opdracht) -> None:
        self._rijen, self._opdracht = rijen, o
        self._toegestaan = frozenset(toegestaan)
        self._register: Gemeenteregister | None = None
        self._cache: dict[str, str | None] = {}

    def __call__(self, code: str) -> str | None:
        try:
            return self._cache[code]
        except KeyError:
            fout = self._cache[code] = self._fout(code)
            return fout

    def _fout(self, code: str) -> str | None:
        o = self._opdracht
        rij = self._rijen.get(code)
        if code in self._toegestaan and rij and GemeenteInfo(*rij).bestaat_op(o.peildatum):
            return None  # what the whole register says of it, too
        if self._register is None:
            self._register = Gemeenteregister(GemeenteInfo(*r) for r in self._rijen.values())
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
    rijen = {rij.code: rij for rij in conn.execute(select(*GEMEENTE_VELDEN))}
    codes = conn.scalars(
        select(Aanleverrecht.gemeentecode).where(
            Aanleverrecht.organisatie_id == org_id, Aanleverrecht.wet == opdracht.wet
        )
    )
    return _Toets(rijen, codes, opdracht)


@dataclass
class _Inlezing:
    fouten: Meldingen
    waarschuwingen: Meldingen
    aantal_regels: int = 0


def _stage(items: Iterable[AanleverRegel | Melding], partij: Partij) -> _Inlezing:
    """Hand the lines over in batches until the first error; after it, only collect errors.

    A batch is one flat list of the lines' values (`Partij`; a new list each time, so it may be
    kept): no object per line lives on.
    """
    res = _Inlezing(Meldingen(), Meldingen())
    batch: list[object] = []
    vol = BATCH * len(AanleverRegel._fields)
    regels = 0
    rest = iter(items)
    for item in rest:
        if isinstance(item, Melding):
            res.fouten.add(item)
            regels = item.regel or regels
            break
        batch.extend(item)
        regels = item.regel
        if len(batch) >= vol:
            partij(batch)
            batch = []
    else:
        partij(batch)
    for item in rest:  # after the first error: count the lines, collect every error
        if isinstance(item, Melding):
            res.fouten.add(item)
        regels = item.regel or regels
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


def _snel(
    conn: Connection, items: Iterable[AanleverRegel | Melding], p: dict[str, object]
) -> tuple[_Inlezing, Telling | None]:
    """The fast way; None instead of a Telling when the exact way must be taken (a double, on
    SQLite), or when the file has errors (then nothing is applied at all)."""
    snel = toepasser(conn, p)
    try:
        res = _stage(items, snel.partij)
    finally:
        snel.stop()
    return res, None if res.fouten else snel.klaar(res.waarschuwingen)


def _exact(
    conn: Connection, items: Iterable[AanleverRegel | Melding], p: dict[str, object]
) -> tuple[_Inlezing, Telling]:
    res = _stage(items, lambda rows: stage(conn, rows))
    dubbele(conn, res.waarschuwingen)
    return res, pas_toe(conn, p)


def _verwerk(
    conn: Connection, opdracht: Opdracht, lees: Lezer, ontvangen: datetime
) -> tuple[int, Verslag]:
    org_id = _lock(conn, opdracht.gemeente)
    toets = _toets(conn, org_id, opdracht)
    create_staging(conn)
    p: dict[str, object] = {"wet": str(opdracht.wet), "org": org_id, "peil": opdracht.peildatum}
    savepoint = conn.begin_nested()
    res, telling = _snel(conn, lees(toets), p)
    if res.fouten:
        savepoint.rollback()
        return org_id, _verslag(opdracht, ontvangen, res, None)
    if telling is None:  # a double (SQLite), or a conflict: read the file again, the exact way
        savepoint.rollback()
        res, telling = _exact(conn, lees(toets), p)
    else:
        savepoint.commit()
    aantallen = _aantallen(conn, p, telling, initieel=opdracht.initieel)
    signaalscope.markeer(conn, select(table(STAGING, column("bsn")).c.bsn))
    drop_staging(conn)
    return org_id, _verslag(opdracht, ontvangen, res, aantallen)


def verwerk_aanlevering(engine: Engine, opdracht: Opdracht, lees: Lezer) -> Verslag:
    """Check and apply one aanlevering; any error and the population stays exactly as it was.

    Every aanlevering's verslag is kept (also an afgekeurde); a `controle` runs the same steps
    and rolls them back, so its verslag shows what would happen, and nothing is kept.
    Raises AanleveringFout when `opdracht.gemeente` is not a registered gemeente.
    """
    ontvangen = datetime.now(UTC).replace(microsecond=0)
    try:
        with for_jobs(engine).begin() as conn:
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
    """One line of a wet's abonnementen report (bestanden.md section 5), in its column order."""

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
