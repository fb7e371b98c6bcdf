"""`samenloop gebruiker`: the portal's users, as the operator makes them (portaal.md).

The operator adds a gemeente's first user, who gets every right (productbeheerder and
gebruikersbeheerder) and adds the others in the portal. The one-time link to set a password is
the last line of stdout, under SAMENLOOP_PUBLIC_URL.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from adapters.cli import Afgekeurd, Context, gemeente_optie, pass_ctx
from adapters.portaal.paden import wachtwoord_link
from store import gebruikers
from store.gebruikers import GebruikerFout, Gebruikersrecht

_RECHTEN = ", ".join(r.value for r in Gebruikersrecht)


def _rechten(namen: tuple[str, ...]) -> frozenset[Gebruikersrecht]:
    try:
        return gebruikers.rechten_uit(namen)
    except GebruikerFout:
        raise click.UsageError(f"onbekend recht bij --recht; kies uit: {_RECHTEN}") from None


def _link(ctx: Context, token: str) -> None:
    click.echo("Link om het wachtwoord in te stellen (24 uur geldig, één keer te gebruiken):")
    click.echo(wachtwoord_link(ctx.settings.public_url, token))


@click.group()
def gebruiker() -> None:
    """Gebruikers van het portaal."""


@gebruiker.command("add")
@gemeente_optie
@click.option("--email", required=True, help="E-mailadres waarmee de gebruiker inlogt.")
@click.option(
    "--recht",
    "rechten",
    multiple=True,
    metavar="RECHT",
    help=f"Een recht (herhaalbaar): {_RECHTEN}. De eerste gebruiker krijgt ze allemaal.",
)
@pass_ctx
def gebruiker_add(ctx: Context, code: str, email: str, rechten: tuple[str, ...]) -> None:
    """Voeg een gebruiker toe; de link om het wachtwoord in te stellen staat op de laatste regel."""
    gekozen = _rechten(rechten)
    try:
        nieuw = gebruikers.voeg_toe_aan_gemeente(
            ctx.engine, code, email, gekozen, datetime.now(UTC)
        )
    except GebruikerFout as exc:
        raise Afgekeurd(str(exc)) from None
    info = nieuw.gebruiker
    namen = ", ".join(sorted(r.value for r in info.rechten)) or "geen"
    click.echo(f"gebruiker {info.email} toegevoegd aan gemeente {code}; rechten: {namen}")
    _link(ctx, nieuw.token)


@gebruiker.command("link")
@click.option("--email", required=True, help="E-mailadres van de gebruiker.")
@pass_ctx
def gebruiker_link(ctx: Context, email: str) -> None:
    """Maak een nieuwe link om het wachtwoord in te stellen (eerdere links vervallen)."""
    try:
        token = gebruikers.nieuwe_link_voor(ctx.engine, email, datetime.now(UTC))
    except GebruikerFout as exc:
        raise Afgekeurd(str(exc)) from None
    _link(ctx, token)
