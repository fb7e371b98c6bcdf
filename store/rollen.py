"""Roles and wetten are data: what each role may do lives here, not in table names."""

from __future__ import annotations

from enum import StrEnum


class Rol(StrEnum):
    GEMEENTE = "gemeente"


class Wet(StrEnum):
    WMO = "wmo"


class Recht(StrEnum):
    REGISTERTOETS = "registertoets"
    AANLEVEREN = "aanleveren"
    SIGNALEN = "signalen"
    RAPPORTEN = "rapporten"


RECHTEN: dict[Rol, frozenset[Recht]] = {
    Rol.GEMEENTE: frozenset(Recht),
}


def mag(rol: str, recht: Recht) -> bool:
    try:
        return recht in RECHTEN[Rol(rol)]
    except ValueError:
        return False
