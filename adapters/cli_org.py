"""`samenloop org`: organisations (gemeenten, zorgkantoren, zorgaanbieders) and their tokens.

Every command names exactly one organisation by its role's option: `--gemeente CODE`,
`--zorgkantoor CODE` (iWlz COD001) or `--zorgaanbieder AGB`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import click
from sqlalchemy.orm import Session

from adapters.cli import (
    Afgekeurd,
    Context,
    datum_optie,
    pass_ctx,
    peildatum,
    rechten_wet_optie,
    rechten_wetten,
)
from store import organisaties, signalen
from store.rollen import Rol

Org = tuple[Rol, str]
_OPTIES = (
    (Rol.GEMEENTE, "Gemeentecode (4 cijfers)."),
    (Rol.ZORGKANTOOR, "Zorgkantoorcode (4 cijfers, iWlz COD001)."),
    (Rol.ZORGAANBIEDER, "AGB-code van de zorgaanbieder (8 cijfers)."),
)


def _een(gekozen: dict[Rol, str | None]) -> Org:
    genoemd = [(rol, code) for rol, code in gekozen.items() if code is not None]
    if len(genoemd) != 1:
        raise click.UsageError("noem precies één van --gemeente, --zorgkantoor, --zorgaanbieder")
    return genoemd[0]


def organisatie_optie(func: Callable[..., Any]) -> Callable[..., Any]:
    """The three role options, handed to the command as `org=(rol, code)`."""

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        gekozen = {rol: kwargs.pop(rol.value) for rol, _ in _OPTIES}
        return func(*args, org=_een(gekozen), **kwargs)

    for rol, uitleg in reversed(_OPTIES):
        command = click.option(f"--{rol.value}", rol.value, help=uitleg)(command)
    return command


def _codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [c.strip() for c in value.split(",") if c.strip()]


def _alleen_gemeente(org: Org, **opties: object) -> None:
    """Refuse options that only a gemeente has (aanleverrechten, signal files) for other roles."""
    genoemd = [f"--{naam}" for naam, waarde in opties.items() if waarde is not None]
    if genoemd and org[0] is not Rol.GEMEENTE:
        raise click.UsageError(f"{', '.join(genoemd)} geldt alleen voor een gemeente")


@contextmanager
def _org_change(ctx: Context) -> Iterator[Session]:
    try:
        with ctx.sessions.begin() as session:
            yield session
    except organisaties.OrganisatieFout as exc:
        raise Afgekeurd(str(exc)) from None


@click.group()
def org() -> None:
    """Organisaties (gemeenten, zorgkantoren, zorgaanbieders) en hun tokens."""


@org.command("add")
@organisatie_optie
@click.option("--samenwerking", help="Gemeentecodes waarvoor zij aanlevert, komma-gescheiden.")
@click.option("--oin", help="OIN (20 cijfers) uit het PKIoverheid-certificaat.")
@click.option("--mail", help="Mailadres van de productbeheerder.")
@rechten_wet_optie
@datum_optie
@pass_ctx
def org_add(
    ctx: Context,
    org: Org,
    samenwerking: str | None,
    oin: str | None,
    mail: str | None,
    wet: str | None,
    datum: Any,
) -> None:
    """Registreer een organisatie; het nieuwe token staat op de laatste regel."""
    _alleen_gemeente(org, samenwerking=samenwerking, wet=wet)
    rol, code = org
    with _org_change(ctx) as session:
        if rol is Rol.GEMEENTE:
            token = organisaties.add_gemeente(
                session,
                code,
                samenwerking=_codes(samenwerking) or [],
                oin=oin,
                mail=mail,
                peildatum=peildatum(datum),
                wetten=rechten_wetten(ctx, wet),
            )
        else:
            token = organisaties.add_zorgpartij(
                session, rol, code, oin=oin, mail=mail, peildatum=peildatum(datum)
            )
    click.echo(f"{rol} {code} geregistreerd; token:")
    click.echo(token)


@org.command("token")
@organisatie_optie
@pass_ctx
def org_token(ctx: Context, org: Org) -> None:
    """Geef een nieuw token uit; het oude werkt meteen niet meer."""
    rol, code = org
    with _org_change(ctx) as session:
        token = organisaties.new_token(session, code, rol)
    click.echo(f"nieuw token voor {rol} {code}:")
    click.echo(token)


@org.command("set")
@organisatie_optie
@click.option("--samenwerking", help="Nieuwe lijst gemeentecodes (vervangt de oude).")
@click.option("--oin", help="OIN; leeg ('') om te wissen.")
@click.option("--mail", help="Mailadres; leeg ('') om te wissen.")
@rechten_wet_optie
@click.option(
    "--signaalversie", type=click.IntRange(1, 2), help="Versie van de Wmo-signaalbestanden."
)
@datum_optie
@pass_ctx
def org_set(
    ctx: Context,
    org: Org,
    samenwerking: str | None,
    oin: str | None,
    mail: str | None,
    wet: str | None,
    signaalversie: int | None,
    datum: Any,
) -> None:
    """Wijzig samenwerkingsverband (gemeente), OIN, mailadres of signaalversie (vraagt niets)."""
    _alleen_gemeente(org, samenwerking=samenwerking, wet=wet, signaalversie=signaalversie)
    rol, code = org
    with _org_change(ctx) as session:
        if rol is Rol.GEMEENTE:
            organisaties.set_gemeente(
                session,
                code,
                samenwerking=_codes(samenwerking),
                oin=oin,
                mail=mail,
                peildatum=peildatum(datum),
                wetten=rechten_wetten(ctx, wet),
            )
            if signaalversie is not None:
                _kies_versie(ctx, session, code, signaalversie, peildatum(datum))
        else:
            organisaties.set_zorgpartij(session, rol, code, oin=oin, mail=mail)
    click.echo(f"{rol} {code} gewijzigd")


def _kies_versie(ctx: Context, session: Session, code: str, versie: int, d: date) -> None:
    aan = ctx.settings.zorginformatie
    nieuw = signalen.kies_versie(session.connection(), code, versie, d, zorginformatie=aan)
    click.echo(f"signaalversie {versie}: de run voor {d.isoformat()} geeft {nieuw} nieuwe signalen")


@org.command("remove")
@organisatie_optie
@pass_ctx
def org_remove(ctx: Context, org: Org) -> None:
    """Deactiveer een organisatie: haar tokens werken meteen niet meer, haar gegevens blijven."""
    rol, code = org
    with _org_change(ctx) as session:
        organisaties.remove_organisatie(session, rol, code)
    click.echo(f"{rol} {code} gedeactiveerd")


@org.command("list")
@pass_ctx
def org_list(ctx: Context) -> None:
    """Toon alle organisaties."""
    with ctx.sessions() as session:
        for info in organisaties.list_organisaties(session):
            status = "actief" if info.actief else "gedeactiveerd"
            voor = ",".join(info.levert_voor) or "-"
            jw = ",".join(info.levert_voor_jw) or "-"
            click.echo(
                f"{info.rol} {info.code} {status} levert-voor={voor} oin={info.oin or '-'} "
                f"levert-voor-jw={jw}"
            )
