"""schemathesis, run against the served OpenAPI document and the app in-process, finds nothing."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from adapters.rest import create_rest_app
from store import demo
from store.datums import format_datum
from store.db import make_engine
from store.settings import Settings
from store.signalen import run
from tests.rest.conftest import PEILDATUM

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
AUTH = {"Authorization": "Basic " + base64.b64encode(b"0363:demo-amsterdam").decode()}

BSNS = list(islice(demo.synthetic_bsns(), 12))

# `format: bsn` (9 digits passing the elfproef, which no JSON Schema keyword can say): valid
# data are BSNs from the test range, some in the demo register and some not.
schemathesis.openapi.format("bsn", st.sampled_from(BSNS))


@st.composite
def _aanlevering(draw: st.DrawFn) -> bytes:
    """A valid aanlevering of 0363 (bestanden.md section 1), which no JSON Schema can describe:
    BSNs that pass the elfproef, gemeentecodes 0363 may deliver for, real dd-mm-jjjj dates."""
    datum = st.one_of(st.just(""), st.dates(date(2000, 1, 1), date(2030, 12, 31)).map(format_datum))
    regel = st.tuples(st.sampled_from(BSNS), st.sampled_from(["0363", "0437"]), datum, datum)
    regels = draw(st.lists(regel, min_size=1, max_size=6))
    return "".join(",".join(r) + "\n" for r in regels).encode()


schemathesis.openapi.media_type("text/csv", _aanlevering())


def _served_document() -> dict[str, Any]:
    """The document exactly as the app serves it (building the app touches no database).

    Loaded as a dict rather than with from_wsgi, which leaves out the operation that serves the
    document itself: GET /openapi.json is tested here as well.
    """
    doc_settings = Settings(database_url="sqlite://")
    app = create_rest_app(doc_settings, make_engine(doc_settings))
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://t") as client:
        document: dict[str, Any] = client.get("/api/v1/openapi.json").raise_for_status().json()
    return document


class _CurrentApp:
    """The WSGI app schemathesis calls: the one on this test's database, set by the fixture."""

    app: WsgiApp | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


CURRENT = _CurrentApp()
DOCUMENT = _served_document()
BASE_URL = DOCUMENT["servers"][0]["url"]
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.app = CURRENT


@schema.hook
def map_query(ctx: Any, query: dict[str, Any] | None) -> dict[str, Any] | None:
    """`van` not after `tot`, which the document can say only in words: swap them if need be."""
    if query and ctx.operation.path == "/rapporten/aantal-signalen":
        van, tot = query.get("van"), query.get("tot")
        if isinstance(van, str) and isinstance(tot, str) and van > tot:
            return {**query, "van": tot, "tot": van}
    return query


@pytest.fixture
def rest_app(settings: Settings, engine: Engine, demo_set: demo.DemoSet) -> Iterator[None]:
    """The demo set with an aanlevering of 0363 and a nightly run on D, so that the documented
    examples (datum 2026-03-01) find aanleveringen, signals and a signal file."""
    app = create_rest_app(settings, engine, today=lambda: PEILDATUM)
    regels = [f"{r.bsn},{code},," for r in demo_set.register for code in ("0363", "0437")]
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://t") as client:
        client.post(
            "/api/v1/aanleveringen?wet=wmo&initieel=true",
            content="\n".join(regels).encode(),
            headers={**AUTH, "Content-Type": "text/csv"},
        ).raise_for_status()
    run(engine, PEILDATUM)
    CURRENT.app = app
    yield
    CURRENT.app = None


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.usefixtures("rest_app")
def test_the_api_keeps_its_openapi_contract(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(base_url=BASE_URL, headers=AUTH)
