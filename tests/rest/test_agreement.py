"""REST tells what the core tells: for every BSN of the register fixtures, the same facts as
store.registertoets (which the SOAP service answers with too; its tests cover that side)."""

from __future__ import annotations

from collections.abc import Iterable

import httpx
from sqlalchemy import Engine

from adapters.files.cizfeed import parse_feed
from store import demo
from store.auth import Credentials
from store.register import RegisterRegel, load_feed
from store.registertoets import Operatie, Toetsuitslag, registertoets
from tests.conftest import fixture_path
from tests.rest.conftest import AMSTERDAM, URL

ZORG_FIELDS = {"leveringsvormen", "startdatumZorg", "bronStartdatumZorg", "advies"}
FEEDS = (("initieel-geldig.csv", True), ("mutaties-geldig.csv", False))


def _regels(name: str) -> list[RegisterRegel]:
    with fixture_path("ciz", name).open("rb") as raw:
        items = list(parse_feed(raw))
    regels = [item for item in items if isinstance(item, RegisterRegel)]
    assert len(regels) == len(items), f"{name} is a valid feed"
    return regels


def _facts(uitslag: Toetsuitslag) -> dict[str, object]:
    def iso(value: object) -> object:
        return value.isoformat() if value is not None else None  # type: ignore[attr-defined]

    return {
        "samenloop": uitslag.samenloop,
        "bsn": uitslag.bsn,
        "wlzStatus": uitslag.wlz_status,
        "afgiftedatum": iso(uitslag.afgiftedatum),
        "ingangsdatum": iso(uitslag.ingangsdatum),
        "einddatum": iso(uitslag.einddatum),
        "melding": uitslag.melding,
    }


def _assert_agree(client: httpx.Client, engine: Engine, bsns: Iterable[str]) -> int:
    creds = Credentials(token=AMSTERDAM[1], user=AMSTERDAM[0])
    checked = 0
    for bsn in sorted(set(bsns)):
        rest = client.post(URL, json={"bsn": bsn})
        assert rest.status_code == 200
        facts = _facts(registertoets(engine, creds, bsn, Operatie.UITGEBREID, limiet=0))
        body = rest.json()
        assert {k: body[k] for k in facts} == facts, bsn
        extra = set(body) - set(facts)  # API 1.1: the 2023 properties, with samenloop only
        assert extra == (ZORG_FIELDS if body["samenloop"] else set()), bsn
        checked += 1
    return checked


def test_rest_and_the_core_agree_on_the_demo_register(
    client: httpx.Client, engine: Engine, demo_set: demo.DemoSet
) -> None:
    bsns = [r.bsn for r in demo_set.register] + list(demo_set.zonder_samenloop)
    assert _assert_agree(client, engine, bsns) == len(demo_set.register) + 2


def test_rest_and_the_core_agree_on_the_ciz_fixture_feeds(
    client: httpx.Client, engine: Engine, demo_set: demo.DemoSet
) -> None:
    seen: set[str] = {r.bsn for r in demo_set.register}
    for name, initieel in FEEDS:
        regels = _regels(name)
        assert load_feed(engine, regels, initieel=initieel, bestandsnaam=name).geaccepteerd
        seen |= {r.bsn for r in regels}
        _assert_agree(client, engine, seen)
