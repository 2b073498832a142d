"""What the dashboard shows, read from the ledger in one session: totals, per-area and per-week
series, the overdue list, the blacklist and one page of the filtered ledger."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.models import CLOSED, STATUSES, Issue
from bot.plan import Plan
from bot.reporting.filters import LedgerFilter
from bot.reporting.ledger import HEADERS, LedgerRows, SummaryRow, summary
from bot.services.actors import Actor
from bot.services.queries import BlacklistEntry, Overview, Queries

VIEWER = Actor("dashboard", "看板", "taskforce", None)    # the dashboard is the 专班's view: everything
WEEKS = 12
PAGE_SIZE = 50
OVERDUE_SHOWN = 20


@dataclass(frozen=True)
class Week:
    start: dt.date
    found: int
    closed: int


@dataclass(frozen=True)
class LedgerPage:
    rows: list[dict]      # header → value, as in the 台账
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class Board:
    today: dt.date
    overview: Overview
    areas: list[SummaryRow]
    weeks: list[Week]
    overdue: list[Issue]
    overdue_total: int
    blacklist_schools: list[BlacklistEntry]
    blacklist_units: list[BlacklistEntry]
    blacklist_days: int
    schools: list[str]
    ledger: LedgerPage

    @property
    def closed(self) -> int:
        return self.overview.by_status.get(CLOSED, 0)

    @property
    def open(self) -> int:
        return self.overview.total - self.closed

    @property
    def rate(self) -> int:
        return self.closed * 100 // self.overview.total if self.overview.total else 0

    @property
    def statuses(self) -> list[tuple[str, int]]:
        return [(s, self.overview.by_status.get(s, 0)) for s in STATUSES]


def _week_start(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def weeks(session: Session, tz: dt.tzinfo, today: dt.date, n: int = WEEKS) -> list[Week]:
    """Issues found and closed per week (Monday to Sunday, local time), the last n weeks.

    One pass in the database with a conditional count per week: bucketing rows in Python read
    every issue of the period into memory (0.8 s of the page at 100k issues)."""
    first = _week_start(today) - dt.timedelta(weeks=n - 1)
    starts = [first + dt.timedelta(weeks=i) for i in range(n + 1)]
    bounds = [dt.datetime.combine(d, dt.time(), tzinfo=tz) for d in starts]

    def per_week(column, *extra):
        return [func.sum(case((and_(column >= bounds[i], column < bounds[i + 1], *extra), 1), else_=0))
                for i in range(n)]

    row = session.execute(select(*per_week(Issue.created_at), *per_week(Issue.closed_at, Issue.status == CLOSED))
                          .where(or_(Issue.created_at >= bounds[0], Issue.closed_at >= bounds[0]))).one()
    return [Week(starts[i], int(row[i] or 0), int(row[n + i] or 0)) for i in range(n)]


def ledger_page(session: Session, plan: Plan, tz: dt.tzinfo, today: dt.date, flt: LedgerFilter,
                page: int) -> LedgerPage:
    rows = LedgerRows(session, plan, tz, today, flt)
    total = rows.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    found = rows.page((page - 1) * PAGE_SIZE, PAGE_SIZE)
    return LedgerPage([dict(zip(HEADERS, r)) for r in found], total, page, pages)


def board(session: Session, plan: Plan, tz: dt.tzinfo, today: dt.date, flt: LedgerFilter, page: int) -> Board:
    q = Queries(session)
    days = plan.reminders.escalate_after_days
    overdue = q.overdue(VIEWER, today, limit=OVERDUE_SHOWN)
    schools = session.scalars(select(Issue.school).where(Issue.school.is_not(None)).distinct().order_by(Issue.school))
    return Board(today=today, overview=q.overview(VIEWER, today), areas=summary(session, plan, today, LedgerFilter(), "area"),
                 weeks=weeks(session, tz, today), overdue=list(overdue), overdue_total=overdue.total,
                 blacklist_schools=q.blacklist(VIEWER, today, days), blacklist_units=q.unit_blacklist(VIEWER, today, days),
                 blacklist_days=days, schools=list(schools),
                 ledger=ledger_page(session, plan, tz, today, flt, page))

