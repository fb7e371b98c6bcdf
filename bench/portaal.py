"""Bench: the portal's two long lists and its upload (issue 16), on SQLite and on PostgreSQL.

  a) Ophalen of a gemeente with a signal file on each of 365 days against the same page of a
     gemeente with one day (target <= 3x).
  b) Aanleveren of a gemeente with 500 kept aanleveringen against that of a gemeente with one
     (target <= 3x).
  c) The 100,000-line population file of bench.populatie uploaded through the portal (a
     multipart POST to Aanleveren with the CSRF token, logged in) against the same file through
     the REST API (`POST /api/v1/aanleveringen`, Bearer token) (target <= 1.2x).

The data is made by the real paths: the gemeenten, users and passwords by the store's functions,
every aanlevering by `adapters.files.aanlevering.verwerk` (the upload of REST, CLI and portal;
each 50th file has a bad BSN and is afgekeurd), and every signal file by the nightly run
(`store.signalen.run`), one run per day after a CIZ mutation (`store.register.load_feed`) gave one
of the gemeente's clients a new afgiftedatum. The set-up runs in a process of its own; the
measurements in another.

Driven in-process through the service's one WSGI app (`adapters.wsgi.create_app`: request log,
body limits, REST and portal as gunicorn serves them) with httpx's WSGITransport, as
tests/portaal does. Each comparison sets two requests to the same app side by side, so what a
real server adds (gunicorn, sockets, a client) would be the same for both and only move the
ratio towards 1: in-process is the stricter test. Nor do the 2 shared cores then also run a
server, wrk and a load generator, in whose noise a page of a few milliseconds would be lost.
Both uploads spool the body before the handler reads it (adapters.bodylimit), so reading from a
socket would cost both the same. The requests are built before the clock starts (the multipart
body included); what is timed is `send`. Every upload after the warm-up is the same file again
(100,000 lines unchanged): the same work in the store for both, and the least of it, so the
transport's own cost weighs most.

Pages: per round `--requests` requests of each of the four pages, the pages in turn (median per
page); uploads: per round one of each, the order alternating. Medians over the rounds; the JSON
keeps every round.

    .venv/bin/python -m bench.portaal [--rounds 5] [--requests 30] [--lines 100000]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from adapters.files.aanlevering import verwerk
from adapters.wsgi import create_app
from bench.common import ENGINES, measure, median, save, throwaway_database
from bench.populatie import samenwerkingsverband, write_file
from store import migrate, signalen
from store.db import make_engine
from store.demo import synthetic_bsns
from store.gebruikers import voeg_toe_aan_gemeente
from store.organisaties import add_gemeente, new_token
from store.populatie import Opdracht
from store.register import RegisterRegel, load_feed
from store.rollen import Wet
from store.settings import Settings
from store.wachtwoordlinks import stel_in

VEEL, EEN = "0363", "0599"  # the gemeente with the long lists, the one with one entry each
CLIENTEN = 20  # VEEL's population; EEN's is one client
DAGEN, AANLEVERINGEN = 365, 500
EERSTE_DAG = date(2025, 3, 2)
WACHTWOORD = "bench wachtwoord lang genoeg"
BASE_URL = "http://127.0.0.1:8080"  # Settings' default public URL: cookies without Secure
PAGES = ("ophalen-1", f"ophalen-{DAGEN}", "aanleveren-1", f"aanleveren-{AANLEVERINGEN}")


def _email(code: str) -> str:
    return f"beheer@{code}.bench.example"


# --- set-up (its own process) -------------------------------------------------------------


def _gemeenten(engine: Engine, lines: int) -> None:
    codes = samenwerkingsverband(lines)
    with Session(engine) as session, session.begin():
        for code, samenwerking in ((VEEL, []), (EEN, []), (codes[0], codes[1:])):
            add_gemeente(session, code, samenwerking=samenwerking, peildatum=EERSTE_DAG)
    nu = datetime.now(UTC)
    for code in (VEEL, EEN, codes[0]):
        nieuw = voeg_toe_aan_gemeente(engine, code, _email(code), (), nu)
        stel_in(engine, nieuw.token, WACHTWOORD, nu)


def _populatie(code: str, bsns: list[str], afgekeurd: bool) -> bytes:
    lines = [f"{bsn},{code},01-01-2024," for bsn in bsns]
    return "\r\n".join(lines + (["123456789,0363,01-01-2024,"] if afgekeurd else [])).encode()


def _lever_aan(engine: Engine, code: str, bsns: list[str], dag: date, nummer: int) -> None:
    naam = f"wmo-populatie-{dag:%Y%m%d}-{nummer}.csv"
    with tempfile.TemporaryFile() as raw:
        raw.write(_populatie(code, bsns, afgekeurd=nummer % 50 == 49))
        raw.seek(0)
        verwerk(engine, raw, Opdracht(code, Wet.WMO, naam, dag))


def _register(bsns: list[str], dag: date, nieuw: int | None) -> list[RegisterRegel]:
    """Every client Ja since 2024; the client `nieuw` (if any) with a new afgiftedatum."""
    return [
        RegisterRegel(i, "T", bsn, "Ja", dag if i == nieuw else date(2024, 1, 1), date(2024, 1, 1))
        for i, bsn in enumerate(bsns, 1)
        if nieuw is None or i == nieuw
    ]


def _feed(engine: Engine, regels: list[RegisterRegel], initieel: bool = False) -> None:
    assert load_feed(engine, regels, initieel=initieel, bestandsnaam="bench").geaccepteerd


def _dag(engine: Engine, veel: list[str], i: int) -> None:
    """Day i: VEEL's aanleveringen due that day, a new afgiftedatum for one of its clients (not
    on the first day), the nightly run: a file with that signal (on the first day, every one)."""
    dag = EERSTE_DAG + timedelta(days=i)
    for nummer in range(AANLEVERINGEN):
        if nummer * DAGEN // AANLEVERINGEN == i:
            _lever_aan(engine, VEEL, veel, dag, nummer)
    if i > 0:
        _feed(engine, _register(veel, dag, i % CLIENTEN + 1))
    assert signalen.run(engine, dag).signalen > 0


def setup(url: str, lines: int) -> None:
    """VEEL: a signal file on each of DAGEN days and AANLEVERINGEN aanleveringen; EEN: one
    aanlevering and one file (the first run's); the upload's gemeente: nothing yet."""
    engine = make_engine(Settings(database_url=url))
    migrate.upgrade(engine)
    _gemeenten(engine, lines)
    bsns = list(islice(synthetic_bsns(), CLIENTEN + 1))
    _feed(engine, _register(bsns, EERSTE_DAG, None), initieel=True)
    _lever_aan(engine, EEN, bsns[CLIENTEN:], EERSTE_DAG, 0)
    for i in range(DAGEN):
        _dag(engine, bsns[:CLIENTEN], i)
    engine.dispose()


# --- measurements (another process) -------------------------------------------------------


def _inloggen(app: Any, code: str) -> httpx.Client:
    client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE_URL)
    data = {"email": _email(code), "wachtwoord": WACHTWOORD, "csrf": _csrf(client, "inloggen")}
    assert client.post("/portaal/inloggen", data=data).status_code == 303
    return client


def _csrf(client: httpx.Client, pagina: str) -> str:
    html = client.get(f"/portaal/{pagina}").text
    return html.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def _timed(client: httpx.Client, request: httpx.Request, status: int, teken: str = "") -> float:
    """Seconds to send the request and have its answer; the answer must have this status and
    contain `teken`."""
    began = time.perf_counter()
    response = client.send(request)
    elapsed = time.perf_counter() - began
    assert response.status_code == status, (request.url, response.status_code)
    assert teken in response.text, (request.url, response.text[:300])
    return elapsed


def _portaal_upload(client: httpx.Client, body: bytes) -> httpx.Request:
    data = {"csrf": _csrf(client, "aanleveren"), "wet": "wmo", "soort": "mutaties"}
    files = {"bestand": ("populatie.csv", body, "text/csv")}
    request = client.build_request("POST", "/portaal/aanleveren", data=data, files=files)
    request.read()  # the multipart body, before the clock starts
    return request


def _rest_upload(client: httpx.Client, body: bytes, token: str) -> httpx.Request:
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "text/csv",
        "Content-Disposition": 'attachment; filename="populatie.csv"',
    }
    url = "/api/v1/aanleveringen?wet=wmo"
    return client.build_request("POST", url, content=body, headers=headers)


class Meting:
    """One process's measurements: the service in-process, a logged-in client per gemeente."""

    def __init__(self, url: str, lines: int) -> None:
        self.engine = make_engine(Settings(database_url=url))
        app = create_app(Settings(database_url=url), self.engine)
        groot = samenwerkingsverband(lines)[0]
        with Session(self.engine) as session, session.begin():
            self.token = new_token(session, groot)
        self.clients = {code: _inloggen(app, code) for code in (VEEL, EEN, groot)}
        self.groot = self.clients[groot]
        self.paths = {
            "ophalen-1": (EEN, "/portaal/ophalen"),
            f"ophalen-{DAGEN}": (VEEL, "/portaal/ophalen"),
            "aanleveren-1": (EEN, "/portaal/aanleveren"),
            f"aanleveren-{AANLEVERINGEN}": (VEEL, "/portaal/aanleveren"),
        }

    def pages(self, n: int) -> dict[str, float]:
        """n requests of each page, the four in turn (a burst of load from elsewhere on the
        machine hits them alike); per page the median, in ms."""
        gets = {page: (self.clients[c], self.clients[c].build_request("GET", p))
                for page, (c, p) in self.paths.items()}  # fmt: skip
        seconds: dict[str, list[float]] = {page: [] for page in gets}
        for _ in range(n):
            for page, (client, request) in gets.items():
                seconds[page].append(_timed(client, request, 200))
        return {page: median(values) * 1000 for page, values in seconds.items()}

    def upload(self, body: bytes, kind: str) -> float:
        """One upload of the file (every line unchanged after the first), in seconds."""
        if kind == "rest":
            request, status, teken = _rest_upload(self.groot, body, self.token), 201, '"afgeleverd"'
        else:
            request, status = _portaal_upload(self.groot, body), 200
            teken = "Het bestand is afgeleverd en verwerkt."
        gc.collect()
        return _timed(self.groot, request, status, teken)


def runs(url: str, lines: int, rounds: int, requests: int, path: Path) -> None:
    body = path.read_bytes()
    m = Meting(url, lines)
    m.upload(body, "rest")  # warm-up; every upload after it finds 100,000 lines unchanged
    m.upload(body, "portaal")
    m.pages(3)
    pages: dict[str, list[float]] = {page: [] for page in PAGES}
    uploads: dict[str, list[float]] = {"rest": [], "portaal": []}
    for number in range(rounds):
        for page, ms in m.pages(requests).items():
            pages[page].append(ms)
        kinds = ("rest", "portaal") if number % 2 == 0 else ("portaal", "rest")
        for kind in kinds:
            uploads[kind].append(m.upload(body, kind))
    m.engine.dispose()
    print(json.dumps({"pages_ms": pages, "uploads_s": uploads}))


# --- the report ---------------------------------------------------------------------------


def _summary(raw: dict[str, Any]) -> dict[str, Any]:
    ms = {page: round(median(values), 2) for page, values in raw["pages_ms"].items()}
    s = {kind: round(median(values), 3) for kind, values in raw["uploads_s"].items()}
    return {
        "pages_ms": ms,
        "ophalen_ratio": round(ms[PAGES[1]] / ms[PAGES[0]], 2),
        "aanleveren_ratio": round(ms[PAGES[3]] / ms[PAGES[2]], 2),
        "upload_s": s,
        "upload_ratio": round(s["portaal"] / s["rest"], 2),
        "rounds": raw,
    }


def _bench(engine_name: str, args: argparse.Namespace, path: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, throwaway_database(engine_name, Path(tmp)) as url:
        lines = ("--lines", str(args.lines))
        made = measure("bench.portaal", *lines, "--setup", url)
        print(f"  {engine_name}: set-up {made['setup_s']:.0f} s", flush=True)
        sizes = ("--rounds", str(args.rounds), "--requests", str(args.requests))
        raw = measure("bench.portaal", *lines, *sizes, "--runs", url, str(path))
    return {**_summary(raw), "setup_s": round(made["setup_s"], 1)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="bench.portaal")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=30, help="per page per round")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--setup", metavar="URL")
    parser.add_argument("--runs", nargs=2, metavar=("URL", "FILE"))
    args = parser.parse_args(argv)
    if args.setup:
        began = time.perf_counter()
        setup(args.setup, args.lines)
        print(json.dumps({"setup_s": time.perf_counter() - began}))
        return {}
    if args.runs:
        runs(args.runs[0], args.lines, args.rounds, args.requests, Path(args.runs[1]))
        return {}
    engines = [e.strip() for e in args.engines.split(",")]
    report: dict[str, Any] = {"lines": args.lines, "rounds": args.rounds}
    report.update(requests=args.requests, dagen=DAGEN, aanleveringen=AANLEVERINGEN)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "populatie.csv"
        write_file(path, args.lines)
        for name in engines:
            report[name] = _bench(name, args, path)
    report["loadavg"] = [load, os.getloadavg()[0]]
    _print(report, engines)
    save("portaal", report)
    return report


def _print(report: dict[str, Any], engines: list[str]) -> None:
    print(
        f"portal, medians of {report['rounds']} rounds ({report['requests']} requests per page "
        f"per round; targets: lists <= 3x the one-entry page, upload <= 1.2x REST; load "
        f"average {report['loadavg'][0]:.1f} -> {report['loadavg'][1]:.1f})"
    )
    head = ["Ophalen 1", str(DAGEN), "ratio", "Aanlev. 1", str(AANLEVERINGEN), "ratio"]
    head += ["REST s", "portal s", "ratio"]
    print(f"{'engine':<11}" + "".join(f"{h:>10}" for h in head))
    for name in engines:
        r = report[name]
        ms = [r["pages_ms"][page] for page in PAGES]
        cells = [*ms[:2], r["ophalen_ratio"], *ms[2:], r["aanleveren_ratio"]]
        cells += [r["upload_s"]["rest"], r["upload_s"]["portaal"], r["upload_ratio"]]
        print(f"{name:<11}" + "".join(f"{c!s:>10}" for c in cells))
    print("pages in ms (one request); uploads of", report["lines"], "lines in s")


if __name__ == "__main__":
    main()
