"""Read-only questions about the ledger, scoped to what the asking person may see."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from bot.models import CLOSED, Issue, IssueUnit
from bot.services.actors import Actor


@dataclass(frozen=True)
class Overview:
    total: int
    by_status: dict[str, int]
    overdue: int
    supervised: int
    by_area: dict[int, int]            # open issues per area
    top_schools: list[tuple[str, int]]  # schools with most open issues


@dataclass(frozen=True)
class BlacklistEntry:
    unit: str
    overdue: int
    worst_days: int
    issue_ids: list[int]


class IssueList(list):
    """Issues of one question, perhaps only the first `limit`; `total` counts them all."""

    def __init__(self, items, total: int):
        super().__init__(items)
        self.total = total

    @property
    def cut(self) -> bool:
        return self.total > len(self)


class Queries:
    def __init__(self, session: Session):
        self.s = session

    def scope(self, actor: Actor):
        """SQL condition for the issues this person may see: all for the 专班, else their unit's."""
        if actor.sees_everything:
            return True
        conds = [Issue.reporter_id == actor.id]
        if actor.unit:
            conds += [Issue.school == actor.unit,
                      exists().where(and_(IssueUnit.issue_id == Issue.id, IssueUnit.unit == actor.unit))]
        return or_(*conds)

    def _issues(self, *conds, order=None, limit: int | None = None) -> IssueList:
        q = select(Issue).where(*conds).options(selectinload(Issue.units))
        q = q.order_by(*(order if order is not None else [Issue.id]))
        if limit:
            q = q.limit(limit)
        items = list(self.s.scalars(q))
        if not limit or len(items) < limit:
            return IssueList(items, len(items))
        return IssueList(items, self.s.scalar(select(func.count()).select_from(Issue).where(*conds)) or 0)

    def overview(self, actor: Actor, today: dt.date) -> Overview:
        scope = self.scope(actor)
        by_status = dict(self.s.execute(select(Issue.status, func.count()).where(scope).group_by(Issue.status)).all())
        open_ = Issue.status != CLOSED
        overdue = self.s.scalar(select(func.count()).select_from(Issue).where(scope, open_, Issue.deadline < today))
        supervised = self.s.scalar(select(func.count()).select_from(Issue).where(scope, open_, Issue.supervised))
        by_area = dict(self.s.execute(select(Issue.area, func.count()).where(scope, open_).group_by(Issue.area)).all())
        top = self.s.execute(select(Issue.school, func.count().label("n")).where(scope, open_, Issue.school.is_not(None))
                             .group_by(Issue.school).order_by(func.count().desc(), Issue.school).limit(5)).all()
        return Overview(sum(by_status.values()), by_status, overdue or 0, supervised or 0, by_area,
                        [(s, n) for s, n in top])

    def overdue(self, actor: Actor, today: dt.date, limit: int | None = None) -> list[Issue]:
        return self._issues(self.scope(actor), Issue.status != CLOSED, Issue.deadline < today,
                            order=[Issue.deadline, Issue.id], limit=limit)

    def due_soon(self, actor: Actor, today: dt.date, days: int = 7, limit: int | None = None) -> list[Issue]:
        return self._issues(self.scope(actor), Issue.status != CLOSED, Issue.deadline >= today,
                            Issue.deadline <= today + dt.timedelta(days=days), order=[Issue.deadline, Issue.id],
                            limit=limit)

    def by_school(self, actor: Actor, school: str, include_closed=False, limit: int | None = None) -> list[Issue]:
        conds = [self.scope(actor), Issue.school == school]
        if not include_closed:
            conds.append(Issue.status != CLOSED)
        return self._issues(*conds, order=[Issue.deadline, Issue.id], limit=limit)

    def by_area(self, actor: Actor, area: int, limit: int | None = None) -> list[Issue]:
        return self._issues(self.scope(actor), Issue.area == area, Issue.status != CLOSED,
                            order=[Issue.deadline, Issue.id], limit=limit)

    def by_unit(self, actor: Actor, unit: str) -> list[Issue]:
        has_unit = exists().where(and_(IssueUnit.issue_id == Issue.id, IssueUnit.unit == unit))
        return self._issues(self.scope(actor), has_unit, Issue.status != CLOSED, order=[Issue.deadline, Issue.id])

    def by_areas(self, actor: Actor, areas: list[int], limit: int | None = None) -> list[Issue]:
        """Open issues in any of these areas (a department's share of the plan)."""
        return self._issues(self.scope(actor), Issue.area.in_(areas), Issue.status != CLOSED,
                            order=[Issue.deadline, Issue.id], limit=limit)

    def overdue_by_area(self, actor: Actor, today: dt.date) -> dict[int, int]:
        q = select(Issue.area, func.count()).where(self.scope(actor), Issue.status != CLOSED, Issue.deadline < today)
        return dict(self.s.execute(q.group_by(Issue.area)).all())

    def mine(self, actor: Actor, limit: int | None = None) -> list[Issue]:
        """A leader's unit's open issues; anyone else's own reports, newest first."""
        if actor.role in ("leader",) and actor.unit:
            return self._issues(self.scope(actor), Issue.status != CLOSED, order=[Issue.deadline, Issue.id], limit=limit)
        return self._issues(Issue.reporter_id == actor.id, order=[Issue.id.desc()], limit=limit)

    def pending_review(self, actor: Actor) -> list[Issue]:
        from bot.models import PENDING_REVIEW
        return self._issues(self.scope(actor), Issue.status == PENDING_REVIEW, order=[Issue.id])

    def open_ids_of(self, actor: Actor) -> list[int]:
        """Open issues this person reported or whose unit answers for them (to infer "#?" once)."""
        q = select(Issue.id).where(self.scope(actor), Issue.status != CLOSED).order_by(Issue.id).limit(3)
        return list(self.s.scalars(q))

    def blacklist(self, actor: Actor, today: dt.date, threshold_days: int) -> list[BlacklistEntry]:
        """Schools whose issues are overdue past the threshold, worst first."""
        cutoff = today - dt.timedelta(days=threshold_days)
        rows = self.s.execute(select(Issue.id, Issue.school, Issue.deadline)
                              .where(self.scope(actor), Issue.status != CLOSED, Issue.deadline < cutoff)
                              .order_by(Issue.deadline)).all()
        entries: dict[str, BlacklistEntry] = {}
        for issue_id, school, deadline in rows:
            unit = school or "（未注明学校）"
            days = (today - deadline).days
            e = entries.setdefault(unit, BlacklistEntry(unit, 0, 0, []))
            entries[unit] = BlacklistEntry(unit, e.overdue + 1, max(e.worst_days, days), e.issue_ids + [issue_id])
        return sorted(entries.values(), key=lambda e: (-e.overdue, -e.worst_days, e.unit))

    def unit_blacklist(self, actor: Actor, today: dt.date, threshold_days: int) -> list[BlacklistEntry]:
        """Departments (and towns) answering for issues overdue past the threshold, worst first."""
        cutoff = today - dt.timedelta(days=threshold_days)
        rows = self.s.execute(select(IssueUnit.unit, func.count(), func.min(Issue.deadline))
                              .join(Issue, Issue.id == IssueUnit.issue_id)
                              .where(self.scope(actor), Issue.status != CLOSED, Issue.deadline < cutoff,
                                     or_(Issue.school.is_(None), IssueUnit.unit != Issue.school))
                              .group_by(IssueUnit.unit)).all()
        entries = [BlacklistEntry(unit, n, (today - oldest).days, []) for unit, n, oldest in rows]
        return sorted(entries, key=lambda e: (-e.overdue, -e.worst_days, e.unit))
