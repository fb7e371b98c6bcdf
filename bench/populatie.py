"""Bench: a 100,000-line aanlevering for one large samenwerkingsverband, against the floor.

The floor is reading the same file with the csv module and running the elfproef on every BSN.
The upload is what `samenloop populatie upload` does: parse, validate (gemeentecodes against
the reference data and the aanleverrechten), stage, upsert, keep the verslag. Measured twice on
a fresh database: the first upload (every line new) and the same file again (every line
unchanged). For the breakdown, the shared reading path (`lees_regels`) and the whole parser
without a database are timed too. Each measurement runs in a fresh process (peak RSS per
process); medians of the runs are reported.

    .venv/bin/python -m bench.populatie [--lines 100000] [--runs 3] [--shuffle]
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import resource
import tempfile
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from adapters.files.aanlevering import parse_aanlevering, verwerk
from adapters.files.csvbestand import lees_regels
from bench.common import ENGINES, measure, median, save, throwaway_database
from store import migrate
from store.bsn import elfproef
from store.db import make_engine
from store.demo import synthetic_bsns
from store.gemeenten import packaged
from store.organisaties import add_gemeente
from store.populatie import Opdracht
from store.rollen import Wet
from store.settings import Settings

PEILDATUM = date(2026, 3, 1)
KINDS = ("floor", "lees_regels", "parser", "upload")


def samenwerkingsverband(lines: int) -> list[str]:
    """Enough existing gemeenten that every line is its own (gemeentecode, bsn): the test
    range holds about 9,000 BSNs, so a 100,000-line file needs 11 gemeentecodes."""
    per_code = sum(1 for _ in synthetic_bsns())
    codes = sorted(c for c, g in packaged().items() if g.bestaat_op(PEILDATUM))
    return codes[: -(-lines // per_code)]


def write_file(path: Path, lines: int, *, shuffle: bool = False) -> None:
    """Written line by line: 20% with a future einddatum, most with an ingangsdatum. In order
    of gemeentecode and BSN (as an export often is), or shuffled: then the upload cannot tell
    from the order alone that no (gemeentecode, bsn) occurs twice, and checks the staged lines."""
    bsns = list(synthetic_bsns())
    codes = samenwerkingsverband(lines)
    order = list(range(lines))
    if shuffle:
        random.Random(20261123).shuffle(order)
    with path.open("w", encoding="utf-8", newline="") as out:
        for i in order:
            code, bsn = codes[i // len(bsns)], bsns[i % len(bsns)]
            ingang = f"{i % 28 + 1:02d}-{i % 12 + 1:02d}-{2010 + i % 16}" if i % 7 else ""
            eind = f"{i % 28 + 1:02d}-{i % 12 + 1:02d}-2030" if i % 5 == 0 else ""
            out.write(f"{bsn},{code},{ingang},{eind}\r\n")


def _start() -> float:
    """The clock, after a full collection: what the set-up left (the migrations make many
    objects) is not the measured code's to collect."""
    gc.collect()
    return time.perf_counter()


def run_floor(path: Path) -> float:
    began = _start()
    with path.open(encoding="utf-8", newline="") as handle:
        valid = sum(elfproef(row[0]) for row in csv.reader(handle))
    elapsed = time.perf_counter() - began
    assert valid > 0
    return elapsed


def _read(path: Path, parse: Any) -> float:
    began = _start()
    with path.open("rb") as raw:
        for _ in parse(raw):
            pass
    return time.perf_counter() - began


def _parser(raw: BinaryIO) -> Iterable[object]:
    return parse_aanlevering(raw, lambda code: None)


def _engine(url: str, codes: list[str]) -> Engine:
    engine = make_engine(Settings(database_url=url))
    migrate.upgrade(engine)
    with engine.begin() as conn, Session(bind=conn) as session:
        add_gemeente(session, codes[0], samenwerking=codes[1:], peildatum=PEILDATUM)
        session.flush()
    return engine


def _upload(engine: Engine, path: Path, hoofdgemeente: str) -> tuple[float, Any]:
    opdracht = Opdracht(hoofdgemeente, Wet.WMO, path.name, PEILDATUM)
    began = _start()
    with path.open("rb") as raw:
        verslag = verwerk(engine, raw, opdracht)
    elapsed = time.perf_counter() - began
    assert not verslag.afgekeurd, verslag.fouten.regels()[:3]
    return elapsed, verslag.aantallen


def run_upload(url: str, path: Path, lines: int) -> dict[str, float]:
    codes = samenwerkingsverband(lines)
    engine = _engine(url, codes)
    eerste, aantallen = _upload(engine, path, codes[0])
    assert aantallen.nieuw == lines, aantallen
    opnieuw, aantallen = _upload(engine, path, codes[0])
    assert aantallen.ongewijzigd == lines, aantallen
    engine.dispose()
    return {"eerste": eerste, "opnieuw": opnieuw}


def one(kind: str, engine_name: str, path: Path, lines: int) -> None:
    """One measurement in this (fresh) process; prints JSON."""
    result: dict[str, float] = {}
    if kind == "floor":
        result["seconds"] = run_floor(path)
    elif kind in ("lees_regels", "parser"):
        result["seconds"] = _read(path, lees_regels if kind == "lees_regels" else _parser)
    else:
        with (
            tempfile.TemporaryDirectory() as tmp,
            throwaway_database(engine_name, Path(tmp)) as url,
        ):
            result = run_upload(url, path, lines)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _measure(kind: str, engine_name: str, path: Path, lines: int) -> dict[str, Any]:
    return measure("bench.populatie", "--lines", str(lines), "--one", kind, engine_name, str(path))


def _compare(engine_name: str, path: Path, lines: int, runs: int) -> dict[str, float]:
    results: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    for _ in range(runs):
        for kind in KINDS:
            results[kind].append(_measure(kind, engine_name, path, lines))
    floor = median([r["seconds"] for r in results["floor"]])
    report = {"floor_s": round(floor, 3)}
    for kind in ("lees_regels", "parser"):
        report[f"{kind}_s"] = round(median([r["seconds"] for r in results[kind]]), 3)
    for soort in ("eerste", "opnieuw"):
        seconds = median([r[soort] for r in results["upload"]])
        report[f"{soort}_s"] = round(seconds, 3)
        report[f"{soort}_ratio"] = round(seconds / floor, 2)
    for kind in ("floor", "upload"):
        report[f"{kind}_peak_rss_mb"] = round(max(r["peak_rss_mb"] for r in results[kind]), 1)
    return report


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="bench.populatie")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shuffle", action="store_true", help="lines in random order")
    parser.add_argument("--one", nargs=3, metavar=("KIND", "ENGINE", "FILE"))
    args = parser.parse_args(argv)
    if args.one:
        one(args.one[0], args.one[1], Path(args.one[2]), args.lines)
        return {}
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "aanlevering.csv"
        write_file(path, args.lines, shuffle=args.shuffle)
        report: dict[str, Any] = {e: _compare(e, path, args.lines, args.runs) for e in ENGINES}
    report.update(lines=args.lines, runs=args.runs, loadavg=[load, os.getloadavg()[0]])
    report["order"] = "shuffled" if args.shuffle else "gemeentecode, bsn"
    _print(report)
    save("populatie-shuffled" if args.shuffle else "populatie", report)
    return report


def _print(report: dict[str, Any]) -> None:
    print(
        f"aanlevering, {report['lines']} lines ({report['order']}), medians of "
        f"{report['runs']} runs (target ratio <= 3.0; load average "
        f"{report['loadavg'][0]:.1f} -> {report['loadavg'][1]:.1f})"
    )
    head = ("floor s", "lees_regels", "parser", "1st upload", "ratio", "again", "ratio", "RSS MB")
    print(f"{'engine':<11}" + "".join(f"{h:>12}" for h in head))
    for name in ENGINES:
        r = report[name]
        cells = (
            r["floor_s"],
            r["lees_regels_s"],
            r["parser_s"],
            r["eerste_s"],
            r["eerste_ratio"],
            r["opnieuw_s"],
            r["opnieuw_ratio"],
            f"{r['floor_peak_rss_mb']}/{r['upload_peak_rss_mb']}",
        )
        print(f"{name:<11}" + "".join(f"{c!s:>12}" for c in cells))


if __name__ == "__main__":
    main()
