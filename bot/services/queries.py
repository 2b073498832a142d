"""Read-only questions about the ledger, scoped to what the asking person may see."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from bot.models import CLOSED, UNCLOSED, Issue, IssueUnit
from bot.services.actors import Actor


@dataclass(frozen=True)
class Overview:
    total: int
    by_status: dict[str, int]
    overdue: int
    supervised: int
    by_area: dict[int, int]            # open issues per area
    top_schools: list[tuple[str, int]]  # schools with most open issues (for those who see everything)
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


Limit = int | None    # at most this many (None: all)


# "not closed", written as the open statuses so that an index on (status, deadline) can answer
# "overdue" or "due this week" by seeking, rather than reading every issue in scope
NOT_CLOSED = Issue.status.in_(UNCLOSED)


class IssueList(list):
    """Issues of one question: rows with LISTED's fields for the first ones, `ids` for up to `limit` of
    them in list order, `total` for how many there are."""

    def __init__(self, items, total: int, ids: list[int] | None = None):
        super().__init__(items)
        self.total = total
        self.ids = ids if ids is not None else [i.id for i in items]

    @property
    def cut(self) -> bool:
        return self.total > len(self.ids)


class Queries:
    def __init__(self, session: Session):
        self.s = session

    def scope(self, actor: Actor):
        """SQL condition for the issues this person may see: all for the 专班, else their unit's."""
        if actor.sees_everything:
            return True
        conds = [Issue.reporter_id == actor.id]
        if actor.unit:
            # each term answerable from an index (reporter, the unit's issue_units rows), so the database
            # reads the unit's share of the ledger, not all of it; an issue's school is always among its
            # units (routing.responsible_units), so it needs no term of its own
            conds.append(Issue.id.in_(select(IssueUnit.issue_id).where(IssueUnit.unit == actor.unit)))
        return or_(*conds)

    def _issues(self, *conds, order=None, limit: Limit = None, rows: Limit = None) -> IssueList:
        """The matching issues' numbers (one narrow query, which also counts them), then the full rows
        of the first `rows` of them only: a chat shows one page of a long list at a time."""
        q = select(Issue.id).where(*conds).order_by(*(order if order is not None else [Issue.id]))
        ids = list(self.s.scalars(q))
        total = len(ids)
        ids = ids[:limit] if limit else ids
        return IssueList(self.listed(ids if rows is None else ids[:rows]), total, ids)

    def listed(self, ids: list[int]) -> list:
        """These issues (LISTED's fields), in the order given: the next page of a list already shown."""
        if not ids:
            return []
        rows = {r.id: r for r in self.s.execute(select(*LISTED).where(Issue.id.in_(ids)))}
        return [rows[i] for i in ids if i in rows]

    def overview(self, actor: Actor, today: dt.date) -> Overview:
        """Every count in one pass over the person's issues; the schools with most open issues (shown
        to those who see the whole district) come from the same pass."""
        late = case((and_(Issue.status != CLOSED, Issue.deadline < today), 1), else_=0)
        keys = [Issue.status, Issue.area, Issue.supervised] + ([Issue.school] if actor.sees_everything else [])
        rows = self.s.execute(select(func.sum(late), func.count(), *keys).where(self.scope(actor)).group_by(*keys))
        by_status: dict[str, int] = {}
        by_area: dict[int, int] = {}
        late_by_area: dict[int, int] = {}
        by_school: dict[str, int] = {}
        overdue = supervised = 0
        for n_late, n, status, area, is_supervised, *school in rows:
            by_status[status] = by_status.get(status, 0) + n
            if status == CLOSED:
                continue
            by_area[area] = by_area.get(area, 0) + n
            supervised += n if is_supervised else 0
            if n_late:
                overdue += n_late
                late_by_area[area] = late_by_area.get(area, 0) + n_late
            if school and school[0] is not None:
                by_school[school[0]] = by_school.get(school[0], 0) + n
        top = sorted(by_school.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        return Overview(sum(by_status.values()), by_status, overdue, supervised, by_area, top, late_by_area)

    def overdue(self, actor: Actor, today: dt.date, limit: Limit = None, rows: Limit = None) -> IssueList:
        return self._issues(self.scope(actor), NOT_CLOSED, Issue.deadline < today,
                            order=[Issue.deadline, Issue.id], limit=limit, rows=rows)

    def due_soon(self, actor: Actor, today: dt.date, days: int = 7, limit: Limit = None, rows: Limit = None) -> IssueList:
        return self._issues(self.scope(actor), NOT_CLOSED, Issue.deadline >= today,
                            Issue.deadline <= today + dt.timedelta(days=days), order=[Issue.deadline, Issue.id],
                            limit=limit, rows=rows)

    def by_school(self, actor: Actor, school: str, include_closed=False, limit: Limit = None, rows: Limit = None) -> IssueList:
        conds = [self.scope(actor), Issue.school == school]
        if not include_closed:
            conds.append(NOT_CLOSED)
        return self._issues(*conds, order=[Issue.deadline, Issue.id], limit=limit, rows=rows)

    def by_area(self, actor: Actor, area: int, limit: Limit = None, rows: Limit = None) -> IssueList:
        return self._issues(self.scope(actor), Issue.area == area, NOT_CLOSED,
                            order=[Issue.deadline, Issue.id], limit=limit, rows=rows)

    def by_unit(self, actor: Actor, unit: str) -> list[Issue]:
        has_unit = exists().where(and_(IssueUnit.issue_id == Issue.id, IssueUnit.unit == unit))
        return self._issues(self.scope(actor), has_unit, NOT_CLOSED, order=[Issue.deadline, Issue.id])

    def by_areas(self, actor: Actor, areas: list[int], limit: Limit = None, rows: Limit = None) -> IssueList:
        """Open issues in any of these areas (a department's share of the plan)."""
        return self._issues(self.scope(actor), Issue.area.in_(areas), NOT_CLOSED,
                            order=[Issue.deadline, Issue.id], limit=limit, rows=rows)

    def mine(self, actor: Actor, limit: Limit = None, rows: Limit = None) -> IssueList:
        """A leader's unit's open issues; anyone else's own reports, newest first."""
        if actor.role in ("leader",) and actor.unit:
            return self._issues(self.scope(actor), NOT_CLOSED, order=[Issue.deadline, Issue.id],
                                limit=limit, rows=rows)
        return self._issues(Issue.reporter_id == actor.id, order=[Issue.id.desc()], limit=limit, rows=rows)

    def pending_review(self, actor: Actor) -> list[Issue]:
        from bot.models import PENDING_REVIEW
        return self._issues(self.scope(actor), Issue.status == PENDING_REVIEW, order=[Issue.id])

    def open_ids_of(self, actor: Actor) -> list[int]:
        """Open issues this person reported or whose unit answers for them (to infer "#?" once)."""
        q = select(Issue.id).where(self.scope(actor), NOT_CLOSED).order_by(Issue.id).limit(3)
        return list(self.s.scalars(q))

    def blacklist(self, actor: Actor, today: dt.date, threshold_days: int) -> list[BlacklistEntry]:
        """Schools whose issues are overdue past the threshold, worst first."""
        cutoff = today - dt.timedelta(days=threshold_days)
        rows = self.s.execute(select(Issue.id, Issue.school, Issue.deadline)
                              .where(self.scope(actor), NOT_CLOSED, Issue.deadline < cutoff)
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
                              .where(self.scope(actor), NOT_CLOSED, Issue.deadline < cutoff,
                                     or_(Issue.school.is_(None), IssueUnit.unit != Issue.school))
                              .group_by(IssueUnit.unit)).all()
        entries = [BlacklistEntry(unit, n, (today - oldest).days, []) for unit, n, oldest in rows]
        return sorted(entries, key=lambda e: (-e.overdue, -e.worst_days, e.unit))
