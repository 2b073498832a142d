"""A sweep: work out what is owed now, take each item once, queue one digest per group.

Items are taken with INSERT … ON CONFLICT DO NOTHING RETURNING, in the same transaction as the
outbox rows they produce: of two sweeps racing (two processes, a restart mid-sweep), only the one
whose insert succeeded sends an item, and a sweep that dies leaves neither log nor outbox rows.

Working time: outside working hours of Chinese working days (holidays off, 调休 Sundays on) a sweep
takes only urgent items (重大 issues, escalations). Ordinary items are not taken at all then; they stay
owed, because each is keyed by the deadline, week, month or close date it is for, and the first sweep
in working time takes them, marked 补发 when their moment has passed. Items that only make sense on
their day (the daily overdue digest, 挂牌督办) are keyed by that day and simply start again on the next
working day rather than arriving in a pile."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import Session

from bot import texts
from bot.clock import SHANGHAI
from bot.directory import Directory, Group
from bot.models import CLOSED, Issue, IssueUnit, ReminderLog
from bot.plan import Plan
from bot.push import format as push_format
from bot.push.outbox import enqueue
from bot.scheduler.calendar import WorkCalendar
from bot.scheduler.digest import Digest
from bot.scheduler.rules import IssueRow, Owed, owed_for_campaign, owed_for_issue
from bot.services import routing
from bot.services.routing import groups_for, responsible_units

log = logging.getLogger("bot.scheduler")
CHUNK = 2000


@dataclass
class SweepResult:
    at: dt.datetime
    taken: int = 0
    skipped_off_hours: int = 0
    messages: list[tuple[Group, dict]] = field(default_factory=list)   # (group, payload) queued
    keys: list[str] = field(default_factory=list)                       # their outbox keys, same order

    def summary(self) -> str:
        return (f"{self.at:%Y-%m-%d %H:%M} 扫描：新提醒 {self.taken} 项，排入推送 {len(self.messages)} 条"
                + (f"，非工作时间暂缓 {self.skipped_off_hours} 项" if self.skipped_off_hours else ""))


class Sweeper:
    def __init__(self, plan: Plan, directory: Directory):
        self.plan = plan
        self.directory = directory
        self.calendar = WorkCalendar(plan.reminders.work_hours)
        self._groups = lru_cache(maxsize=4096)(self._issue_groups)

    def run(self, session: Session, now: dt.datetime) -> SweepResult:
        now = now.astimezone(SHANGHAI)      # days, working hours and message times are Beijing time
        today = now.date()
        working = self.calendar.is_working_time(now)
        result = SweepResult(now)
        digests: dict[str, Digest] = {}
        for rows in self._issue_chunks(session, today):
            owed = [o for row in rows for o in owed_for_issue(row, today, self.plan.reminders)]
            owed = self._not_yet_taken(session, self._in_hours(owed, working, result))
            taken = self._take(session, owed, now)
            result.taken += len(taken)
            for item, log_id in taken:
                for group in self._targets(item):
                    digests.setdefault(group.chat_id, Digest(group)).add(item, log_id)
        campaign = self._in_hours(owed_for_campaign(today, self.plan.reminders, self.plan.milestones), working, result)
        taken = self._take(session, campaign, now)
        result.taken += len(taken)
        for item, log_id in taken:
            self._campaign_notice(session, item, log_id, today, digests)
        for digest in digests.values():
            self._queue(session, digest, now, result)
        if result.taken:
            log.info(result.summary())
        return result

    # --- reading the ledger in bounded chunks --------------------------------------------------
    def issue_query(self, today: dt.date):
        """The rows a sweep reads, in id order: open issues near or past their deadline or under
        挂牌督办 (one due later owes nothing yet), and issues closed recently enough to owe 回头看."""
        rules = self.plan.reminders
        horizon = today + dt.timedelta(days=max(rules.before_days, default=0))
        since = dt.datetime.combine(today - dt.timedelta(days=rules.recheck_after_days + 31), dt.time(),
                                    tzinfo=dt.timezone.utc)
        owing = or_(and_(Issue.status != CLOSED, or_(Issue.deadline <= horizon, Issue.supervised.is_(True))),
                    and_(Issue.status == CLOSED, Issue.closed_at >= since))
        return (select(Issue.id, Issue.area, Issue.school, Issue.description, Issue.deadline, Issue.status,
                       Issue.supervised, Issue.severity, Issue.closed_at, Issue.created_at)
                .where(owing).order_by(Issue.id))

    def _issue_chunks(self, session: Session, today: dt.date):
        q = self.issue_query(today)
        last = 0
        while True:   # keyset pages: memory stays flat however many issues there are
            rows = session.execute(q.where(Issue.id > last).limit(CHUNK)).all()
            if not rows:
                return
            last = rows[-1][0]
            yield [IssueRow(i, area, school, desc, deadline, status, sup, sev, _local_day(closed), _local_day(created))
                   for i, area, school, desc, deadline, status, sup, sev, closed, created in rows]

    def _in_hours(self, owed: list[Owed], working: bool, result: SweepResult) -> list[Owed]:
        """Outside working time only urgent items (重大, escalations) go out; the rest wait for the next
        working sweep, which still owes them because their windows are keyed by deadline or week."""
        if working:
            return owed
        kept = [o for o in owed if o.urgent]
        result.skipped_off_hours += len(owed) - len(kept)
        return kept

    # --- taking items once ---------------------------------------------------------------------
    def _not_yet_taken(self, session: Session, owed: list[Owed]) -> list[Owed]:
        """Drop items an earlier sweep took (the common case every few minutes) with one indexed
        lookup of exactly these keys, instead of letting thousands of inserts conflict; the insert
        still guards against races. Looking up the keys (not every log row of the chunk's issues)
        keeps the cost flat as daily rows pile up over a campaign."""
        if not owed:
            return owed
        keys = list({o.key for o in owed})
        if session.get_bind().dialect.name == "postgresql":
            done = set(session.scalars(_PG_TAKEN, {"keys": keys}))
        else:
            done = set()
            for i in range(0, len(keys), 5000):       # well under SQLite's 32766 variables
                done.update(session.scalars(select(ReminderLog.key).where(ReminderLog.key.in_(keys[i:i + 5000]))))
        return [o for o in owed if o.key not in done]

    def _take(self, session: Session, owed: list[Owed], now: dt.datetime) -> list[tuple[Owed, int]]:
        if not owed:
            return []
        by_key = {o.key: o for o in owed}
        items = list(by_key.values())
        if session.get_bind().dialect.name == "postgresql":
            rows = _insert_pg(session, items, now)
        else:
            rows = _insert_sqlite(session, items, now)
        return [(by_key[key], log_id) for log_id, key in rows]

    # --- where items go ------------------------------------------------------------------------
    def _issue_groups(self, area: int, school: str | None, kind: str) -> tuple[Group, ...]:
        taskforce = tuple(self.directory.taskforce_groups())
        if kind == "escalation":
            return taskforce
        units = responsible_units(self.plan, self.directory, area, school)
        groups = tuple(groups_for(self.directory, units))
        if kind == "recheck":
            return tuple(g for g in groups if school in g.units) or groups
        return groups + (taskforce if kind == "supervised" else ())

    def _targets(self, item: Owed) -> tuple[Group, ...]:
        kind = item.kind if item.kind in ("escalation", "supervised", "recheck") else "issue"
        return self._groups(item.issue.area, item.issue.school, kind)

    def _campaign_notice(self, session, item: Owed, log_id: int, today: dt.date, digests: dict) -> None:
        if item.kind == "blacklist":
            groups, lines = self.directory.taskforce_groups(), self._blacklist_lines(session, today)
        elif item.kind == "monthly":
            groups = self.directory.taskforce_groups()
            lines = [f"📅 请于{today.month}月{self.plan.reminders.monthly_report_day}日前向市教育局报送本月集中整治工作情况"
                     f"（{'今天截止' if item.days == 0 else f'还剩{item.days}天'}）。发“月报”查看本月数据。" + ("（补发）" if item.late else "")]
        else:
            m = item.milestone
            groups = self._audience(m.audience)
            when = "今天" if item.days == 0 else f"还有{item.days}天"
            lines = [f"🗓 工作节点：{texts.date_full(m.date)}（{when}）{m.title}。" + ("（补发）" if item.late else "")]
        for group in groups:
            digests.setdefault(group.chat_id, Digest(group)).add_text(lines, log_id)

    def _blacklist_lines(self, session, today: dt.date) -> list[str]:
        days = self.plan.reminders.escalate_after_days
        schools, units = _blacklist(session, today - dt.timedelta(days=days))
        head = f"📢 **本周黑榜通报**（逾期超过{days}天未整改，{texts.date(today)}）"
        if not schools and not units:
            return [head, "本周没有单位上黑榜。"]
        lines = [head]
        for title, entries in (("学校", schools), ("责任部门", units)):
            if entries:
                lines.append(f"{title}：")
                lines += [f"{i}. {unit}：逾期 {n} 条，最长 {(today - oldest).days} 天"
                          for i, (unit, n, oldest) in enumerate(entries[:20], 1)]
        return lines

    def _audience(self, audience: tuple[str, ...]) -> list[Group]:
        if "all" in audience:
            return list(self.directory.groups)
        return [g for g in self.directory.groups if g.purpose in audience]

    # --- queuing -------------------------------------------------------------------------------
    def _queue(self, session: Session, digest: Digest, now: dt.datetime, result: SweepResult) -> None:
        group = digest.group
        if group.platform not in ("wecom", "dingtalk"):
            return
        mentions = routing.mentions(routing.mentioned_in(self.directory, group))
        head = f"**校园安全整改提醒**（{now.month}月{now.day}日 {now:%H:%M}）"
        for i, payload in enumerate(push_format.split(group.platform, head, digest.body(), mentions)):
            key = f"digest:{group.chat_id}:{now:%Y-%m-%d}:{digest.first_id}:{i}"
            enqueue(session, key=key, platform=group.platform, group_chat_id=group.chat_id, payload=payload,
                    now=now, kind="reminder", urgent=digest.urgent)
            result.messages.append((group, payload))
            result.keys.append(key)


def _blacklist(session: Session, cutoff: dt.date) -> tuple[list[tuple], list[tuple]]:
    """The 黑榜 as Queries.blacklist and Queries.unit_blacklist define it (open, deadline before the
    cutoff; schools, then departments and towns), aggregated in the database so the weekly sweep's
    memory does not grow with the number of overdue issues."""
    late = and_(Issue.status != CLOSED, Issue.deadline < cutoff)
    schools = session.execute(select(func.coalesce(Issue.school, "（未注明学校）"), func.count(), func.min(Issue.deadline))
                              .where(late).group_by(Issue.school)).all()
    units = session.execute(select(IssueUnit.unit, func.count(), func.min(Issue.deadline))
                            .join(Issue, Issue.id == IssueUnit.issue_id)
                            .where(late, or_(Issue.school.is_(None), IssueUnit.unit != Issue.school))
                            .group_by(IssueUnit.unit)).all()

    def worst_first(rows):
        return sorted((tuple(r) for r in rows), key=lambda r: (-r[1], r[2], r[0]))
    return worst_first(schools), worst_first(units)


def _local_day(at: dt.datetime | None) -> dt.date | None:
    return at.astimezone(SHANGHAI).date() if at is not None else None


# --- taking items: one insert per chunk that skips keys already taken and returns the rest --------
_PG_TAKEN = text("SELECT key FROM reminder_log WHERE key = ANY(CAST(:keys AS varchar[]))")
_PG_TAKE = text(
    "INSERT INTO reminder_log (key, kind, issue_id, period, late, created_at) "
    "SELECT k, kd, i, p, l, :created FROM unnest(CAST(:keys AS varchar[]), CAST(:kinds AS varchar[]), "
    "CAST(:ids AS integer[]), CAST(:periods AS varchar[]), CAST(:lates AS boolean[])) AS t(k, kd, i, p, l) "
    "ON CONFLICT (key) DO NOTHING RETURNING id, key")


def _insert_pg(session: Session, items: list[Owed], now: dt.datetime) -> list[tuple[int, str]]:
    """PostgreSQL: five arrays and one small cached statement. A multi-row VALUES list of thousands
    of rows spent most of the sweep in the driver rewriting its placeholders."""
    params = dict(keys=[o.key for o in items], kinds=[o.kind for o in items],
                  ids=[o.issue.id if o.issue else None for o in items], periods=[o.period for o in items],
                  lates=[o.late for o in items], created=now.astimezone(dt.timezone.utc).replace(tzinfo=None))
    return [tuple(r) for r in session.connection().execute(_PG_TAKE, params)]


def _insert_sqlite(session: Session, items: list[Owed], now: dt.datetime) -> list[tuple[int, str]]:
    """SQLite: one cached statement run with a parameter list (insertmanyvalues); compiling a fresh
    multi-row VALUES per batch cost more than the inserts themselves."""
    from sqlalchemy.dialects.sqlite import insert
    table = ReminderLog.__table__
    values = [dict(key=o.key, kind=o.kind, issue_id=o.issue.id if o.issue else None, period=o.period,
                   late=o.late, created_at=now) for o in items]
    stmt = (insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id, table.c.key))
    return [tuple(r) for r in session.connection().execute(stmt, values)]
