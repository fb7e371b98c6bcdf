"""The CIZ feed of the kopie Wlz-register (bestanden.md section 3): six fields, T or V."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from adapters.files.csvbestand import Regel, datum_veld, lees_regels
from store.bsn import bsn_fout
from store.meldingen import Melding
from store.register import RegisterRegel

VELDEN = ("Soort", "BSN", "WlzStatus", "Afgiftedatum", "Ingangsdatum", "Einddatum")
STATUSSEN = ("Ja", "Nee", "Onbekend")


def parse_feed(raw: BinaryIO) -> Iterator[RegisterRegel | Melding]:
    for item in lees_regels(raw):
        if isinstance(item, Melding):
            yield item
        else:
            yield from _regel(item)


def _aantal_fout(regel: Regel) -> Melding | None:
    n = len(regel.velden)
    if n > len(VELDEN):
        return Melding(
            regel.nummer,
            None,
            f"{n} velden; een CIZ-levering heeft er {len(VELDEN)} "
            "(alleen dat-informatie mag het register in)",
        )
    if regel.velden[0] == "V" and n == 2:
        return None
    if n != len(VELDEN):
        return Melding(regel.nummer, None, f"{n} velden, verwacht {len(VELDEN)}")
    return None


def _regel(regel: Regel) -> Iterator[RegisterRegel | Melding]:
    if fout := _aantal_fout(regel):
        yield fout
        return
    soort, bsn = regel.velden[0], regel.velden[1]
    fouten: list[Melding] = []
    if soort not in ("T", "V"):
        fouten.append(Melding(regel.nummer, "Soort", "moet T (toevoegen) of V (verwijderen) zijn"))
    if reden := bsn_fout(bsn):
        fouten.append(Melding(regel.nummer, "BSN", reden))
    result: RegisterRegel | None
    if soort == "V":
        fouten.extend(_v_rest(regel))
        result = RegisterRegel(regel.nummer, "V", bsn)
    else:
        result = _t_regel(regel, fouten)
    yield from fouten
    if not fouten and result is not None:
        yield result


def _v_rest(regel: Regel) -> Iterator[Melding]:
    for naam, waarde in zip(VELDEN[2:], regel.velden[2:], strict=False):
        if waarde:
            yield Melding(regel.nummer, naam, "een V-regel heeft na het BSN alleen lege velden")


def _t_regel(regel: Regel, fouten: list[Melding]) -> RegisterRegel | None:
    _, bsn, status, afgifte, ingang, eind = regel.velden
    if status not in STATUSSEN:
        tekst = "ontbreekt" if not status else "moet Ja, Nee of Onbekend zijn"
        fouten.append(Melding(regel.nummer, "WlzStatus", tekst))
    add = fouten.append
    datums = (
        datum_veld(regel.nummer, "Afgiftedatum", afgifte, add, verplicht=True),
        datum_veld(regel.nummer, "Ingangsdatum", ingang, add, verplicht=True),
        datum_veld(regel.nummer, "Einddatum", eind, add, verplicht=False),
    )
    if fouten:
        return None
    return RegisterRegel(regel.nummer, "T", bsn, status, *datums)
