"""/metrics: off by default, then behind a token and/or a client network; request counts and
latency per operation and status, and the last nightly run read from the database."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from adapters.metrics import RequestMetrics
from adapters.rest.app import routes
from adapters.rest.naming import OPERATIONS, shown
from adapters.rest.openapi import load_document
from adapters.wsgi import create_app
from store import signalen
from store.datums import vandaag
from store.settings import Settings, SettingsError
from store.signaalruns import laatste_run
from tests.conftest import fixture_path
from tests.observability.conftest import AMSTERDAM, METRICS_TOKEN, MakeClient

BEARER = {"Authorization": f"Bearer {METRICS_TOKEN}"}
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float | None:
    return found.get((name, frozenset(labels.items())))


def test_metrics_are_off_by_default_and_look_like_any_unknown_path(client: httpx.Client) -> None:
    metrics = client.get("/metrics", headers=BEARER)
    unknown = client.get("/metricz", headers=BEARER)
    assert metrics.status_code == unknown.status_code == 404
    assert metrics.content == unknown.content


def test_with_a_token_a_scrape_needs_it(make_client: MakeClient) -> None:
    client = make_client(metrics_token=METRICS_TOKEN)
    refused = client.get("/metrics")
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert client.get("/metrics", headers={"Authorization": "Bearer fout"}).status_code == 401
    assert client.get("/metrics", auth=("x", METRICS_TOKEN)).status_code == 401  # Basic: no
    assert client.post("/metrics", headers=BEARER).status_code == 405
    got = client.get("/metrics", headers=BEARER)
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("text/plain; version=")
    assert got.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("remote_addr", "status"), [("10.1.2.3", 200), ("10.9.0.1", 404), ("::1", 404)]
)
def test_from_allowed_networks_only(make_client: MakeClient, remote_addr: str, status: int) -> None:
    nets = (ipaddress.ip_network("10.1.0.0/16"),)
    client = make_client(remote_addr=remote_addr, metrics_from=nets)
    assert client.get("/metrics").status_code == status


def test_a_network_and_a_token_are_both_required_when_both_are_set(
    make_client: MakeClient,
) -> None:
    nets = (ipaddress.ip_network("127.0.0.0/8"),)
    inside = make_client(metrics_from=nets, metrics_token=METRICS_TOKEN)
    outside = make_client("192.0.2.1", metrics_from=nets, metrics_token=METRICS_TOKEN)
    assert inside.get("/metrics").status_code == 401
    assert inside.get("/metrics", headers=BEARER).status_code == 200
    assert outside.get("/metrics", headers=BEARER).status_code == 404


def test_requests_are_counted_and_timed_per_operation_and_status(make_client: MakeClient) -> None:
    client = make_client(metrics_token=METRICS_TOKEN)
    for bsn in ("999900006", "999900079", "999900007"):
        client.post("/api/v1/registertoets", json={"bsn": bsn}, auth=AMSTERDAM)
    client.get("/health")
    found = samples(client.get("/metrics", headers=BEARER).text)
    total = "samenloop_http_requests_total"
    assert value(found, total, operation="rest.registertoets", status="200") == 2
    assert value(found, total, operation="rest.registertoets", status="400") == 1
    assert value(found, total, operation="health", status="200") == 1
    histogram = "samenloop_http_request_duration_seconds_count"
    assert value(found, histogram, operation="rest.registertoets", status="200") == 2
    bucket = "samenloop_http_request_duration_seconds_bucket"
    assert value(found, bucket, operation="health", status="200", le="+Inf") == 1
    labels = {k for (name, pairs) in found for k, _ in pairs if name.startswith("samenloop_http")}
    assert labels == {"operation", "status", "le"}, "no path, no organisation"


def test_the_last_nightly_run_is_read_at_scrape_time(
    make_client: MakeClient, engine: Engine
) -> None:
    client = make_client(metrics_token=METRICS_TOKEN)
    before = samples(client.get("/metrics", headers=BEARER).text)
    assert value(before, "samenloop_database_up") == 1
    assert value(before, "samenloop_signalen_run_signals") is None, "no run yet: no figures"
    csv = fixture_path("aanlevering", "initieel-geldig.csv").read_bytes()
    upload = "/api/v1/aanleveringen?wet=wmo&initieel=true"
    headers = {"Content-Type": "text/csv"}
    assert client.post(upload, content=csv, auth=AMSTERDAM, headers=headers).status_code == 201
    uitslag = signalen.run(engine, vandaag())
    assert uitslag.signalen > 0, "the population has samenloop with the demo register"
    run = laatste_run(engine)
    assert run is not None and run.peildatum == vandaag()
    found = samples(client.get("/metrics", headers=BEARER).text)
    assert value(found, "samenloop_signalen_run_signals") == uitslag.signalen
    assert value(found, "samenloop_signalen_run_files") == uitslag.bestanden
    assert value(found, "samenloop_signalen_run_removed_subscriptions") == uitslag.verwijderd
    assert value(found, "samenloop_signalen_run_duration_seconds") == run.duur_ms / 1000
    completed = value(found, "samenloop_signalen_run_completed_timestamp_seconds")
    assert completed == run.voltooid_op.timestamp()


def test_a_scrape_without_the_database_says_so(made_engines: list[Engine]) -> None:
    settings = Settings(
        database_url="postgresql://postgres@127.0.0.1:1/none", db_timeout=1,
        metrics_token=METRICS_TOKEN,
    )  # fmt: skip
    transport = httpx.WSGITransport(app=create_app(settings))
    with httpx.Client(transport=transport, base_url="http://t") as client:
        got = client.get("/metrics", headers=BEARER)
    assert got.status_code == 200
    assert value(samples(got.text), "samenloop_database_up") == 0


def test_metrics_stay_out_of_the_openapi_document() -> None:
    assert not [path for path in load_document()["paths"] if "metrics" in path]


def test_every_rest_route_has_a_name_of_its_own(settings: Settings, engine: Engine) -> None:
    templates = [shown(template) for template in routes(settings, engine)]
    assert sorted(templates) == sorted(OPERATIONS)
    assert len(set(OPERATIONS.values())) == len(OPERATIONS)


def test_the_metrics_settings() -> None:
    env = {"SAMENLOOP_METRICS_TOKEN": " geheim ", "SAMENLOOP_METRICS_FROM": "10.0.0.0/8, ::1/128"}
    settings = Settings.from_env(env)
    assert settings.metrics_token == "geheim"
    assert [str(n) for n in settings.metrics_from] == ["10.0.0.0/8", "::1/128"]
    assert "geheim" not in repr(settings)
    assert Settings.from_env({}).metrics_token == "" and Settings.from_env({}).metrics_from == ()
    with pytest.raises(SettingsError, match="SAMENLOOP_METRICS_FROM"):
        Settings.from_env({"SAMENLOOP_METRICS_FROM": "10.0.0.300/8"})


def test_metrics_refuse_a_multiprocess_directory_set_after_import(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    with pytest.raises(RuntimeError, match="imported before PROMETHEUS_MULTIPROC_DIR"):
        RequestMetrics()
