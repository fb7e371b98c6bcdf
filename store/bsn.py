"""The BSN: elfproef and normalisation. Pure, standard library only; every path calls this."""

from __future__ import annotations

import re

_NINE_ASCII_DIGITS = re.compile(r"[0-9]{9}")
_ASCII_DIGITS = re.compile(r"[0-9]*")
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_NIET_ALLEEN_CIJFERS = (
    "mag alleen de cijfers 0-9 bevatten (geen punten, streepjes, spaties of letters)"
)


def elfproef(digits: str) -> bool:
    """True when nine ASCII digits pass the elfproef (weights 9..2 and -1); never 000000000."""
    if not _NINE_ASCII_DIGITS.fullmatch(digits) or digits == "000000000":
        return False
    d = digits.encode("ascii")
    total = (
        9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7] - d[8]
    ) - 48 * sum(_WEIGHTS)
    return total % 11 == 0


def is_bsn(value: str) -> bool:
    return elfproef(value)


def bsn_fout(value: str) -> str | None:
    """None for a valid BSN, else a plain-Dutch reason that never repeats the value."""
    if elfproef(value):
        return None
    if value == "" or not _ASCII_DIGITS.fullmatch(value):
        return "ontbreekt" if value == "" else _NIET_ALLEEN_CIJFERS
    if len(value) == 8:
        return "8 cijfers; vul aan met een voorloopnul"
    if len(value) != 9:
        return f"moet 9 cijfers hebben, niet {len(value)}"
    return "negen nullen is geen BSN" if value == "000000000" else "voldoet niet aan de elfproef"
