"""The database wrapper: read-only sessions beside writers."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from bot.db import Database
from bot.models import Unit


def test_a_long_read_does_not_hold_up_writers(db_url):
    db = Database(db_url)
    db.upgrade()
    written = threading.Event()

    def write():
        with db.session() as w:
            w.add(Unit(name="新学校", kind="school"))
        written.set()
    try:
        with db.session(readonly=True) as r:
            assert r.scalar(select(func.count()).select_from(Unit)) == 0
            # an export or the dashboard still reading: a message's write goes ahead meanwhile
            t = threading.Thread(target=write, daemon=True)
            t.start()
            assert written.wait(timeout=10), "the writer waited for the reader"
            if db.is_sqlite:       # the reader keeps the snapshot it started with
                assert r.scalar(select(func.count()).select_from(Unit)) == 0
        with db.session(readonly=True) as r:
            assert r.scalar(select(func.count()).select_from(Unit)) == 1
    finally:
        db.dispose()
