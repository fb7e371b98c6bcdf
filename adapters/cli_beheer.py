"""`samenloop audit rapport`: registertoets usage, no BSN."""

from __future__ import annotations

import sys
from typing import Any

import click

from adapters.cli import Context, pass_ctx
from adapters.files.auditrapport import schrijf_gebruik
from store.auditrapport import gebruik

DATUM = click.DateTime(formats=["%Y-%m-%d"])


@click.group()
def audit() -> None:
    """Het auditlog van de registertoets."""


@audit.command("rapport")
@click.option("--van", type=DATUM, required=True, help="Eerste dag JJJJ-MM-DD (Europe/Amsterdam).")
@click.option("--tot", type=DATUM, required=True, help="Laatste dag JJJJ-MM-DD (inbegrepen).")
@pass_ctx
def audit_rapport(ctx: Context, van: Any, tot: Any) -> None:
    """Registertoetsen per organisatie per dag als CSV, zonder BSN's, met uitschieters."""
    start, end = van.date(), tot.date()
    if start > end:
        raise click.BadParameter("--van ligt na --tot", param_hint="--van")
    with ctx.engine.connect() as conn:
        schrijf_gebruik(gebruik(conn, start, end), sys.stdout)


__all__ = ["audit"]
