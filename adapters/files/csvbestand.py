"""The one CSV reading path for every incoming file (bestanden.md, the conventions at the top).

UTF-8 (a byte-order mark accepted), comma separated, standard quoting, LF or CRLF, fields
trimmed, blank lines only at the very end. Streams: the file is never held in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from store.meldingen import Melding

_PEEK = 8192
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Regel:
    nummer: int
    velden: tuple[str, ...]


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


def _records(reader: Iterator[list[str]]) -> Iterator[Regel | Melding]:
    blanks: list[int] = []
    seen = False
    for row in reader:
        line: int = getattr(reader, "line_num", 0)
        velden = tuple(v.strip() for v in row)
        if _is_blank(velden):
            blanks.append(line)
            continue
        for n in blanks:
            yield Melding(n, None, "lege regel; lege regels mogen alleen aan het eind staan")
        blanks.clear()
        regel = Regel(line, velden)
        if not seen and _lijkt_kopregel(regel):
            yield Melding(line, None, "lijkt een kopregel; kopregels zijn niet toegestaan")
        elif sep := _separator_fout(regel):
            yield Melding(line, None, sep)
        else:
            yield regel
        seen = True
    if not seen:
        yield Melding(None, None, "het bestand bevat alleen lege regels")
