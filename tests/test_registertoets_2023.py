"""The registertoets 2023 core (store/registertoets_2023.py): the worked examples, the wet, the
legal-basis switches, role refusals and the audit; the reads it makes."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from store.advies import Bron, Waarde
from store.auth import Credentials
from store.models import AuditRegistertoets
from store.organisaties import add_gemeente
from store.registertoets import BsnOngeldig, GeenToegang
from store.registertoets_2023 import (
    Samenloopuitslag,
    Schakelaars,
    WetOngeldig,
    registertoets_samenloop,
    wet_fout,
)
from store.rollen import Rol
from tests.zorgvoorbeelden import VOORBEELDEN, D, Voorbeeld, plaats, zorg_token

AAN = Schakelaars()


@pytest.fixture
def bsns(engine: Engine) -> dict[int, str]:
    return plaats(engine)


@pytest.fixture
def creds(sessions: sessionmaker[Session], bsns: dict[int, str]) -> Credentials:
    with sessions.begin() as session:
        return Credentials(token=add_gemeente(session, "0363", peildatum=D))


def _toets(
    engine: Engine, creds: Credentials, bsn: str, wet: str = "wmo", schakelaars: Schakelaars = AAN
) -> Samenloopuitslag:
    return registertoets_samenloop(engine, creds, bsn, wet, D, limiet=0, schakelaars=schakelaars)


def _audit(engine: Engine) -> list[tuple[str, str | None, str]]:
    query = select(AuditRegistertoets.operatie, AuditRegistertoets.bsn, AuditRegistertoets.uitkomst)
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query.order_by(AuditRegistertoets.id))]  # type: ignore[misc]


@pytest.mark.parametrize("v", VOORBEELDEN, ids=lambda v: f"voorbeeld-{v.nr}")
@pytest.mark.parametrize("wet", ["wmo", "jw"])
def test_every_worked_example(
    engine: Engine, creds: Credentials, bsns: dict[int, str], v: Voorbeeld, wet: str
) -> None:
    got = _toets(engine, creds, bsns[v.nr], wet)
    if v.status is None:  # no samenloop: the 2021 NEE, nothing else
        assert got == Samenloopuitslag(got.uitslag) and not got.uitslag.samenloop
        return
    assert got.uitslag.samenloop and got.zorg is not None and got.advies is not None
    assert (got.advies.waarde, got.advies.regel, got.advies.per_datum) == (
        Waarde(v.advies),
        v.regel,
        v.per,
    )
    assert got.advies.regelversie == "2023.1"
    assert (got.zorg.startdatum_zorg, got.zorg.bron) == (v.start, v.bron and Bron(v.bron))
    assert ("Jeugdwet" if wet == "jw" else "Wmo 2015") in got.advies.toelichting
    if v.per:
        assert v.per.strftime("%d-%m-%Y") in got.advies.toelichting


def test_the_leveringsvormen_are_those_not_ended_on_d(
    engine: Engine, creds: Credentials, bsns: dict[int, str]
) -> None:
    zorg = _toets(engine, creds, bsns[9]).zorg
    assert zorg is not None
    assert [(lv.code, lv.startdatum.isoformat()) for lv in zorg.leveringsvormen] == [
        ("7", "2026-01-20"),
        ("4", "2026-04-01"),
    ]
    assert zorg.leveringsvormen[1].omschrijving
    assert _toets(engine, creds, bsns[11]).zorg.leveringsvormen == ()  # type: ignore[union-attr]


def test_zorginformatie_uit_gives_the_2021_answer_only(
    engine: Engine, creds: Credentials, bsns: dict[int, str]
) -> None:
    uit = Schakelaars(zorginformatie=False)
    got = _toets(engine, creds, bsns[6], schakelaars=uit)
    assert got.uitslag.samenloop and got.zorg is None and got.advies is None


@pytest.mark.parametrize("wet", ["WMO", "wlz", "", " jw", "999900006"])
def test_an_unknown_wet_is_refused_audited_like_a_bad_bsn(
    engine: Engine, creds: Credentials, bsns: dict[int, str], wet: str
) -> None:
    with pytest.raises(WetOngeldig) as raised:
        _toets(engine, creds, bsns[6], wet)
    assert "999900006" not in str(raised.value) and "wmo, jw" in str(raised.value)
    assert _audit(engine) == [("RegistertoetsSamenloop", None, "WET_ONGELDIG")]


def test_jw_is_refused_while_the_jeugdwet_switch_is_uit(
    engine: Engine, creds: Credentials, bsns: dict[int, str]
) -> None:
    with pytest.raises(WetOngeldig, match="Jeugdwet"):
        _toets(engine, creds, bsns[6], "jw", Schakelaars(jeugdwet=False))
    assert _toets(engine, creds, bsns[6], "wmo", Schakelaars(jeugdwet=False)).advies is not None
    assert wet_fout("jw", jeugdwet=True) is None and wet_fout(None, jeugdwet=True)


def test_a_bad_bsn_wins_over_a_bad_wet(engine: Engine, creds: Credentials) -> None:
    with pytest.raises(BsnOngeldig):
        _toets(engine, creds, "999900007", "xx")
    assert _audit(engine) == [("RegistertoetsSamenloop", None, "BSN_ONGELDIG")]


@pytest.mark.parametrize("rol", [Rol.ZORGKANTOOR, Rol.ZORGAANBIEDER])
@pytest.mark.parametrize("wet", ["wmo", "xx"])
def test_a_zorgkantoor_or_zorgaanbieder_token_is_refused(
    engine: Engine, sessions: sessionmaker[Session], bsns: dict[int, str], rol: Rol, wet: str
) -> None:
    token = zorg_token(sessions, rol)
    with pytest.raises(GeenToegang):
        _toets(engine, Credentials(token=token), bsns[6], wet)
    assert _audit(engine) == [("RegistertoetsSamenloop", None, "GEEN_GEMEENTE")]


def test_ja_and_nee_are_audited_as_the_2023_operation(
    engine: Engine, creds: Credentials, bsns: dict[int, str]
) -> None:
    _toets(engine, creds, bsns[6], "jw")
    _toets(engine, creds, bsns[1])
    assert _audit(engine) == [
        ("RegistertoetsSamenloop", bsns[6], "JA"),
        ("RegistertoetsSamenloop", bsns[1], "NEE"),
    ]


def test_caller_record_and_zorg_come_in_one_statement(
    engine: Engine, creds: Credentials, bsns: dict[int, str]
) -> None:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]).split(None, 1)[0])

    event.listen(engine, "before_cursor_execute", count)
    try:
        zorg = _toets(engine, creds, bsns[10]).zorg
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert [s for s in statements if s in ("SELECT", "INSERT")] == ["SELECT", "INSERT"]
    assert zorg is not None and zorg.startdatum_zorg is not None
    assert zorg.bron is Bron.ZORGAANBIEDER
