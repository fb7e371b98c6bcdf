"""The menu, with the names of portaal.md. An item shows only to a user with its right.

A page of a later round (Aanleveren, Ophalen, Rapporten, Instellingen) is a resource with its
`recht` (adapters.portaal.app's routes) and one line here, in the spec's order.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.portaal import paden
from store.gebruikers import GebruikerInfo, Gebruikersrecht


@dataclass(frozen=True)
class MenuItem:
    naam: str
    pad: str
    recht: Gebruikersrecht


MENU = (
    MenuItem("Registertoets", paden.REGISTERTOETS, Gebruikersrecht.REGISTERTOETS),
    MenuItem("Aanleveren", paden.AANLEVEREN, Gebruikersrecht.AANLEVEREN),
    MenuItem("Ophalen", paden.OPHALEN, Gebruikersrecht.OPHALEN),
    MenuItem("Rapporten", paden.RAPPORTEN, Gebruikersrecht.RAPPORTEN),
    MenuItem("Instellingen", paden.INSTELLINGEN, Gebruikersrecht.INSTELLINGEN),
    MenuItem("Gebruikers", paden.GEBRUIKERS, Gebruikersrecht.GEBRUIKERSBEHEER),
)


@dataclass(frozen=True)
class Getoond:
    naam: str
    pad: str
    actief: bool


def menu_voor(gebruiker: GebruikerInfo, pad: str) -> list[Getoond]:
    """The items this user may use; `actief` for the one the page belongs to."""
    return [
        Getoond(item.naam, item.pad, pad == item.pad or pad.startswith(item.pad + "/"))
        for item in MENU
        if gebruiker.mag(item.recht)
    ]
