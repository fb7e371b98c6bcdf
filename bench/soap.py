"""Speed of the SOAP registertoets against its floors, on SQLite and on PostgreSQL.

    .venv/bin/python -m bench.soap [--duration 10] [--connections 4] [--engines sqlite,postgresql]

For each engine, three apps run under gunicorn (one sync worker each) on 127.0.0.1 and `wrk`
drives each with the same POST for the same time, in interleaved rounds (medians are reported):

  empty   a WSGI app that answers a fixed body (gunicorn's and wrk's own cost)
  floor   a minimal WSGI app doing the service's database work: one indexed lookup in
          wlz_register, one audit insert, commit (same engine settings as the service)
  soap    the real service (adapters.wsgi), operation Registertoets
  soap-uitgebreid, soap-samenloop   the operations RegistertoetsUitgebreid (2021) and
          RegistertoetsSamenloop (2023, wet wmo), for a BSN with zorgkantoor and zorgaanbieder
          rows (advies JA: the fullest answer); the latter must stay within 10% of the former
  rest    the REST registertoets without a wet (as API 1.0 clients send it); rest-wet with
          "wet": "jw" (both answer with the 2023 properties)

PostgreSQL runs in a throwaway database on the shared server (SAMENLOOP_BENCH_POSTGRES, default
postgresql+psycopg://postgres@127.0.0.1:5432/test as the admin connection), dropped afterwards.
Prints a table and writes JSON to bench/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.common import (
    WRK_DONE,
    drive_wrk,
    envelope,
    fill_service_database,
    fill_zorg,
    throwaway_database,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TOKEN = "demo-amsterdam"
PEILDATUM = date(2026, 3, 1)
_BSN = re.compile(rb'(?:<(?:\w+:)?bsn>|"bsn"\s*:\s*")([0-9]{9})')

StartResponse = Callable[..., Any]
Environ = dict[str, Any]

# --- the two reference apps (gunicorn targets: bench.soap:empty_app, bench.soap:floor_app()) --

_EMPTY = b"<ok/>"


def empty_app(environ: Environ, start: StartResponse) -> Iterable[bytes]:
    environ["wsgi.input"].read()
    start("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(_EMPTY)))])
    return [_EMPTY]


def floor_app() -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    """One indexed lookup + one audit insert + commit per request, nothing else."""
    from sqlalchemy import bindparam, insert, select

    from store.db import make_engine
    from store.models import AuditRegistertoets, Organisatie, WlzRegister
    from store.settings import Settings

    engine = make_engine(Settings.from_env())
    cols = (WlzRegister.wlz_status, WlzRegister.afgiftedatum, WlzRegister.ingangsdatum)
    lookup = select(*cols, WlzRegister.einddatum).where(WlzRegister.bsn == bindparam("bsn"))
    audit = insert(AuditRegistertoets)
    with engine.connect() as conn:
        org_id = conn.execute(select(Organisatie.id).limit(1)).scalar_one()

    def app(environ: Environ, start: StartResponse) -> Iterable[bytes]:
        found = _BSN.search(environ["wsgi.input"].read())
        bsn = found.group(1).decode() if found else ""
        with engine.begin() as conn:
            row = conn.execute(lookup, {"bsn": bsn}).first()
            uitkomst = "JA" if row else "NEE"
            values = {"tijdstip": datetime.now(UTC), "organisatie_id": org_id, "bsn": bsn}
            conn.execute(audit, {**values, "operatie": "Registertoets", "uitkomst": uitkomst})
        body = f"<samenloop>{uitkomst}</samenloop>".encode()
        start("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
        return [body]

    return app


# --- the service ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"gunicorn on port {port} did not start")


@contextmanager
def gunicorn(target: str, database_url: str) -> Iterator[int]:
    """As `samenloop serve` runs it: JSON request lines on stderr (here into a file) and the
    metrics in multiprocess mode, so that their cost is in the figures."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as metrics, tempfile.TemporaryFile() as log:
        env = {
            **os.environ,
            "SAMENLOOP_DATABASE_URL": database_url,
            "PYTHONDONTWRITEBYTECODE": "1",
            "PROMETHEUS_MULTIPROC_DIR": metrics,
        }
        # One organisation at full speed: with the rate limit on, wrk would measure its refusals.
        env.setdefault("SAMENLOOP_REGISTERTOETS_LIMIET", "0")
        command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--worker-class", "sync"]
        command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
        command += ["--logger-class", "adapters.server.JsonLogger", target]
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            _wait(port)
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=20)


# The request is fixed; the `done` hook (bench.common) prints the RESULT line.
_LUA = """
wrk.method = "POST"
wrk.body = [[%(body)s]]
%(headers)s
wrk.headers["Authorization"] = "Bearer %(token)s"
"""


SOAP_HEADERS = (
    'wrk.headers["Content-Type"] = "text/xml; charset=utf-8"\n'
    'wrk.headers["SOAPAction"] = \'"urn:wlz:registertoets:v1/%s"\''
)
REST_HEADERS = 'wrk.headers["Content-Type"] = "application/json"'


@dataclass(frozen=True)
class Meting:
    engine: str
    app: str
    requests: int
    errors: int
    req_per_s: float
    p50_ms: float
    p99_ms: float


def measure(
    engine: str, app: str, port: int, load: tuple[Path, str], args: argparse.Namespace
) -> Meting:
    raw = drive_wrk(port, load[0], args.duration, args.connections, load[1])
    seconds = raw["duration_us"] / 1e6
    return Meting(
        engine,
        app,
        raw["requests"],
        raw["errors"],
        round(raw["requests"] / seconds, 1),
        round(raw["p50_us"] / 1000, 3),
        round(raw["p99_us"] / 1000, 3),
    )


# (name, gunicorn target, request): the floors get the same request bodies as the service.
SERVICE = "adapters.wsgi:create_app()"
APPS = (
    ("empty", "bench.soap:empty_app", "soap"),
    ("floor", "bench.soap:floor_app()", "soap"),
    ("soap", SERVICE, "soap"),
    ("soap-uitgebreid", SERVICE, "soap-uitgebreid"),
    ("soap-samenloop", SERVICE, "soap-samenloop"),
    ("floor-rest", "bench.soap:floor_app()", "rest"),
    ("rest", SERVICE, "rest"),
    ("rest-wet", SERVICE, "rest-wet"),
)
PATHS = {"soap": "/soap/registertoets", "rest": "/api/v1/registertoets"}


def median_of(rounds: list[Meting]) -> Meting:
    """Each figure's median over the rounds. The rounds interleave the apps, so a burst of load
    from elsewhere on the machine hits one round of each app rather than one app."""

    def middle(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    first = rounds[0]
    return Meting(
        first.engine,
        first.app,
        sum(m.requests for m in rounds),
        sum(m.errors for m in rounds),
        middle([m.req_per_s for m in rounds]),
        middle([m.p50_ms for m in rounds]),
        middle([m.p99_ms for m in rounds]),
    )


def _script(path: Path, body: str, headers: str) -> Path:
    path.write_text(_LUA % {"body": body, "token": TOKEN, "headers": headers} + WRK_DONE)
    return path


def _scripts(workdir: Path, bsn: str, zorg_bsn: str) -> dict[str, tuple[Path, str]]:
    """The wrk script and path of every request kind."""
    soap = {
        "soap": envelope(bsn),
        "soap-uitgebreid": envelope(zorg_bsn, "RegistertoetsUitgebreid"),
        "soap-samenloop": envelope(zorg_bsn, "RegistertoetsSamenloop", "wmo"),
    }
    loads = {
        name: (_script(workdir / f"{name}.lua", body, SOAP_HEADERS % name_of(body)), PATHS["soap"])
        for name, body in soap.items()
    }
    rest = {"rest": {"bsn": zorg_bsn}, "rest-wet": {"bsn": zorg_bsn, "wet": "jw"}}
    for name, data in rest.items():
        loads[name] = (
            _script(workdir / f"{name}.lua", json.dumps(data), REST_HEADERS),
            PATHS["rest"],
        )
    return loads


def name_of(body: str) -> str:
    return body.split("<reg:", 1)[1].split(">", 1)[0]


def bench_engine(name: str, args: argparse.Namespace, workdir: Path) -> list[list[Meting]]:
    with throwaway_database(name, workdir) as url, ExitStack() as servers:
        filled = fill_service_database(url, PEILDATUM)
        zorg_bsn = filled.demo.register[3].bsn  # Ja, ends 2027-05-19
        fill_zorg(url, zorg_bsn, filled.extra)
        loads = _scripts(workdir, filled.demo.register[3].bsn, zorg_bsn)
        targets = {target for _, target, _ in APPS}
        ports = {t: servers.enter_context(gunicorn(t, url)) for t in sorted(targets)}
        for _app, target, transport in APPS:  # warm-up: pools, statement caches
            drive_wrk(ports[target], loads[transport][0], 2, args.connections, loads[transport][1])
        rounds: dict[str, list[Meting]] = {app: [] for app, _, _ in APPS}
        for number in range(1, args.rounds + 1):
            for app, target, transport in APPS:
                time.sleep(1)  # let the previous app's last requests finish: no overlap
                rounds[app].append(measure(name, app, ports[target], loads[transport], args))
                print(
                    f"  {name:<10} round {number} {app:<16} "
                    f"{rounds[app][-1].req_per_s:>9.1f} req/s",
                    flush=True,
                )
    return list(rounds.values())


def _ratio(a: Meting, b: Meting) -> float:
    return round(a.req_per_s / b.req_per_s, 3)


def _p50_ratio(a: Meting, b: Meting) -> float:
    return round(a.p50_ms / b.p50_ms, 3)


def ratios(results: list[Meting]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for engine in sorted({m.engine for m in results}):
        by_app = {m.app: m for m in results if m.engine == engine}
        soap, floor = by_app["soap"], by_app["floor"]
        rest, floor_rest = by_app["rest"], by_app["floor-rest"]
        uitgebreid = by_app["soap-uitgebreid"]
        out[engine] = {
            "throughput_samenloop_vs_uitgebreid": _ratio(by_app["soap-samenloop"], uitgebreid),
            "p50_samenloop_vs_uitgebreid": _p50_ratio(by_app["soap-samenloop"], uitgebreid),
            "throughput_rest_wet_vs_uitgebreid": _ratio(by_app["rest-wet"], uitgebreid),
            "throughput_rest_wet_vs_rest": _ratio(by_app["rest-wet"], rest),
            "throughput_soap_vs_floor": round(soap.req_per_s / floor.req_per_s, 3),
            "p99_soap_vs_floor": round(soap.p99_ms / floor.p99_ms, 3),
            "throughput_rest_vs_floor": round(rest.req_per_s / floor_rest.req_per_s, 3),
            "p99_rest_vs_floor": round(rest.p99_ms / floor_rest.p99_ms, 3),
            "throughput_floor_vs_empty": round(floor.req_per_s / by_app["empty"].req_per_s, 3),
        }
    return out


def table(results: list[Meting], quotients: dict[str, dict[str, float]]) -> str:
    lines = ["medians over the interleaved rounds (requests, errors: totals):"]
    lines.append(f"{'engine':<11}{'app':<16}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for m in results:
        lines.append(
            f"{m.engine:<11}{m.app:<16}{m.req_per_s:>10.1f}{m.p50_ms:>9.2f}{m.p99_ms:>9.2f}"
            f"{m.errors:>8}"
        )
    for engine, q in quotients.items():
        lines.append(
            f"{engine}: soap/floor throughput {q['throughput_soap_vs_floor']:.2f} "
            f"(target >= 0.6), p99 soap/floor {q['p99_soap_vs_floor']:.2f} (target <= 2); "
            f"rest/floor throughput {q['throughput_rest_vs_floor']:.2f} (target >= 0.8), "
            f"p99 rest/floor {q['p99_rest_vs_floor']:.2f} (target <= 1.5)"
        )
        lines.append(
            f"{engine}: samenloop/uitgebreid throughput "
            f"{q['throughput_samenloop_vs_uitgebreid']:.2f} (target >= 0.9), p50 "
            f"{q['p50_samenloop_vs_uitgebreid']:.2f}; rest-wet/uitgebreid throughput "
            f"{q['throughput_rest_wet_vs_uitgebreid']:.2f} (target >= 0.9), rest-wet/rest "
            f"{q['throughput_rest_wet_vs_rest']:.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    summary = (__doc__ or "").split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m bench.soap", description=summary)
    parser.add_argument("--duration", type=int, default=10, help="seconds per app (default 10)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median kept)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    results: list[Meting] = []
    every_round: list[Meting] = []
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.engines.split(","):
            for rounds in bench_engine(name.strip(), args, Path(workdir)):
                results.append(median_of(rounds))
                every_round += rounds
    quotients = ratios(results)
    print(table(results, quotients))
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report: dict[str, Any] = {"when": stamp, "args": vars(args)}
    report["median_rounds"] = [asdict(m) for m in results]
    report["all_rounds"] = [asdict(m) for m in every_round]
    report["ratios"] = quotients
    path = OUT / f"soap-{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
