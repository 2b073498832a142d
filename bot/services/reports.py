"""Figures for the monthly report (每月25日前报送): found, rectified, overdue, by area."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import CLOSED, Issue
from bot.plan import Plan


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


def month_bounds(year: int, month: int, tz: str = "Asia/Shanghai") -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(tz)
    start = dt.datetime(year, month, 1, tzinfo=zone)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start, end


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
