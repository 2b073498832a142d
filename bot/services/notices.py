"""Notices that ledger changes cause, written to the outbox in the same transaction as the change."""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot import texts
from bot.clock import Clock
from bot.directory import Directory, Group
from bot.models import Issue
from bot.plan import Plan
from bot.push import format as push_format
from bot.push.outbox import enqueue_all, push_row
from bot.services.actors import Actor
from bot.services.routing import groups_for, mentioned_in, mentions


class Notices:
    def __init__(self, session: Session, plan: Plan, directory: Directory, clock: Clock):
        self.s = session
        self.plan = plan
        self.directory = directory
        self.clock = clock

    def issue_opened(self, issue: Issue) -> None:
        urgent = issue.severity == "重大"
        head = f"**{'【重大隐患】' if urgent else ''}新隐患 #{issue.id}**"
        lines = [f"学校：{issue.school or '未注明'}",
                 f"问题：{issue.description}",
                 f"方面：{self.plan.area(issue.area).name}",
                 f"整改时限：{texts.date_full(issue.deadline)}",
                 f"上报人：{issue.reporter_name}",
                 f"回复“进展 #{issue.id} 内容”登记整改进展，整改完成后发“销号 #{issue.id} 说明”。"]
        # the school's and the departments' groups; a 重大 hazard also goes to the 专班 at once
        targets = groups_for(self.directory, issue.unit_names, include_taskforce=urgent)
        self._notify(targets, f"issue:{issue.id}:opened", head, lines, urgent=urgent)

    def close_requested(self, issue: Issue, actor: Actor, text: str) -> None:
        head = f"**销号申请 #{issue.id}**"
        lines = [f"学校：{issue.school or '未注明'}", f"问题：{issue.description}",
                 f"申请人：{actor.name}（{actor.unit or ''}）", f"整改说明：{text or '无'}",
                 f"同意请回复“确认销号 #{issue.id}”，不同意请回复“驳回 #{issue.id} 理由”。"]
        n = sum(1 for e in issue.events if e.kind == "close_request")
        self._notify(self.directory.taskforce_groups(), f"issue:{issue.id}:close_request:{n}", head, lines,
                     urgent=False)

    def close_decided(self, issue: Issue, actor: Actor, approved: bool, reason: str) -> None:
        n = sum(1 for e in issue.events if e.kind in ("approve", "reject"))
        if approved:
            head, lines = f"**#{issue.id} 已销号**", [f"问题：{issue.description}", f"确认人：{actor.name}"]
        else:
            head = f"**#{issue.id} 销号申请被驳回**"
            lines = [f"问题：{issue.description}", f"驳回人：{actor.name}", f"理由：{reason or '未说明'}",
                     f"请继续整改，完成后再次发“销号 #{issue.id} 说明”。"]
        self._notify(self._school_group(issue), f"issue:{issue.id}:decision:{n}", head, lines, urgent=False)

    def issue_reopened(self, issue: Issue, actor: Actor, reason: str) -> None:
        n = sum(1 for e in issue.events if e.kind == "reopen")
        head = f"**#{issue.id} 已重新打开**"
        lines = [f"问题：{issue.description}", f"原因：{reason or '回头看发现问题反弹'}", f"操作人：{actor.name}",
                 f"整改时限：{texts.date_full(issue.deadline)}"]
        self._notify(self._school_group(issue), f"issue:{issue.id}:reopen:{n}", head, lines, urgent=False)

    def issue_supervised(self, issue: Issue, actor: Actor) -> None:
        head = f"**#{issue.id} 挂牌督办**"
        lines = [f"问题：{issue.description}", f"整改时限：{texts.date_full(issue.deadline)}",
                 "专班将每日跟踪进展，请每天回复“进展 #%d 内容”。" % issue.id]
        n = sum(1 for e in issue.events if e.kind == "supervise")
        self._notify(self._school_group(issue), f"issue:{issue.id}:supervise:{n}", head, lines, urgent=True)

    # --- internals -----------------------------------------------------------------------------
    def _notify(self, groups, key: str, head: str, lines: list[str], *, urgent: bool) -> None:
        """Queue one notice for each of these groups, in one statement."""
        enqueue_all(self.s, [row for group in groups for row in
                             self._rows(group, key, head, lines, urgent)])

    def _school_group(self, issue: Issue) -> list[Group]:
        """The groups of the unit that answers first for an issue (its school, where it has one)."""
        return groups_for(self.directory, issue.unit_names[:1])

    def _rows(self, group: Group, key: str, head: str, lines: list[str], urgent: bool) -> list[dict]:
        """The outbox rows of one notice to one group (several when it must be split to fit)."""
        if group.platform not in ("wecom", "dingtalk"):
            return []
        # @ the group's leaders (in the 专班's group, the 专班 members)
        parts = push_format.split(group.platform, head, lines, mentions(mentioned_in(self.directory, group)))
        return [push_row(key=f"{key}:{group.chat_id}" + (f":{i}" if i else ""), platform=group.platform,
                         group_chat_id=group.chat_id, payload=payload, now=self.clock.now(), kind=key.split(":")[2],
                         urgent=urgent) for i, payload in enumerate(parts)]
