"""Applying an accepted aanlevering: upsert, initieel, einddatum, controle, the kept verslag."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from store import populatie, verslag
from store.models import Aanlevering, Abonnement, AuditRegistertoets, Organisatie
from store.organisaties import set_gemeente
from store.verslag import Aantallen, Verslag
from tests.populatie.conftest import D, Upload, populatie_van

D0 = date(2026, 2, 1)
B = ["999900006", "999900018", "999900031", "999900043", "999900055", "999900067"]


def _org(sessions: sessionmaker[Session], code: str) -> int:
    with sessions() as s:
        org_id = s.scalar(select(Organisatie.id).where(Organisatie.code == code))
    assert org_id is not None
    return org_id


def _count(sessions: sessionmaker[Session], model: type[Abonnement | Aanlevering]) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_initieel_then_mutaties(upload: Upload, sessions: sessionmaker[Session]) -> None:
    eerste = upload("initieel-geldig.csv", initieel=True, peildatum=D0)
    assert eerste.aantallen == Aantallen(nieuw=4, met_einddatum=1)
    verslag = upload("mutaties-geldig.csv")
    assert verslag.status == "afgeleverd"
    assert verslag.aantal_regels == 5
    assert verslag.aantallen == Aantallen(
        nieuw=1, gewijzigd=1, ongewijzigd=1, met_einddatum=2, beeindigd=2, niet_in_bestand=1
    )
    org = _org(sessions, "0363")
    assert populatie_van(sessions) == {
        ("0363", B[0]): (date(2020, 1, 1), None, org, D0, D0),  # unchanged: left alone
        ("0363", B[1]): (date(2026, 2, 1), None, org, D0, D),  # changed: new mutatiedatum
        ("0437", B[3]): (date(2019, 1, 1), date(2026, 12, 31), org, D0, D0),  # not in file
        ("0437", B[4]): (None, None, org, D, D),  # new
        # B[2] reached its einddatum today: removed; B[5] arrived already ended: not kept.
    }


def test_initieel_replaces_the_senders_whole_population_only(
    upload: Upload, sessions: sessionmaker[Session]
) -> None:
    upload("initieel-geldig.csv", initieel=True, peildatum=D0)
    anders = upload(f"{B[5]},0599,,\n".encode(), gemeente="0599")
    assert anders.status == "afgeleverd"
    verslag = upload("initieel-klein.csv", initieel=True)
    assert verslag.aantallen == Aantallen(gewijzigd=1, verwijderd=3)
    assert set(populatie_van(sessions)) == {("0363", B[1]), ("0599", B[5])}
    tekst = verslag.tekst()
    assert "Verwijderd (niet in dit initiële bestand):  3" in tekst
    assert "Niet in dit bestand" not in tekst


def test_a_bsn_twice_for_one_gemeentecode_warns_and_the_last_line_wins(
    upload: Upload, sessions: sessionmaker[Session]
) -> None:
    verslag = upload("dubbel-bsn.csv")
    assert verslag.status == "afgeleverd"
    assert verslag.waarschuwingen.regels() == [
        "regel 1, BSN: hetzelfde BSN staat voor gemeentecode 0363 ook op regel 4 en 5; "
        "de laatste regel (5) telt"
    ]
    assert verslag.aantallen == Aantallen(nieuw=3, met_einddatum=1)
    pop = populatie_van(sessions)
    assert pop[("0363", B[0])][:2] == (date(2022, 1, 1), date(2030, 12, 31))
    assert pop[("0437", B[0])][:2] == (date(2020, 1, 1), None)


def test_a_future_einddatum_stays_until_it_is_reached(
    upload: Upload, sessions: sessionmaker[Session]
) -> None:
    verslag = upload("toekomstige-einddatum.csv")
    assert verslag.aantallen == Aantallen(nieuw=1, met_einddatum=2, beeindigd=1)
    assert set(populatie_van(sessions)) == {("0363", B[0])}
    # The next day its einddatum is reached: any upload of the gemeente removes it.
    volgende = upload(f"{B[4]},0363,,\n".encode(), peildatum=D + timedelta(days=1))
    assert volgende.aantallen == Aantallen(nieuw=1, beeindigd=1, niet_in_bestand=0)
    assert set(populatie_van(sessions)) == {("0363", B[4])}


def test_is_lopend_follows_beslisregels_3(upload: Upload, sessions: sessionmaker[Session]) -> None:
    cases = [
        (None, None, True),
        (D, None, True),
        (D + timedelta(days=1), None, False),
        (None, D, False),
        (None, D + timedelta(days=1), True),
        (D - timedelta(days=9), D - timedelta(days=1), False),
    ]
    for ingang, eind, lopend in cases:
        assert populatie.is_lopend(ingang, eind, D) is lopend
    data = "".join(
        f"{bsn},0363,{'' if i is None else i.strftime('%d-%m-%Y')},"
        f"{'' if e is None else e.strftime('%d-%m-%Y')}\n"
        for bsn, (i, e, _) in zip(B, cases, strict=True)
    ).encode()
    assert upload(data, peildatum=D - timedelta(days=30)).status == "afgeleverd"
    with sessions() as s:
        sql = set(s.scalars(select(Abonnement.bsn).where(populatie.lopend_op(D))))
    assert sql == {bsn for bsn, (_, _, lopend) in zip(B, cases, strict=True) if lopend}


def test_controle_gives_the_same_verslag_and_changes_and_keeps_nothing(
    upload: Upload, sessions: sessionmaker[Session]
) -> None:
    upload("initieel-geldig.csv", initieel=True, peildatum=D0)
    before, kept = populatie_van(sessions), _count(sessions, Aanlevering)
    controle = upload("mutaties-geldig.csv", controle=True)
    assert controle.controle and controle.id is None
    assert (populatie_van(sessions), _count(sessions, Aanlevering)) == (before, kept)
    assert "controle: er is niets gewijzigd of bewaard" in controle.tekst()
    echt = upload("mutaties-geldig.csv")
    assert (controle.status, controle.aantallen) == (echt.status, echt.aantallen)
    fout = upload("meerdere-fouten.csv", controle=True)
    assert fout.status == "afgekeurd" and _count(sessions, Aanlevering) == kept + 1


def test_the_verslag_is_kept_for_its_gemeente_only(
    upload: Upload, sessions: sessionmaker[Session]
) -> None:
    goed = upload("dubbel-bsn.csv")
    fout = upload("meerdere-fouten.csv")
    with sessions() as s:
        assert verslag.ophalen(s, "0363", goed.id) == goed
        assert verslag.ophalen(s, "0363") == fout  # the newest
        assert verslag.ophalen(s, "0599", goed.id) is None
        assert verslag.ophalen(s, "0437") is None  # a member does not see its hoofdgemeente's
        lijst = verslag.aanleveringen(s, "0363")
    assert [(a.id, a.status, a.aantal_regels) for a in lijst] == [
        (fout.id, "afgekeurd", 5),
        (goed.id, "afgeleverd", 5),
    ]
    assert lijst[0].ontvangen_op == fout.ontvangen_op


def test_verslag_json_has_every_key_in_lower_camel_case(upload: Upload) -> None:
    goed, fout = upload("dubbel-bsn.csv"), upload("bsn-elfproef.csv")
    for v in (goed, fout):
        data = v.as_dict()
        assert list(data) == [
            "id",
            "bestandsnaam",
            "aanleverendeGemeente",
            "wet",
            "initieel",
            "controle",
            "ontvangenOp",
            "peildatum",
            "status",
            "aantalRegels",
            "nieuw",
            "gewijzigd",
            "ongewijzigd",
            "metEinddatum",
            "beeindigd",
            "nietInBestand",
            "verwijderd",
            "aantalFouten",
            "fouten",
            "aantalWaarschuwingen",
            "waarschuwingen",
        ]
        assert Verslag.from_dict(data) == v
    assert fout.as_dict()["nieuw"] is None
    assert fout.as_dict()["fouten"] == [
        {"regel": 1, "veld": "BSN", "melding": "voldoet niet aan de elfproef"}
    ]
    assert goed.as_dict()["peildatum"] == "2026-03-01"
    assert goed.as_dict()["waarschuwingen"][0]["regel"] == 1


def test_a_gemeentecode_that_moved_to_another_sender(
    upload: Upload, sessions: sessionmaker[Session]
) -> None:
    upload("initieel-geldig.csv", initieel=True, peildatum=D0)
    with sessions.begin() as s:
        set_gemeente(s, "0363", samenwerking=[], peildatum=D)
        set_gemeente(s, "0599", samenwerking=["0437"], peildatum=D)
    verslag = upload(f"{B[2]},0437,15-06-2021,\n".encode(), gemeente="0599")
    assert verslag.aantallen == Aantallen(gewijzigd=1)
    assert populatie_van(sessions)[("0437", B[2])][2:] == (_org(sessions, "0599"), D0, D)
    assert upload(f"{B[2]},0437,,\n".encode()).fouten.regels() == [
        "regel 1, Gemeentecode: 0437 hoort niet bij de gemeenten waarvoor 0363 aanlevert "
        "voor de wmo (0363); haal deze regel weg"
    ]


def test_a_failure_halfway_leaves_the_population_as_it_was(
    upload: Upload, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    upload("initieel-geldig.csv", initieel=True, peildatum=D0)
    before, kept = populatie_van(sessions), _count(sessions, Aanlevering)

    def crash(*_: object) -> None:
        raise RuntimeError("process killed")

    # The last step, after every write to the population: one transaction, so all is undone.
    monkeypatch.setattr(populatie, "bewaar", crash)
    with pytest.raises(RuntimeError):
        upload("initieel-klein.csv", initieel=True)
    assert (populatie_van(sessions), _count(sessions, Aanlevering)) == (before, kept)


def test_two_uploads_of_one_gemeente_do_not_interleave(
    upload: Upload, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    """The second waits for the first's lock on the gemeente (row lock, or SQLite's writer)."""
    done: list[Verslag] = []
    with engine.begin() as conn:
        populatie._lock(conn, "0363")
        thread = threading.Thread(target=lambda: done.append(upload("initieel-klein.csv")))
        thread.start()
        time.sleep(1.0)
        assert not done, "the second upload ran while the first held the lock"
    thread.join(timeout=30)
    assert done and done[0].status == "afgeleverd"
    assert set(populatie_van(sessions)) == {("0363", B[1])}


def test_an_upload_in_progress_does_not_block_the_gemeentes_registertoets(
    upload: Upload, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    """PostgreSQL: the lock is FOR NO KEY UPDATE, so an audit insert (a foreign-key check on
    the organisatie row) goes on. SQLite has one writer for everything: said in the README."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has a single writer lock")
    org = _org(sessions, "0363")
    with engine.begin() as conn:
        populatie._lock(conn, "0363")
        with engine.begin() as other:
            other.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
            audit = {"tijdstip": datetime.now(UTC), "organisatie_id": org, "operatie": "t"}
            other.execute(insert(AuditRegistertoets), {**audit, "bsn": None, "uitkomst": "NEE"})
