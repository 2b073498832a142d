"""Sweep benchmark: one reminder sweep over N open issues, beside a floor measured in the same run.

    .venv/bin/python bench/sweep_bench.py [--sizes 10000,50000,100000] [--pg URL]

The floor reads exactly the rows the sweep reads, with the same keyset pages, and does nothing else
(no rules, no writes); a bare scan of every open issue is printed beside it for scale. Memory is
shown two ways: the rise of the process's peak RSS during the timed sweep (includes the database
driver's and SQLite's page cache), and the peak of Python allocations (tracemalloc) during a third,
untimed sweep on a copy of the rows. Both should stay flat as N grows: the sweep reads in pages and
digests keep a bounded number of lines per group."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402

from bot.clock import SHANGHAI  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.directory import load_directory  # noqa: E402
from bot.models import Issue  # noqa: E402
from bot.plan import load_plan  # noqa: E402
from bot.scheduler.sweep import CHUNK, Sweeper  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2023, 6, 12, 9, 30, tzinfo=SHANGHAI)


def fill(db: Database, n: int, schools: list[str]) -> None:
    rnd = random.Random(7)
    created = NOW - dt.timedelta(days=30)
    batch = []
    for i in range(n):
        batch.append(dict(area=rnd.randint(1, 9), school=schools[i % len(schools)], location="", description=f"隐患描述{i}",
                          reporter_id="bench", reporter_name="压测", reporter_unit=None, severity="一般",
                          deadline=NOW.date() + dt.timedelta(days=rnd.randint(-20, 40)), status="open",
                          supervised=i % 50 == 0, created_at=created, updated_at=created, platform="console"))
        if len(batch) == 5000:
            with db.session() as s:
                s.execute(insert(Issue), batch)
            batch = []
    if batch:
        with db.session() as s:
            s.execute(insert(Issue), batch)


def floor_scan(db: Database, sweeper: Sweeper) -> float:
    """Read the very rows the sweep reads, page by page, and do nothing with them."""
    query = sweeper.issue_query(NOW.date())
    started = time.perf_counter()
    with db.session() as s:
        last = 0
        while True:
            rows = s.execute(query.where(Issue.id > last).limit(CHUNK)).all()
            if not rows:
                break
            last = rows[-1][0]
    return time.perf_counter() - started


def all_open_scan(db: Database) -> float:
    """A bare scan of every open issue (three columns), for scale."""
    started = time.perf_counter()
    with db.session() as s:
        for _ in s.execute(select(Issue.id, Issue.deadline, Issue.status).where(Issue.status != "closed")):
            pass
    return time.perf_counter() - started


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def run_sweep(db: Database, sweeper: Sweeper) -> tuple[float, int, int, int]:
    """Time and peak-RSS rise of one sweep (tracemalloc would slow the very thing being timed)."""
    Path("/proc/self/clear_refs").write_text("5")      # reset the peak RSS mark (Linux)
    base = _status("VmRSS")
    started = time.perf_counter()
    with db.session() as s:
        result = sweeper.run(s, NOW)
    seconds = time.perf_counter() - started
    return seconds, _status("VmHWM") - base, result.taken, len(result.messages)


def forget_sweeps(db: Database) -> None:
    """Back to a ledger no sweep has seen, so a first sweep (the one that writes every item) can be rerun."""
    with db.session() as s:
        s.execute(text("DELETE FROM reminder_log"))
        s.execute(text("DELETE FROM outbox"))


def python_peak(db: Database, sweeper: Sweeper) -> int:
    """Peak Python allocation of a first sweep, in bytes."""
    forget_sweeps(db)
    tracemalloc.start()
    try:
        with db.session() as s:
            sweeper.run(s, NOW)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def one(kind: str, url: str, n: int, plan, directory) -> None:
    db = Database(url)
    db.upgrade()
    fill(db, n, [u.name for u in directory.schools()])
    floor = floor_scan(db, Sweeper(plan, directory))
    bare = all_open_scan(db)
    # best of two first sweeps: the machine may be shared, and the minimum is the sweep's own cost
    seconds, peak, taken, messages = run_sweep(db, Sweeper(plan, directory))
    forget_sweeps(db)
    seconds = min(seconds, run_sweep(db, Sweeper(plan, directory))[0])
    again, _, taken2, _ = run_sweep(db, Sweeper(plan, directory))
    traced = python_peak(db, Sweeper(plan, directory))
    print(f"{kind:10s} {n:>7,d} issues: sweep {seconds:6.2f}s ({taken:,} items, {messages} messages), "
          f"repeat {again:5.2f}s ({taken2} new), floor {floor:5.2f}s (same rows; all open {bare:4.2f}s), "
          f"ratio {seconds / floor:5.1f}x, "
          f"peak RSS +{peak / 1e6:5.1f} MB, Python peak {traced / 1e6:5.1f} MB", flush=True)
    db.dispose()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,50000,100000")
    ap.add_argument("--pg", default=os.environ.get("BOT_TEST_POSTGRES_URL", ""))
    args = ap.parse_args()
    plan, directory = load_plan(ROOT / "config/plan.yaml"), load_directory(ROOT / "config/directory.yaml")
    sizes = [int(x) for x in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            one("sqlite", f"sqlite:///{tmp}/bench-{n}.db", n, plan, directory)
    if not args.pg:
        print("postgresql: skipped (pass --pg URL or set BOT_TEST_POSTGRES_URL)")
        return 0
    for n in sizes:
        schema = "bench_" + uuid.uuid4().hex[:8]
        admin = create_engine(args.pg)
        with admin.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in args.pg else "?"
        try:
            one("postgresql", f"{args.pg}{sep}options=-csearch_path%3D{schema}", n, plan, directory)
        finally:
            with admin.begin() as c:
                c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
