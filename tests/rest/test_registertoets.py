"""POST /api/v1/registertoets: the answers, their shape, authentication and the audit log."""

from __future__ import annotations

import base64
from dataclasses import replace
from ipaddress import ip_network

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.rest import create_rest_app
from store import demo
from store.models import AuditRegistertoets, Organisatie
from store.organisaties import set_gemeente
from store.rollen import RECHTEN, Recht, Rol
from store.settings import Settings
from tests.rest.conftest import (
    BASE_URL,
    PEILDATUM,
    ROTTERDAM_BEARER,
    URL,
    assert_common_headers,
    assert_problem,
    audit_count,
)

FIELDS = ["samenloop", "bsn", "wlzStatus", "afgiftedatum", "ingangsdatum", "einddatum", "melding"]
ZORG_FIELDS = ["leveringsvormen", "startdatumZorg", "bronStartdatumZorg", "advies"]


def test_samenloop_ja_carries_the_record(client: httpx.Client) -> None:
    response = client.post(URL, json={"bsn": "999900006"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert_common_headers(response)
    assert response.json() == {
        "samenloop": True,
        "bsn": "999900006",
        "wlzStatus": "Ja",
        "afgiftedatum": "2026-02-10",
        "ingangsdatum": "2026-02-15",
        "einddatum": None,
        "melding": None,
        # API version 1.1: the demo has no zorg rows for this BSN (rule A5)
        "leveringsvormen": [],
        "startdatumZorg": None,
        "bronStartdatumZorg": None,
        "advies": {
            "waarde": "ONBEKEND",
            "regel": "A5",
            "regelversie": "2023.1",
            "toelichting": response.json()["advies"]["toelichting"],
            "perDatum": None,
        },
    }
    assert list(response.json()) == FIELDS + ZORG_FIELDS


def test_every_demo_record_answers_ja_with_its_status(
    client: httpx.Client, demo_set: demo.DemoSet
) -> None:
    for regel in demo_set.register:
        body = client.post(URL, json={"bsn": regel.bsn}).json()
        assert body["samenloop"] is True
        assert body["wlzStatus"] == regel.wlz_status
        assert body["einddatum"] == (regel.einddatum and regel.einddatum.isoformat())


def test_samenloop_nee_carries_every_property_null_but_the_melding(
    client: httpx.Client, demo_set: demo.DemoSet
) -> None:
    response = client.post(URL, json={"bsn": demo_set.zonder_samenloop[0]})
    assert response.status_code == 200
    assert list(response.json()) == FIELDS
    assert response.json() == {
        "samenloop": False,
        "bsn": None,
        "wlzStatus": None,
        "afgiftedatum": None,
        "ingangsdatum": None,
        "einddatum": None,
        "melding": "geen samenloop gevonden",
    }


def test_bearer_token_and_charset_are_accepted(anonymous: httpx.Client) -> None:
    response = anonymous.post(
        URL,
        content=b'{"bsn": "999900006"}',
        headers={**ROTTERDAM_BEARER, "Content-Type": "application/json; charset=UTF-8"},
    )
    assert response.status_code == 200
    assert response.json()["samenloop"] is True


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer fout-token"},
        {"Authorization": "Basic " + base64.b64encode(b"0599:demo-amsterdam").decode()},
        {"Authorization": "Basic " + base64.b64encode(b"0363:").decode()},
        {"Authorization": "Basic niet-base64!"},
        {"Authorization": "Digest username=0363"},
        {"X-Samenloop-OIN": "00000001001234567000"},
    ],
    ids=["geen", "fout-token", "token-van-ander", "leeg", "kapot", "digest", "oin-onvertrouwd"],
)
def test_unknown_callers_get_401_with_the_challenge_and_nothing_is_audited(
    anonymous: httpx.Client, engine: Engine, headers: dict[str, str]
) -> None:
    response = anonymous.post(URL, json={"bsn": "999900006"}, headers=headers)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith('Basic realm="Samenloop"')
    assert audit_count(engine) == 0


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"content": b"kapot", "headers": {"Content-Type": "application/json"}},
        {"content": b"bsn=999900006", "headers": {"Content-Type": "text/plain"}},
        {"json": {"bsn": "999900006"}, "headers": {"Accept": "text/html"}},
    ],
    ids=["geen-json", "verkeerd-mediatype", "accept"],
)
def test_a_stranger_gets_401_even_for_a_bad_request(
    client: httpx.Client, request_kwargs: dict[str, object]
) -> None:
    response = client.request("POST", URL, auth=("0363", "fout"), **request_kwargs)  # type: ignore[arg-type]
    assert_problem(response, 401)


def test_an_organisation_without_the_right_gets_403(
    client: httpx.Client, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(RECHTEN, Rol.GEMEENTE, frozenset(Recht) - {Recht.REGISTERTOETS})
    assert_problem(client.post(URL, json={"bsn": "999900006"}), 403)
    assert_problem(client.post(URL, json={"bsn": 999900006}), 403)
    with engine.connect() as conn:
        uitkomsten = conn.scalars(select(AuditRegistertoets.uitkomst)).all()
    assert uitkomsten == ["GEEN_GEMEENTE"]


def test_every_registertoets_writes_one_audit_record(
    client: httpx.Client, anonymous: httpx.Client, engine: Engine
) -> None:
    client.post(URL, json={"bsn": "999900006"})
    client.post(URL, json={"bsn": "999900079"})
    client.post(URL, json={"bsn": "999900007"})
    anonymous.post(URL, json={"bsn": "999900006"}, headers=ROTTERDAM_BEARER)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Organisatie.code,
                AuditRegistertoets.operatie,
                AuditRegistertoets.bsn,
                AuditRegistertoets.uitkomst,
                AuditRegistertoets.gebruiker_id,
            )
            .join(Organisatie, Organisatie.id == AuditRegistertoets.organisatie_id)
            .order_by(AuditRegistertoets.id)
        ).all()
    # API 1.1: the answer carries what RegistertoetsSamenloop does, and is audited as that;
    # the caller is the organisation (its token), no portal user
    assert [tuple(r) for r in rows] == [
        ("0363", "RegistertoetsSamenloop", "999900006", "JA", None),
        ("0363", "RegistertoetsSamenloop", "999900079", "NEE", None),
        ("0363", "RegistertoetsSamenloop", None, "BSN_ONGELDIG", None),
        ("0599", "RegistertoetsSamenloop", "999900006", "JA", None),
    ]


def test_a_malformed_request_is_no_registertoets_and_is_not_audited(
    client: httpx.Client, engine: Engine
) -> None:
    assert_problem(client.post(URL, json={"bsn": "999900006", "extra": 1}), 400)
    assert_problem(client.post(URL, json=["999900006"]), 400)
    assert audit_count(engine) == 0


OIN = "00000001001234567000"


def test_an_oin_from_a_trusted_proxy_identifies_the_organisation(
    settings: Settings, engine: Engine, sessions: sessionmaker[Session], demo_set: demo.DemoSet
) -> None:
    with sessions.begin() as session:
        set_gemeente(session, "0599", oin=OIN, peildatum=PEILDATUM)
    trusted = replace(settings, trusted_proxies=(ip_network("127.0.0.0/8"),))
    transport = httpx.WSGITransport(app=create_rest_app(trusted, engine))  # REMOTE_ADDR 127.0.0.1
    with httpx.Client(transport=transport, base_url=BASE_URL) as proxied:
        response = proxied.post(URL, json={"bsn": "999900006"}, headers={"X-Samenloop-OIN": OIN})
        assert response.status_code == 200
        unknown = {"X-Samenloop-OIN": "00000001009999999000"}
        assert_problem(proxied.post(URL, json={"bsn": "999900006"}, headers=unknown), 401)
    with engine.connect() as conn:
        codes = conn.scalars(
            select(Organisatie.code).join(
                AuditRegistertoets, AuditRegistertoets.organisatie_id == Organisatie.id
            )
        ).all()
    assert codes == ["0599"]
