"""The 台账 as rows: one per issue with every column a ledger has, streamed in batches.

Issues are read as plain column tuples (no ORM objects, so nothing piles up in the session) with
`yield_per`; each batch's responsible units and progress notes come in two IN-queries.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot import texts
from bot.models import CLOSED, Issue, IssueEvent, IssueUnit
from bot.plan import Plan
from bot.reporting.filters import LedgerFilter

BATCH = 1000
PROGRESS_KINDS = ("progress", "close_request", "reject", "approve", "reopen", "recheck")
PROGRESS_LABEL = {"progress": "", "close_request": "申请销号：", "reject": "驳回：", "approve": "验收：",
                  "reopen": "重新打开：", "recheck": "回头看："}
MAX_CELL = 2000      # Excel allows 32767 characters; a ledger cell longer than this helps nobody

# header, column width (characters)
COLUMNS = (("编号", 7), ("学校", 18), ("问题描述", 40), ("具体位置", 14), ("所属方面", 12), ("隐患等级", 8),
           ("责任单位", 30), ("上报人", 8), ("上报单位", 16), ("上报时间", 17), ("整改时限", 11),
           ("整改状态", 9), ("整改措施/进展", 48), ("销号时间", 17), ("是否逾期", 9), ("逾期天数", 8),
           ("挂牌督办", 8))
HEADERS = tuple(h for h, _ in COLUMNS)

_FIELDS = (Issue.id, Issue.school, Issue.description, Issue.location, Issue.area, Issue.severity,
           Issue.reporter_name, Issue.reporter_unit, Issue.created_at, Issue.deadline, Issue.status,
           Issue.closed_at, Issue.supervised)


@dataclass(frozen=True)
class Lateness:
    label: str      # 是 | 否 | 逾期销号
    days: int


def lateness(status: str, deadline: dt.date, closed_on: dt.date | None, today: dt.date) -> Lateness:
    """Open past its deadline is overdue; a close-out after the deadline was closed late."""
    if status != CLOSED:
        days = (today - deadline).days
        return Lateness("是", days) if days > 0 else Lateness("否", 0)
    days = (closed_on - deadline).days if closed_on else 0
    return Lateness("逾期销号", days) if days > 0 else Lateness("否", 0)


class LedgerRows:
    def __init__(self, session: Session, plan: Plan, tz: dt.tzinfo, today: dt.date,
                 flt: LedgerFilter | None = None):
        self.s = session
        self.plan = plan
        self.tz = tz
        self.today = today
        self.flt = flt or LedgerFilter()

    def count(self) -> int:
        return self.s.scalar(select(func.count()).select_from(Issue).where(*self.flt.conditions(self.today))) or 0

    def batches(self, batch: int = BATCH) -> Iterator[list[tuple]]:
        q = select(*_FIELDS).where(*self.flt.conditions(self.today)).order_by(Issue.id)
        result = self.s.execute(q.execution_options(yield_per=batch))
        for part in result.partitions():
            ids = [r.id for r in part]
            units, notes = self._units(ids), self._notes(ids)
            yield [self._row(r, units.get(r.id, ()), notes.get(r.id, ())) for r in part]

    def page(self, offset: int, limit: int) -> list[tuple]:
        """One screenful, for the dashboard's table."""
        q = select(*_FIELDS).where(*self.flt.conditions(self.today)).order_by(Issue.id.desc()).offset(offset).limit(limit)
        part = self.s.execute(q).all()
        ids = [r.id for r in part]
        units, notes = self._units(ids), self._notes(ids)
        return [self._row(r, units.get(r.id, ()), notes.get(r.id, ())) for r in part]

    def rows(self, batch: int = BATCH) -> Iterator[tuple]:
        for part in self.batches(batch):
            yield from part

    def _units(self, ids: list[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        q = select(IssueUnit.issue_id, IssueUnit.unit).where(IssueUnit.issue_id.in_(ids)) \
            .order_by(IssueUnit.issue_id, IssueUnit.position)
        for issue_id, unit in self.s.execute(q):
            out.setdefault(issue_id, []).append(unit)
        return out

    def _notes(self, ids: list[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        q = select(IssueEvent.issue_id, IssueEvent.kind, IssueEvent.at, IssueEvent.text) \
            .where(IssueEvent.issue_id.in_(ids), IssueEvent.kind.in_(PROGRESS_KINDS)) \
            .order_by(IssueEvent.issue_id, IssueEvent.id)
        for issue_id, kind, at, text in self.s.execute(q):
            if text:
                out.setdefault(issue_id, []).append(f"{texts.date(at.astimezone(self.tz).date())} {PROGRESS_LABEL[kind]}{text}")
        return out

    def _local(self, at: dt.datetime | None) -> dt.datetime | None:
        """Excel has no time zones: local wall-clock time, to the minute."""
        return at.astimezone(self.tz).replace(tzinfo=None, second=0, microsecond=0) if at else None

    def _row(self, r, units, notes) -> tuple:
        closed = self._local(r.closed_at)
        late = lateness(r.status, r.deadline, closed.date() if closed else None, self.today)
        return (r.id, r.school or "", r.description, r.location or "", self.plan.area(r.area).short, r.severity,
                "、".join(units), r.reporter_name, r.reporter_unit or "", self._local(r.created_at), r.deadline,
                texts.STATUS.get(r.status, r.status), "；".join(notes)[:MAX_CELL], closed, late.label,
                late.days or None, "是" if r.supervised and r.status != CLOSED else "")


@dataclass(frozen=True)
class SummaryRow:
    name: str
    total: int
    closed: int
    overdue: int
    supervised: int

    @property
    def open(self) -> int:
        return self.total - self.closed

    @property
    def rate(self) -> float:
        return self.closed / self.total if self.total else 0.0


def summary(session: Session, plan: Plan, today: dt.date, flt: LedgerFilter, by: str) -> list[SummaryRow]:
    """Totals per area (in plan order) or per school (most open first)."""
    open_ = Issue.status != CLOSED
    key = Issue.area if by == "area" else func.coalesce(Issue.school, "（未注明学校）")
    count = lambda cond: func.coalesce(func.sum(case((cond, 1), else_=0)), 0)  # noqa: E731
    q = select(key, func.count(), count(~open_), count(open_ & (Issue.deadline < today)),
               count(open_ & Issue.supervised)).where(*flt.conditions(today)).group_by(key)
    rows = [SummaryRow(*(int(v) if i else v for i, v in enumerate(r))) for r in session.execute(q)]
    if by == "area":     # every area of the plan, in its order, the empty ones too
        found = {r.name: r for r in rows}
        return [SummaryRow(a.name, *(_figures(found.get(a.id)))) for a in plan.areas]
    return sorted(rows, key=lambda r: (-r.open, -r.total, r.name))


def _figures(row: SummaryRow | None) -> tuple[int, int, int, int]:
    return (row.total, row.closed, row.overdue, row.supervised) if row else (0, 0, 0, 0)
