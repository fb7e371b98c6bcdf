"""`samenloop audit rapport` (registertoets usage, no BSN) and `samenloop bewaartermijn
opschonen` (retention)."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click

from adapters.cli import Context, datum_optie, pass_ctx, peildatum
from adapters.files.auditrapport import schrijf_gebruik
from store.auditrapport import gebruik
from store.bewaartermijn import Opschoning, Termijnen, opschonen

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


@click.group()
def bewaartermijn() -> None:
    """Bewaartermijnen van auditlog en signalen."""


@bewaartermijn.command("opschonen")
@datum_optie
@click.option("--controle", is_flag=True, help="Alleen tellen wat weg zou gaan; niets wijzigen.")
@pass_ctx
def bewaartermijn_opschonen(ctx: Context, datum: Any, controle: bool) -> None:
    """Verwijder auditrecords, signalen en registermutaties die ouder zijn dan hun bewaartermijn."""
    settings = ctx.settings
    termijnen = Termijnen(audit=settings.bewaar_audit, signalen=settings.bewaar_signalen)
    res = opschonen(ctx.engine, peildatum(datum), termijnen, controle=controle)
    _print(res, termijnen)


def _grens(maanden: int, grens: date | None, variable: str) -> str:
    if grens is None:
        return f"alles bewaard ({variable}=0)"
    return f"{maanden} maanden: wat voor {grens.isoformat()} ligt"


def _print(res: Opschoning, termijnen: Termijnen) -> None:
    g = res.grenzen
    click.echo(f"audit: {_grens(termijnen.audit, g.audit, 'SAMENLOOP_BEWAAR_AUDIT')}")
    click.echo(f"signalen: {_grens(termijnen.signalen, g.signalen, 'SAMENLOOP_BEWAAR_SIGNALEN')}")
    aantallen = (
        f"{res.audit} auditrecord(s), {res.signalen} signaal/signalen, "
        f"{res.bestanden} signaalbestand(en), {res.mails} verzonden mail(s), "
        f"{res.mutaties} registermutatie(s)"
    )
    if res.controle:
        click.echo(f"controle, niets gewijzigd; zou verwijderen: {aantallen}")
    else:
        click.echo(f"verwijderd: {aantallen}")


__all__ = ["audit", "bewaartermijn"]
