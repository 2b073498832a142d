"""Read-only questions about the ledger, scoped to what the asking person may see."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

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
    late_by_area: dict[int, int]        # overdue issues per area


@dataclass(frozen=True)
class BlacklistEntry:
    unit: str
    overdue: int
    worst_days: int
    issue_ids: list[int]


# What a list line shows (bot.views.issue_line, the dashboard's overdue list): read as plain rows, not
# ORM objects with their units, so a 120-line answer costs one light query.
LISTED = (Issue.id, Issue.area, Issue.school, Issue.description, Issue.status, Issue.deadline, Issue.supervised,
          Issue.severity, Issue.reporter_id, Issue.reporter_name, Issue.created_at)


class IssueList(list):
    """Issues of one question (rows with LISTED's fields), perhaps only the first `limit`; `total` counts them all."""

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
            # each term answerable from an index (reporter, school, the unit's issue_units rows), so the
            # database reads the unit's share of the ledger, not all of it
            conds += [Issue.school == actor.unit,
                      Issue.id.in_(select(IssueUnit.issue_id).where(IssueUnit.unit == actor.unit))]
        return or_(*conds)

    def _issues(self, *conds, order=None, limit: int | None = None) -> IssueList:
        q = select(*LISTED).where(*conds).order_by(*(order if order is not None else [Issue.id]))
        if limit:
            q = q.limit(limit)
        items = self.s.execute(q).all()
        if not limit or len(items) < limit:
            return IssueList(items, len(items))
        return IssueList(items, self.s.scalar(select(func.count()).select_from(Issue).where(*conds)) or 0)

    def listed(self, ids: list[int]) -> list:
        """These issues (LISTED's fields), in the order given: the next page of a list already shown."""
        rows = {r.id: r for r in self.s.execute(select(*LISTED).where(Issue.id.in_(ids)))}
        return [rows[i] for i in ids if i in rows]

    def overview(self, actor: Actor, today: dt.date) -> Overview:
        scope = self.scope(actor)
        # one pass over the issues for every count, a second for the schools (asked on every 统计)
        late = and_(Issue.status != CLOSED, Issue.deadline < today)
        rows = self.s.execute(select(Issue.status, Issue.area, late.label("late"), Issue.supervised, func.count())
                              .where(scope).group_by(Issue.status, Issue.area, late, Issue.supervised)).all()
        by_status: dict[str, int] = {}
        by_area: dict[int, int] = {}
        late_by_area: dict[int, int] = {}
        overdue = supervised = 0
        for status, area, is_late, is_supervised, n in rows:
            by_status[status] = by_status.get(status, 0) + n
            if status != CLOSED:
                by_area[area] = by_area.get(area, 0) + n
                overdue += n if is_late else 0
                if is_late:
                    late_by_area[area] = late_by_area.get(area, 0) + n
                supervised += n if is_supervised else 0
        top = self.s.execute(select(Issue.school, func.count().label("n"))
                             .where(scope, Issue.status != CLOSED, Issue.school.is_not(None))
                             .group_by(Issue.school).order_by(func.count().desc(), Issue.school).limit(5)).all()
        return Overview(sum(by_status.values()), by_status, overdue, supervised, by_area, [(s, n) for s, n in top],
                        late_by_area)

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
        ids: dict[str, list[int]] = {}
        worst: dict[str, int] = {}
        for issue_id, school, deadline in rows:     # oldest deadline first: a school's first row is its worst
            unit = school or "（未注明学校）"
            ids.setdefault(unit, []).append(issue_id)
            worst.setdefault(unit, (today - deadline).days)
        entries = {u: BlacklistEntry(u, len(ids[u]), worst[u], ids[u]) for u in ids}
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
