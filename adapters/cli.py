"""The operator's CLI (interfaces.md section 4). Exit: 0 ok, 1 rejected, 2 usage, 3 environment."""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from adapters.files.cizfeed import parse_feed
from store import demo as demo_data
from store import gemeenten, migrate, wetten
from store.datums import vandaag
from store.db import (
    DatabaseUnavailable,
    describe_failure,
    for_jobs,
    make_engine,
    make_sessions,
)
from store.feeds import FeedResultaat
from store.register import load_feed
from store.rollen import Wet
from store.settings import Settings, SettingsError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_AFGEKEURD = 1
EXIT_OMGEVING = 3


class Afgekeurd(click.ClickException):
    exit_code = EXIT_AFGEKEURD


class OmgevingFout(click.ClickException):
    exit_code = EXIT_OMGEVING


class Context:
    """Built lazily so that `--help` and usage errors never touch the database."""

    @cached_property
    def settings(self) -> Settings:
        try:
            return Settings.from_env()
        except SettingsError as exc:
            raise OmgevingFout(str(exc)) from None

    @cached_property
    def engine(self) -> Engine:
        # An operator's command is a job, not a request: a report over a month of audit
        # records may take longer than a request's statement timeout (store.db.JOB).
        return for_jobs(make_engine(self.settings))

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_sessions(self.engine)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


pass_ctx = click.make_pass_decorator(Context, ensure=True)


def _is_schema_missing(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)


class Group(click.Group):
    """Turns database failures into one line on stderr and exit 3, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DBAPIError as exc:
            if _is_schema_missing(exc):
                raise OmgevingFout(
                    "de database is niet bijgewerkt; voer eerst 'samenloop db upgrade' uit"
                ) from None
            raise OmgevingFout(describe_failure(exc)) from None
        except (PoolTimeout, DatabaseUnavailable) as exc:
            raise OmgevingFout(describe_failure(exc)) from None


def datum_optie(func: F) -> F:
    return click.option(
        "--datum",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Peildatum JJJJ-MM-DD (standaard: vandaag in Europe/Amsterdam).",
    )(func)


def peildatum(value: Any) -> date:
    return value.date() if value is not None else vandaag()


def periode(van: Any, tot: Any) -> tuple[Any, Any]:
    """The days of --van and --tot (None where not given), or a usage error (exit 2) when van
    comes after tot."""
    start, end = (v.date() if v is not None else None for v in (van, tot))
    if start is not None and end is not None and start > end:
        raise click.BadParameter("--van ligt na --tot", param_hint="--van")
    return start, end


WET_KEUZE = click.Choice([w.value for w in Wet])


def actieve_wet(ctx: Context, wet: str) -> Wet:
    """The wet of a --wet option; exit 1 while it is switched off (store.wetten)."""
    try:
        return wetten.controleer(ctx.settings, Wet(wet))
    except wetten.WetUit as exc:
        raise Afgekeurd(f"{exc} (SAMENLOOP_JEUGDWET=uit)") from None


def rechten_wetten(ctx: Context, wet: str | None) -> tuple[Wet, ...]:
    """The wetten whose aanleverrechten an `org` command sets: the one named, else all."""
    return tuple(Wet) if wet is None else (actieve_wet(ctx, wet),)


rechten_wet_optie = click.option(
    "--wet",
    type=WET_KEUZE,
    default=None,
    help="Alleen de aanleverrechten van deze wet (standaard: Wmo en Jeugdwet allebei).",
)


@click.group(cls=Group)
@click.option("-v", "--verbose", is_flag=True, help="Meer logregels op stderr.")
@click.pass_context
def cli(click_ctx: click.Context, verbose: bool) -> None:
    """Samenloop: kopie Wlz-register, registertoets en Wlz signalen."""
    click_ctx.call_on_close(click_ctx.ensure_object(Context).close)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )


@cli.group()
def db() -> None:
    """Het databaseschema."""


@db.command("upgrade")
@pass_ctx
def db_upgrade(ctx: Context) -> None:
    """Maak of migreer het schema (Alembic) en vul de referentiegegevens aan."""
    migrate.upgrade(ctx.engine)
    click.echo("database bijgewerkt")


def gemeente_optie(func: F) -> F:
    return click.option("--gemeente", "code", required=True, help="Gemeentecode (4 cijfers).")(func)


@cli.group("gemeenten")
def gemeenten_group() -> None:
    """Referentiegegevens van gemeenten."""


@gemeenten_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def gemeenten_load(ctx: Context, file: Path) -> None:
    """Laad een nieuwere RvIG Tabel 33 (UTF-16 of UTF-8 CSV)."""
    raw = _read_bytes(file)
    try:
        with ctx.sessions.begin() as session:
            res = gemeenten.load_tabel33(session, raw)
    except gemeenten.Tabel33Fout as exc:
        raise Afgekeurd(f"Tabel 33 afgekeurd:\n{exc}") from None
    click.echo(
        f"Tabel 33 geladen: {res.nieuw} nieuw, {res.gewijzigd} gewijzigd, "
        f"{res.ongewijzigd} ongewijzigd"
    )


def _read_bytes(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise OmgevingFout(f"{file}: {exc.strerror}") from None


class _ProgressRaw(io.RawIOBase):
    def __init__(self, inner: BinaryIO, update: Callable[[int], None]) -> None:
        self._inner, self._update = inner, update

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._inner.seek(offset, whence)

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        self._update(len(data))
        return len(data)


@contextmanager
def open_feed(file: Path) -> Iterator[BinaryIO]:
    try:
        handle = file.open("rb")
    except OSError as exc:
        raise OmgevingFout(f"{file}: {exc.strerror}") from None
    with handle:
        if not sys.stderr.isatty():
            yield handle
            return
        with click.progressbar(length=os.fstat(handle.fileno()).st_size, file=sys.stderr) as bar:
            yield io.BufferedReader(_ProgressRaw(handle, bar.update))


@cli.group()
def register() -> None:
    """De kopie van het Wlz-register."""


@register.command("load")
@click.option("--initieel", is_flag=True, help="Vervang het hele register door dit bestand.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def register_load(ctx: Context, initieel: bool, file: Path) -> None:
    """Verwerk een CIZ-levering (alles of niets)."""
    with open_feed(file) as raw:
        res = load_feed(ctx.engine, parse_feed(raw), initieel=initieel, bestandsnaam=file.name)
    print_feed(res)
    if not res.geaccepteerd:
        raise Afgekeurd(f"levering afgekeurd: {res.fouten.totaal} fout(en); register ongewijzigd")


def print_feed(res: FeedResultaat) -> None:
    """What a load (CIZ, zorgkantoor or zorgaanbieder feed) did, or every error it found."""
    if res.geaccepteerd:
        soort = "initiële levering" if res.initieel else "mutaties"
        click.echo(
            f"{soort} verwerkt: {res.aantal_regels} regels, {res.toegevoegd} toegevoegd, "
            f"{res.vervangen} vervangen, {res.verwijderd} verwijderd"
        )
    for line in res.fouten.regels():
        click.echo(f"fout: {line}", err=True)
    for line in res.waarschuwingen.regels():
        click.echo(f"waarschuwing: {line}")


@cli.command()
@click.option("--als-leeg", is_flag=True, help="Niets doen (exit 0) als de database al gevuld is.")
@datum_optie
@pass_ctx
def demo(ctx: Context, als_leeg: bool, datum: Any) -> None:
    """Vul een lege database met een kleine synthetische demoset."""
    if not demo_data.is_empty(ctx.sessions):
        if als_leeg:
            click.echo("database bevat al gegevens; demo niet geladen")
            return
        raise Afgekeurd("de database is niet leeg; de demo vult alleen een lege database")
    aan = ctx.settings.zorginformatie
    demo_set = demo_data.fill(ctx.engine, ctx.sessions, peildatum(datum), zorg=aan)
    verslagen = demo_data.deliver_populations(
        ctx.engine, demo_set, peildatum(datum), wetten.actief(ctx.settings)
    )
    _print_demo(demo_set, ctx.settings.public_url)
    for (g, wet), verslag in verslagen.items():
        naam = wetten.NAAM[wet]
        click.echo(f"{naam}-populatie van {g}: {verslag.aantal_regels} regels, {verslag.status}")
    click.echo("Maak de signalen van vandaag: samenloop signalen run")
    click.echo("en haal ze op: samenloop signalen export --gemeente 0363 [--wet jw]")
    _demo_gebruiker(ctx)


def _demo_gebruiker(ctx: Context) -> None:
    """The portal's first user of 0363, with its one-time link to set a password."""
    from adapters.portaal.paden import wachtwoord_link  # noqa: PLC0415
    from store.gebruikers import voeg_toe_aan_gemeente  # noqa: PLC0415

    email = demo_data.GEMEENTEN[0].mail
    nieuw = voeg_toe_aan_gemeente(ctx.engine, "0363", email, (), datetime.now(UTC))
    click.echo(f"Portaal: {ctx.settings.public_url}/portaal/ (gebruiker {email}, alle rechten).")
    click.echo("Stel eerst het wachtwoord in (24 uur geldig; daarna: samenloop gebruiker link):")
    click.echo(wachtwoord_link(ctx.settings.public_url, nieuw.token))


def _print_demo(demo_set: demo_data.DemoSet, url: str) -> None:
    click.echo("Demo geladen. Gemeenten (gemeentecode: token):")
    for g in demo_set.gemeenten:
        click.echo(f"  {g.code}: {g.token}")
    click.echo("BSN's in het register (status):")
    for r in demo_set.register:
        click.echo(f"  {r.bsn} {r.wlz_status}")
    click.echo("BSN's zonder samenloop: " + ", ".join(demo_set.zonder_samenloop))
    for rol, (code, token) in (
        ("zorgkantoor", demo_data.ZORGKANTOOR),
        ("zorgaanbieder", demo_data.ZORGAANBIEDER),
    ):
        click.echo(f"{rol} {code}: {token}")
    click.echo(f"Probeer: curl {url}/health")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1))
@pass_ctx
def serve(ctx: Context, host: str, port: int, workers: int) -> None:
    """Start de service (SOAP, REST) onder gunicorn."""
    from adapters.server import run  # noqa: PLC0415 - gunicorn only when serving

    run(ctx.settings, host=host, port=port, workers=workers)


def main() -> None:
    cli(prog_name="samenloop")


def _register_groups() -> None:
    """Command groups live in their own modules, which import the helpers above."""
    from adapters.cli_beheer import audit, bewaartermijn  # noqa: PLC0415
    from adapters.cli_gebruiker import gebruiker  # noqa: PLC0415
    from adapters.cli_org import org  # noqa: PLC0415
    from adapters.cli_populatie import populatie  # noqa: PLC0415
    from adapters.cli_signalen import signalen  # noqa: PLC0415
    from adapters.cli_zorg import zorgaanbieder, zorgkantoor  # noqa: PLC0415

    cli.add_command(org)
    cli.add_command(populatie)
    cli.add_command(signalen)
    cli.add_command(audit)
    cli.add_command(bewaartermijn)
    cli.add_command(zorgkantoor)
    cli.add_command(zorgaanbieder)
    cli.add_command(gebruiker)


_register_groups()
