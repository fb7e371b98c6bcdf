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
    national-size set; these are drawn at random, never stored and never committed.
    """
    rng = random.Random(seed)
    seen: set[int] = set()
    while len(seen) < count:
        n = rng.randrange(100_000_000, 999_999_999)
        if n not in seen and elfproef(str(n)):
            seen.add(n)
            yield str(n)


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
