"""kill -9 of `samenloop register load` halfway, then the same command again: the register ends
exactly as after one uninterrupted load (compared with a copy of the database on which the load
ran without interruption). The aanlevering and the nightly run have the same test beside their
own tests (tests/populatie/test_afbreken.py, tests/signalen/test_run.py).

Both sessions: each engine has its own transactions and locks.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import pytest
from sqlalchemy import Engine

from store.demo import synthetic_bsns
from store.register import RegisterRegel, load_feed
from tests.faults.conftest import D
from tests.locks import write_barrier
from tests.procs import kill_when, spawn_cli
from tests.state import assert_rerun_ends_as_reference, copy_of, table_contents

pytestmark = pytest.mark.slow

BSNS = list(islice(synthetic_bsns(), 9000))


def _initial_register(engine: Engine, bsns: list[str]) -> None:
    regels = [RegisterRegel(i, "T", b, "Ja", D, D) for i, b in enumerate(bsns, 1)]
    assert load_feed(engine, regels, initieel=True, bestandsnaam="begin.csv").geaccepteerd


def _feed(path: Path, bsns: list[str]) -> Path:
    path.write_text("".join(f"T,{b},Onbekend,10-02-2026,15-02-2026,\n" for b in bsns))
    return path


def test_register_load_killed_halfway_then_rerun_ends_as_one_load(
    cli_env: dict[str, str], engine: Engine, tmp_path: Path
) -> None:
    # 6,000 in the register; the new initial feed replaces 3,000, adds 3,000, removes 3,000.
    _initial_register(engine, BSNS[:6000])
    feed = _feed(tmp_path / "levering.csv", BSNS[3000:])
    args = ["register", "load", "--initieel", str(feed)]
    before = table_contents(engine)
    with copy_of(engine, tmp_path) as reference:
        # Held back at its write of the mutations (SQLite: at its first write): fed, staged,
        # checked, counted and the load recorded.
        with write_barrier(engine, "register_mutatie", reads=feed) as reached:
            proc = spawn_cli({**cli_env, "SAMENLOOP_DB_TIMEOUT": "30"}, *args)
            kill_when(proc, lambda: reached(proc), "the load came to its first write")
        assert table_contents(engine) == before
        assert_rerun_ends_as_reference(engine, cli_env, reference, args)
