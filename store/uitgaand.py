"""The outbox of mails to productbeheerders: queued in a transaction, sent after it.

Two kinds: a new signal file is ready (one mail per file), and the 60-day reminder (once per
lapse: keyed by the date of the last accepted aanlevering). No mail ever names a BSN.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from store.datums import format_datum
from store.models import Aanlevering, Organisatie
from store.models_signalen import MailUitgaand, SignaalBestand
from store.rollen import Rol, Wet
from store.wetten import NAAM

HERINNERING_NA = timedelta(days=60)
AFGELEVERD = "afgeleverd"


@dataclass(frozen=True)
class Mail:
    id: int
    aan: str
    onderwerp: str
    tekst: str


@dataclass(frozen=True)
class Links:
    """Where a mail's reader goes in the portal (the adapter that knows its paths makes them):
    the day's signal file of a wet, and the Aanleveren page."""

    bestand: Callable[[str, date], str]
    aanleveren: str


def _portaal(regel: str | None) -> str:
    return "" if regel is None else f"In het portaal: {regel}\n"


def _queue(conn: Connection, values: dict[str, object]) -> None:
    """Insert unless the (organisation, kind, key) was queued before."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(MailUitgaand)
        .values(**values, aangemaakt_op=datetime.now(UTC), pogingen=0)
        .on_conflict_do_nothing(index_elements=["organisatie_id", "soort", "sleutel"])
    )
    conn.execute(stmt)


def _file_mails(
    conn: Connection, peildatum: date, links: Links | None
) -> Iterator[dict[str, object]]:
    b = SignaalBestand
    rows = conn.execute(
        select(Organisatie.id, Organisatie.code, Organisatie.mail, b.wet, b.aantal)
        .join(Organisatie, Organisatie.id == b.organisatie_id)
        .where(b.peildatum == peildatum, Organisatie.mail.is_not(None))
    )
    for org_id, code, mail, wet, count in rows:
        yield {
            "organisatie_id": org_id,
            "soort": "bestand",
            "sleutel": f"{wet}:{peildatum.isoformat()}",
            "aan": mail,
            "onderwerp": f"Wlz signalen: nieuw bestand ({wet}) van {format_datum(peildatum)}",
            "tekst": _file_text(code, wet, peildatum, count, links),
        }


def _file_text(code: str, wet: str, peildatum: date, count: int, links: Links | None) -> str:
    return (
        f"Beste productbeheerder van gemeente {code},\n\n"
        f"Er staat een nieuw Wlz-signalenbestand voor u klaar: wet {wet}, "
        f"peildatum {format_datum(peildatum)}, {count} signaal/signalen.\n"
        + _portaal(None if links is None else links.bestand(wet, peildatum))
        + "Haal het op met GET /api/v1/signalen/bestanden/"
        f"{peildatum.isoformat()}?wet={wet} (of met 'samenloop signalen export').\n\n"
        "Deze mail bevat bewust geen persoonsgegevens.\n"
    )


def laatste_aanleveringen(conn: Connection, organisatie_id: int) -> dict[str, date]:
    """Per wet, the date of the gemeente's last accepted aanlevering (what the 60-day reminder
    counts from; a wet without one is absent)."""
    a = Aanlevering
    rows = conn.execute(
        select(a.wet, func.max(a.peildatum))
        .where(a.organisatie_id == organisatie_id, a.status == AFGELEVERD)
        .group_by(a.wet)
    )
    return {wet: laatst for wet, laatst in rows}


def herinneringsdatum(laatst: date) -> date:
    """The reminder date: the last accepted aanlevering + 60 days. The reminder itself goes
    with the first run after it, when the aanlevering is more than 60 days old."""
    return laatst + HERINNERING_NA


def _reminder_mails(
    conn: Connection, peildatum: date, wetten: Collection[str], links: Links | None
) -> Iterator[dict[str, object]]:
    """Per gemeente and wet: a lapse in the Jeugdwet is not hidden by a recent Wmo aanlevering,
    nor the other way round."""
    a = Aanlevering
    last = (
        select(a.organisatie_id, a.wet, func.max(a.peildatum).label("laatst"))
        .where(a.status == AFGELEVERD, a.wet.in_(wetten))
        .group_by(a.organisatie_id, a.wet)
        .subquery()
    )
    rows = conn.execute(
        select(Organisatie.id, Organisatie.code, Organisatie.mail, last.c.wet, last.c.laatst)
        .join(last, last.c.organisatie_id == Organisatie.id)
        .where(Organisatie.actief, Organisatie.rol == Rol.GEMEENTE, Organisatie.mail.is_not(None))
        .where(last.c.laatst < peildatum - HERINNERING_NA)
    )
    for org_id, code, mail, wet, laatst in rows:
        kop = {"organisatie_id": org_id, "soort": "herinnering", "aan": mail}
        yield kop | _reminder(code, Wet(wet), laatst, links)


def _reminder(code: str, wet: Wet, laatst: date, links: Links | None) -> dict[str, object]:
    """The Wmo reminder keeps its key and words (the outbox already holds such keys); another
    wet's reminder names the wet."""
    wmo = wet is Wet.WMO
    sleutel = laatst.isoformat() if wmo else f"{wet}:{laatst.isoformat()}"
    welke = "" if wmo else f"({wet}) "
    voor = "" if wmo else f"voor de {NAAM[wet]} ({wet}) "
    return {
        "sleutel": sleutel,
        "onderwerp": f"Wlz signalen: uw laatste aanlevering {welke}is meer dan 60 dagen oud",
        "tekst": (
            f"Beste productbeheerder van gemeente {code},\n\n"
            f"Uw laatste geaccepteerde aanlevering {voor}is van {format_datum(laatst)}. "
            "Lever uw populatie opnieuw aan, zodat de Wlz signalen over de juiste "
            "cliënten blijven gaan.\n"
            + _portaal(None if links is None else links.aanleveren)
            + "\nDeze mail bevat bewust geen persoonsgegevens.\n"
        ),
    }


def queue_run_mails(
    conn: Connection,
    peildatum: date,
    wetten: Collection[str] = tuple(Wet),
    links: Links | None = None,
) -> int:
    """Queue the mails of a nightly run (the reminders of `wetten`), each with its portal link
    when `links` are given; returns how many are new."""
    count = select(func.count()).select_from(MailUitgaand)
    before = conn.execute(count).scalar_one()
    mails = [*_file_mails(conn, peildatum, links), *_reminder_mails(conn, peildatum, wetten, links)]
    for mail in mails:
        _queue(conn, mail)
    return int(conn.execute(count).scalar_one() - before)


def pending(engine: Engine) -> list[Mail]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(MailUitgaand.id, MailUitgaand.aan, MailUitgaand.onderwerp, MailUitgaand.tekst)
            .where(MailUitgaand.verzonden_op.is_(None))
            .order_by(MailUitgaand.id)
        )
        return [Mail(*row) for row in rows]


def mark(engine: Engine, mail_id: int, fout: str | None) -> None:
    """Record a delivery (fout None) or a failed attempt (kept for the next run)."""
    values: dict[str, object] = {"pogingen": MailUitgaand.pogingen + 1, "laatste_fout": fout}
    if fout is None:
        values["verzonden_op"] = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(update(MailUitgaand).where(MailUitgaand.id == mail_id).values(**values))
