"""Bench: a national-size CIZ feed (450,000 lines) loaded with --initieel, against the floor.

The floor is a bare bulk insert of the same rows into the same engine, into the register table
and the history table (what the load writes), with the same bulk method (store.bulk). Each
measurement runs in a fresh process on a fresh database; medians of the runs are reported with
the peak RSS of the process.

    .venv/bin/python -m bench.register_load [--lines 450000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from adapters.files.cizfeed import parse_feed
from bench.common import ENGINES, measure, median, save, synthetic_bsns, throwaway_database
from store import migrate
from store.bulk import bulk_insert
from store.datums import format_datum
from store.db import make_engine
from store.feeds import BATCH
from store.models import RegisterLoad
from store.register import load_feed
from store.settings import Settings

Record = tuple[str, str, date, date, date | None]


def records(lines: int) -> Iterator[Record]:
    """Statuses and dates spread roughly as in the register: mostly Ja, some Nee and Onbekend."""
    rng = random.Random(7)
    start = date(2015, 1, 1)
    for bsn in synthetic_bsns(lines):
        status = rng.choices(("Ja", "Nee", "Onbekend"), weights=(82, 13, 5))[0]
        afgifte = start + timedelta(days=rng.randrange(0, 4300))
        ingang = afgifte + timedelta(days=rng.randrange(-30, 60))
        ends = status == "Nee" or rng.random() < 0.08
        eind = ingang + timedelta(days=rng.randrange(30, 2000)) if ends else None
        yield bsn, status, afgifte, ingang, eind


def write_feed(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        for bsn, status, afgifte, ingang, eind in records(lines):
            einde = format_datum(eind) if eind else ""
            out.write(f"T,{bsn},{status},{format_datum(afgifte)},{format_datum(ingang)},{einde}\n")


def _engine(url: str) -> Any:
    engine = make_engine(Settings(database_url=url))
    migrate.upgrade(engine)
    return engine


def run_load(url: str, feed: Path) -> float:
    engine = _engine(url)
    began = time.perf_counter()
    with feed.open("rb") as raw:
        res = load_feed(engine, parse_feed(raw), initieel=True, bestandsnaam=feed.name)
    elapsed = time.perf_counter() - began
    assert res.geaccepteerd and res.toegevoegd > 0, res.fouten.regels()
    engine.dispose()
    return elapsed


def _floor_batches(lines: int) -> list[list[Record]]:
    """The same rows, built before the clock starts: the floor times only the inserts."""
    rows = list(records(lines))
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


def run_floor(url: str, lines: int) -> float:
    engine = _engine(url)
    batches = _floor_batches(lines)
    began = time.perf_counter()
    with engine.begin() as conn:
        load_id = conn.execute(
            insert(RegisterLoad).returning(RegisterLoad.id),
            {
                "bestandsnaam": "floor",
                "initieel": True,
                "verwerkt_op": datetime.now(UTC),
                "aantal_regels": lines,
                "toegevoegd": lines,
                "vervangen": 0,
                "verwijderd": 0,
                "waarschuwingen": 0,
            },
        ).scalar_one()
        for n, batch in enumerate(batches):
            bulk_insert(
                conn,
                "wlz_register",
                ("bsn", "wlz_status", "afgiftedatum", "ingangsdatum", "einddatum", "load_id"),
                [(*rec, load_id) for rec in batch],
            )
            bulk_insert(
                conn,
                "register_mutatie",
                (
                    "load_id",
                    "regel",
                    "soort",
                    "bsn",
                    "wlz_status",
                    "afgiftedatum",
                    "ingangsdatum",
                    "einddatum",
                ),
                [(load_id, n * BATCH + i + 1, "T", *rec) for i, rec in enumerate(batch)],
            )
    elapsed = time.perf_counter() - began
    engine.dispose()
    return elapsed


def one(kind: str, engine_name: str, feed: Path, lines: int) -> None:
    """One measurement in this (fresh) process; prints JSON."""
    with tempfile.TemporaryDirectory() as tmp, throwaway_database(engine_name, Path(tmp)) as url:
        seconds = run_load(url, feed) if kind == "load" else run_floor(url, lines)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_mb}))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="bench.register_load")
    parser.add_argument("--lines", type=int, default=450_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", nargs=3, metavar=("KIND", "ENGINE", "FEED"))
    args = parser.parse_args(argv)
    if args.one:
        one(args.one[0], args.one[1], Path(args.one[2]), args.lines)
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "ciz-national.csv"
        write_feed(feed, args.lines)
        report: dict[str, Any] = {e: _compare(e, feed, args.lines, args.runs) for e in ENGINES}
    report["lines"] = args.lines
    _print(report)
    save("register_load", report)
    return report


def _compare(engine_name: str, feed: Path, lines: int, runs: int) -> dict[str, float]:
    results: dict[str, list[dict[str, Any]]] = {"floor": [], "load": []}
    for _ in range(runs):
        for kind in ("floor", "load"):
            results[kind].append(
                measure(
                    "bench.register_load",
                    "--lines",
                    str(lines),
                    "--one",
                    kind,
                    engine_name,
                    str(feed),
                )
            )
    floor = median([r["seconds"] for r in results["floor"]])
    load = median([r["seconds"] for r in results["load"]])
    return {
        "floor_s": round(floor, 2),
        "load_s": round(load, 2),
        "ratio": round(load / floor, 2),
        "floor_peak_rss_mb": round(max(r["peak_rss_mb"] for r in results["floor"]), 1),
        "load_peak_rss_mb": round(max(r["peak_rss_mb"] for r in results["load"]), 1),
    }


def _print(report: dict[str, Any]) -> None:
    print(f"register load, {report['lines']} lines, --initieel (medians; target ratio <= 2.0)")
    print(f"{'engine':<11}{'floor s':>9}{'load s':>9}{'ratio':>7}{'floor MB':>10}{'load MB':>9}")
    for name in ENGINES:
        r = report[name]
        print(
            f"{name:<11}{r['floor_s']:>9}{r['load_s']:>9}{r['ratio']:>7}"
            f"{r['floor_peak_rss_mb']:>10}{r['load_peak_rss_mb']:>9}"
        )


if __name__ == "__main__":
    main()
