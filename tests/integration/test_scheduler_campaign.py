"""A campaign walked day by day on real databases: each reminder kind reaches its groups on its day,
a crashed sweep leaves nothing behind, downtime is caught up once, and the lease holds across processes."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from bot.clock import SHANGHAI
from bot.models import OutboxMessage, ReminderLog
from bot.scheduler import sweep as sweep_module
from bot.scheduler.sweep import Sweeper
from bot.services.actors import resolve_actor
from bot.services.ledger import Ledger
from tests.conftest import ROOT

UTC = dt.timezone.utc


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


def sweep_texts(db, plan, directory, now) -> dict[str, str]:
    """One sweep; the text each group would receive (parts joined)."""
    with db.session() as s:
        result = Sweeper(plan, directory).run(s, now)
    out: dict[str, str] = {}
    for group, payload in result.messages:
        out[group.chat_id] = out.get(group.chat_id, "") + payload["text"] + "\n"
    return out


@pytest.fixture
def ledger_at(db, plan, directory):
    """Run a ledger operation as someone at a moment."""
    def run(when, user, op, *args, **kw):
        with db.session() as s:
            ledger = Ledger(s, plan, directory, Clock(when))
            return getattr(ledger, op)(resolve_actor(directory, user), *args, **kw).id
    return run


def test_each_kind_reaches_its_groups_on_its_day(db, plan, directory, ledger_at):
    t0 = at(2023, 6, 5, 10)
    a = ledger_at(t0, "wu.hao", "open_issue", area=9, description="后门鱼塘没有护栏", school="鱼峰区第一中学",
                  deadline=dt.date(2023, 6, 16))
    b = ledger_at(t0, "wu.hao", "open_issue", area=6, description="食堂留样柜损坏", school="白沙镇中学",
                  deadline=dt.date(2023, 6, 30))
    ledger_at(t0, "wu.hao", "supervise", b)
    c = ledger_at(t0, "wu.hao", "open_issue", area=8, description="门卫室无人值守", school="鱼峰区第一中学",
                  deadline=dt.date(2023, 6, 20))
    ledger_at(at(2023, 6, 6, 9), "li.na", "request_close", c, "已安排专人值守")
    ledger_at(at(2023, 6, 6, 10), "wu.hao", "approve_close", c)

    def day(*when):
        return sweep_texts(db, plan, directory, at(*when))

    tue = day(2023, 6, 13, 9, 0)
    assert "即将到期" in tue["wr-yf1z"] and f"#{a} " in tue["wr-yf1z"] and "还剩3天" in tue["wr-yf1z"]
    assert "挂牌督办" in tue["cid-bszx"] and f"#{b} " in tue["cid-bszx"]
    assert "挂牌督办" in tue["wr-zb"] and "本周黑榜通报" in tue["wr-zb"]
    assert "工作节点" in tue["wr-jyj"] and "6月15日" in tue["wr-jyj"]           # departments' milestone
    assert "工作节点" not in tue["wr-yf1z"]                                      # not a school's
    assert day(2023, 6, 13, 15, 0) == {}                                         # same day again: nothing

    wed = day(2023, 6, 14, 9, 0)
    assert set(wed) == {"cid-bszx", "wr-zb", "wr-jyj"}                           # only 挂牌督办 is daily
    assert all(f"#{a} " not in t for t in wed.values())

    thu = day(2023, 6, 15, 9, 0)
    assert "还剩1天" in thu["wr-yf1z"] and "（今天）" in thu["wr-jyj"]
    fri = day(2023, 6, 16, 9, 0)
    assert "今天到期" in fri["wr-yf1z"]
    mon = day(2023, 6, 19, 9, 0)
    assert "已逾期3天" in mon["wr-yf1z"] and "逾期超期" not in mon.get("wr-zb", "")
    assert "本周黑榜通报" in mon["wr-zb"] and "本周没有单位上黑榜" in mon["wr-zb"]
    tue2 = day(2023, 6, 20, 9, 0)
    assert "已逾期4天" in tue2["wr-yf1z"]
    assert "逾期超期，已列入黑榜" in tue2["wr-zb"] and f"#{a} " in tue2["wr-zb"]

    assert day(2023, 6, 22, 10, 0) == {}      # 端午: ordinary items wait (the escalation went out on the 20th)
    sunday_workday = day(2023, 6, 25, 9, 0)                                      # 调休 make-up day
    assert "已逾期9天" in sunday_workday["wr-yf1z"]
    assert "报送本月集中整治工作情况（今天截止）" in sunday_workday["wr-zb"]

    recheck = day(2023, 7, 6, 9, 0)
    assert "回头看" in recheck["wr-yf1z"] and f"#{c} " in recheck["wr-yf1z"]
    assert "回头看" not in recheck.get("cid-bszx", "")


def test_a_sweep_that_dies_midway_leaves_nothing_and_the_next_one_sends_all(db, plan, directory, ledger_at,
                                                                             monkeypatch):
    for school in ("鱼峰区第一中学", "白沙镇中学", "里雍镇中心小学"):
        ledger_at(at(2023, 6, 5, 10), "wu.hao", "open_issue", area=9, description="河边无警示牌", school=school,
                  deadline=dt.date(2023, 6, 8))
    real_enqueue, calls = sweep_module.enqueue, []

    def dying_enqueue(*args, **kw):
        calls.append(kw["key"])
        if len(calls) == 3:
            raise ConnectionError("database went away")
        return real_enqueue(*args, **kw)

    monkeypatch.setattr(sweep_module, "enqueue", dying_enqueue)
    with pytest.raises(ConnectionError):
        sweep_texts(db, plan, directory, at(2023, 6, 12, 9, 0))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReminderLog)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    monkeypatch.setattr(sweep_module, "enqueue", real_enqueue)
    again = sweep_texts(db, plan, directory, at(2023, 6, 12, 9, 5))
    assert {"wr-yf1z", "cid-bszx", "wr-lyzx", "wr-zb"} <= set(again)
    assert sweep_texts(db, plan, directory, at(2023, 6, 12, 9, 10)) == {}


def test_after_downtime_owed_reminders_go_out_once_marked_late(db, plan, directory, ledger_at):
    a = ledger_at(at(2023, 6, 5, 10), "wu.hao", "open_issue", area=9, description="后门鱼塘没有护栏",
                  school="鱼峰区第一中学", deadline=dt.date(2023, 6, 15))
    assert "还剩3天" in sweep_texts(db, plan, directory, at(2023, 6, 12, 9, 0))["wr-yf1z"]
    # down from the 12th until the 21st: 1-day, due-day and 3 overdue digests were never sent
    back = sweep_texts(db, plan, directory, at(2023, 6, 21, 9, 0))
    school = back["wr-yf1z"]
    assert "已逾期6天" in school and "今天到期" not in school and "还剩" not in school   # only what is true now
    assert f"#{a} " in back["wr-zb"] and "（补发）" in back["wr-zb"]                  # escalation owed since the 19th
    assert sweep_texts(db, plan, directory, at(2023, 6, 21, 9, 5)) == {}
    with db.session() as s:
        kinds = s.scalars(select(ReminderLog.kind).where(ReminderLog.issue_id == a).order_by(ReminderLog.id)).all()
    assert kinds == ["before3", "overdue", "escalation"]


def test_time_given_in_utc_is_read_as_beijing_time(db, plan, directory, ledger_at):
    ledger_at(at(2023, 6, 5, 10), "wu.hao", "open_issue", area=9, description="后门鱼塘没有护栏",
              school="鱼峰区第一中学", deadline=dt.date(2023, 6, 15))
    # 23:30 UTC on Sunday the 11th is 07:30 on Monday in Beijing: before working hours
    assert sweep_texts(db, plan, directory, dt.datetime(2023, 6, 11, 23, 30, tzinfo=UTC)) == {}
    # 02:00 UTC on Monday is 10:00 in Beijing: the 3-day reminder for Thursday the 15th goes out
    texts = sweep_texts(db, plan, directory, dt.datetime(2023, 6, 12, 2, 0, tzinfo=UTC))
    assert "还剩3天" in texts["wr-yf1z"] and "6月12日 10:00" in texts["wr-yf1z"]


LEASE_SCRIPT = """
import datetime as dt, sys
from bot.db import Database
from bot.scheduler import lease
db = Database(sys.argv[1])
now = dt.datetime(2023, 6, 12, 9, 0, tzinfo=dt.timezone.utc)
print(lease.acquire(db, "scheduler", sys.argv[2], now))
"""


def test_one_lease_holder_among_processes_starting_together(db, db_url):
    procs = [subprocess.Popen([sys.executable, "-c", LEASE_SCRIPT, db_url, f"p{i}"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(4)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    answers = [out.strip() for out, _ in outs]
    assert sorted(answers) == ["False", "False", "False", "True"]
    from bot.scheduler import lease
    winner = f"p{answers.index('True')}"
    assert lease.holder_of(db, "scheduler", dt.datetime(2023, 6, 12, 9, 0, 30, tzinfo=UTC)) == winner


def test_escalations_go_out_at_any_hour_ordinary_reminders_wait(db, plan, directory, ledger_at):
    a = ledger_at(at(2023, 6, 5, 10), "wu.hao", "open_issue", area=9, description="后门鱼塘没有护栏",
                  school="鱼峰区第一中学", deadline=dt.date(2023, 6, 19))
    # Saturday the 24th, 端午 holiday, 06:00: five days overdue — the escalation goes out now
    night = sweep_texts(db, plan, directory, at(2023, 6, 24, 6, 0))
    assert set(night) == {"wr-zb"} and f"#{a} " in night["wr-zb"] and "已逾期5天" in night["wr-zb"]
    with db.session() as s:
        urgent = s.scalars(select(OutboxMessage.urgent).where(OutboxMessage.group_chat_id == "wr-zb")).all()
    assert urgent == [True]
    # the overdue digest for the school waits for the 调休 Sunday's working hours
    assert sweep_texts(db, plan, directory, at(2023, 6, 25, 8, 55)) == {}
    assert "已逾期6天" in sweep_texts(db, plan, directory, at(2023, 6, 25, 9, 0))["wr-yf1z"]
