"""`samenloop signalen ...`: the nightly run, a day's signal file, the counts report."""

from __future__ import annotations

import sys
from typing import Any

import click

from adapters.cli import (
    WET_KEUZE,
    Afgekeurd,
    Context,
    actieve_wet,
    datum_optie,
    pass_ctx,
    peildatum,
    periode,
)
from adapters.files.signaalbestanden import schrijf_signalen, schrijf_tellingen
from adapters.mail import send_pending
from adapters.portaal.paden import mail_links
from store import organisaties, signaalinzage, wetten
from store.rollen import Rol, Wet
from store.signalen import RunGeweigerd, run

WET = WET_KEUZE
WET_HULP = "De wet: wmo of jw (Jeugdwet)."


@click.group()
def signalen() -> None:
    """De nachtelijke Wlz signalen."""


def _organisatie_id(ctx: Context, code: str) -> int:
    with ctx.sessions() as session:
        info = organisaties.describe(session, Rol.GEMEENTE, code)
    if info is None:
        raise Afgekeurd(f"gemeente {code} is niet geregistreerd")
    return info.id


@signalen.command("run")
@datum_optie
@click.option("--forceer", is_flag=True, help="Ook voor een peildatum voor de laatste run.")
@click.option(
    "--volledig",
    is_flag=True,
    help="Vergelijk alle abonnementen, niet alleen wat sinds de vorige run veranderde.",
)
@pass_ctx
def signalen_run(ctx: Context, datum: Any, forceer: bool, volledig: bool) -> None:
    """Vergelijk het register met de lopende abonnementen en maak de signalen van de dag."""
    try:
        res = run(
            ctx.engine,
            peildatum(datum),
            forceer=forceer,
            zorginformatie=ctx.settings.zorginformatie,
            wetten=wetten.actief(ctx.settings),
            volledig=volledig,
            links=mail_links(ctx.settings.public_url),
        )
    except RunGeweigerd as exc:
        raise Afgekeurd(str(exc)) from None
    d = res.peildatum.isoformat()
    if res.nieuw:
        click.echo(
            f"run {d}: {res.signalen} signalen in {res.bestanden} bestand(en), "
            f"{res.verwijderd} beëindigde abonnementen verwijderd, {res.mails} mail(s) klaargezet"
        )
    else:
        click.echo(f"run {d} was al voltooid ({res.signalen} signalen); niets nieuws")
    mail = send_pending(ctx.engine, ctx.settings.smtp)
    if mail.niet_geconfigureerd:
        click.echo(f"{mail.mislukt} mail(s) wachten: SAMENLOOP_SMTP_HOST is niet ingesteld")
    elif mail.verzonden or mail.mislukt:
        click.echo(
            f"mail: {mail.verzonden} verzonden, {mail.mislukt} blijven staan voor de volgende run"
        )


@signalen.command("export")
@click.option("--gemeente", "code", required=True, help="Aanleverende gemeente.")
@click.option("--wet", type=WET, default=Wet.WMO.value, show_default=True, help=WET_HULP)
@datum_optie
@pass_ctx
def signalen_export(ctx: Context, code: str, wet: str, datum: Any) -> None:
    """Schrijf het signaalbestand van die dag naar stdout (niets als er geen is)."""
    gekozen = actieve_wet(ctx, wet)
    org_id, d = _organisatie_id(ctx, code), peildatum(datum)
    rows = signaalinzage.dag(ctx.engine, org_id, gekozen, d)
    first = next(rows, None)
    if first is not None:
        with ctx.engine.connect() as conn:
            versie = signaalinzage.bestandsversie(conn, org_id, gekozen, d)
        schrijf_signalen([first, *rows], sys.stdout, versie)


@signalen.command("rapport")
@click.option("--gemeente", "code", required=True, help="Aanleverende gemeente.")
@click.option("--wet", type=WET, default=Wet.WMO.value, show_default=True, help=WET_HULP)
@click.option("--van", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--tot", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@pass_ctx
def signalen_rapport(ctx: Context, code: str, wet: str, van: Any, tot: Any) -> None:
    """Rapport Aantal Wlz signalen over een periode (van en tot inbegrepen), als CSV."""
    start, end = periode(van, tot)
    gekozen = actieve_wet(ctx, wet)
    org_id = _organisatie_id(ctx, code)
    with ctx.engine.connect() as conn:
        schrijf_tellingen(signaalinzage.tellingen(conn, org_id, gekozen, start, end), sys.stdout)


__all__ = ["signalen"]
