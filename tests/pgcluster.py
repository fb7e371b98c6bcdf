"""A throwaway PostgreSQL cluster of a test's (or a benchmark's) own.

`initdb` into a temporary directory and `pg_ctl` on a free port, listening on 127.0.0.1 only,
with its socket in that directory. Unlike the machine's shared server (which is never stopped
by anything here), this one may be stopped, crashed and started again at will: the fault tests
do exactly that. As root, the server runs as the `postgres` user (initdb refuses root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.server import free_port

# Durability is not what these clusters are for: no fsync, so that start and stop are quick.
_SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
)


def bindir() -> Path:
    """The newest installed server's binaries (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is None:
        raise FileNotFoundError("no PostgreSQL server binaries (initdb, pg_ctl) found")
    return Path(pg_ctl).parent


def _as_server_user() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class PgCluster:
    """One cluster: its directory, its port, and the commands an operator would use."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory = directory
        self.port = port
        self.data = directory / "data"
        self.log = directory / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _pg(self, program: str, *args: str, timeout: float = 60) -> None:
        command = [*_as_server_user(), str(bindir() / program), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stderr.strip()}\n{self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def init(self) -> None:
        flags = ["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"]
        self._pg("initdb", "-D", str(self.data), *flags)

    def start(self) -> None:
        options = f"{_SERVER_OPTIONS} -p {self.port} -k {self.directory}"
        where = ["-D", str(self.data), "-l", str(self.log)]
        self._pg("pg_ctl", "start", "-w", "-t", "60", *where, "-o", options)

    def stop(self, mode: str = "fast") -> None:
        """`fast`: a clean shutdown (sessions ended); `immediate`: as if the server crashed."""
        self._pg("pg_ctl", "stop", "-w", "-t", "60", "-m", mode, "-D", str(self.data))

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def create_database(self) -> str:
        """A new empty database on this cluster; its URL."""
        name = f"samenloop_f_{uuid.uuid4().hex[:12]}"
        admin = create_engine(make_url(self.url()), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        return self.url(name)


def _owned_by_server_user(directory: Path) -> None:
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(directory, user.pw_uid, user.pw_gid)


@contextmanager
def throwaway_cluster() -> Iterator[PgCluster]:
    """A running cluster on a free port; stopped and removed afterwards, whatever happened."""
    directory = Path(tempfile.mkdtemp(prefix="samenloop-pg-"))
    _owned_by_server_user(directory)
    cluster = PgCluster(directory, free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.running:
            cluster.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)
