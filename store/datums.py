"""Dates: the file format dd-mm-jjjj, 'today' in Europe/Amsterdam, and stored moments as UTC.
Pure."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_DD_MM_JJJJ = re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{4})")


class DatumFout(ValueError):
    """A date that is not a real dd-mm-jjjj calendar date; the message is plain Dutch."""


@lru_cache(maxsize=65536)
def parse_datum(value: str) -> date:
    """Parse exactly dd-mm-jjjj (two digits, two digits, four digits) into a real date.

    Cached: a national feed repeats a few thousand distinct dates hundreds of times each.
    """
    match = _DD_MM_JJJJ.fullmatch(value)
    if match is None:
        raise DatumFout("geen datum in de vorm dd-mm-jjjj (bijvoorbeeld 15-03-2020)")
    day, month, year = (int(g) for g in match.groups())
    if year < 1900:
        raise DatumFout("jaartal voor 1900; schrijf het jaar voluit (bijvoorbeeld 2020)")
    try:
        return date(year, month, day)
    except ValueError:
        raise DatumFout("bestaat niet in de kalender") from None


def format_datum(value: date) -> str:
    """dd-mm-jjjj. Not strftime, which goes through the C library and takes twice as long: a
    signal file formats dates by the hundred thousand, and every advies one."""
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def utc(moment: datetime) -> datetime:
    """A stored moment in UTC: SQLite gives a DateTime(timezone=True) back naive, and what is
    stored there is UTC; PostgreSQL's comes in the session's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def vandaag() -> date:
    """Today in Europe/Amsterdam, whatever the machine's time zone."""
    return datetime.now(AMSTERDAM).date()
