"""`samenloop populatie`: aanleveringen, their verslagen and the abonnementen report.

Registered by adapters/cli.py (interfaces.md section 4). Exit 0 afgeleverd, 1 afgekeurd,
2 wrong usage, 3 the file or the database cannot be reached.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from adapters.cli import (
    WET_KEUZE,
    Afgekeurd,
    Context,
    OmgevingFout,
    actieve_wet,
    datum_optie,
    gemeente_optie,
    pass_ctx,
    peildatum,
)
from adapters.files import aanlevering, rapporten
from store import verslag as verslagen
from store.datums import AMSTERDAM
from store.populatie import AanleveringFout, Opdracht, abonnementen
from store.rollen import Wet
from store.verslag import Verslag

wet_optie = click.option(
    "--wet",
    type=WET_KEUZE,
    default=Wet.WMO.value,
    show_default=True,
    help="De wet van de populatie: wmo of jw (Jeugdwet).",
)
json_optie = click.option("--json", "als_json", is_flag=True, help="Het verslag als JSON.")


@click.group()
def populatie() -> None:
    """De landelijke voorziening: aanleveringen, verslagen, abonnementen."""


def _toon(verslag: Verslag, als_json: bool) -> None:
    if als_json:
        click.echo(json.dumps(verslag.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(verslag.tekst(), nl=False)


def _verwerk(ctx: Context, file: Path, opdracht: Opdracht) -> Verslag:
    try:
        with file.open("rb") as raw:
            return aanlevering.verwerk(ctx.engine, raw, opdracht)
    except OSError as exc:
        raise OmgevingFout(f"{file}: {exc.strerror}") from None
    except AanleveringFout as exc:
        raise Afgekeurd(str(exc)) from None


@populatie.command("upload")
@gemeente_optie
@wet_optie
@click.option("--initieel", is_flag=True, help="Vervang de hele populatie van de gemeente.")
@click.option("--controle", is_flag=True, help="Alleen controleren: niets wijzigen of bewaren.")
@json_optie
@datum_optie
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def upload(
    ctx: Context,
    code: str,
    wet: str,
    initieel: bool,
    controle: bool,
    als_json: bool,
    datum: Any,
    file: Path,
) -> None:
    """Verwerk een aanlevering (CSV) als deze gemeente; toont het verwerkingsverslag."""
    gekozen = actieve_wet(ctx, wet)
    opdracht = Opdracht(code, gekozen, file.name, peildatum(datum), initieel, controle)
    verslag = _verwerk(ctx, file, opdracht)
    _toon(verslag, als_json)
    if verslag.afgekeurd:
        raise Afgekeurd(
            f"aanlevering afgekeurd: {verslag.fouten.totaal} fout(en); er is niets gewijzigd"
        )


@populatie.command("rapport")
@gemeente_optie
@wet_optie
@datum_optie
@pass_ctx
def rapport(ctx: Context, code: str, wet: str, datum: Any) -> None:
    """Het rapport abonnementen (CSV) van de wet op stdout."""
    gekozen = actieve_wet(ctx, wet)
    with ctx.sessions() as session:
        try:
            regels = abonnementen(session, code, gekozen, peildatum(datum))
            for chunk in rapporten.abonnementen_csv(regels):
                click.echo(chunk, nl=False)
        except AanleveringFout as exc:
            raise Afgekeurd(str(exc)) from None


@populatie.command("verslag")
@gemeente_optie
@json_optie
@click.argument("aanlevering_id", type=click.IntRange(min=1), required=False)
@pass_ctx
def verslag(ctx: Context, code: str, als_json: bool, aanlevering_id: int | None) -> None:
    """Toon een bewaard verwerkingsverslag (zonder nummer: het nieuwste)."""
    with ctx.sessions() as session:
        found = verslagen.ophalen(session, code, aanlevering_id)
    if found is None:
        raise Afgekeurd(f"geen aanlevering gevonden van gemeente {code}")
    _toon(found, als_json)


@populatie.command("aanleveringen")
@gemeente_optie
@pass_ctx
def aanleveringen(ctx: Context, code: str) -> None:
    """Toon de bewaarde aanleveringen van een gemeente, de nieuwste eerst."""
    with ctx.sessions() as session:
        for a in verslagen.aanleveringen(session, code):
            soort = "initieel" if a.initieel else "mutaties"
            ontvangen = a.ontvangen_op.astimezone(AMSTERDAM)
            click.echo(
                f"{a.id} {ontvangen:%d-%m-%Y %H:%M:%S} {a.wet} {soort} {a.status} "
                f"{a.aantal_regels} regels {a.bestandsnaam}"
            )
