"""How issues look in a chat on a phone: one line per issue in lists, a short card for one issue."""
from __future__ import annotations

import datetime as dt

from bot import texts
from bot.clock import Clock
from bot.models import CLOSED, Issue
from bot.plan import Plan

PAGE_LINES = 15     # lines a chat answer shows at once; "下一页" shows the next ones

EVENT = {"report": "上报", "progress": "进展", "deadline": "调整时限", "deadline_request": "申请延期",
         "close_request": "申请销号", "approve": "确认销号", "reject": "驳回销号", "reopen": "重新打开",
         "supervise": "挂牌督办", "unsupervise": "取消督办", "recheck": "回头看", "photo": "补充照片"}


def short(text: str, n: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def issue_line(issue: Issue, today: dt.date) -> str:
    flag = "🔴" if issue.status != CLOSED and issue.deadline < today else ""
    star = "【督办】" if issue.supervised and issue.status != CLOSED else ""
    school = f"{issue.school} " if issue.school else ""
    when = texts.days_left(issue.deadline, today) if issue.status != CLOSED else "已销号"
    return f"{flag}#{issue.id} {star}{school}{short(issue.description)}（{texts.STATUS[issue.status]}，{texts.date(issue.deadline)}，{when}）"


def issue_card(issue: Issue, plan: Plan, today: dt.date) -> list[str]:
    units = issue.unit_names
    lines = [f"**隐患 #{issue.id}**{'【挂牌督办】' if issue.supervised else ''}",
             f"学校：{issue.school or '未注明'}",
             f"问题：{issue.description}"]
    if issue.location:
        lines.append(f"位置：{issue.location}")
    lines += [f"方面：{plan.area(issue.area).name}",
              f"责任单位：{'、'.join(units[:6])}{' 等%d个单位' % len(units) if len(units) > 6 else ''}",
              f"整改时限：{texts.date_full(issue.deadline)}（{texts.days_left(issue.deadline, today) if issue.status != CLOSED else '已销号'}）",
              f"状态：{texts.STATUS[issue.status]}　等级：{issue.severity}",
              f"上报：{issue.reporter_name}"]
    return lines


def history(issue: Issue, clock: Clock) -> list[str]:
    lines = []
    for e in issue.events:
        at = e.at.astimezone(clock.tz)
        what = EVENT.get(e.kind, e.kind)
        detail = f"：{short(e.text, 60)}" if e.text else ""
        if e.kind == "deadline" and e.new_value:
            detail = f"：{texts.date(dt.date.fromisoformat(e.old_value)) if e.old_value else ''}→{texts.date(dt.date.fromisoformat(e.new_value))}" + (f"（{short(e.text, 40)}）" if e.text else "")
        lines.append(f"{at.month}/{at.day} {at:%H:%M} {e.actor_name} {what}{detail}")
    return lines
