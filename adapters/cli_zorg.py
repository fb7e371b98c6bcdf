"""`samenloop zorgkantoor load` and `samenloop zorgaanbieder load` (doorontwikkeling-2023.md 1)."""

from __future__ import annotations

from pathlib import Path

import click

from adapters.cli import Afgekeurd, Context, open_feed, pass_ctx, print_feed
from adapters.files.zorgfeed import parse_zorgfeed
from store.zorgfeed import (
    Feed,
    NietGeregistreerd,
    Opdracht,
    ZorginformatieUit,
    load_zorgfeed,
)

_INITIEEL = "Vervang alle eerdere regels van deze afzender door dit bestand."


def _load(ctx: Context, opdracht: Opdracht, file: Path) -> None:
    try:
        with open_feed(file) as raw:
            res = load_zorgfeed(
                ctx.engine,
                opdracht,
                parse_zorgfeed(raw, opdracht.feed),
                aan=ctx.settings.zorginformatie,
            )
    except (ZorginformatieUit, NietGeregistreerd) as exc:
        raise Afgekeurd(f"levering geweigerd: {exc}") from None
    print_feed(res)
    if not res.geaccepteerd:
        raise Afgekeurd(f"levering afgekeurd: {res.fouten.totaal} fout(en); niets gewijzigd")


@click.group()
def zorgkantoor() -> None:
    """Leveringen van zorgkantoren (toewijzingen van een leveringsvorm)."""


@zorgkantoor.command("load")
@click.option("--zorgkantoor", "code", required=True, help="Zorgkantoorcode (iWlz COD001).")
@click.option("--initieel", is_flag=True, help=_INITIEEL)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def zorgkantoor_load(ctx: Context, code: str, initieel: bool, file: Path) -> None:
    """Verwerk een zorgkantoorlevering (alles of niets)."""
    _load(ctx, Opdracht(Feed.ZORGKANTOOR, code, file.name, initieel), file)


@click.group()
def zorgaanbieder() -> None:
    """Leveringen van zorgaanbieders (de dag dat de Wlz-zorg begon)."""


@zorgaanbieder.command("load")
@click.option("--agb", "code", required=True, help="AGB-code van de zorgaanbieder (8 cijfers).")
@click.option("--initieel", is_flag=True, help=_INITIEEL)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def zorgaanbieder_load(ctx: Context, code: str, initieel: bool, file: Path) -> None:
    """Verwerk een zorgaanbiederlevering (alles of niets)."""
    _load(ctx, Opdracht(Feed.ZORGAANBIEDER, code, file.name, initieel), file)
