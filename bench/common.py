"""What the benchmarks share: throwaway databases, a filled service database, the SOAP request,
the wrk driver, subprocess measurements, medians."""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from store import migrate
from store.bsn import elfproef
from store.db import make_engine, make_sessions
from store.demo import DemoSet, fill
from store.demo import synthetic_bsns as test_range_bsns
from store.register import RegisterRegel, load_feed
from store.settings import Settings
from tests import databases

OUT = Path(__file__).parent / "out"
PG_ADMIN = os.environ.get("SAMENLOOP_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ENGINES = ("sqlite", "postgresql")
EXTRA_REGISTER = 5_000  # synthetic test-range BSNs after the demo set
TNS = "urn:wlz:registertoets:v1"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"


def synthetic_bsns(count: int, seed: int = 20261123) -> Iterator[str]:
    """Distinct elfproef-valid nine-digit numbers, generated on the fly for a benchmark only.

    The test range (999900006-999999990) holds about 9,000 valid numbers, too few for a
    national-size set; these are made from eight random digits and the check digit that the
    elfproef then requires, and are never stored or committed.
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    while len(seen) < count:
        head = f"{rng.randrange(10_000_000, 100_000_000):08d}"
        check = sum(w * int(c) for w, c in zip(range(9, 1, -1), head, strict=True)) % 11
        bsn = f"{head}{check}"
        if check < 10 and bsn not in seen and elfproef(bsn):
            seen.add(bsn)
            yield bsn


@contextmanager
def throwaway_database(engine_name: str, tmp: Path) -> Iterator[str]:
    target = "sqlite" if engine_name == "sqlite" else PG_ADMIN
    with databases.throwaway_database(target, tmp, prefix="samenloop_bench") as url:
        yield url


def measure(module: str, *args: str) -> dict[str, Any]:
    """Run `python -m module args` in a fresh process; it prints one JSON object."""
    proc = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def median(values: list[float]) -> float:
    return statistics.median(values)


def save(name: str, data: dict[str, Any]) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(data, indent=2))
    return path


@dataclass(frozen=True)
class Filled:
    """What fill_service_database put in: the demo set and the BSNs of the extra records
    (every one "Ja")."""

    demo: DemoSet
    extra: tuple[str, ...]


def fill_service_database(url: str, peildatum: date, extra: int = EXTRA_REGISTER) -> Filled:
    """Migrate, load the demo set (organisations with their fixed tokens, six register
    records) plus `extra` register records, so that lookups run against a register of
    realistic size rather than six rows."""
    engine = make_engine(Settings(database_url=url))
    migrate.upgrade(engine)
    demo = fill(engine, make_sessions(engine), peildatum)
    bsns = test_range_bsns(999_910_000)
    regels = [
        RegisterRegel(i, "T", next(bsns), "Ja", date(2024, 1, 1), date(2024, 1, 1))
        for i in range(1, extra + 1)
    ]
    load_feed(engine, regels, initieel=False, bestandsnaam="bench")
    engine.dispose()
    return Filled(demo, tuple(r.bsn for r in regels))


def envelope(bsn: str, operatie: str = "Registertoets", wet: str | None = None) -> str:
    """A SOAP 1.1 request: by default the 2015 operation; RegistertoetsSamenloop with a wet."""
    wet_element = f"<reg:wet>{wet}</reg:wet>" if wet else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{SOAP11}" '
        f'xmlns:reg="{TNS}"><soapenv:Body><reg:{operatie}><reg:bsn>{bsn}</reg:bsn>'
        f"{wet_element}</reg:{operatie}></soapenv:Body></soapenv:Envelope>"
    )


def fill_zorg(url: str, bsn: str, others: tuple[str, ...]) -> int:
    """Zorgkantoor and zorgaanbieder rows: for `bsn` a toewijzing of MPT and of Verblijf and a
    reported start (advies JA per a date, the fullest answer), and for every other BSN one
    toewijzing, every third also a start, so that the lookups run on tables of some size.
    Returns the number of rows."""
    from sqlalchemy import insert

    from store.models_zorg import ZorgaanbiederLevering, ZorgkantoorLevering

    start = date(2026, 2, 1)
    kantoor = [_toewijzing(bsn, "7", start), _toewijzing(bsn, "4", date(2026, 2, 16))]
    kantoor += [_toewijzing(b, "47"[i % 2], start) for i, b in enumerate(others)]
    aanbieder = [_start(bsn, date(2026, 2, 3))] + [_start(b, start) for b in others[::3]]
    engine = make_engine(Settings(database_url=url))
    with engine.begin() as conn:
        conn.execute(insert(ZorgkantoorLevering), kantoor)
        conn.execute(insert(ZorgaanbiederLevering), aanbieder)
    engine.dispose()
    return len(kantoor) + len(aanbieder)


def _toewijzing(bsn: str, code: str, start: date) -> dict[str, object]:
    return {"bsn": bsn, "organisatie_id": 1, "leveringsvorm": code, "startdatum": start,
            "einddatum": None, "load_id": 1}  # fmt: skip


def _start(bsn: str, start: date) -> dict[str, object]:
    return {"bsn": bsn, "organisatie_id": 2, "startdatum": start, "einddatum": None, "load_id": 1}


# wrk's `done` hook for every bench's Lua script: one RESULT line that drive_wrk reads.
WRK_DONE = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULT {\\"requests\\": %d, \\"duration_us\\": %d, \\"errors\\": %d, "
    .. "\\"p50_us\\": %d, \\"p99_us\\": %d}\\n",
    summary.requests, summary.duration, errors,
    latency:percentile(50), latency:percentile(99)))
end
"""


def drive_wrk(
    port: int, script: Path, duration: int, connections: int, path: str
) -> dict[str, int]:
    """Closed loop: wrk keeps `connections` requests in flight for `duration` seconds.
    Errors: socket errors, timeouts and every status of 400 or more."""
    threads = min(connections, 2)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "-s", str(script)]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    result: dict[str, int] = json.loads(line.removeprefix("RESULT "))
    return result
