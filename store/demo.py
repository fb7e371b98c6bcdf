"""A small synthetic demo set: test-range BSNs, a register with every status, three gemeenten,
a Wmo population for each and a Jeugdwet population for one, so that the first nightly run has
signals of both wetten to show; and a zorgkantoor and a zorgaanbieder with a few rows, so that
the registertoets 2023 shows every advies value (doorontwikkeling-2023.md section 3)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from store.bsn import elfproef
from store.meldingen import Melding
from store.models import Organisatie, OrganisatieToken, WlzRegister
from store.organisaties import add_gemeente, add_zorgpartij, find, token_digest
from store.populatie import AanleverRegel, GemeenteToets, Lezer, Opdracht, verwerk_aanlevering
from store.register import RegisterRegel, load_feed
from store.rollen import Rol, Wet
from store.verslag import Verslag
from store.zorgfeed import Feed, ZorgRegel, ZorgResultaat, load_zorgfeed
from store.zorgfeed import Opdracht as ZorgOpdracht

TEST_RANGE = (999_900_006, 999_999_990)


def synthetic_bsns(start: int = TEST_RANGE[0]) -> Iterator[str]:
    """BSNs from the range set aside for tests that pass the elfproef, in order."""
    for n in range(start, TEST_RANGE[1] + 1):
        if elfproef(str(n)):
            yield str(n)


@dataclass(frozen=True)
class DemoGemeente:
    code: str
    samenwerking: tuple[str, ...]
    token: str

    @property
    def mail(self) -> str:
        """The productbeheerder's address (RFC 2606's reserved .example: never delivered)."""
        return f"productbeheer@{self.code}.demo.example"


# Demo tokens are fixed so that the README's examples can be pasted; they exist only in a
# database that `samenloop demo` filled, never in one an operator set up.
GEMEENTEN = (
    DemoGemeente("0363", ("0437",), "demo-amsterdam"),
    DemoGemeente("0599", (), "demo-rotterdam"),
    DemoGemeente("0344", (), "demo-utrecht"),
)

# (wlzStatus, afgiftedatum, ingangsdatum, einddatum) per demo register record.
RECORDS = (
    ("Ja", date(2026, 2, 10), date(2026, 2, 15), None),
    ("Onbekend", date(2019, 5, 1), date(2019, 5, 1), None),
    ("Nee", date(2025, 1, 1), date(2025, 1, 1), None),
    ("Ja", date(2024, 6, 3), date(2024, 5, 20), date(2027, 5, 19)),
    ("Nee", date(2026, 2, 27), date(2025, 9, 1), date(2026, 2, 28)),
    ("Ja", date(2023, 11, 14), date(2023, 12, 1), None),
)
# Added with the 2023 advies; their BSNs come after the clients without samenloop, so that the
# BSNs of the records above stay what the README shows.
RECORDS_2023 = (("Ja", date(2025, 1, 10), date(2025, 1, 15), date(2026, 2, 28)),)
# Added with the Jeugdwet population: three children, BSNs after the 2023 record's.
RECORDS_JW = (
    ("Ja", date(2026, 1, 12), date(2026, 1, 15), None),
    ("Onbekend", date(2025, 10, 1), date(2025, 10, 1), None),
    ("Nee", date(2025, 11, 20), date(2025, 11, 20), None),
)
REGISTER = RECORDS + RECORDS_2023 + RECORDS_JW  # the demo register, in BSN order

# Zorg rows per register record (index into REGISTER): what the registertoets 2023 then
# advises today. 0: Verblijf from 01-03-2026, care begun 03-03-2026 (JA per the actual start,
# A6); 5: MPT and PGB (DEELS, A7); 6: an indication that ended (NEE, A3, with its zorg
# information); 3 has no rows (ONBEKEND, A5); 1 is Onbekend (A4) and 2 Nee (A2); 7, a child:
# Verblijf from 01-02-2026, planned by the zorgkantoor (JA, A6).
ZORGKANTOOR = ("5515", "demo-zorgkantoor")  # Zorgkantoor Amsterdam (iWlz COD001)
ZORGAANBIEDER = ("98765432", "demo-zorgaanbieder")  # a synthetic AGB code
TOEWIJZINGEN = (
    (0, "4", date(2026, 3, 1), None),
    (5, "7", date(2024, 1, 1), None),
    (5, "2", date(2024, 1, 1), None),
    (6, "4", date(2025, 2, 1), None),
    (7, "4", date(2026, 2, 1), None),
)
ZORGSTARTS = ((0, date(2026, 3, 3)),)


# The populations per (aanleverende gemeente, wet): (gemeentecode, client, begins later). A
# client is the index of a register record, or "z0"/"z1" for a BSN without samenloop. "Begins
# later": the subscription's ingangsdatum lies after the peildatum (not lopend yet). 0363's
# Jeugdwet population: the three children of RECORDS_JW, one of them living in 0437.
POPULATIE: dict[tuple[str, Wet], tuple[tuple[str, int | str, bool], ...]] = {
    ("0363", Wet.WMO): (
        ("0363", 0, False),
        ("0437", 1, False),
        ("0363", 2, False),
        ("0363", "z0", False),
    ),
    ("0599", Wet.WMO): (("0599", 3, False), ("0599", 4, False), ("0599", 0, False)),
    ("0344", Wet.WMO): (("0344", 5, True), ("0344", "z1", False)),
    ("0363", Wet.JW): (("0363", 7, False), ("0437", 8, False), ("0363", 9, False)),
}
SINDS = date(2024, 1, 1)  # the ingangsdatum of every lopende demo subscription


@dataclass(frozen=True)
class DemoSet:
    gemeenten: tuple[DemoGemeente, ...]
    register: tuple[RegisterRegel, ...]
    zonder_samenloop: tuple[str, ...]

    def bsn(self, client: int | str) -> str:
        if isinstance(client, int):
            return self.register[client].bsn
        return self.zonder_samenloop[int(client[1:])]


def demo_set() -> DemoSet:
    bsns = synthetic_bsns()
    eerste = [next(bsns) for _ in RECORDS]
    zonder = (next(bsns), next(bsns))
    nummers = [*eerste, *(next(bsns) for _ in REGISTER[len(RECORDS) :])]
    register = tuple(
        RegisterRegel(i, "T", bsn, *record)
        for i, (bsn, record) in enumerate(zip(nummers, REGISTER, strict=True), start=1)
    )
    return DemoSet(GEMEENTEN, register, zonder)


def _regels(demo: DemoSet, populatie: tuple[str, Wet], peildatum: date) -> list[AanleverRegel]:
    later = (peildatum + timedelta(days=30)).isoformat()
    return [
        AanleverRegel(n, code, demo.bsn(client), later if begint_later else SINDS.isoformat(), None)
        for n, (code, client, begint_later) in enumerate(POPULATIE[populatie], start=1)
    ]


def _lezer(regels: list[AanleverRegel]) -> Lezer:
    def lees(toets: GemeenteToets) -> Iterator[AanleverRegel | Melding]:
        for regel in regels:
            fout = toets(regel.gemeentecode)
            yield Melding(regel.regel, "Gemeentecode", fout) if fout else regel

    return lees


def deliver_populations(
    engine: Engine, demo: DemoSet, peildatum: date, wetten: tuple[Wet, ...] = tuple(Wet)
) -> dict[tuple[str, Wet], Verslag]:
    """Each demo gemeente delivers its population of each of `wetten` (the active ones) that it
    has: an initial aanlevering, the normal way. The verslag per (gemeente, wet)."""
    return {
        (gemeente, wet): verwerk_aanlevering(
            engine,
            Opdracht(gemeente, wet, "demo-populatie.csv", peildatum, initieel=True),
            _lezer(_regels(demo, (gemeente, wet), peildatum)),
        )
        for gemeente, wet in POPULATIE
        if wet in wetten
    }


def is_empty(sessions: sessionmaker[Session]) -> bool:
    with sessions() as session:
        orgs = session.scalar(select(func.count()).select_from(Organisatie))
        recs = session.scalar(select(func.count()).select_from(WlzRegister))
    return not orgs and not recs


def _fixed_token(session: Session, rol: Rol, code: str, token: str) -> None:
    """Replace the organisation's new random token by the demo's fixed one."""
    session.flush()
    org = find(session, rol, code)
    assert org is not None
    row = session.scalar(select(OrganisatieToken).where(OrganisatieToken.organisatie_id == org.id))
    assert row is not None
    row.digest = token_digest(token)


def _add_gemeenten(session: Session, demo: DemoSet, peildatum: date) -> None:
    for g in demo.gemeenten:
        add_gemeente(session, g.code, samenwerking=g.samenwerking, mail=g.mail, peildatum=peildatum)
        _fixed_token(session, Rol.GEMEENTE, g.code, g.token)


def _add_zorgpartijen(session: Session, peildatum: date) -> None:
    for rol, (code, token) in ((Rol.ZORGKANTOOR, ZORGKANTOOR), (Rol.ZORGAANBIEDER, ZORGAANBIEDER)):
        add_zorgpartij(session, rol, code, peildatum=peildatum)
        _fixed_token(session, rol, code, token)


def deliver_zorg(engine: Engine, demo: DemoSet) -> list[ZorgResultaat]:
    """The zorgkantoor and the zorgaanbieder each deliver their rows (initial loads)."""
    kantoor = [
        ZorgRegel(n, "T", demo.bsn(i), vorm, start, eind)
        for n, (i, vorm, start, eind) in enumerate(TOEWIJZINGEN, start=1)
    ]
    aanbieder = [
        ZorgRegel(n, "T", demo.bsn(i), "", start, None)
        for n, (i, start) in enumerate(ZORGSTARTS, start=1)
    ]
    feeds = (
        (Feed.ZORGKANTOOR, ZORGKANTOOR[0], kantoor),
        (Feed.ZORGAANBIEDER, ZORGAANBIEDER[0], aanbieder),
    )
    return [
        load_zorgfeed(engine, ZorgOpdracht(feed, code, "demo", initieel=True), rows, aan=True)
        for feed, code, rows in feeds
    ]


def fill(
    engine: Engine, sessions: sessionmaker[Session], peildatum: date, *, zorg: bool = True
) -> DemoSet:
    """Fill an empty database with the demo set (the caller checks that it is empty); the
    zorgkantoor, the zorgaanbieder and their rows only with `zorg` (SAMENLOOP_ZORGINFORMATIE)."""
    demo = demo_set()
    with sessions.begin() as session:
        _add_gemeenten(session, demo, peildatum)
        if zorg:
            _add_zorgpartijen(session, peildatum)
    load_feed(engine, demo.register, initieel=True, bestandsnaam="demo")
    if zorg:
        deliver_zorg(engine, demo)
    return demo
