"""Bench: a zorgkantoor feed of 300,000 lines, --initieel and then again as mutaties, against the
floor (a bare bulk insert of the same rows into zorgkantoor_levering with store.bulk).

Each measurement runs in a fresh process on a fresh database; medians of the runs are reported.

    .venv/bin/python -m bench.zorgfeed [--lines 300000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from adapters.files.zorgfeed import parse_zorgfeed
from bench.common import ENGINES, measure, median, save, synthetic_bsns, throwaway_database
from store import migrate, organisaties
from store.bulk import bulk_insert
from store.datums import format_datum
from store.db import make_engine, make_sessions
from store.feeds import BATCH
from store.rollen import Rol
from store.settings import Settings
from store.zorgfeed import Feed, Opdracht, load_zorgfeed

ZORGKANTOOR = "5501"
Row = tuple[str, str, date, date | None]
_COLUMNS = ("bsn", "leveringsvorm", "startdatum", "einddatum", "organisatie_id", "load_id")


def rows(lines: int) -> Iterator[Row]:
    """Two leveringsvormen per BSN (a combination such as MPT with PGB), a few ended."""
    start = date(2020, 1, 1)
    for n, bsn in enumerate(synthetic_bsns((lines + 1) // 2)):
        begin = start + timedelta(days=n % 2000)
        yield bsn, "7", begin, None
        yield bsn, "2", begin, begin + timedelta(days=365) if n % 10 == 0 else None


def write_feed(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        for n, (bsn, vorm, begin, eind) in enumerate(rows(lines)):
            if n < lines:
                einde = format_datum(eind) if eind else ""
                out.write(f"T,{bsn},{vorm},{format_datum(begin)},{einde}\n")


def _engine(url: str) -> tuple[Engine, int]:
    engine = make_engine(Settings(database_url=url))
    migrate.upgrade(engine)
    with make_sessions(engine).begin() as session:
        organisaties.add_zorgpartij(session, Rol.ZORGKANTOOR, ZORGKANTOOR, peildatum=date.today())
        info = organisaties.describe(session, Rol.ZORGKANTOOR, ZORGKANTOOR)
    assert info is not None
    return engine, info.id


def _load(engine: Engine, feed: Path, initieel: bool) -> float:
    opdracht = Opdracht(Feed.ZORGKANTOOR, ZORGKANTOOR, feed.name, initieel)
    began = time.perf_counter()
    with feed.open("rb") as raw:
        res = load_zorgfeed(engine, opdracht, parse_zorgfeed(raw, Feed.ZORGKANTOOR), aan=True)
    assert res.geaccepteerd, res.fouten.regels()
    return time.perf_counter() - began


def run_floor(engine: Engine, org_id: int, lines: int) -> float:
    batch = [(*row, org_id, 1) for n, row in enumerate(rows(lines)) if n < lines]
    began = time.perf_counter()
    with engine.begin() as conn:
        for i in range(0, len(batch), BATCH):
            bulk_insert(conn, "zorgkantoor_levering", _COLUMNS, batch[i : i + BATCH])
    return time.perf_counter() - began


def one(engine_name: str, feed: Path, lines: int) -> None:
    """One measurement of each kind in this (fresh) process; prints JSON."""
    with tempfile.TemporaryDirectory() as tmp, throwaway_database(engine_name, Path(tmp)) as url:
        engine, org_id = _engine(url)
        initieel = _load(engine, feed, initieel=True)
        mutaties = _load(engine, feed, initieel=False)
        engine.dispose()
    with tempfile.TemporaryDirectory() as tmp, throwaway_database(engine_name, Path(tmp)) as url:
        engine, org_id = _engine(url)
        floor = run_floor(engine, org_id, lines)
        engine.dispose()
    print(json.dumps({"floor": floor, "initieel": initieel, "mutaties": mutaties}))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="bench.zorgfeed")
    parser.add_argument("--lines", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "FEED"))
    args = parser.parse_args(argv)
    if args.one:
        one(args.one[0], Path(args.one[1]), args.lines)
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "zorgkantoor.csv"
        write_feed(feed, args.lines)
        report: dict[str, Any] = {e: _compare(e, feed, args.lines, args.runs) for e in ENGINES}
    report["lines"] = args.lines
    _print(report)
    save("zorgfeed", report)
    return report


def _compare(engine_name: str, feed: Path, lines: int, runs: int) -> dict[str, float]:
    args = ("--lines", str(lines), "--one", engine_name, str(feed))
    results = [measure("bench.zorgfeed", *args) for _ in range(runs)]
    floor = median([r["floor"] for r in results])
    out = {"floor_s": round(floor, 2)}
    for kind in ("initieel", "mutaties"):
        seconds = median([r[kind] for r in results])
        out[f"{kind}_s"], out[f"{kind}_ratio"] = round(seconds, 2), round(seconds / floor, 2)
    return out


def _print(report: dict[str, Any]) -> None:
    print(f"zorgkantoor feed, {report['lines']} lines (medians; ratio to the bare insert)")
    print(
        f"{'engine':<11}{'floor s':>9}{'initieel s':>12}{'ratio':>7}{'mutaties s':>12}{'ratio':>7}"
    )
    for name in ENGINES:
        r = report[name]
        print(
            f"{name:<11}{r['floor_s']:>9}{r['initieel_s']:>12}{r['initieel_ratio']:>7}"
            f"{r['mutaties_s']:>12}{r['mutaties_ratio']:>7}"
        )


if __name__ == "__main__":
    main()
