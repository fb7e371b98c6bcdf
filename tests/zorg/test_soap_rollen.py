"""SOAP: a zorgkantoor or zorgaanbieder token on the registertoets is the existing GEEN_GEMEENTE
fault (store.registertoets's GeenToegang path), nothing looked up beyond the refusal's audit."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from werkzeug.test import Client

from soap_service.app import create_soap_app
from store.demo import DemoSet
from store.settings import Settings
from store.zorgfeed import Feed
from tests.soap.conftest import (
    audit_rows,
    basic,
    envelope,
    fout,
    post,
)
from tests.zorg.conftest import AFZENDER, Tokens
from tests.zorg.test_feeds_rest import ROL


@pytest.mark.parametrize("feed", list(Feed))
def test_a_zorg_role_gets_the_geen_gemeente_fault(
    settings: Settings, engine: Engine, demo_set: DemoSet, zorgpartijen: Tokens, feed: Feed
) -> None:
    code = AFZENDER[feed]
    headers = {
        "Authorization": basic(code, zorgpartijen[ROL[feed], code]),
        "Content-Type": "text/xml",
    }
    bsn = demo_set.register[0].bsn
    got = post(Client(create_soap_app(settings, engine)), envelope("Registertoets", bsn), headers)
    assert got.status_code == 500
    faultcode, foutcode, omschrijving = fout(got.data)
    assert (faultcode, foutcode) == ("soap11env:Client", "GEEN_GEMEENTE")
    assert omschrijving == "deze organisatie mag de registertoets niet uitvoeren"
    assert bsn.encode() not in got.data
    assert audit_rows(engine) == [("Registertoets", None, "GEEN_GEMEENTE")]
