"""The scheduler service: APScheduler's jobs, the lease between two instances, takeover when the
holder stops renewing. The clock is injected; job functions are called directly (no waiting)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.clock import SHANGHAI, FixedClock
from bot.models import OutboxMessage
from bot.scheduler.service import SchedulerService, start_scheduler
from bot.services.actors import resolve_actor
from bot.services.ledger import Ledger


@pytest.fixture
def bot(settings, plan, directory):
    from bot.app import Bot
    clock = FixedClock(dt.datetime(2023, 6, 12, 9, 30, tzinfo=SHANGHAI))
    b = Bot(settings, clock)
    with b.db.session() as s:
        Ledger(s, plan, directory, FixedClock(dt.datetime(2023, 6, 5, 10, tzinfo=SHANGHAI))).open_issue(
            resolve_actor(directory, "wu.hao"), area=9, description="后门鱼塘没有护栏", school="鱼峰区第一中学",
            deadline=dt.date(2023, 6, 15))
    yield b
    b.stop()


def reminders(bot) -> int:
    with bot.db.session() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "reminder"))


def test_jobs_sweep_on_an_interval_and_at_nine_beijing_time(bot):
    service = start_scheduler(bot)
    try:
        jobs = {j.id: j for j in service.scheduler.get_jobs()}
        assert {"lease", "sweep", "sweep-0900"} <= set(jobs)
        assert jobs["sweep"].trigger.interval == dt.timedelta(seconds=bot.settings.sweep_interval_seconds)
        nine = jobs["sweep-0900"].next_run_time.astimezone(SHANGHAI)
        assert (nine.hour, nine.minute) == (9, 0)
    finally:
        service.shutdown()


def test_only_the_lease_holder_sweeps_and_a_dead_holder_is_replaced_within_a_minute(bot):
    a, b = SchedulerService(bot, holder="a"), SchedulerService(bot, holder="b")
    assert a.sweep_if_leader() is not None and reminders(bot) >= 1
    queued = reminders(bot)
    assert b.sweep_if_leader() is None                     # a holds the lease
    bot.clock.advance(seconds=30)
    a.heartbeat_job()                                      # a renews
    bot.clock.advance(seconds=40)
    b.heartbeat_job()
    assert not b.leader                                    # renewed 40 s ago: still a's
    # a is killed here: it renews no more. Within the lease's 45 s plus one 15 s heartbeat, b takes over
    bot.clock.advance(seconds=10)
    b.heartbeat_job()
    assert b.leader and b.scheduler.get_job("sweep-on-takeover") is not None    # catches up at once
    assert b.sweep_if_leader() is not None
    assert a.sweep_if_leader() is None and not a.leader   # a coming back finds the lease taken
    assert reminders(bot) == queued                        # and nothing was queued twice


def test_a_failing_sweep_is_logged_and_the_service_goes_on(bot, monkeypatch, caplog):
    service = SchedulerService(bot, holder="a")
    monkeypatch.setattr(service.sweeper, "run", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("db gone")))
    assert service.sweep_if_leader() is None
    assert "sweep failed" in caplog.text
    monkeypatch.undo()
    assert service.sweep_if_leader().messages
