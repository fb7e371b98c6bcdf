"""Registertoets in the portal: the same store function as REST, audited the same way; the
BSN only in a POST body, never in a URL, title or log line."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import Engine, select

from store.demo import DemoSet
from store.models import AuditRegistertoets, Organisatie
from store.models_portaal import Gebruiker
from tests.portaal.conftest import BEHEERDER, MEDEWERKER, Bezoeker, Gebruikers
from tests.portaal.test_toegang import _title, assert_pagina


def _audit(engine: Engine) -> list[tuple[str, str | None, str, str]]:
    query = (
        select(Organisatie.code, AuditRegistertoets.bsn, AuditRegistertoets.uitkomst,
               AuditRegistertoets.operatie)
        .join(Organisatie, Organisatie.id == AuditRegistertoets.organisatie_id)
        .order_by(AuditRegistertoets.id)
    )  # fmt: skip
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]  # type: ignore[misc]


def _wie(engine: Engine) -> list[str | None]:
    """Per audit record, the portal user who did it (None: not a portal user)."""
    a = AuditRegistertoets
    query = select(Gebruiker.email).select_from(a).outerjoin(Gebruiker).order_by(a.id)
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


def _toets(b: Bezoeker, bsn: str, wet: str = "wmo") -> httpx.Response:
    return b.post("/portaal/registertoets", {"bsn": bsn, "wet": wet})


@pytest.mark.parametrize(
    "index,wet,verwacht",
    [
        (0, "wmo", ["<dd>Ja</dd>", "advies--ja", "A6", "Verblijf", "de Wmo 2015"]),
        (0, "jw", ["advies--ja", "de Jeugdwet"]),
        (5, "wmo", ["advies--deels", "A7", "MPT", "01-01-2024"]),
        (3, "wmo", ["advies--onbekend", "A5", "Er zijn geen leveringsvormen bekend."]),
        (1, "wmo", ["<dd>Onbekend</dd>", "A4"]),
        (2, "wmo", ["advies--nee", "A2"]),
    ],
)
def test_the_answer_with_advies_rule_and_toelichting(
    beheerder: Bezoeker,
    demo_set: DemoSet,
    engine: Engine,
    index: int,
    wet: str,
    verwacht: list[str],
) -> None:
    bsn = demo_set.register[index].bsn
    r = _toets(beheerder, bsn, wet)
    assert_pagina(r, 200, "Registertoets")
    for tekst in verwacht:
        assert tekst in r.text, tekst
    assert "Toelichting" in r.text and "regelversie" not in r.text
    assert bsn not in _title(r.text)
    assert _audit(engine) == [("0363", bsn, "JA", "RegistertoetsSamenloop")]
    assert _wie(engine) == [BEHEERDER]  # the person, not only the organisation


def test_no_samenloop(beheerder: Bezoeker, demo_set: DemoSet, engine: Engine) -> None:
    r = _toets(beheerder, demo_set.zonder_samenloop[0])
    assert_pagina(r, 200, "Registertoets")
    assert "Nee: geen samenloop gevonden" in r.text and "Advies" not in r.text
    assert _audit(engine)[0][2] == "NEE"


@pytest.mark.parametrize(
    "bsn,melding",
    [
        ("999900007", "voldoet niet aan de elfproef"),
        ("99990000", "8 cijfers; vul aan met een voorloopnul"),
        ("9999.00006", "mag alleen de cijfers 0-9 bevatten"),
        ("٩٩٩٩٠٠٠٠٦", "mag alleen de cijfers 0-9 bevatten"),
    ],
)
def test_a_bad_bsn_gets_a_dutch_message_next_to_the_field_and_is_audited_without_it(
    beheerder: Bezoeker, demo_set: DemoSet, engine: Engine, bsn: str, melding: str
) -> None:
    r = _toets(beheerder, bsn)
    assert_pagina(r, 200, "Registertoets")
    assert '<p class="veldfout" id="bsn-fout">' in r.text
    veld = r.text.split('id="bsn-fout">', 1)[1].split("</p>", 1)[0]
    assert melding in veld
    assert 'href="#bsn"' in r.text  # and summarised at the top
    assert 'aria-invalid="true"' in r.text
    assert "Uitslag" not in r.text
    assert _audit(engine) == [("0363", None, "BSN_ONGELDIG", "RegistertoetsSamenloop")]
    assert _wie(engine) == [BEHEERDER]


def test_an_empty_form_is_refused_by_the_form(beheerder: Bezoeker, engine: Engine) -> None:
    r = beheerder.post("/portaal/registertoets", {"bsn": " ", "wet": "zvw"})
    assert_pagina(r, 200, "Registertoets")
    assert "Vul een BSN in." in r.text and "Ongeldige keuze." in r.text
    assert _audit(engine) == []


def test_jeugdwet_off_offers_only_the_wmo(
    settings: object, engine: Engine, gebruikers: Gebruikers, demo_set: DemoSet
) -> None:
    from adapters.portaal.app import create_portaal_app
    from store.settings import Settings
    from tests.portaal.conftest import BASE_URL, BEHEERDER, PEILDATUM

    assert isinstance(settings, Settings)
    uit = Settings(database_url=settings.database_url, jeugdwet=False)
    app = create_portaal_app(uit, engine, vandaag=lambda: PEILDATUM)
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE_URL) as client:
        b = Bezoeker(client)
        b.login(BEHEERDER)
        page = b.get("/portaal/registertoets").text
        assert 'value="wmo"' in page and 'value="jw"' not in page
        r = _toets(b, demo_set.register[0].bsn, "jw")
        assert "Ongeldige keuze." in r.text


def test_the_rate_limit_is_the_same_as_for_soap_and_rest(
    settings: object, engine: Engine, gebruikers: Gebruikers, demo_set: DemoSet
) -> None:
    from adapters.portaal.app import create_portaal_app
    from store.settings import Settings
    from tests.portaal.conftest import BASE_URL, BEHEERDER, PEILDATUM

    assert isinstance(settings, Settings)
    twee = Settings(database_url=settings.database_url, registertoets_limiet=2)
    app = create_portaal_app(twee, engine, vandaag=lambda: PEILDATUM)
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE_URL) as client:
        b = Bezoeker(client)
        b.login(BEHEERDER)
        bsn = demo_set.register[0].bsn
        assert _toets(b, bsn).status_code == 200
        assert _toets(b, bsn).status_code == 200
        r = _toets(b, bsn)
    assert_pagina(r, 429, "Registertoets")
    assert "Te veel registertoetsen" in r.text and "Retry-After" in r.headers
    assert len(_audit(engine)) == 2


def test_the_bsn_never_reaches_a_url_or_a_log_line(
    beheerder: Bezoeker, demo_set: DemoSet, caplog: pytest.LogCaptureFixture
) -> None:
    bsn = demo_set.register[0].bsn
    caplog.set_level("INFO")
    r = _toets(beheerder, bsn)
    assert str(r.request.url).endswith("/portaal/registertoets")
    assert bsn not in r.headers.get("location", "")
    assert all(
        bsn not in rec.getMessage() and bsn not in str(rec.__dict__) for rec in caplog.records
    )
    assert 'autocomplete="off"' in r.text  # no browser keeps the BSN in its form history


def test_someone_with_only_registertoets_can_use_it(
    nieuwe_bezoeker: Callable[[], Bezoeker],
    gebruikers: Gebruikers,
    demo_set: DemoSet,
    engine: Engine,
) -> None:
    b = nieuwe_bezoeker()
    b.login(MEDEWERKER)
    assert_pagina(_toets(b, demo_set.register[0].bsn), 200, "Registertoets")
    assert _wie(engine) == [MEDEWERKER]
