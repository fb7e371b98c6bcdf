"""Bench: the nightly run at national scale against a bare join floor.

450,000 register records; 1,500,000 subscriptions over the 342 gemeenten (sized roughly by
population: a few large, many small); about 10% of subscribed BSNs in the register. The floor is
`INSERT INTO t SELECT ... FROM abonnement JOIN wlz_register ON bsn` into an empty table in the
same engine. Targets: first run <= 2x floor, a second run with nothing changed <= 1x, a run after
1% of the register changed <= 1x, peak memory of the run process < 500 MB.

Three series of those three runs, each from nothing (SERIES): issue 13's run, with
SAMENLOOP_ZORGINFORMATIE=uit; the same with the zorg information of doorontwikkeling 2023
(issue 15: 300,000 zorgkantoor rows and 100,000 zorgaanbieder rows for register BSNs, scaled with
--register); and with every gemeente on signal version 2. The targets hold for each series.

    .venv/bin/python -m bench.signalen [--subscriptions 1500000] [--register 450000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text

from bench.common import ENGINES, measure, save, synthetic_bsns, throwaway_database
from store import migrate, signalen
from store.bulk import bulk_insert
from store.db import make_engine
from store.gemeenten import laad_register
from store.models import Organisatie
from store.register import RegisterRegel, load_feed
from store.settings import Settings

D = date(2026, 3, 1)
BATCH = 50_000


def _engine(url: str) -> Engine:
    return make_engine(Settings(database_url=url))


def _gemeenten(engine: Engine) -> list[tuple[str, int]]:
    """Register every current gemeente as its own aanleverende gemeente; (code, org id)."""
    with engine.begin() as conn:
        from sqlalchemy.orm import Session

        with Session(conn) as session:
            codes = sorted(g for g in _current_codes(session))
        bulk_insert(
            conn,
            "organisatie",
            ("rol", "code", "actief", "aangemaakt_op"),
            [("gemeente", c, True, "2026-01-01T00:00:00+00:00") for c in codes],
        )
        rows = conn.execute(select(Organisatie.code, Organisatie.id).order_by(Organisatie.code))
        return [(code, org_id) for code, org_id in rows]


def _current_codes(session: Any) -> Iterator[str]:
    register = laad_register(session)
    for code in (f"{n:04d}" for n in range(10000)):
        info = register.get(code)
        if info is not None and info.bestaat_op(D):
            yield code


def _state(rng: random.Random) -> tuple[str, date, date, date | None]:
    status = rng.choices(("Ja", "Nee", "Onbekend"), weights=(82, 13, 5))[0]
    afgifte = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 4000))
    eind = afgifte + timedelta(days=rng.randrange(30, 900)) if status == "Nee" else None
    return status, afgifte, afgifte, eind


def setup(url: str, register_size: int, subscriptions: int) -> None:
    engine = _engine(url)
    migrate.upgrade(engine)
    gemeenten = _gemeenten(engine)
    rng = random.Random(11)
    bsns = synthetic_bsns(register_size + subscriptions)
    in_register = [next(bsns) for _ in range(register_size)]
    regels = (RegisterRegel(i, "T", b, *_state(rng)) for i, b in enumerate(in_register, 1))
    assert load_feed(engine, regels, initieel=True, bestandsnaam="bench").geaccepteerd
    weights = [1 / (i + 1) ** 0.9 for i in range(len(gemeenten))]
    matched = set(rng.sample(range(subscriptions), subscriptions // 10))
    rows = (
        _subscription(
            rng,
            gemeenten,
            weights,
            in_register[rng.randrange(register_size)] if n in matched else next(bsns),
        )
        for n in range(subscriptions)
    )
    _insert_subscriptions(engine, rows)
    _insert_zorg(engine, rng, in_register)
    _analyze(engine)
    engine.dispose()


LEVERINGSVORMEN = ("2", "4", "5", "7", "8", "9")


def _periode(rng: random.Random) -> tuple[date, date | None]:
    start = D + timedelta(days=rng.randrange(-900, 120))
    eind = start + timedelta(days=rng.randrange(30, 700)) if rng.random() < 0.3 else None
    return start, eind


def _zorg_rows(rng: random.Random, bsns: list[str], n: int, kantoor: bool) -> list[tuple[Any, ...]]:
    """n rows with distinct keys for these BSNs (2 rows per BSN on average for zorgkantoren)."""
    rows: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    while len(rows) < n:
        bsn, org = rng.choice(bsns), rng.randrange(1, 11)
        start, eind = _periode(rng)
        vorm = (rng.choice(LEVERINGSVORMEN),) if kantoor else ()
        rows[(bsn, org, *vorm, start)] = (bsn, org, *vorm, start, eind, 1)
    return list(rows.values())


def _insert_zorg(engine: Engine, rng: random.Random, in_register: list[str]) -> None:
    scale = len(in_register) / 450_000
    clients = rng.sample(in_register, int(len(in_register) * 0.35))
    kantoor = _zorg_rows(rng, clients, int(300_000 * scale), kantoor=True)
    aanbieder = _zorg_rows(rng, clients, int(100_000 * scale), kantoor=False)
    common = ("startdatum", "einddatum", "load_id")
    with engine.begin() as conn:
        met_vorm = ("bsn", "organisatie_id", "leveringsvorm", *common)
        for n in range(0, len(kantoor), BATCH):
            bulk_insert(conn, "zorgkantoor_levering", met_vorm, kantoor[n : n + BATCH])
        zonder = ("bsn", "organisatie_id", *common)
        for n in range(0, len(aanbieder), BATCH):
            bulk_insert(conn, "zorgaanbieder_levering", zonder, aanbieder[n : n + BATCH])


def _subscription(
    rng: random.Random, gemeenten: list[tuple[str, int]], weights: list[float], bsn: str
) -> tuple[Any, ...]:
    code, org_id = rng.choices(gemeenten, weights=weights)[0]
    ingang = date(2020, 1, 1) + timedelta(days=rng.randrange(0, 2200))
    # A delivered population holds no ended subscriptions (the upload removes them): an
    # einddatum, where there is one, lies after D.
    eind = D + timedelta(days=rng.randrange(1, 1000)) if rng.random() < 0.2 else None
    return ("wmo", code, bsn, ingang, eind, org_id, date(2026, 1, 1), date(2026, 1, 1))


def _insert_subscriptions(engine: Engine, rows: Iterator[tuple[Any, ...]]) -> None:
    columns = (
        "wet",
        "gemeentecode",
        "bsn",
        "ingangsdatum",
        "einddatum",
        "organisatie_id",
        "ib_creatiedatum",
        "ib_mutatiedatum",
    )
    seen: set[tuple[str, str]] = set()
    with engine.begin() as conn:
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            if (row[1], row[2]) in seen:
                continue
            seen.add((row[1], row[2]))
            batch.append(row)
            if len(batch) >= BATCH:
                bulk_insert(conn, "abonnement", columns, batch)
                batch.clear()
        bulk_insert(conn, "abonnement", columns, batch)


def _analyze(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
        else:
            conn.exec_driver_sql("ANALYZE")
        conn.commit()


FLOOR = (
    "INSERT INTO floor_t SELECT a.wet, a.gemeentecode, a.bsn, a.organisatie_id, r.wlz_status, "
    "r.afgiftedatum, r.ingangsdatum, r.einddatum "
    "FROM abonnement a JOIN wlz_register r ON r.bsn = a.bsn"
)


def floor(engine: Engine) -> float:
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE floor_t (wet VARCHAR(8), gemeentecode VARCHAR(4), bsn VARCHAR(9), "
            "organisatie_id INTEGER, wlz_status VARCHAR(8), afgiftedatum DATE, ingangsdatum DATE, "
            "einddatum DATE)"
        )
    began = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql(FLOOR)
    elapsed = time.perf_counter() - began
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE floor_t")
    return elapsed


def _timed_run(engine: Engine, day: date, zorginformatie: bool) -> tuple[float, int]:
    began = time.perf_counter()
    res = signalen.run(engine, day, zorginformatie=zorginformatie)
    return time.perf_counter() - began, res.signalen


def _change_one_percent(engine: Engine, register_size: int, afgifte: date) -> None:
    """1% of the records get status Ja with this afgiftedatum (a new one per series)."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT bsn, ingangsdatum FROM wlz_register ORDER BY bsn")).all()
    step = max(1, len(rows) // (register_size // 100))
    regels = [
        RegisterRegel(i, "T", bsn, "Ja", afgifte, ingang, None)
        for i, (bsn, ingang) in enumerate(rows[::step], 1)
    ]
    assert load_feed(engine, regels, initieel=False, bestandsnaam="1pct").geaccepteerd


_SIGNAL_TABLES = (
    "signaal_leveringsvorm",
    "signaal",
    "signaal_geheugen",
    "signaal_bestand",
    "signaal_run",
    "mail_uitgaand",
)


def _series(engine: Engine, register_size: int, start: date, zorg: bool) -> dict[str, Any]:
    """First run, a second with nothing changed, one after 1% of the register changed."""
    first, n_first = _timed_run(engine, start, zorg)
    second, n_second = _timed_run(engine, start + timedelta(days=1), zorg)
    _change_one_percent(engine, register_size, start)
    changed, n_changed = _timed_run(engine, start + timedelta(days=2), zorg)
    signals = [n_first, n_second, n_changed]
    return {"first": first, "second": second, "changed": changed, "signals": signals}


def _reset(engine: Engine, versie: int) -> None:
    """Forget every run, as if the service started today on a freshly written database file
    (VACUUM: no freed pages of the last series' signals), with every gemeente on signal version
    `versie`."""
    with engine.begin() as conn:
        for table in _SIGNAL_TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.exec_driver_sql(f"UPDATE organisatie SET signaalversie = {versie}")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        return
    raw = engine.raw_connection()  # outside any transaction: store.db begins one explicitly
    try:
        raw.driver_connection.execute("VACUUM")  # type: ignore[union-attr]
    finally:
        raw.close()


# Each series from nothing: (name, zorginformatie, signal version of every gemeente). The first
# is issue 13's run (SAMENLOOP_ZORGINFORMATIE=uit, as an operator runs it until the legal basis
# is in force); the other two add the zorg information of issue 15.
SERIES = (("zorg uit", False, 1), ("v1", True, 1), ("v2", True, 2))


def runs(url: str, register_size: int) -> None:
    """The measured part, in a process of its own (its peak RSS is the run's)."""
    engine = _engine(url)
    floors = [floor(engine) for _ in range(3)]
    result: dict[str, Any] = {"floor": sorted(floors)[1], "series": {}}
    for n, (name, zorg, versie) in enumerate(SERIES):
        if n:
            _reset(engine, versie)
        start = D + timedelta(days=10 * n)
        result["series"][name] = _series(engine, register_size, start, zorg)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="bench.signalen")
    parser.add_argument("--subscriptions", type=int, default=1_500_000)
    parser.add_argument("--register", type=int, default=450_000)
    parser.add_argument("--setup")
    parser.add_argument("--runs")
    args = parser.parse_args(argv)
    if args.setup:
        began = time.perf_counter()
        setup(args.setup, args.register, args.subscriptions)
        print(json.dumps({"setup_s": time.perf_counter() - began}))
        return {}
    if args.runs:
        runs(args.runs, args.register)
        return {}
    report: dict[str, Any] = {"register": args.register, "subscriptions": args.subscriptions}
    for name in ENGINES:
        with tempfile.TemporaryDirectory() as tmp, throwaway_database(name, Path(tmp)) as url:
            sizes = ("--register", str(args.register), "--subscriptions", str(args.subscriptions))
            measure("bench.signalen", *sizes, "--setup", url)
            report[name] = _ratios(measure("bench.signalen", *sizes, "--runs", url))
    _print(report)
    save("signalen", report)
    return report


def _ratios(m: dict[str, Any]) -> dict[str, Any]:
    base = m["floor"]
    series = {
        name: {
            **{k: round(v, 2) for k, v in run.items() if isinstance(v, float)},
            "signals": run["signals"],
            **{f"{k}_ratio": round(run[k] / base, 2) for k in ("first", "second", "changed")},
        }
        for name, run in m["series"].items()
    }
    return {"floor": round(base, 2), "peak_rss_mb": round(m["peak_rss_mb"]), "series": series}


def _print(report: dict[str, Any]) -> None:
    print(
        f"nightly run: {report['register']} register records, {report['subscriptions']} "
        "subscriptions (targets: first <= 2x floor, second and 1%-changed <= 1x, RSS < 500 MB)"
    )
    print(f"{'engine':<20}{'floor s':>8}{'first':>14}{'second':>14}{'1% changed':>14}{'RSS MB':>8}")
    for name in ENGINES:
        r = report[name]
        for n, (label, s) in enumerate(r["series"].items()):
            head = (
                (f"{name}, {label}", r["floor"], r["peak_rss_mb"])
                if n == 0
                else (f"  {label}", "", "")
            )
            print(
                f"{head[0]:<20}{head[1]:>8}"
                f"{s['first']:>7} ({s['first_ratio']:>4}x)"
                f"{s['second']:>7} ({s['second_ratio']:>4}x)"
                f"{s['changed']:>7} ({s['changed_ratio']:>4}x)"
                f"{head[2]:>8}"
            )
    signals = {n: {k: s["signals"] for k, s in report[n]["series"].items()} for n in ENGINES}
    print("signals made (first, second, 1% changed):", signals)


if __name__ == "__main__":
    main()
