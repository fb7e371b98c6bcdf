"""What the benchmarks share: throwaway databases, subprocess measurements, medians."""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from store.bsn import elfproef
from tests import databases

OUT = Path(__file__).parent / "out"
PG_ADMIN = os.environ.get("SAMENLOOP_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ENGINES = ("sqlite", "postgresql")


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
