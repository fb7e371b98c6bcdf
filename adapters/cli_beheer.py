"""`samenloop audit rapport` (registertoets usage, no BSN), `samenloop audit inzage` (who looked
up given BSNs) and `samenloop bewaartermijn opschonen` (retention)."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click

from adapters.cli import Context, datum_optie, pass_ctx, peildatum, periode
from adapters.files.auditrapport import schrijf_gebruik, schrijf_raadplegingen
from store.auditinzage import raadplegingen
from store.auditrapport import gebruik
from store.bewaartermijn import Opschoning, Termijnen, opschonen
from store.bsn import bsn_fout

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
    start, end = periode(van, tot)
    with ctx.engine.connect() as conn:
        schrijf_gebruik(gebruik(conn, start, end), sys.stdout)


@audit.command("inzage")
@click.option("--van", type=DATUM, help="Eerste dag JJJJ-MM-DD (Europe/Amsterdam).")
@click.option("--tot", type=DATUM, help="Laatste dag JJJJ-MM-DD (inbegrepen).")
@pass_ctx
def audit_inzage(ctx: Context, van: Any, tot: Any) -> None:
    """Wie de BSN's van stdin (een per regel) heeft getoetst, als CSV: voor een inzageverzoek
    (AVG art. 15) of een onderzoek naar misbruik. Nooit een BSN als argument: een opdrachtregel
    staat in de proceslijst en de shellgeschiedenis."""
    start, end = periode(van, tot)
    bsns = _lees_bsns(sys.stdin.read().splitlines())
    with ctx.engine.connect() as conn:
        schrijf_raadplegingen(raadplegingen(conn, bsns, start, end), sys.stdout)


def _lees_bsns(regels: list[str]) -> set[str]:
    """The BSNs of stdin, or exit 1 with the first bad line's number (never its content)."""
    bsns: set[str] = set()
    for nummer, regel in enumerate(regels, 1):
        if not (bsn := regel.strip()):
            continue
        if (reden := bsn_fout(bsn)) is not None:
            raise click.ClickException(f"regel {nummer} van stdin: BSN ongeldig: {reden}")
        bsns.add(bsn)
    if not bsns:
        raise click.ClickException("geen BSN ontvangen: geef de BSN's op stdin, een per regel")
    return bsns


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
