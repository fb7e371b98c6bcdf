"""Roles and wetten are data: what each role may do lives here, not in table names.

doorontwikkeling-2023.md section 1: a gemeente does the registertoets, aanleveren, signals and
reports (Wmo and Jeugdwet); a zorgkantoor and a zorgaanbieder deliver their own feed and
nothing else.
"""

from __future__ import annotations

from enum import StrEnum


class Rol(StrEnum):
    GEMEENTE = "gemeente"
    ZORGKANTOOR = "zorgkantoor"  # iWlz COD001 code
    ZORGAANBIEDER = "zorgaanbieder"  # AGB code


class Wet(StrEnum):
    WMO = "wmo"
    JW = "jw"  # only while SAMENLOOP_JEUGDWET is aan (store/settings.py)


class Recht(StrEnum):
    REGISTERTOETS = "registertoets"
    AANLEVEREN = "aanleveren"
    SIGNALEN = "signalen"
    RAPPORTEN = "rapporten"
    ZORGKANTOOR_LEVEREN = "zorgkantoor-leveren"
    ZORGAANBIEDER_LEVEREN = "zorgaanbieder-leveren"


RECHTEN: dict[Rol, frozenset[Recht]] = {
    Rol.GEMEENTE: frozenset(
        {Recht.REGISTERTOETS, Recht.AANLEVEREN, Recht.SIGNALEN, Recht.RAPPORTEN}
    ),
    Rol.ZORGKANTOOR: frozenset({Recht.ZORGKANTOOR_LEVEREN}),
    Rol.ZORGAANBIEDER: frozenset({Recht.ZORGAANBIEDER_LEVEREN}),
}


def mag(rol: str, recht: Recht) -> bool:
    try:
        return recht in RECHTEN[Rol(rol)]
    except ValueError:
        return False
