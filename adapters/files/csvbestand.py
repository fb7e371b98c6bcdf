"""The one CSV reading path for every incoming file (bestanden.md, the conventions at the top).

UTF-8 (a byte-order mark accepted), comma separated, standard quoting, LF or CRLF, fields
trimmed, blank lines only at the very end. Streams: the file is never held in memory.

Speed: a national feed or a large aanlevering is hundreds of thousands of lines, so the common
line (two or more fields, after the first record, no blank line pending) takes a short path:
trim and yield. The header check (first record only), the separator check (one field only) and
the blank-line rules run only where they can apply.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import BinaryIO, NamedTuple, Protocol

from store.datums import DatumFout, parse_datum
from store.meldingen import Melding

_PEEK = 8192
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_LEGE_REGEL = "lege regel; lege regels mogen alleen aan het eind staan"


class Regel(NamedTuple):
    nummer: int
    velden: tuple[str, ...]


class _Reader(Protocol):
    """csv.reader: rows, and the number of the physical line it has read up to."""

    @property
    def line_num(self) -> int: ...

    def __iter__(self) -> Iterator[list[str]]: ...


# A Regel without the Python-level __new__ of NamedTuple (what its own _make does).
_tuple_new = tuple.__new__


def _bestand_fout(head: bytes) -> str | None:
    if head.startswith(_UTF16_BOMS):
        return "het bestand is UTF-16; sla het op als CSV UTF-8 (komma gescheiden)"
    if b"\x00" in head:
        return "het bestand is geen tekstbestand (binaire inhoud); lever een CSV-bestand aan"
    if not head:
        return "het bestand is leeg"
    return None


def _separator_fout(regel: Regel) -> str | None:
    if len(regel.velden) == 1:
        for sep, naam in ((";", "';'"), ("\t", "tab")):
            if sep in regel.velden[0]:
                return f"scheidingsteken {naam} gevonden, verwacht ','"
    return None


def _lijkt_kopregel(regel: Regel) -> bool:
    text = "".join(regel.velden)
    return not any(c in "0123456789" for c in text) and any(c.isalpha() for c in text)


def lees_regels(raw: BinaryIO) -> Iterator[Regel | Melding]:
    """Yield each non-blank line's trimmed fields, or a Melding for what is wrong.

    `raw` must be seekable (a file, or a spooled request body).
    """
    head = raw.read(_PEEK)
    fout = _bestand_fout(head)
    if fout:
        yield Melding(None, None, fout)
        return
    raw.seek(0)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    try:
        yield from _records(csv.reader(text, skipinitialspace=True))
    except UnicodeDecodeError:
        yield Melding(
            None, None, "het bestand bevat tekens die geen UTF-8 zijn; sla het op als CSV UTF-8"
        )
    except csv.Error as exc:
        yield Melding(None, None, f"het bestand is geen geldige CSV ({exc})")
    finally:
        text.detach()


def _is_blank(velden: tuple[str, ...]) -> bool:
    return len(velden) <= 1 and not "".join(velden)


def _lege_regels(blanks: list[int]) -> Iterator[Melding]:
    """The blank lines seen so far are errors: a record follows them."""
    for n in blanks:
        yield Melding(n, None, _LEGE_REGEL)
    blanks.clear()


def _eerste(regel: Regel) -> Regel | Melding:
    """The first record: a header line is an error, and so is a wrong separator."""
    if _lijkt_kopregel(regel):
        return Melding(regel.nummer, None, "lijkt een kopregel; kopregels zijn niet toegestaan")
    return _een_veld(regel)


def _een_veld(regel: Regel) -> Regel | Melding:
    sep = _separator_fout(regel)
    return regel if sep is None else Melding(regel.nummer, None, sep)


def _records(reader: _Reader) -> Iterator[Regel | Melding]:
    rows = iter(reader)
    blanks: list[int] = []
    for row in rows:  # up to and including the first record
        velden = tuple(map(str.strip, row))
        if _is_blank(velden):
            blanks.append(reader.line_num)
            continue
        yield from _lege_regels(blanks)
        yield _eerste(Regel(reader.line_num, velden))
        break
    else:
        yield Melding(None, None, "het bestand bevat alleen lege regels")
        return
    strip = str.strip
    for row in rows:
        if len(row) > 1:  # the common line: not blank, and the separator is a comma
            if blanks:
                yield from _lege_regels(blanks)
            yield _tuple_new(Regel, (reader.line_num, tuple(map(strip, row))))
            continue
        velden = tuple(map(strip, row))
        if _is_blank(velden):
            blanks.append(reader.line_num)
            continue
        yield from _lege_regels(blanks)
        yield _een_veld(Regel(reader.line_num, velden))


def datum_veld(
    nummer: int, veld: str, waarde: str, add: Callable[[Melding], None], *, verplicht: bool
) -> date | None:
    """A dd-mm-jjjj field of a feed line (the one date rule), or None with a Melding added."""
    if not waarde:
        if verplicht:
            add(Melding(nummer, veld, "ontbreekt"))
        return None
    try:
        return parse_datum(waarde)
    except DatumFout as exc:
        add(Melding(nummer, veld, str(exc)))
        return None
