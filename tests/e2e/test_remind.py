"""The real scheduler in the running service, with an injected clock, pushing to the fake platform."""
from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import select

from bot.models import Lease
from bot.scheduler.service import SchedulerService
from bot.services.actors import resolve_actor
from bot.services.ledger import Ledger


def test_scheduler_sweeps_at_start_and_reminders_arrive(live, platform):
    bot = live.bot
    with bot.db.session() as s:   # an issue due in 3 days, reported a week ago
        Ledger(s, bot.plan, bot.directory, bot.clock).open_issue(
            resolve_actor(bot.directory, "zhang.wei"), area=9, description="后门鱼塘没有护栏",
            school="鱼峰区第一中学", deadline=bot.clock.today() + dt.timedelta(days=3))
    before = 0
    service = SchedulerService(bot, holder="test-a").start()
    try:
        # the school's group, 区教育局's group and the 专班 (weekly 黑榜, milestone): one digest each
        pushes = platform.wait_for(before + 3, timeout=15)
        assert sorted(p["key"] for p in pushes) == ["sample-key-jyj", "sample-key-yf1z", "sample-key-zb"]
        reminder = [p for p in pushes[before:] if p["key"] == "sample-key-yf1z"]
        assert reminder and "即将到期" in reminder[0]["body"]["markdown"]["content"]
        assert "<@li.na>" in reminder[0]["body"]["markdown"]["content"]
        with bot.db.session() as s:
            assert s.get(Lease, "scheduler").holder == "test-a"
        # a second scheduler in another process would wait: the lease is held
        other = SchedulerService(bot, holder="test-b")
        assert other.sweep_if_leader() is None
        # sweeping again later the same day pushes nothing new
        assert service.sweep_once().messages == []
        time.sleep(0.3)
        assert len(platform.received()) == len(pushes)
    finally:
        service.shutdown()
    with bot.db.session() as s:
        assert s.scalar(select(Lease).where(Lease.name == "scheduler")) is None   # released on shutdown
