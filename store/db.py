"""Engine and session factory, built from settings (never at import time)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from store.settings import Settings

# Execution option of the long jobs (the nightly run, a register load, an aanlevering, a
# migration): their transactions get SAMENLOOP_JOB_TIMEOUT instead of the statement timeout
# of a request, which is meant for a registertoets and must not cut a national load short.
JOB = "samenloop_job"


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached; the message is one line without secrets."""


def normalise_url(raw: str) -> URL:
    """`postgresql://` means psycopg 3 here, whatever SQLAlchemy's default driver is."""
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_engine(url: URL, settings: Settings) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": settings.db_timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that BEGIN is explicit (SQLAlchemy's
        # documented recipe): reads inside a transaction then see one consistent snapshot.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={settings.db_timeout * 1000}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # `sqlite_begin="IMMEDIATE"` takes the write lock at once (the nightly run's lock).
        mode = conn.get_execution_options().get("sqlite_begin")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")

    return engine


def _postgres_connect_args(url: URL, settings: Settings) -> dict[str, Any]:
    """Every wait bounded: connecting (connect_timeout), a statement (statement_timeout,
    server-side), a server that vanished (keepalives, and tcp_user_timeout for data sent that
    is never acknowledged). An `options` in the URL is kept."""
    own = f"-c statement_timeout={settings.statement_timeout * 1000}"
    given = url.query.get("options")
    options = f"{given} {own}" if isinstance(given, str) else own
    idle = max(1, settings.db_timeout)
    return {
        "connect_timeout": settings.db_timeout,
        "application_name": "samenloop",
        "options": options,
        "keepalives": 1,
        "keepalives_idle": idle,
        "keepalives_interval": 1,
        "keepalives_count": 3,
        "tcp_user_timeout": idle * 1000,
    }


def _postgres_engine(url: URL, settings: Settings) -> Engine:
    # Checked before use (pool_pre_ping): a connection that died while the database was away is
    # replaced, and with it every pooled connection older than the failure.
    engine = create_engine(
        url,
        pool_size=settings.pool_size,
        pool_pre_ping=True,
        pool_timeout=settings.db_timeout,
        connect_args=_postgres_connect_args(url, settings),
    )
    job_ms = settings.job_timeout * 1000

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(JOB):
            # On a plain DBAPI cursor: the Connection may be set to stream its results (a
            # server-side cursor), and a SET cannot be DECLAREd as one.
            cursor = conn.connection.cursor()
            try:
                cursor.execute(f"SET LOCAL statement_timeout = {job_ms}")
            finally:
                cursor.close()

    return engine


def make_engine(settings: Settings) -> Engine:
    url = normalise_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, settings)
    return _postgres_engine(url, settings)


def for_jobs(engine: Engine) -> Engine:
    """The same engine (and pool) for a long job: see JOB."""
    return engine.execution_options(**{JOB: True})


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def describe_failure(exc: BaseException) -> str:
    """One line for an operator: what failed, without a password or a traceback."""
    if isinstance(exc, DatabaseUnavailable):
        return str(exc)
    if isinstance(exc, DBAPIError):
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        return f"database niet bereikbaar: {first}"
    return f"database niet bereikbaar: {type(exc).__name__}"


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except (OperationalError, DBAPIError) as exc:
        raise DatabaseUnavailable(describe_failure(exc)) from exc
