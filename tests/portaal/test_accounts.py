"""The store's accounts: users and rights, set-password links, login with lockout, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import Engine, func, select

from store import wachtwoorden
from store.demo import DemoSet
from store.gebruikers import (
    ALLE_RECHTEN,
    GebruikerFout,
    GebruikerInfo,
    Gebruikersrecht,
    NietGevonden,
    blokkeer,
    lees,
    lijst,
    nieuwe_link,
    voeg_toe,
    voeg_toe_aan_gemeente,
    zet_rechten,
)
from store.models_portaal import Gebruiker, PortaalSessie, WachtwoordToken
from store.organisaties import token_digest
from store.portaalsessies import (
    MISLUKT,
    InloggenMislukt,
    inloggen,
    lees_sessie,
    uitloggen,
)
from store.wachtwoordlinks import (
    GEBRUIKT,
    ONGELDIG,
    VERLOPEN,
    LinkFout,
    WachtwoordFout,
    controleer,
    stel_in,
)
from tests.portaal.conftest import (
    BEHEERDER,
    MEDEWERKER,
    NU,
    WACHTWOORD,
    Gebruikers,
)

R = Gebruikersrecht


def test_production_hashing_is_argon2id_with_rfc9106_memory() -> None:
    hasher = PasswordHasher()  # what store.wachtwoorden uses outside the tests
    assert hasher.type is Type.ID
    assert hasher.memory_cost >= 64 * 1024
    assert wachtwoorden.hasher().type is Type.ID


def test_first_user_of_a_gemeente_gets_every_right_later_ones_what_is_granted(
    engine: Engine, demo_set: DemoSet
) -> None:
    eerste = voeg_toe_aan_gemeente(engine, "0363", " Beheer@Amsterdam.EXAMPLE ", [], NU)
    assert eerste.gebruiker.rechten == ALLE_RECHTEN
    assert eerste.gebruiker.email == BEHEERDER  # kept in lower case, trimmed
    assert not eerste.gebruiker.wachtwoord_ingesteld
    tweede = voeg_toe_aan_gemeente(engine, "0363", MEDEWERKER, [R.REGISTERTOETS], NU)
    assert tweede.gebruiker.rechten == {R.REGISTERTOETS}
    andere_gemeente = voeg_toe_aan_gemeente(engine, "0599", "a@rotterdam.example", [], NU)
    assert andere_gemeente.gebruiker.rechten == ALLE_RECHTEN
    assert [g.email for g in lijst(engine, eerste.gebruiker.organisatie_id)] == [
        BEHEERDER,
        MEDEWERKER,
    ]


def test_an_address_is_unique_whatever_its_capitals_and_must_be_an_address(
    engine: Engine, demo_set: DemoSet
) -> None:
    voeg_toe_aan_gemeente(engine, "0363", BEHEERDER, [], NU)
    for adres, gemeente in ((BEHEERDER.upper(), "0363"), (BEHEERDER, "0599")):
        with pytest.raises(GebruikerFout, match="al een gebruiker") as exc:
            voeg_toe_aan_gemeente(engine, gemeente, adres, [], NU)
        assert exc.value.veld == "email"
    for fout in ("", "geen-apenstaartje", "a@b", "a b@c.nl", "@gemeente.nl", "a@@b.nl"):
        with pytest.raises(GebruikerFout, match="e-mailadres"):
            voeg_toe_aan_gemeente(engine, "0363", fout, [], NU)
    with pytest.raises(GebruikerFout, match="gemeente 9999 is niet geregistreerd"):
        voeg_toe_aan_gemeente(engine, "9999", "x@y.example", [], NU)
    with pytest.raises(GebruikerFout, match="gemeente 5515 is niet geregistreerd"):
        voeg_toe_aan_gemeente(engine, "5515", "x@y.example", [], NU)  # a zorgkantoor


def test_a_link_sets_the_password_once_within_24_hours(engine: Engine, demo_set: DemoSet) -> None:
    nieuw = voeg_toe_aan_gemeente(engine, "0363", BEHEERDER, [], NU)
    assert controleer(engine, nieuw.token, NU + timedelta(hours=23)) == BEHEERDER
    with pytest.raises(WachtwoordFout, match="minstens 12 tekens"):
        stel_in(engine, nieuw.token, "elf tekens!", NU)
    assert stel_in(engine, nieuw.token, WACHTWOORD, NU) == BEHEERDER
    with pytest.raises(LinkFout) as used:
        stel_in(engine, nieuw.token, "nog een wachtwoord", NU)
    assert str(used.value) == GEBRUIKT
    with pytest.raises(LinkFout) as unknown:
        controleer(engine, "verzonnen", NU)
    assert str(unknown.value) == ONGELDIG
    later = nieuwe_link(engine, nieuw.gebruiker.organisatie_id, nieuw.gebruiker.id, NU)
    with pytest.raises(LinkFout) as expired:
        stel_in(engine, later, "nog een wachtwoord", NU + timedelta(hours=24))
    assert str(expired.value) == VERLOPEN
    with engine.connect() as conn:  # only digests are kept, of the newest link alone
        digests = conn.scalars(select(WachtwoordToken.digest)).all()
        hashes = conn.scalars(select(Gebruiker.wachtwoord_hash)).all()
    assert digests == [token_digest(later)]
    assert all(h and h.startswith("$argon2id$") and WACHTWOORD not in h for h in hashes)


def test_a_new_link_ends_the_earlier_one(engine: Engine, gebruikers: Gebruikers) -> None:
    info = _info(engine, gebruikers.medewerker)
    eerste = nieuwe_link(engine, info.organisatie_id, info.id, NU)
    tweede = nieuwe_link(engine, info.organisatie_id, info.id, NU)
    with pytest.raises(LinkFout, match="ongeldig"):
        controleer(engine, eerste, NU)
    assert controleer(engine, tweede, NU) == MEDEWERKER


def _info(engine: Engine, gebruiker_id: int) -> GebruikerInfo:
    with engine.connect() as conn:
        org = conn.scalar(select(Gebruiker.organisatie_id).where(Gebruiker.id == gebruiker_id))
    assert org is not None
    return lees(engine, org, gebruiker_id)


def test_login_makes_a_new_session_each_time_and_ends_the_one_it_came_with(
    engine: Engine, gebruikers: Gebruikers
) -> None:
    eerste = inloggen(engine, BEHEERDER.upper(), WACHTWOORD, NU)
    assert eerste.sessie.gebruiker.rechten == ALLE_RECHTEN
    assert lees_sessie(engine, eerste.id, NU) == eerste.sessie
    tweede = inloggen(engine, BEHEERDER, WACHTWOORD, NU, vorige=eerste.id)
    assert tweede.id != eerste.id and tweede.sessie.csrf != eerste.sessie.csrf
    assert lees_sessie(engine, eerste.id, NU) is None
    assert lees_sessie(engine, tweede.id, NU) is not None
    with engine.connect() as conn:
        stored = conn.scalars(select(PortaalSessie.digest)).all()
    assert stored == [token_digest(tweede.id)]  # the id itself is never stored


@pytest.mark.parametrize(
    "adres,wachtwoord", [(BEHEERDER, "fout wachtwoord"), ("x@y.nl", WACHTWOORD)]
)
def test_a_wrong_address_or_password_gets_one_message(
    engine: Engine, gebruikers: Gebruikers, adres: str, wachtwoord: str
) -> None:
    with pytest.raises(InloggenMislukt) as exc:
        inloggen(engine, adres, wachtwoord, NU)
    assert str(exc.value) == MISLUKT


def test_five_failures_in_15_minutes_lock_the_account_for_15_minutes(
    engine: Engine, gebruikers: Gebruikers
) -> None:
    for minuut in range(5):  # five failures within the window
        with pytest.raises(InloggenMislukt):
            inloggen(engine, BEHEERDER, "fout wachtwoord", NU + timedelta(minutes=minuut * 3))
    op_slot = NU + timedelta(minutes=12)
    for moment in (op_slot, op_slot + timedelta(minutes=14, seconds=59)):
        with pytest.raises(InloggenMislukt) as exc:  # the right password, the same message
            inloggen(engine, BEHEERDER, WACHTWOORD, moment)
        assert str(exc.value) == MISLUKT
    assert inloggen(engine, MEDEWERKER, WACHTWOORD, op_slot)  # another account is not locked
    assert inloggen(engine, BEHEERDER, WACHTWOORD, op_slot + timedelta(minutes=15))


def test_failures_spread_over_more_than_15_minutes_do_not_lock(
    engine: Engine, gebruikers: Gebruikers
) -> None:
    for minuut in (0, 4, 8, 12, 16, 20):  # never five within 15 minutes
        with pytest.raises(InloggenMislukt):
            inloggen(engine, BEHEERDER, "fout wachtwoord", NU + timedelta(minutes=minuut))
    assert inloggen(engine, BEHEERDER, WACHTWOORD, NU + timedelta(minutes=21))


def test_a_success_clears_the_failures(engine: Engine, gebruikers: Gebruikers) -> None:
    for _ in range(4):
        with pytest.raises(InloggenMislukt):
            inloggen(engine, BEHEERDER, "fout wachtwoord", NU)
    inloggen(engine, BEHEERDER, WACHTWOORD, NU)
    for _ in range(4):
        with pytest.raises(InloggenMislukt):
            inloggen(engine, BEHEERDER, "fout wachtwoord", NU)
    assert inloggen(engine, BEHEERDER, WACHTWOORD, NU)


def test_sessions_expire_after_30_minutes_idle_and_8_hours_at_most(
    engine: Engine, gebruikers: Gebruikers
) -> None:
    idle = inloggen(engine, BEHEERDER, WACHTWOORD, NU)
    assert lees_sessie(engine, idle.id, NU + timedelta(minutes=29)) is not None
    assert lees_sessie(engine, idle.id, NU + timedelta(minutes=58)) is not None  # kept alive
    assert lees_sessie(engine, idle.id, NU + timedelta(minutes=88)) is None
    assert lees_sessie(engine, idle.id, NU + timedelta(minutes=89)) is None  # gone for good
    lang = inloggen(engine, BEHEERDER, WACHTWOORD, NU)
    for n in range(1, 24):  # a page every 20 minutes, up to 7:40 after the login
        moment = NU + timedelta(minutes=20 * n)
        assert lees_sessie(engine, lang.id, moment) is not None, moment
    assert lees_sessie(engine, lang.id, NU + timedelta(hours=8)) is None


def test_logout_blocking_and_a_new_password_end_sessions(
    engine: Engine, gebruikers: Gebruikers
) -> None:
    sessie = inloggen(engine, BEHEERDER, WACHTWOORD, NU)
    uitloggen(engine, sessie.id)
    assert lees_sessie(engine, sessie.id, NU) is None
    medewerker = inloggen(engine, MEDEWERKER, WACHTWOORD, NU)
    org = medewerker.sessie.gebruiker.organisatie_id
    blokkeer(engine, org, gebruikers.medewerker)
    assert lees_sessie(engine, medewerker.id, NU) is None
    with pytest.raises(InloggenMislukt):
        inloggen(engine, MEDEWERKER, WACHTWOORD, NU)
    blokkeer(engine, org, gebruikers.medewerker, geblokkeerd=False)
    opnieuw = inloggen(engine, MEDEWERKER, WACHTWOORD, NU)
    stel_in(engine, nieuwe_link(engine, org, gebruikers.medewerker, NU), "een ander wachtwoord", NU)
    assert lees_sessie(engine, opnieuw.id, NU) is None


def test_rights_are_read_anew_with_every_session_read(
    engine: Engine, gebruikers: Gebruikers
) -> None:
    sessie = inloggen(engine, MEDEWERKER, WACHTWOORD, NU)
    org = sessie.sessie.gebruiker.organisatie_id
    zet_rechten(engine, org, gebruikers.medewerker, [R.OPHALEN, R.RAPPORTEN])
    gelezen = lees_sessie(engine, sessie.id, NU)
    assert gelezen is not None and gelezen.gebruiker.rechten == {R.OPHALEN, R.RAPPORTEN}


def test_another_organisations_user_is_not_found(engine: Engine, gebruikers: Gebruikers) -> None:
    rotterdam = _info(engine, gebruikers.rotterdammer).organisatie_id
    for actie in (
        lambda: lees(engine, rotterdam, gebruikers.medewerker),
        lambda: zet_rechten(engine, rotterdam, gebruikers.medewerker, []),
        lambda: blokkeer(engine, rotterdam, gebruikers.medewerker),
        lambda: nieuwe_link(engine, rotterdam, gebruikers.medewerker, NU),
        lambda: lees(engine, rotterdam, 999_999),
    ):
        with pytest.raises(NietGevonden):
            actie()
    assert _info(engine, gebruikers.medewerker).rechten == {R.REGISTERTOETS}


def test_the_last_gebruikersbeheerder_keeps_the_right_and_is_not_blocked(
    engine: Engine, gebruikers: Gebruikers
) -> None:
    org = _info(engine, gebruikers.beheerder).organisatie_id
    with pytest.raises(GebruikerFout, match="laatste gebruikersbeheerder"):
        zet_rechten(engine, org, gebruikers.beheerder, [R.REGISTERTOETS])
    with pytest.raises(GebruikerFout, match="laatste gebruikersbeheerder"):
        blokkeer(engine, org, gebruikers.beheerder)
    zet_rechten(engine, org, gebruikers.medewerker, [R.GEBRUIKERSBEHEER])
    assert zet_rechten(engine, org, gebruikers.beheerder, [R.REGISTERTOETS]).rechten == {
        R.REGISTERTOETS
    }


def test_a_gebruikersbeheerder_adds_to_the_own_organisation_only(
    engine: Engine, gebruikers: Gebruikers
) -> None:
    org = _info(engine, gebruikers.beheerder).organisatie_id
    nieuw = voeg_toe(engine, org, "nieuw@amsterdam.example", [R.OPHALEN], NU)
    assert nieuw.gebruiker.organisatie_code == "0363"
    assert nieuw.gebruiker.rechten == {R.OPHALEN}  # not the first: only what is granted
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Gebruiker)) == 4
