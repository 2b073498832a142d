"""Sweeps on real databases: each reminder queued once, whatever repeats, crashes or races."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from bot.clock import SHANGHAI
from bot.models import OutboxMessage, ReminderLog
from bot.scheduler import lease
from bot.scheduler.sweep import Sweeper
from bot.services.actors import resolve_actor
from bot.services.ledger import Ledger
from tests.conftest import ROOT


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


class Clock:
    def __init__(self, now):
        self.now_ = now
        self.tz = SHANGHAI

    def now(self):
        return self.now_

    def today(self):
        return self.now_.date()


@pytest.fixture
def open_issue(db, plan, directory):
    def make(deadline, school="鱼峰区第一中学", when=at(2023, 6, 5, 10), **kw):
        with db.session() as s:
            ledger = Ledger(s, plan, directory, Clock(when))
            issue = ledger.open_issue(resolve_actor(directory, "wu.hao"), area=9, description="后门鱼塘没有护栏",
                                      school=school, deadline=deadline, **kw)
            return issue.id
    return make


def sweep(db, plan, directory, now):
    with db.session() as s:
        return Sweeper(plan, directory).run(s, now)


def outbox(db, kind="reminder") -> list[OutboxMessage]:
    with db.session() as s:
        return s.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)).all()


def test_repeated_sweeps_queue_nothing_twice(db, plan, directory, open_issue):
    open_issue(dt.date(2023, 6, 15))
    first = sweep(db, plan, directory, at(2023, 6, 12, 9, 30))
    assert first.taken >= 1 and first.messages
    n = len(outbox(db))
    for minute in (35, 40, 45):
        assert sweep(db, plan, directory, at(2023, 6, 12, 9, minute)).messages == []
    assert len(outbox(db)) == n
    texts = [m.payload["text"] for m in outbox(db)]
    assert any("即将到期" in t and "#1" in t and "还剩3天" in t for t in texts)


def test_overdue_digest_is_daily(db, plan, directory, open_issue):
    open_issue(dt.date(2023, 6, 13))
    sweep(db, plan, directory, at(2023, 6, 14, 9, 0))
    sweep(db, plan, directory, at(2023, 6, 14, 15, 0))
    sweep(db, plan, directory, at(2023, 6, 15, 9, 0))
    with db.session() as s:
        periods = s.scalars(select(ReminderLog.period).where(ReminderLog.kind == "overdue").order_by(ReminderLog.id)).all()
    assert periods == ["2023-06-14", "2023-06-15"]


def test_one_digest_per_group_with_mentions(db, plan, directory, open_issue):
    for _ in range(3):
        open_issue(dt.date(2023, 6, 8))
    sweep(db, plan, directory, at(2023, 6, 12, 9, 0))
    school = [m for m in outbox(db) if m.group_chat_id == "wr-yf1z"]
    assert len(school) == 1
    text = school[0].payload["text"]
    assert all(f"#{i}" in text for i in (1, 2, 3)) and "已逾期4天" in text
    assert school[0].payload["mention_userids"] == ["li.na"]
    taskforce = [m for m in outbox(db) if m.group_chat_id == "wr-zb"]
    assert "逾期超期，已列入黑榜" in taskforce[0].payload["text"] and taskforce[0].urgent
    # the 专班's group names no unit: its escalations reach the 专班 members
    assert taskforce[0].payload["mention_userids"] == ["wu.hao", "xu.li"]
    assert taskforce[0].payload["mention_mobiles"] == ["13800000009", "13800000010"]


def test_ordinary_reminders_wait_for_working_time(db, plan, directory, open_issue):
    open_issue(dt.date(2023, 6, 27))
    open_issue(dt.date(2023, 6, 27), severity="重大")
    holiday = sweep(db, plan, directory, at(2023, 6, 24, 10, 0))     # 端午 holiday: before3 of both owed
    assert holiday.skipped_off_hours >= 1
    with db.session() as s:
        assert s.scalars(select(ReminderLog.issue_id).where(ReminderLog.kind == "before3")).all() == [2]
    sweep(db, plan, directory, at(2023, 6, 25, 9, 0))                 # 调休 Sunday is a working day
    with db.session() as s:
        rows = s.execute(select(ReminderLog.issue_id, ReminderLog.late).where(ReminderLog.kind == "before3")
                         .order_by(ReminderLog.issue_id)).all()
    assert rows == [(1, True), (2, False)]                            # the ordinary one late, marked 补发
    assert any("补发" in m.payload["text"] for m in outbox(db))


def test_long_digest_is_split_within_the_limit(db, plan, directory, open_issue):
    from bot.push import format as push_format
    from bot.scheduler.digest import MAX_LINES_PER_KIND
    for _ in range(MAX_LINES_PER_KIND + 5):
        open_issue(dt.date(2023, 6, 9), school="鱼峰区第一中学")
    sweep(db, plan, directory, at(2023, 6, 12, 9, 0))
    parts = [m for m in outbox(db) if m.group_chat_id == "wr-yf1z"]
    assert len(parts) >= 2
    for i, m in enumerate(parts, 1):
        assert push_format.body_size(m.platform, m.payload) <= 4096
        assert f"（{i}/{len(parts)}）" in m.payload["text"].split("\n")[0]
        assert m.payload["mention_userids"] == ["li.na"]          # every part reaches the leader
    text = "\n".join(m.payload["text"] for m in parts)
    listed = [n for n in range(1, MAX_LINES_PER_KIND + 6) if f"#{n} " in text]
    assert listed == list(range(1, MAX_LINES_PER_KIND + 1))       # each shown once, in order
    assert "另有 5 条" in text
    for m in parts:                                                # no heading stranded at a part's end
        assert not m.payload["text"].rstrip().endswith("：")


def test_lease_is_exclusive_and_taken_over_after_expiry(db):
    t0 = at(2023, 6, 12, 9, 0)
    assert lease.acquire(db, "scheduler", "a", t0)
    assert not lease.acquire(db, "scheduler", "b", t0 + dt.timedelta(seconds=10))
    assert lease.acquire(db, "scheduler", "a", t0 + dt.timedelta(seconds=20))       # renewal
    assert not lease.acquire(db, "scheduler", "b", t0 + dt.timedelta(seconds=60))
    assert lease.acquire(db, "scheduler", "b", t0 + dt.timedelta(seconds=66))        # a stopped renewing
    assert lease.holder_of(db, "scheduler", t0 + dt.timedelta(seconds=70)) == "b"


def test_two_processes_sweeping_at_once_queue_each_item_once(config_file, settings, plan, directory):
    from bot.app import Bot
    bot = Bot(settings, Clock(at(2023, 6, 5, 10)))
    with bot.db.session() as s:
        ledger = Ledger(s, plan, directory, bot.clock)
        for i in range(40):
            ledger.open_issue(resolve_actor(directory, "wu.hao"), area=6, description=f"食堂问题{i}",
                              school=["鱼峰区第一中学", "白沙镇中学", "里雍镇中心小学"][i % 3],
                              deadline=dt.date(2023, 6, 8 + i % 10))
    cmd = [sys.executable, "-m", "bot", "remind", "--config", str(config_file), "--now", "2023-06-14T09:00"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    with bot.db.session() as s:
        keys = s.scalars(select(ReminderLog.key)).all()
        assert len(keys) == len(set(keys)) and len(keys) > 40
        per_group_day = s.execute(select(OutboxMessage.group_chat_id, func.count()).where(OutboxMessage.kind == "reminder")
                                  .group_by(OutboxMessage.group_chat_id)).all()
    # each group got its digest from exactly one of the two processes (one part each here)
    assert per_group_day and all(n == 1 for _, n in per_group_day)
    bot.stop()
