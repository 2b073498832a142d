"""Figures for the monthly report (每月25日前报送): found, rectified, overdue, by area and school,
the blacklist and 挂牌督办 items, all as the ledger stood at one moment (the report's cut-off).

The cut-off is the end of the month, or `now` when the month is still running. An issue counts as
closed at the cut-off when it was closed before it; deadlines and 督办 flags are taken as they are
now (the ledger keeps their changes only as history text).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.models import CLOSED, Issue, IssueUnit
from bot.plan import Plan

NO_SCHOOL = "（未注明学校）"
LIST_LIMIT = 50      # a report names at most this many items per list; the rest are counted


@dataclass(frozen=True)
class Tally:
    """Counts for one area, school or the whole district at the cut-off."""
    name: str
    found_month: int
    found: int
    closed: int
    overdue: int

    @property
    def open(self) -> int:
        return self.found - self.closed

    @property
    def rate(self) -> int:
        return self.closed * 100 // self.found if self.found else 0


@dataclass(frozen=True)
class Item:
    """One issue named in the report (overdue or 挂牌督办)."""
    id: int
    school: str
    area: str
    description: str
    deadline: dt.date
    days_overdue: int
    units: tuple[str, ...]


@dataclass(frozen=True)
class BlackMark:
    unit: str
    overdue: int
    worst_days: int


@dataclass(frozen=True)
class MonthReport:
    year: int
    month: int
    cutoff: dt.datetime          # local time
    as_of: dt.date               # the date the figures describe (截至…)
    total: Tally
    closed_month: int
    major_month: int             # 重大 issues found this month
    schools_month: int           # schools with issues found this month
    by_area: list[Tally]
    by_school: list[Tally]
    overdue_items: list[Item]
    supervised_items: list[Item]
    supervised: int
    blacklist_schools: list[BlackMark]
    blacklist_units: list[BlackMark]
    blacklist_days: int


# --- kept for callers of the short summary -----------------------------------------------------
@dataclass(frozen=True)
class MonthSummary:
    found: int
    closed: int
    total_found: int
    total_closed: int
    overdue: int
    supervised: int
    by_area: list[tuple[int, int]]

    @property
    def rate(self) -> int:
        return self.total_closed * 100 // self.total_found if self.total_found else 0


def month_bounds(year: int, month: int, tz: str | dt.tzinfo = "Asia/Shanghai") -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    start = dt.datetime(year, month, 1, tzinfo=zone)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start, end


class _At:
    """SQL conditions for the ledger's state at the cut-off."""

    def __init__(self, start: dt.datetime, cutoff: dt.datetime, as_of: dt.date):
        self.exists = Issue.created_at < cutoff
        self.in_month = and_(Issue.created_at >= start, Issue.created_at < cutoff)
        self.closed = and_(Issue.status == CLOSED, Issue.closed_at.is_not(None), Issue.closed_at < cutoff)
        self.closed_month = and_(self.closed, Issue.closed_at >= start)
        self.open = and_(self.exists, or_(Issue.status != CLOSED, Issue.closed_at.is_(None), Issue.closed_at >= cutoff))
        self.overdue = and_(self.open, Issue.deadline < as_of)


def _count(cond):
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _tallies(session: Session, at: _At, key, names) -> list[Tally]:
    rows = session.execute(select(key, _count(at.in_month), func.count(), _count(at.closed), _count(at.overdue))
                           .where(at.exists).group_by(key)).all()
    return [Tally(names(k), int(m), int(n), int(c), int(o)) for k, m, n, c, o in rows]


def _items(session: Session, plan: Plan, cond, today: dt.date, order) -> tuple[list[Item], int]:
    total = session.scalar(select(func.count()).select_from(Issue).where(cond)) or 0
    rows = session.execute(select(Issue.id, Issue.school, Issue.area, Issue.description, Issue.deadline)
                           .where(cond).order_by(*order).limit(LIST_LIMIT)).all()
    units = _units_of(session, [r.id for r in rows])
    items = [Item(r.id, r.school or NO_SCHOOL, plan.area(r.area).short, r.description, r.deadline,
                  max(0, (today - r.deadline).days), units.get(r.id, ())) for r in rows]
    return items, total


def _units_of(session: Session, ids: list[int]) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    if ids:
        for issue_id, unit in session.execute(select(IssueUnit.issue_id, IssueUnit.unit)
                                              .where(IssueUnit.issue_id.in_(ids))
                                              .order_by(IssueUnit.issue_id, IssueUnit.position)):
            out.setdefault(issue_id, []).append(unit)
    return {k: tuple(v) for k, v in out.items()}


def _blacklist(session: Session, at: _At, today: dt.date, days: int, departments: bool) -> list[BlackMark]:
    late = and_(at.open, Issue.deadline < today - dt.timedelta(days=days))
    if departments:   # a department answers for every issue of its areas, beside the school itself
        key = IssueUnit.unit
        q = select(key, func.count(), func.min(Issue.deadline)).join(Issue, Issue.id == IssueUnit.issue_id) \
            .where(late, or_(Issue.school.is_(None), IssueUnit.unit != Issue.school))
    else:
        key = func.coalesce(Issue.school, NO_SCHOOL)
        q = select(key, func.count(), func.min(Issue.deadline)).where(late)
    rows = session.execute(q.group_by(key)).all()
    marks = [BlackMark(unit, int(n), (today - oldest).days) for unit, n, oldest in rows]
    return sorted(marks, key=lambda m: (-m.overdue, -m.worst_days, m.unit))


def cutoff_for(year: int, month: int, now: dt.datetime) -> tuple[dt.datetime, dt.date]:
    """The moment the report describes and its date: now while the month runs, else the month's
    last day (an issue due that day is not yet overdue). A month still to come is an error."""
    start, end = month_bounds(year, month, now.tzinfo)
    if now < start:
        raise ValueError(f"{year}年{month}月还没有开始（现在是{now.year}年{now.month}月{now.day}日），无法生成该月月报。")
    if now < end:
        return now, now.date()
    return end, (end - dt.timedelta(days=1)).date()


def month_report(session: Session, plan: Plan, year: int, month: int, now: dt.datetime) -> MonthReport:
    start, _ = month_bounds(year, month, now.tzinfo)
    cutoff, today = cutoff_for(year, month, now)
    at = _At(start, cutoff, today)
    found_areas = {t.name: t for t in _tallies(session, at, Issue.area, lambda a: plan.area(a).name)}
    by_area = [found_areas.get(a.name, Tally(a.name, 0, 0, 0, 0)) for a in plan.areas]   # every area, in plan order
    by_school = _tallies(session, at, func.coalesce(Issue.school, NO_SCHOOL), str)
    total = Tally("合计", *(sum(getattr(t, f) for t in by_area) for f in ("found_month", "found", "closed", "overdue")))
    overdue, _ = _items(session, plan, at.overdue, today, [Issue.deadline, Issue.id])
    supervised_cond = and_(at.open, Issue.supervised)
    supervised, n_supervised = _items(session, plan, supervised_cond, today, [Issue.deadline, Issue.id])
    days = plan.reminders.escalate_after_days
    return MonthReport(
        year=year, month=month, cutoff=cutoff, as_of=today, total=total,
        closed_month=session.scalar(select(func.count()).select_from(Issue).where(at.closed_month)) or 0,
        major_month=session.scalar(select(func.count()).select_from(Issue).where(at.in_month, Issue.severity == "重大")) or 0,
        schools_month=session.scalar(select(func.count(func.distinct(Issue.school))).where(at.in_month)) or 0,
        by_area=by_area,
        by_school=sorted(by_school, key=lambda t: (-t.open, -t.found, t.name)),
        overdue_items=overdue, supervised_items=supervised, supervised=n_supervised,
        blacklist_schools=_blacklist(session, at, today, days, departments=False),
        blacklist_units=_blacklist(session, at, today, days, departments=True),
        blacklist_days=days)


def month_summary(session: Session, plan: Plan, year: int, month: int, today: dt.date) -> MonthSummary:
    start, end = month_bounds(year, month)
    count = lambda *c: session.scalar(select(func.count()).select_from(Issue).where(*c)) or 0  # noqa: E731
    by_area = session.execute(select(Issue.area, func.count()).where(Issue.created_at >= start, Issue.created_at < end)
                              .group_by(Issue.area).order_by(func.count().desc())).all()
    return MonthSummary(
        found=count(Issue.created_at >= start, Issue.created_at < end),
        closed=count(Issue.status == CLOSED, Issue.closed_at >= start, Issue.closed_at < end),
        total_found=count(Issue.created_at < end),
        total_closed=count(Issue.status == CLOSED, Issue.closed_at < end),
        overdue=count(Issue.status != CLOSED, Issue.deadline < today),
        supervised=count(Issue.status != CLOSED, Issue.supervised),
        by_area=[(a, n) for a, n in by_area],
    )
