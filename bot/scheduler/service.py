"""APScheduler in the serving process: a heartbeat keeps (or waits for) the lease; the sweep runs
every few minutes and at 09:00, only in the process that holds the lease."""
from __future__ import annotations

import logging
import os
import socket
import uuid

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.scheduler import lease
from bot.scheduler.sweep import Sweeper, SweepResult

log = logging.getLogger("bot.scheduler")
LEASE = "scheduler"
HEARTBEAT_SECONDS = 15      # with the lease's 45 s, a dead holder is replaced within a minute


class SchedulerService:
    def __init__(self, bot, holder: str | None = None):
        self.bot = bot
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.sweeper = Sweeper(bot.plan, bot.directory)
        self.leader = False
        self.scheduler = BackgroundScheduler(timezone=bot.settings.timezone)

    def start(self) -> "SchedulerService":
        s = self.bot.settings
        opts = dict(max_instances=1, coalesce=True, misfire_grace_time=300)
        self.scheduler.add_job(self.heartbeat_job, IntervalTrigger(seconds=HEARTBEAT_SECONDS), id="lease", **opts)
        self.scheduler.add_job(self.sweep_if_leader, IntervalTrigger(seconds=s.sweep_interval_seconds), id="sweep", **opts)
        self.scheduler.add_job(self.sweep_if_leader, CronTrigger(hour=9, minute=0, timezone=s.timezone), id="sweep-0900", **opts)
        self.scheduler.start()
        self.scheduler.add_job(self.sweep_if_leader, id="sweep-at-start", **opts)   # catch up after downtime
        return self

    def heartbeat_job(self) -> None:
        """Keep the lease; an instance that takes it over from a dead one sweeps at once, so nothing
        waits for its next interval."""
        was = self.leader
        if self.heartbeat() and not was:
            self.scheduler.add_job(self.sweep_if_leader, id="sweep-on-takeover", replace_existing=True,
                                   max_instances=1, misfire_grace_time=300)

    def heartbeat(self) -> bool:
        was = self.leader
        self.leader = lease.acquire(self.bot.db, LEASE, self.holder, self.bot.clock.now())
        if self.leader != was:
            log.info("scheduler %s: %s", self.holder, "took the lease" if self.leader else "lost the lease")
        return self.leader

    def sweep_if_leader(self) -> SweepResult | None:
        if not self.heartbeat():
            return None
        try:
            return self.sweep_once()
        except Exception:  # noqa: BLE001 - the next run tries again; nothing was half-written
            log.exception("sweep failed; it will run again at the next interval")
            return None

    def sweep_once(self) -> SweepResult:
        with self.bot.db.session() as s:
            result = self.sweeper.run(s, self.bot.clock.now())
        if result.messages:
            self.bot.wake.set()
        return result

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=False)
        if self.leader:
            lease.release(self.bot.db, LEASE, self.holder)


def start_scheduler(bot) -> SchedulerService:
    return SchedulerService(bot).start()
