"""The 60-day reminder per wet: a recent Jeugdwet aanlevering does not hide a Wmo lapse (the Wmo
reminder keeps its key and words), a Jw lapse gets a reminder that names the Jeugdwet, and none
while the Jeugdwet is switched off."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session, sessionmaker

from store import signalen, wetten
from store.models import Aanlevering, Organisatie
from store.models_signalen import MailUitgaand
from store.organisaties import add_gemeente
from store.settings import Settings
from tests.jeugdwet.conftest import D


def _aanlevering(engine: Engine, org_id: int, wet: str, peildatum: date) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(Aanlevering),
            {
                "organisatie_id": org_id,
                "wet": wet,
                "bestandsnaam": "a.csv",
                "ontvangen_op": datetime.now(UTC),
                "peildatum": peildatum,
                "initieel": False,
                "status": "afgeleverd",
                "aantal_regels": 1,
                "verslag": {},
            },
        )


def _reminders(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(MailUitgaand.sleutel, MailUitgaand.onderwerp, MailUitgaand.tekst)
            .where(MailUitgaand.soort == "herinnering")
            .order_by(MailUitgaand.sleutel)
        ).all()
    assert all("persoonsgegevens" in r.tekst for r in rows)
    return [(r.sleutel, r.onderwerp) for r in rows]


@pytest.mark.parametrize("jeugdwet", [True, False], ids=["aan", "uit"])
def test_a_reminder_per_wet(
    engine: Engine, sessions: sessionmaker[Session], jeugdwet: bool
) -> None:
    with sessions.begin() as session:
        add_gemeente(session, "0363", mail="pb@0363.example", peildatum=D)
        add_gemeente(session, "0599", mail="pb@0599.example", peildatum=D)
    with engine.connect() as conn:
        ids = {code: id_ for code, id_ in conn.execute(select(Organisatie.code, Organisatie.id))}
    _aanlevering(engine, ids["0363"], "wmo", date(2025, 12, 1))
    _aanlevering(engine, ids["0363"], "jw", date(2026, 2, 20))  # recent: no Jw reminder
    _aanlevering(engine, ids["0599"], "jw", date(2025, 12, 2))
    actief = wetten.actief(Settings(jeugdwet=jeugdwet))
    signalen.run(engine, D, wetten=actief)
    expected = [("2025-12-01", "Wlz signalen: uw laatste aanlevering is meer dan 60 dagen oud")]
    if jeugdwet:
        onderwerp = "Wlz signalen: uw laatste aanlevering (jw) is meer dan 60 dagen oud"
        expected.append(("jw:2025-12-02", onderwerp))
    assert _reminders(engine) == expected
