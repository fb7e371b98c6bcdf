"""Gemeenten reference data: which gemeentecodes exist on a date, and what became of the rest.

Packaged sources (store/data, see shared/data/README): RvIG Tabel 33 of November 2022, the 2023
merger into Voorne aan Zee, and the CBS list of 1 January 2025. An operator loads a newer
official Tabel 33 (UTF-16 CSV from RvIG) with `samenloop gemeenten load`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.datums import format_datum
from store.models import Gemeente

# Tabel 33 holds two codes that are not gemeenten.
NIET_GEMEENTEN = frozenset({"0000", "1999"})
TABEL33_KOLOMMEN = (
    "92.10 Gemeentecode",
    "92.11 Omschrijving",
    "92.12 Nieuwe code",
    "99.98 Datum ingang",
    "99.99 Datum einde",
)


class Tabel33Fout(ValueError):
    """A Tabel 33 file that cannot be loaded; the message lists every problem."""


@dataclass(frozen=True)
class GemeenteInfo:
    code: str
    naam: str
    provincie: str | None = None
    nieuwe_code: str | None = None
    datum_ingang: date | None = None
    datum_einde: date | None = None

    def bestaat_op(self, peildatum: date) -> bool:
        started = self.datum_ingang is None or self.datum_ingang <= peildatum
        return started and (self.datum_einde is None or self.datum_einde > peildatum)


class Gemeenteregister:
    """An in-memory snapshot of the reference table, for validators that check many lines."""

    def __init__(self, gemeenten: Iterable[GemeenteInfo]) -> None:
        self._by_code = {g.code: g for g in gemeenten}

    def get(self, code: str) -> GemeenteInfo | None:
        return self._by_code.get(code)

    def naam(self, code: str) -> str:
        info = self._by_code.get(code)
        return info.naam if info else code

    def fout(self, code: str, peildatum: date) -> str | None:
        """None when the code is a gemeente on the peildatum; else a plain-Dutch reason."""
        info = self._by_code.get(code)
        if info is None:
            return f"gemeentecode {code} bestaat niet"
        if info.bestaat_op(peildatum):
            return None
        if info.datum_ingang is not None and info.datum_ingang > peildatum:
            return f"{code} ({info.naam}) bestaat pas vanaf {format_datum(info.datum_ingang)}"
        return self._opgeheven(info)

    def _opgeheven(self, info: GemeenteInfo) -> str:
        einde = format_datum(info.datum_einde) if info.datum_einde else "onbekende datum"
        opvolger = self._opvolger(info)
        if opvolger is None:
            return f"{info.code} ({info.naam}) bestaat sinds {einde} niet meer"
        return (
            f"{info.code} ({info.naam}) is per {einde} opgegaan in "
            f"{opvolger.code} ({opvolger.naam})"
        )

    def _opvolger(self, info: GemeenteInfo) -> GemeenteInfo | None:
        seen = {info.code}
        current = info
        while current.nieuwe_code and current.nieuwe_code not in seen:
            nxt = self._by_code.get(current.nieuwe_code)
            if nxt is None:
                return GemeenteInfo(current.nieuwe_code, current.nieuwe_code)
            seen.add(nxt.code)
            current = nxt
            if current.datum_einde is None:
                break
        return None if current is info else current


# The reference table as plain rows, in GemeenteInfo's order: an ORM load of its some 1,500
# gemeenten cost 45 ms, on every `org add` twice (once per wet) and in every test that adds one.
VELDEN = (
    Gemeente.code,
    Gemeente.naam,
    Gemeente.provincie,
    Gemeente.nieuwe_code,
    Gemeente.datum_ingang,
    Gemeente.datum_einde,
)


def laad_register(session: Session) -> Gemeenteregister:
    return Gemeenteregister(GemeenteInfo(*row) for row in session.execute(select(*VELDEN)))


def _jjjjmmdd(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise ValueError(f"datum {value!r} is niet jjjjmmdd")
    return date(int(value[:4]), int(value[4:6]), int(value[6:]))


def _package_text(name: str) -> str:
    return resources.files("store.data").joinpath(name).read_text(encoding="utf-8")


def _tabel33_rows(text: str) -> Iterator[tuple[int, GemeenteInfo | str]]:
    """Yield (line, info) per gemeente, or (line, reason) for a row that cannot be read."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != TABEL33_KOLOMMEN:
        yield 1, "kopregel moet zijn: " + ",".join(TABEL33_KOLOMMEN)
        return
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        try:
            info = _tabel33_row(row)
        except ValueError as exc:
            yield line, str(exc)
            continue
        if info.code not in NIET_GEMEENTEN:
            yield line, info


def _tabel33_row(row: list[str]) -> GemeenteInfo:
    if len(row) != len(TABEL33_KOLOMMEN):
        raise ValueError(f"{len(row)} velden, verwacht {len(TABEL33_KOLOMMEN)}")
    code, naam, nieuw, ingang, einde = (v.strip() for v in row)
    for value in (code, nieuw):
        if value and (len(value) != 4 or not value.isascii() or not value.isdigit()):
            raise ValueError(f"gemeentecode {value!r} is geen 4 cijfers")
    if not naam:
        raise ValueError("omschrijving ontbreekt")
    return GemeenteInfo(code, naam, None, nieuw or None, _jjjjmmdd(ingang), _jjjjmmdd(einde))


def packaged() -> dict[str, GemeenteInfo]:
    """The packaged reference data merged: Tabel 33 2022, the 2023 mergers, the 2025 list."""
    merged = {
        info.code: info
        for _, info in _tabel33_rows(_package_text("rvig-tabel33-gemeenten-2022-11.csv"))
        if isinstance(info, GemeenteInfo)
    }
    for row in csv.DictReader(io.StringIO(_package_text("gemeenten-mutaties-2023-2025.csv"))):
        base = merged.get(row["gemeentecode"], GemeenteInfo(row["gemeentecode"], ""))
        merged[base.code] = replace(
            base,
            naam=row["gemeentenaam"],
            nieuwe_code=row["nieuwe_code"],
            datum_einde=_jjjjmmdd(row["datum_einde"]),
        )
    for row in csv.DictReader(io.StringIO(_package_text("gemeenten-2025.csv"))):
        code = row["gemeentecode"]
        base = merged.get(code, GemeenteInfo(code, row["gemeentenaam"]))
        merged[code] = replace(base, provincie=row["provincie"])
    return merged


def _row(info: GemeenteInfo) -> Gemeente:
    return Gemeente(
        code=info.code,
        naam=info.naam,
        provincie=info.provincie,
        nieuwe_code=info.nieuwe_code,
        datum_ingang=info.datum_ingang,
        datum_einde=info.datum_einde,
    )


def ensure_packaged(session: Session) -> int:
    """Add packaged gemeenten that the table lacks; never overwrite what an operator loaded."""
    present = set(session.scalars(select(Gemeente.code)))
    missing = [info for code, info in packaged().items() if code not in present]
    session.add_all(_row(info) for info in missing)
    return len(missing)


def decode_tabel33(raw: bytes) -> str:
    """RvIG publishes Tabel 33 as UTF-16 with a byte-order mark; accept UTF-8 as well."""
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Tabel33Fout("bestand is geen UTF-16- of UTF-8-tekst") from None


@dataclass(frozen=True)
class Tabel33Resultaat:
    nieuw: int
    gewijzigd: int
    ongewijzigd: int


def load_tabel33(session: Session, raw: bytes) -> Tabel33Resultaat:
    """Apply an official Tabel 33 (all or nothing): new codes added, changed rows updated."""
    rows = list(_tabel33_rows(decode_tabel33(raw)))
    fouten = [f"regel {line}: {item}" for line, item in rows if isinstance(item, str)]
    if fouten:
        raise Tabel33Fout("\n".join(fouten))
    existing = {g.code: g for g in session.scalars(select(Gemeente))}
    counts = {"nieuw": 0, "gewijzigd": 0, "ongewijzigd": 0}
    for _, info in rows:
        assert isinstance(info, GemeenteInfo)
        counts[_merge(session, existing.get(info.code), info)] += 1
    return Tabel33Resultaat(**counts)


def _merge(session: Session, row: Gemeente | None, info: GemeenteInfo) -> str:
    if row is None:
        session.add(_row(info))
        return "nieuw"
    new = (info.naam, info.nieuwe_code, info.datum_ingang, info.datum_einde)
    if (row.naam, row.nieuwe_code, row.datum_ingang, row.datum_einde) == new:
        return "ongewijzigd"
    row.naam, row.nieuwe_code, row.datum_ingang, row.datum_einde = new
    return "gewijzigd"
