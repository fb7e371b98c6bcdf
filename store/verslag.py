"""The verwerkingsverslag of an aanlevering (bestanden.md section 2): a value, as JSON and as text.

The JSON form (lowerCamelCase, every property present, `null` when empty) is what is stored and
what the API returns; the text form is made from the same value, so a stored verslag reads the
same later as on the day it was made.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Select, insert, select
from sqlalchemy.orm import Session

from store.datums import AMSTERDAM, format_datum, utc
from store.meldingen import Melding, Meldingen
from store.models import INTEGER_MAX, Aanlevering, Organisatie
from store.rollen import Rol

AFGELEVERD = "afgeleverd"
AFGEKEURD = "afgekeurd"


@dataclass(frozen=True)
class Aantallen:
    """What an accepted aanlevering did (or, for a `controle`, would do) to the population."""

    nieuw: int = 0
    gewijzigd: int = 0
    ongewijzigd: int = 0
    met_einddatum: int = 0
    beeindigd: int = 0
    niet_in_bestand: int = 0
    verwijderd: int = 0


_AANTAL_KEYS = {
    "nieuw": "nieuw",
    "gewijzigd": "gewijzigd",
    "ongewijzigd": "ongewijzigd",
    "met_einddatum": "metEinddatum",
    "beeindigd": "beeindigd",
    "niet_in_bestand": "nietInBestand",
    "verwijderd": "verwijderd",
}

_LABELS = {
    "nieuw": "Nieuw",
    "gewijzigd": "Gewijzigd",
    "ongewijzigd": "Ongewijzigd",
    "met_einddatum": "Met einddatum",
    "beeindigd": "Beëindigd (einddatum bereikt, verwijderd)",
    "niet_in_bestand": "Niet in dit bestand (blijven staan)",
    "verwijderd": "Verwijderd (niet in dit initiële bestand)",
}


@dataclass(frozen=True)
class Verslag:
    bestandsnaam: str
    aanleverende_gemeente: str
    wet: str
    initieel: bool
    controle: bool
    ontvangen_op: datetime
    peildatum: date
    aantal_regels: int
    aantallen: Aantallen | None
    fouten: Meldingen = field(default_factory=Meldingen)
    waarschuwingen: Meldingen = field(default_factory=Meldingen)
    id: int | None = None

    @property
    def status(self) -> str:
        return AFGEKEURD if self.fouten else AFGELEVERD

    @property
    def afgekeurd(self) -> bool:
        return bool(self.fouten)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able, lowerCamelCase, every key present (null when empty)."""
        aantallen = {key: None for key in _AANTAL_KEYS.values()}
        if self.aantallen is not None:
            aantallen = {
                _AANTAL_KEYS[f.name]: getattr(self.aantallen, f.name) for f in fields(Aantallen)
            }
        return {
            "id": self.id,
            "bestandsnaam": self.bestandsnaam,
            "aanleverendeGemeente": self.aanleverende_gemeente,
            "wet": self.wet,
            "initieel": self.initieel,
            "controle": self.controle,
            "ontvangenOp": self.ontvangen_op.astimezone(AMSTERDAM).isoformat(timespec="seconds"),
            "peildatum": self.peildatum.isoformat(),
            "status": self.status,
            "aantalRegels": self.aantal_regels,
            **aantallen,
            "aantalFouten": self.fouten.totaal,
            "fouten": [m.as_dict() for m in self.fouten.getoond],
            "aantalWaarschuwingen": self.waarschuwingen.totaal,
            "waarschuwingen": [m.as_dict() for m in self.waarschuwingen.getoond],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verslag:
        """The inverse of as_dict, for a verslag fetched from the store."""
        aantallen = None
        if data["nieuw"] is not None:
            aantallen = Aantallen(**{name: data[key] for name, key in _AANTAL_KEYS.items()})
        return cls(
            bestandsnaam=data["bestandsnaam"],
            aanleverende_gemeente=data["aanleverendeGemeente"],
            wet=data["wet"],
            initieel=data["initieel"],
            controle=data["controle"],
            ontvangen_op=datetime.fromisoformat(data["ontvangenOp"]),
            peildatum=date.fromisoformat(data["peildatum"]),
            aantal_regels=data["aantalRegels"],
            aantallen=aantallen,
            fouten=_meldingen(data["fouten"], data["aantalFouten"]),
            waarschuwingen=_meldingen(data["waarschuwingen"], data["aantalWaarschuwingen"]),
            id=data["id"],
        )

    def tekst(self) -> str:
        """The readable Dutch text (the download, and what the CLI prints)."""
        lines = [_titel(self), *_kop(self), *_aantallen(self)]
        lines += _lijst("Fouten", self.fouten)
        lines += _lijst("Waarschuwingen", self.waarschuwingen)
        return "\n".join(lines) + "\n"


def _meldingen(items: list[dict[str, Any]], totaal: int) -> Meldingen:
    return Meldingen([Melding(m["regel"], m["veld"], m["melding"]) for m in items], totaal)


def _titel(v: Verslag) -> str:
    if v.controle:
        return "Verwerkingsverslag (controle: er is niets gewijzigd of bewaard)"
    return "Verwerkingsverslag"


def _rij(label: str, waarde: object) -> str:
    return f"  {label + ':':<44}{waarde}"


def _kop(v: Verslag) -> list[str]:
    ontvangen = v.ontvangen_op.astimezone(AMSTERDAM)
    rows = [
        ("Bestand", v.bestandsnaam),
        ("Aanleverende gemeente", v.aanleverende_gemeente),
        ("Wet", v.wet),
        ("Soort", "initieel (vervangt de hele populatie)" if v.initieel else "mutaties"),
        ("Ontvangen op", f"{format_datum(ontvangen)} {ontvangen:%H:%M:%S}"),
        ("Verwerkingsdatum", format_datum(v.peildatum)),
        ("Status", v.status),
        ("Aantal regels", v.aantal_regels),
    ]
    if v.id is not None:
        rows.insert(0, ("Aanlevering", v.id))
    return [_rij(label, waarde) for label, waarde in rows]


def _aantallen(v: Verslag) -> list[str]:
    if v.aantallen is None:
        return [
            "",
            "  Het bestand is afgekeurd: er is niets gewijzigd.",
            "  Herstel de fouten hieronder en lever het hele bestand opnieuw aan.",
        ]
    shown = [f.name for f in fields(Aantallen)]
    shown.remove("verwijderd" if not v.initieel else "niet_in_bestand")
    return ["", *(_rij(_LABELS[name], getattr(v.aantallen, name)) for name in shown)]


def _lijst(titel: str, meldingen: Meldingen) -> list[str]:
    if not meldingen:
        return ["", f"{titel}: geen"]
    return ["", f"{titel} ({meldingen.totaal}):", *(f"  {line}" for line in meldingen.regels())]


def bewaar(conn: Connection, organisatie_id: int, verslag: Verslag) -> Verslag:
    """Keep the verslag (with the aanlevering's facts as columns); returns it with its id."""
    values = {
        "organisatie_id": organisatie_id,
        "wet": verslag.wet,
        "bestandsnaam": verslag.bestandsnaam[:255],
        "ontvangen_op": verslag.ontvangen_op,
        "peildatum": verslag.peildatum,
        "initieel": verslag.initieel,
        "status": verslag.status,
        "aantal_regels": verslag.aantal_regels,
        "verslag": verslag.as_dict(),
    }
    new_id = conn.execute(insert(Aanlevering).returning(Aanlevering.id), values).scalar_one()
    return replace(verslag, id=int(new_id))


@dataclass(frozen=True)
class AanleveringInfo:
    """One kept aanlevering, for a list (the verslag itself via `ophalen`)."""

    id: int
    wet: str
    bestandsnaam: str
    ontvangen_op: datetime
    initieel: bool
    status: str
    aantal_regels: int


def _van(gemeente: str) -> Select[Aanlevering]:
    """Only the aanleverende gemeente sees its aanleveringen (also after it was deactivated)."""
    return (
        select(Aanlevering)
        .join(Organisatie, Organisatie.id == Aanlevering.organisatie_id)
        .where(Organisatie.rol == Rol.GEMEENTE, Organisatie.code == gemeente)
    )


def aanleveringen(
    session: Session,
    gemeente: str,
    wetten: Collection[str] | None = None,
    *,
    voor: int | None = None,
    aantal: int | None = None,
) -> list[AanleveringInfo]:
    """The gemeente's kept aanleveringen of these wetten (None: every wet), newest first; with
    `voor` only those before that id and with `aantal` at most that many (keyset paging by id,
    one query whatever the page's size). Only the listed columns, never the verslagen
    themselves (each may hold hundreds of messages)."""
    a = Aanlevering
    columns = (a.id, a.wet, a.bestandsnaam, a.ontvangen_op, a.initieel, a.status, a.aantal_regels)
    query = _van(gemeente).with_only_columns(*columns).order_by(a.id.desc())
    if wetten is not None:
        query = query.where(a.wet.in_(wetten))
    if voor is not None and voor <= INTEGER_MAX:  # every id comes before a larger one
        query = query.where(a.id < voor)
    if aantal is not None:
        query = query.limit(aantal)
    return [
        AanleveringInfo(id_, w, naam, utc(ontvangen), initieel, status, regels)
        for id_, w, naam, ontvangen, initieel, status, regels in session.execute(query)
    ]


def ophalen(session: Session, gemeente: str, aanlevering_id: int | None = None) -> Verslag | None:
    """A kept verslag of this gemeente (its newest without an id); None when there is none."""
    query = _van(gemeente)
    if aanlevering_id is not None:
        query = query.where(Aanlevering.id == aanlevering_id)
    row = session.scalars(query.order_by(Aanlevering.id.desc()).limit(1)).first()
    return None if row is None else replace(Verslag.from_dict(row.verslag), id=row.id)
