"""The issue ledger's operations: open, progress, deadline, close-out, approve, reject, reopen, supervise.

Each change is checked against the permission table and written to the issue's history in the
caller's transaction, together with the notices it causes (transactional outbox).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from bot import texts
from bot.clock import Clock
from bot.directory import Directory
from bot.models import CLOSED, IN_PROGRESS, OPEN, PENDING_REVIEW, Issue, IssueEvent, IssueUnit
from bot.plan import Plan
from bot.services import InvalidState, NotFound, permissions
from bot.services.actors import Actor
from bot.services.routing import responsible_units


# How long after reporting or following up an issue a photo or a "这个…?" is taken to be about it.
RECENT = dt.timedelta(minutes=30)


class Ledger:
    def __init__(self, session: Session, plan: Plan, directory: Directory, clock: Clock, notices=None):
        self.s = session
        self.plan = plan
        self.directory = directory
        self.clock = clock
        self.notices = notices     # bot.services.notices.Notices, or None to stay silent

    # --- reading -------------------------------------------------------------------------------
    def get(self, issue_id: int) -> Issue:
        issue = self.s.get(Issue, issue_id)
        if issue is None:
            raise NotFound(texts.NOT_FOUND.format(id=issue_id))
        return issue

    def view(self, actor: Actor, issue_id: int) -> Issue:
        issue = self.get(issue_id)
        self._check(actor, "view", issue)
        return issue

    # --- changes -------------------------------------------------------------------------------
    def open_issue(self, actor: Actor, *, area: int, description: str, school: str | None,
                   deadline: dt.date | None = None, severity: str = "一般", location: str = "",
                   platform: str = "console", chat_id: str | None = None, msg_id: str | None = None) -> Issue:
        self._check(actor, "report")
        now = self.clock.now()
        today = now.date()
        if deadline is None or deadline < today:
            deadline = self.plan.default_deadline(severity, today)
        values = dict(area=area, school=school, location=location or "", description=description.strip(),
                      reporter_id=actor.id, reporter_name=actor.name, reporter_unit=actor.unit,
                      severity=severity, deadline=deadline, status=OPEN, supervised=False,
                      created_at=now, updated_at=now, platform=platform, chat_id=chat_id, source_msg_id=msg_id)
        units = responsible_units(self.plan, self.directory, area, school)
        # Reporting is the busiest write: one plain INSERT per table on the caller's connection instead
        # of ORM flushes. The Issue built from the same values then joins the session as if loaded
        # (no second INSERT), so later changes in this transaction see one object per issue; its
        # history is left unloaded and read on first use.
        conn = self.s.connection()
        issue_id = conn.execute(_INSERT_ISSUE, values).inserted_primary_key[0]
        conn.execute(_INSERT_UNIT, [{"issue_id": issue_id, "unit": u, "position": i} for i, u in enumerate(units)])
        event = self._event_row(issue_id, actor, "report", description, new=deadline.isoformat())
        conn.execute(_INSERT_EVENT, event)
        issue = Issue(id=issue_id, closed_at=None, close_requested_by=None, **values)
        set_committed_value(issue, "units", [IssueUnit(issue_id=issue_id, unit=u, position=i)
                                             for i, u in enumerate(units)])
        for obj in (issue, *issue.units):
            make_transient_to_detached(obj)
        self.s.add(issue)
        if self.notices:
            self.notices.issue_opened(issue)
        return issue

    def add_progress(self, actor: Actor, issue_id: int, text: str, deadline: dt.date | None = None) -> Issue:
        issue = self._open_issue_for(actor, "progress", issue_id)
        if issue.status == OPEN:
            issue.status = IN_PROGRESS
        self._event(issue, actor, "progress", text)
        if deadline and deadline != issue.deadline and deadline >= self.clock.today():
            if permissions.allowed(actor, "set_deadline", issue):
                self._move_deadline(issue, actor, deadline, text)
            else:
                self._event(issue, actor, "deadline_request", f"申请将整改时限调整为{texts.date(deadline)}",
                            new=deadline.isoformat())
        self._touch(issue)
        return issue

    def attach_photo(self, actor: Actor, issue_id: int, url: str) -> Issue:
        issue = self._open_issue_for(actor, "progress", issue_id)
        self._event(issue, actor, "photo", url)
        self._touch(issue)
        return issue

    def recent_issue_of(self, actor: Actor, within: dt.timedelta) -> int | None:
        """The issue this person last reported or followed up, if that was recent."""
        from sqlalchemy import select
        since = self.clock.now() - within
        return self.s.scalar(select(IssueEvent.issue_id).where(IssueEvent.actor_id == actor.id, IssueEvent.at >= since,
                                                               IssueEvent.kind.in_(("report", "progress", "photo")))
                             .order_by(IssueEvent.id.desc()).limit(1))

    def set_deadline(self, actor: Actor, issue_id: int, deadline: dt.date, reason: str = "") -> Issue:
        issue = self._open_issue_for(actor, "set_deadline", issue_id)
        if deadline < self.clock.today():
            raise InvalidState(f"整改时限不能早于今天（{texts.date(self.clock.today())}），请重新设置。")
        self._move_deadline(issue, actor, deadline, reason)
        self._touch(issue)
        return issue

    def request_close(self, actor: Actor, issue_id: int, text: str) -> Issue:
        issue = self._open_issue_for(actor, "request_close", issue_id)
        if issue.status == PENDING_REVIEW:
            raise InvalidState(f"#{issue.id} 已在等待验收，专班确认后即可销号，无需重复申请。")
        issue.status = PENDING_REVIEW
        issue.close_requested_by = actor.id
        self._event(issue, actor, "close_request", text)
        self._touch(issue)
        if self.notices:
            self.notices.close_requested(issue, actor, text)
        return issue

    def approve_close(self, actor: Actor, issue_id: int, text: str = "") -> Issue:
        issue = self.get(issue_id)
        self._check(actor, "approve", issue)
        if issue.status != PENDING_REVIEW:
            raise InvalidState(_not_pending(issue))
        if issue.close_requested_by == actor.id:
            raise InvalidState(f"#{issue.id} 是您本人申请的销号，需要由专班或其他负责人确认。")
        now = self.clock.now()
        issue.status = CLOSED
        issue.closed_at = now
        self._event(issue, actor, "approve", text)
        self._touch(issue)
        if self.notices:
            self.notices.close_decided(issue, actor, approved=True, reason=text)
        return issue

    def reject_close(self, actor: Actor, issue_id: int, reason: str) -> Issue:
        issue = self.get(issue_id)
        self._check(actor, "reject", issue)
        if issue.status != PENDING_REVIEW:
            raise InvalidState(_not_pending(issue))
        issue.status = IN_PROGRESS
        issue.close_requested_by = None
        self._event(issue, actor, "reject", reason)
        self._touch(issue)
        if self.notices:
            self.notices.close_decided(issue, actor, approved=False, reason=reason)
        return issue

    def reopen(self, actor: Actor, issue_id: int, reason: str) -> Issue:
        issue = self.get(issue_id)
        self._check(actor, "reopen", issue)
        if issue.status != CLOSED:
            raise InvalidState(f"#{issue.id} 还没有销号（{texts.STATUS[issue.status]}），不需要重新打开。")
        issue.status = IN_PROGRESS
        issue.closed_at = None
        issue.close_requested_by = None
        self._event(issue, actor, "reopen", reason)
        self._touch(issue)
        if self.notices:
            self.notices.issue_reopened(issue, actor, reason)
        return issue

    def supervise(self, actor: Actor, issue_id: int, on: bool = True, reason: str = "") -> Issue:
        issue = self.get(issue_id)
        self._check(actor, "supervise", issue)
        if issue.status == CLOSED:
            raise InvalidState(f"#{issue.id} 已销号，无需挂牌督办。")
        if issue.supervised == on:
            raise InvalidState(f"#{issue.id} {'已经在' if on else '本来就没有'}挂牌督办。")
        issue.supervised = on
        self._event(issue, actor, "supervise" if on else "unsupervise", reason)
        self._touch(issue)
        if self.notices and on:
            self.notices.issue_supervised(issue, actor)
        return issue

    # --- internals -----------------------------------------------------------------------------
    def _check(self, actor: Actor, action: str, issue: Issue | None = None) -> None:
        permissions.check(actor, action, issue, unit_leader_may_approve=self.plan.unit_leader_may_approve)

    def _open_issue_for(self, actor: Actor, action: str, issue_id: int) -> Issue:
        issue = self.get(issue_id)
        self._check(actor, action, issue)
        if issue.status == CLOSED:
            raise InvalidState(f"#{issue.id} 已于{texts.date(_local(issue.closed_at, self.clock))}销号。"
                               f"如问题复发，请专班发“重新打开 #{issue.id} 原因”。")
        return issue

    def _move_deadline(self, issue: Issue, actor: Actor, deadline: dt.date, reason: str) -> None:
        old = issue.deadline
        issue.deadline = deadline
        self._event(issue, actor, "deadline", reason or f"整改时限调整为{texts.date(deadline)}",
                    old=old.isoformat(), new=deadline.isoformat())

    def _event(self, issue: Issue, actor: Actor, kind: str, text: str = "", old=None, new=None) -> None:
        event = IssueEvent(**self._event_row(issue.id, actor, kind, text, old=old, new=new))
        if "events" in issue.__dict__:     # history already read in this session: keep it current
            issue.events.append(event)
        else:
            self.s.add(event)

    def _event_row(self, issue_id: int, actor: Actor, kind: str, text: str = "", old=None, new=None) -> dict:
        return dict(issue_id=issue_id, kind=kind, actor_id=actor.id, actor_name=actor.name, at=self.clock.now(),
                    text=(text or "").strip(), old_value=old, new_value=new)

    def _touch(self, issue: Issue) -> None:
        issue.updated_at = self.clock.now()
        self.s.flush()


_INSERT_ISSUE = insert(Issue.__table__)
_INSERT_UNIT = insert(IssueUnit.__table__)
_INSERT_EVENT = insert(IssueEvent.__table__)


def _not_pending(issue: Issue) -> str:
    return f"#{issue.id} 当前状态是“{texts.STATUS[issue.status]}”，没有待确认的销号申请。"


def _local(at: dt.datetime | None, clock: Clock) -> dt.date | None:
    return at.astimezone(clock.tz).date() if at else None
