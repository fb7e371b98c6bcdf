"""A process killed in the middle of an upload leaves the population exactly as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from store.demo import synthetic_bsns
from store.models import Aanlevering
from tests.populatie.conftest import D, Upload, populatie_van

CLI = (
    "from adapters.cli import cli; from adapters.cli_populatie import populatie; "
    "cli.add_command(populatie); cli(prog_name='samenloop')"
)


def _upload_holds_the_lock(engine: Engine) -> bool:
    """True while another process is inside an upload transaction of gemeente 0363."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        assert path
        probe = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    try:
        with engine.begin() as conn:
            conn.execute(
                text("SELECT id FROM organisatie WHERE code = '0363' FOR NO KEY UPDATE NOWAIT")
            )
        return False
    except OperationalError:
        return True


def _start(cli_env: dict[str, str], path: Path) -> subprocess.Popen[bytes]:
    args = ["populatie", "upload", "--gemeente", "0363", "--initieel", "--datum", str(D)]
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *args, str(path)],
        env={**cli_env, "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_killed_halfway_the_population_is_as_before(
    upload: Upload,
    engine: Engine,
    sessions: sessionmaker[Session],
    cli_env: dict[str, str],
    tmp_path: Path,
) -> None:
    assert upload("initieel-geldig.csv", initieel=True).status == "afgeleverd"
    before = populatie_van(sessions)
    groot = tmp_path / "groot.csv"
    bsns = list(synthetic_bsns())
    groot.write_text("".join(f"{b},{c},01-01-2020,\n" for c in ("0363", "0437") for b in bsns))
    proc = _start(cli_env, groot)
    deadline = time.monotonic() + 30
    while not _upload_holds_the_lock(engine):
        assert proc.poll() is None, "the upload ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert populatie_van(sessions) == before
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Aanlevering)) == 1  # only the first
