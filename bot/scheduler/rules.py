"""Which reminders are owed at a moment: a pure function of issue rows, today and the plan's rules.

Each item has a period that makes it exist once: before-deadline items are keyed by the deadline (a
new deadline re-arms them), daily items by the day, 回头看 by the close date. A window rather than a
single day lets a sweep after downtime still owe what was missed; such items are marked late."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.plan import Milestone, ReminderRules

OPEN_STATES = ("open", "in_progress", "pending_review")


@dataclass(frozen=True)
class IssueRow:
    id: int
    area: int
    school: str | None
    description: str
    deadline: dt.date
    status: str
    supervised: bool
    severity: str
    closed_on: dt.date | None = None
    created_on: dt.date | None = None   # a reminder owed before the issue existed is not "late"


@dataclass(frozen=True)
class Owed:
    kind: str            # before, due_today, overdue, supervised, escalation, recheck, blacklist, monthly, milestone
    period: str
    issue: IssueRow | None = None
    late: bool = False
    urgent: bool = False
    days: int = 0        # days left (before) or days overdue (overdue, escalation)
    milestone: Milestone | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.issue.id if self.issue else '-'}:{self.period}"


def owed_for_issue(row: IssueRow, today: dt.date, rules: ReminderRules) -> list[Owed]:
    if row.status == "closed":
        return _recheck(row, today, rules)
    urgent = row.severity == "重大"
    out: list[Owed] = []
    left = (row.deadline - today).days
    steps = sorted(rules.before_days, reverse=True)          # e.g. [3, 1]
    for i, n in enumerate(steps):
        nxt = steps[i + 1] if i + 1 < len(steps) else 0
        if nxt < left <= n:   # inside this step's window, before the next step's
            missed = left < n and _existed(row, row.deadline - dt.timedelta(days=n))
            out.append(Owed(f"before{n}", row.deadline.isoformat(), row, late=missed, urgent=urgent, days=left))
    if left == 0:
        out.append(Owed("due_today", row.deadline.isoformat(), row, urgent=urgent))
    if left < 0:
        out.append(Owed("overdue", today.isoformat(), row, urgent=urgent, days=-left))
        # "past" N days, as the 黑榜 counts it (Queries.blacklist: deadline < today - N)
        first_day = rules.escalate_after_days + 1
        if -left >= first_day:
            out.append(Owed("escalation", row.deadline.isoformat(), row, late=-left > first_day,
                            urgent=True, days=-left))
    if row.supervised:
        out.append(Owed("supervised", today.isoformat(), row, urgent=urgent, days=-left))
    return out


def _existed(row: IssueRow, day: dt.date) -> bool:
    return row.created_on is None or row.created_on <= day


def _recheck(row: IssueRow, today: dt.date, rules: ReminderRules) -> list[Owed]:
    if row.closed_on is None:
        return []
    due = row.closed_on + dt.timedelta(days=rules.recheck_after_days)
    if today < due:
        return []
    return [Owed("recheck", row.closed_on.isoformat(), row, late=today > due)]


def owed_for_campaign(today: dt.date, rules: ReminderRules, milestones: tuple[Milestone, ...]) -> list[Owed]:
    """Reminders that belong to no single issue: weekly 黑榜, monthly report, milestones."""
    out: list[Owed] = []
    iso = today.isocalendar()
    if iso.weekday >= rules.weekly_blacklist_weekday:
        out.append(Owed("blacklist", f"{iso.year}-W{iso.week:02d}", late=iso.weekday > rules.weekly_blacklist_weekday))
    last = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    report_day = today.replace(day=min(rules.monthly_report_day, last.day))   # a 31 in a short month
    left = (report_day - today).days
    steps = sorted(rules.monthly_report_remind_days, reverse=True)
    for i, n in enumerate(steps):
        # the last step stays owed on the day itself: when the days before are a holiday stretch
        # (端午 2023 took June 22-24), the reminder still reaches a working day in time
        nxt = steps[i + 1] if i + 1 < len(steps) else -1
        if nxt < left <= n:
            out.append(Owed("monthly", f"{today:%Y-%m}:{n}", late=left < n, days=left))
    for m in milestones:
        m_left = (m.date - today).days
        if 0 < m_left <= 3:
            out.append(Owed("milestone", f"{m.date}:before", late=m_left < 3, days=m_left, milestone=m))
        elif m_left == 0:
            out.append(Owed("milestone", f"{m.date}:day", days=0, milestone=m))
    return out
