"""Load and soak: mixed traffic on `samenloop serve --workers 2`, at its maximum and then for a
minute at about 80% of it, on SQLite and on PostgreSQL.

    .venv/bin/python -m bench.soak [--duration 60] [--max-duration 10] [--share 0.8]
                                   [--connections 8] [--engines sqlite,postgresql]

For each engine: a throwaway database with the demo set (its organisations and fixed tokens, its
Wmo populations delivered the normal way) and 5,000 more register records; the service started
as a user starts it; 2,000 of those records delivered as 0363's population over REST; one nightly
run, so that the signals API has pages to give. The traffic repeats a fixed cycle of 50 requests
(spread evenly): 20 SOAP Registertoets, 18 REST registertoets (over the three demo
organisations and a rotation of JA and NEE BSNs), 6 GET signalen of the day, 5 GET
signalen/bestanden and 1 aanlevering of five unchanged mutaties (the same file every time, so
it changes nothing but its own verslag).

1. Maximum: wrk, closed loop (`--connections` in flight), `--max-duration` seconds after a short
   warm-up; every status of 400 or more and every socket error is an error.
2. Soak: `--share` of that maximum at a constant rate for `--duration` seconds, open loop.
   wrk2 is not available, and wrk's `delay()` only spaces the requests of one connection after
   its answer: a slow answer holds back the requests behind it and their wait is never
   measured (coordinated omission). Here request n is due at start + n / rate and queued then,
   whatever earlier ones are doing, for IN_FLIGHT threads that send it on a connection of its
   own (the sync workers close each one); its latency runs from its due time, so a wait for a
   free thread counts. Threads with blocking sockets rather than asyncio: on this machine they
   cost about 0.4 ms of CPU per request against asyncio's 0.7 (wrk: 0.1); the generator's own
   CPU share is reported, as it runs on the same cores as the workers.
3. Memory: VmRSS of the gunicorn master and of each worker (its children) just before and just
   after the soak, and every 10 s in between (JSON). Target: each worker's end <= start + 10%,
   and the same workers at the end (a replaced worker would hide a leak).

The registertoets rate limit is off (SAMENLOOP_REGISTERTOETS_LIMIET=0): it allows an
organisation 60 calls a minute, so three organisations at hundreds a second would be refused
almost every call and the bench would measure refusals; even all 342 gemeenten at their limit
make 342 calls a second, below what is driven here. The limit's own cost is in the README.
/metrics is on (SAMENLOOP_METRICS_TOKEN): its request counts over the soak are a second,
server-side count of the statuses. The service's log goes to bench/out/soak-ENGINE.log.
Prints a table and writes bench/out/soak.json.
"""

from __future__ import annotations

import argparse
import itertools
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from queue import SimpleQueue
from typing import Any

import httpx

from bench.common import (
    OUT,
    WRK_DONE,
    Filled,
    drive_wrk,
    envelope,
    fill_service_database,
    save,
    throwaway_database,
)
from store import signalen
from store.datums import vandaag
from store.db import make_engine
from store.demo import deliver_populations
from store.settings import Settings
from tests.procs import children
from tests.server import Service, service

WORKERS = 2
METRICS_TOKEN = "bench-soak-metrics"
ENV = {"SAMENLOOP_REGISTERTOETS_LIMIET": "0", "SAMENLOOP_METRICS_TOKEN": METRICS_TOKEN}
SHARES = (("soap", 20), ("rest", 18), ("signalen", 6), ("bestanden", 5), ("upload", 1))
CYCLES = 8  # the cycle repeated with other BSNs and tokens: 400 distinct requests
POPULATION = 2_000  # register records that 0363 delivers as its population
UPLOAD_LINES = 5
IN_FLIGHT = 32  # sending threads: requests in flight at most in the soak
TIMEOUT = 30.0  # seconds; a request not answered by then is an error
WARMUP = 2  # seconds of the mix before the maximum is measured
SAMPLE_EVERY = 10.0  # seconds between RSS samples during the soak
FLAT = 1.10  # a worker's RSS at the end of the soak at most 10% over its start


# --- the traffic ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    kind: str
    expect: int  # the one status that is not an error
    raw: bytes  # the whole HTTP/1.1 request, as sent by wrk and by the generator


def _http(port: int, head: str, token: str, body: bytes = b"", *headers: str) -> bytes:
    lines = [head + " HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Authorization: Bearer {token}"]
    lines += ["Connection: close", *headers]  # a sync worker closes after each answer anyway
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _soap(port: int, bsn: str, token: str) -> Request:
    headers = (
        "Content-Type: text/xml; charset=utf-8",
        'SOAPAction: "urn:wlz:registertoets:v1/Registertoets"',
    )
    body = envelope(bsn).encode()
    return Request("soap", 200, _http(port, "POST /soap/registertoets", token, body, *headers))


def _rest(port: int, bsn: str, token: str) -> Request:
    body = f'{{"bsn": "{bsn}"}}'.encode()
    raw = _http(port, "POST /api/v1/registertoets", token, body, "Content-Type: application/json")
    return Request("rest", 200, raw)


def _get(port: int, kind: str, target: str, token: str) -> Request:
    return Request(kind, 200, _http(port, f"GET {target}", token))


def population_csv(bsns: tuple[str, ...]) -> bytes:
    """0363's Wmo clients, begun on 1 January 2024, no einddatum (bestanden.md section 1)."""
    return "".join(f"{bsn},0363,01-01-2024,\n" for bsn in bsns).encode()


def _upload(port: int, filled: Filled) -> Request:
    """Mutaties for clients already in the population with the same dates: nothing changes."""
    body = population_csv(filled.extra[:UPLOAD_LINES])
    headers = ("Content-Type: text/csv", 'Content-Disposition: attachment; filename="bench.csv"')
    token = filled.demo.gemeenten[0].token
    return Request(
        "upload", 201, _http(port, "POST /api/v1/aanleveringen?wet=wmo", token, body, *headers)
    )


def cycle() -> list[str]:
    """One cycle of 50 kinds, each kind spread evenly over it."""
    slots = [((j + 0.5) / count, kind) for kind, count in SHARES for j in range(count)]
    return [kind for _, kind in sorted(slots)]


def _toets_bsns(filled: Filled) -> Iterator[str]:
    """JA (the extra records, the demo's Ja ones) and NEE (Nee, Onbekend, none) in rotation."""
    demo = filled.demo
    return itertools.cycle(
        [*filled.extra[::125], *(r.bsn for r in demo.register), *demo.zonder_samenloop]
    )


def mix(port: int, filled: Filled, day: date) -> list[Request]:
    tokens = itertools.cycle([g.token for g in filled.demo.gemeenten])
    bsns = _toets_bsns(filled)
    signals = filled.demo.gemeenten[0].token  # 0363: the organisation with the signals
    make = {
        "soap": lambda: _soap(port, next(bsns), next(tokens)),
        "rest": lambda: _rest(port, next(bsns), next(tokens)),
        "signalen": lambda: _get(port, "signalen", f"/api/v1/signalen?datum={day}", signals),
        "bestanden": lambda: _get(port, "bestanden", "/api/v1/signalen/bestanden", signals),
        "upload": lambda: _upload(port, filled),
    }
    return [make[kind]() for kind in cycle() * CYCLES]


def _lua_string(raw: bytes) -> str:
    """A Lua string literal of exactly these bytes (CR LF survive; long brackets lose CR)."""
    return (
        '"'
        + "".join(chr(b) if 32 <= b < 127 and b not in b'"\\' else f"\\{b:03d}" for b in raw)
        + '"'
    )


def lua_script(requests: list[Request]) -> str:
    """For wrk: each thread sends the requests in turn, the same cycle as the soak."""
    table = ",\n".join(_lua_string(r.raw) for r in requests)
    turn = "local n = 0\nrequest = function()\n  n = n % #requests + 1\n  return requests[n]\nend\n"
    return f"local requests = {{\n{table}\n}}\n{turn}{WRK_DONE}"


# --- the open-loop generator ---------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds from the due time
    late: list[float] = field(default_factory=list)  # how late the generator queued a request
    errors: Counter[str] = field(default_factory=Counter)  # "kind status" or "kind exception"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, request: Request, outcome: int | str, latency: float) -> None:
        with self.lock:
            self.latencies.append(latency)
            if outcome != request.expect:
                self.errors[f"{request.kind} {outcome}"] += 1


def exchange(port: int, raw: bytes) -> int:
    """Send one request on a new connection; the status of the answer, read to its end (the
    sync worker closes the connection after each answer)."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as conn:
        conn.sendall(raw)
        answer = b"".join(iter(lambda: conn.recv(65536), b""))
    return int(answer.split(b" ", 2)[1])


Due = SimpleQueue[tuple[float, Request] | None]


def _work(port: int, due: Due, tally: Tally) -> None:
    while (item := due.get()) is not None:
        when, request = item
        outcome: int | str
        try:
            outcome = exchange(port, request.raw)
        except (OSError, IndexError, ValueError) as exc:  # refused, reset, timed out, no answer
            outcome = type(exc).__name__
        tally.record(request, outcome, time.monotonic() - when)


def open_loop(
    port: int, requests: list[Request], rate: float, duration: float
) -> tuple[Tally, float]:
    """Request n is due at start + n / rate and queued then for IN_FLIGHT sending threads;
    its latency runs from that moment. Returns the tally and the seconds taken."""
    tally, due = Tally(), Due()
    threads = [threading.Thread(target=_work, args=(port, due, tally)) for _ in range(IN_FLIGHT)]
    for thread in threads:
        thread.start()
    start = time.monotonic()
    for n in range(round(rate * duration)):
        when = start + n / rate
        time.sleep(max(0.0, when - time.monotonic()))
        tally.late.append(time.monotonic() - when)
        due.put((when, requests[n % len(requests)]))
    for _ in threads:
        due.put(None)  # each thread stops at one of these, after the requests before it
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - start


# --- memory and the server's own counts --------------------------------------------------------


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise ValueError(f"no VmRSS for process {pid}")


def memory(running: Service) -> dict[int, int]:
    """RSS in kB of the master (first) and of each of its workers, by pid."""
    master = running.master.pid
    return {pid: rss_kb(pid) for pid in [master, *sorted(children(master))]}


def load_average() -> float:
    """The machine's 1-minute load: this machine is shared, and a soak that other work
    disturbed shows here (the service and the generator alone make about 2-3)."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def _sample(running: Service, samples: list[dict[int, int]], stop: threading.Event) -> None:
    while not stop.wait(SAMPLE_EVERY):
        samples.append(memory(running))


_COUNTED = re.compile(r"^samenloop_http_requests_total\{([^}]*)\} (\S+)$", re.MULTILINE)


def server_counts(base: str) -> dict[str, float]:
    """The service's own request counts by "operation status" (the scrapes themselves left out)."""
    auth = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    text = httpx.get(base + "/metrics", headers=auth, timeout=30).text
    counts: dict[str, float] = {}
    for labels, value in _COUNTED.findall(text):
        found = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        if found["operation"] != "metrics":
            key = f"{found['operation']} {found['status']}"
            counts[key] = counts.get(key, 0.0) + float(value)
    return counts


def _difference(after: dict[str, float], before: dict[str, float]) -> dict[str, int]:
    spread = {key: round(value - before.get(key, 0.0)) for key, value in sorted(after.items())}
    return {key: count for key, count in spread.items() if count}


# --- one engine ---------------------------------------------------------------------------------


def _prepare(url: str, base: str, filled: Filled, day: date) -> dict[str, int]:
    """The demo populations, 0363's larger one over REST, and the nightly run of `day`."""
    engine = make_engine(Settings(database_url=url))
    try:
        deliver_populations(engine, filled.demo, day)
        body = population_csv(filled.extra[:POPULATION])
        auth = {
            "Authorization": f"Bearer {filled.demo.gemeenten[0].token}",
            "Content-Type": "text/csv",
        }
        answer = httpx.post(
            f"{base}/api/v1/aanleveringen?wet=wmo", content=body, headers=auth, timeout=300
        )
        if answer.status_code != 201:
            raise RuntimeError(f"population upload: {answer.status_code} {answer.text[:300]}")
        run = signalen.run(engine, day)
    finally:
        engine.dispose()
    return {"register": len(filled.demo.register) + len(filled.extra), "signals": run.signalen}


def maximum(port: int, script: Path, args: argparse.Namespace) -> dict[str, Any]:
    drive_wrk(port, script, WARMUP, args.connections, "/")  # pools, statement caches, imports
    raw = drive_wrk(port, script, args.max_duration, args.connections, "/")
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "errors": raw["errors"],
        "req_per_s": round(raw["requests"] / seconds, 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
    }


def _percentile(values: list[float], p: int) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else 0.0
    )


def _summary(tally: Tally, rate: float, seconds: float) -> dict[str, Any]:
    answered = len(tally.latencies)  # every request sent, with an answer or an error
    return {
        "target_req_per_s": round(rate, 1),
        "requests": answered,
        "req_per_s": round(answered / seconds, 1),
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(tally.errors),
        "p50_ms": round(_percentile(tally.latencies, 50) * 1000, 3),
        "p99_ms": round(_percentile(tally.latencies, 99) * 1000, 3),
        "max_ms": round(max(tally.latencies, default=0.0) * 1000, 3),
        "generator_late_p99_ms": round(_percentile(tally.late, 99) * 1000, 3),
    }


def _soak_with_samples(
    running: Service, requests: list[Request], rate: float, duration: float
) -> tuple[Tally, float, list[dict[int, int]]]:
    samples: list[dict[int, int]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(running, samples, stop))
    sampler.start()
    try:
        tally, seconds = open_loop(_port(running), requests, rate, duration)
    finally:
        stop.set()
        sampler.join()
    return tally, seconds, samples


def _memory_report(start: dict[int, int], end: dict[int, int], master: int) -> dict[str, Any]:
    workers = [pid for pid in start if pid != master]
    return {
        "master_kb": [start[master], end.get(master, 0)],
        "workers_kb": {str(pid): [start[pid], end.get(pid, 0)] for pid in workers},
        "workers_replaced": sorted(start) != sorted(end),
        "flat": sorted(start) == sorted(end) and all(end[p] <= start[p] * FLAT for p in workers),
    }


def soak(running: Service, requests: list[Request], rate: float, duration: float) -> dict[str, Any]:
    before, start, load = server_counts(running.base), memory(running), load_average()
    cpu = time.process_time()
    tally, seconds, samples = _soak_with_samples(running, requests, rate, duration)
    cpu = time.process_time() - cpu
    end, after = memory(running), server_counts(running.base)
    return {
        **_summary(tally, rate, seconds),
        "generator_cpu_share": round(cpu / seconds, 3),  # of one core
        "load_average": [load, load_average()],
        "server_statuses": _difference(after, before),
        "memory": _memory_report(start, end, running.master.pid),
        "memory_samples_kb": [{str(pid): kb for pid, kb in s.items()} for s in samples],
    }


def _port(running: Service) -> int:
    return int(running.base.rsplit(":", 1)[1])


def bench_engine(name: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    day = vandaag()
    OUT.mkdir(exist_ok=True)
    with throwaway_database(name, workdir) as url, (OUT / f"soak-{name}.log").open("wb") as log:
        filled = fill_service_database(url, day)
        with service(url, workers=WORKERS, env=ENV, log=log) as running:
            idle = {str(pid): kb for pid, kb in memory(running).items()}
            prepared = _prepare(url, running.base, filled, day)
            requests = mix(_port(running), filled, day)
            script = workdir / f"soak-{name}.lua"
            script.write_text(lua_script(requests))
            print(f"  {name}: maximum, {args.max_duration} s closed loop", flush=True)
            peak = maximum(_port(running), script, args)
            rate = peak["req_per_s"] * args.share
            print(f"  {name}: soak at {rate:.0f} req/s for {args.duration} s", flush=True)
            held = soak(running, requests, rate, args.duration)
    return {"engine": name, **prepared, "rss_idle_kb": idle, "maximum": peak, "soak": held}


# --- the report ---------------------------------------------------------------------------------


def _row(engine: str, phase: str, m: dict[str, Any]) -> str:
    return (
        f"{engine:<11}{phase:<10}{m['req_per_s']:>9.1f}{m['requests']:>10}{m['errors']:>8}"
        f"{m['p50_ms']:>9.2f}{m['p99_ms']:>9.2f}"
    )


def _memory_line(memory: dict[str, Any]) -> str:
    def mb(pair: list[int]) -> str:
        grown = (pair[1] / pair[0] - 1) * 100 if pair[0] else 0.0
        return f"{pair[0] / 1024:.1f} -> {pair[1] / 1024:.1f} ({grown:+.1f}%)"

    workers = "; ".join(f"worker {pid} {mb(pair)}" for pid, pair in memory["workers_kb"].items())
    verdict = "flat" if memory["flat"] else "NOT FLAT"
    replaced = ", WORKERS REPLACED" if memory["workers_replaced"] else ""
    return f"  RSS MB: master {mb(memory['master_kb'])}; {workers} [{verdict}{replaced}]"


def table(report: dict[str, Any]) -> str:
    mixed = ", ".join(f"{count} {kind}" for kind, count in SHARES)
    lines = [f"mixed traffic per 50 requests: {mixed}; samenloop serve --workers {WORKERS}"]
    lines.append("targets: 0 errors; each worker's RSS at the end of the soak <= start + 10%")
    head = f"{'engine':<11}{'phase':<10}{'req/s':>9}{'requests':>10}{'errors':>8}"
    lines.append(f"{head}{'p50 ms':>9}{'p99 ms':>9}")
    for r in report["engines"]:
        held = r["soak"]
        lines.append(_row(r["engine"], "maximum", r["maximum"]))
        lines.append(_row(r["engine"], f"soak {report['share']:.0%}", held))
        lines.append(_memory_line(held["memory"]))
        lines.append(
            f"  soak target {held['target_req_per_s']} req/s, generator late p99 "
            f"{held['generator_late_p99_ms']} ms and {held['generator_cpu_share']} core, "
            f"machine load {held['load_average'][0]} -> {held['load_average'][1]}, "
            f"slowest {held['max_ms']} ms; errors "
            f"{held['error_kinds'] or 'none'}; server statuses {held['server_statuses']}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    summary = (__doc__ or "").split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=summary)
    parser.add_argument("--duration", type=int, default=60, help="seconds of the soak")
    parser.add_argument("--max-duration", type=int, default=10, help="seconds of the maximum")
    parser.add_argument("--share", type=float, default=0.8, help="soak rate / maximum")
    parser.add_argument("--connections", type=int, default=8, help="wrk's, for the maximum")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    report: dict[str, Any] = {**vars(args), "engines": []}
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.engines.split(","):
            report["engines"].append(bench_engine(name.strip(), args, Path(workdir)))
    print(table(report))
    print(f"written: {save('soak', report)}")
    return report


if __name__ == "__main__":
    main()
