"""One message per group per sweep: the group's owed items by kind, capped so a phone can read it."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot import texts
from bot.directory import Group
from bot.scheduler.rules import Owed
from bot.views import short

# A group's digest lists up to this many items per kind and counts the rest: beyond that a long list
# would spend the robot's 20 messages a minute on one group (the rest are one query away).
MAX_LINES_PER_KIND = 60
HEADINGS = {
    "escalation": "🚨 逾期超期，已列入黑榜，请专班督办：",
    "overdue": "🔴 已逾期，请尽快整改：",
    "due_today": "⏰ 今天到期：",
    "before": "⏳ 即将到期：",
    "supervised": "📌 挂牌督办，请今日报送进展：",
    "recheck": "🔍 回头看：请确认以下已销号问题整改效果保持，如有反弹请回复“重新打开 #编号 原因”：",
}
ORDER = ["escalation", "overdue", "due_today", "before", "supervised", "recheck"]


@dataclass
class Digest:
    group: Group
    lines: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)     # campaign notices (黑榜通报, 月报, milestones)
    first_id: int = 0
    urgent: bool = False

    def add(self, owed: Owed, log_id: int) -> None:
        kind = "before" if owed.kind.startswith("before") else owed.kind
        self.counts[kind] = self.counts.get(kind, 0) + 1
        bucket = self.lines.setdefault(kind, [])
        if len(bucket) < MAX_LINES_PER_KIND:
            bucket.append(item_line(owed))
        self.first_id = min(self.first_id or log_id, log_id)
        self.urgent = self.urgent or owed.urgent

    def add_text(self, lines: list[str], log_id: int, urgent: bool = False) -> None:
        self.extra.extend(lines)
        self.first_id = min(self.first_id or log_id, log_id)
        self.urgent = self.urgent or urgent

    def body(self) -> list[str]:
        out = list(self.extra)
        for kind in ORDER:
            if kind not in self.lines:
                continue
            # the heading travels with its first item, so a split never leaves it alone at a part's end
            first, *rest = self.lines[kind]
            out.append(f"{HEADINGS[kind]}\n{first}")
            out.extend(rest)
            hidden = self.counts[kind] - len(self.lines[kind])
            if hidden > 0:
                out.append(f"……另有 {hidden} 条，发“逾期”或“即将到期”查看全部")
        if self.lines and any(k != "recheck" for k in self.lines):
            out.append("请回复“进展 #编号 内容”报送进展，完成后发“销号 #编号 说明”。")
        return out


def item_line(owed: Owed) -> str:
    issue = owed.issue
    school = f"{issue.school} " if issue.school else ""
    late = "（补发）" if owed.late else ""
    if owed.kind in ("overdue", "escalation"):
        when = f"截止{texts.date(issue.deadline)}，已逾期{owed.days}天"
    elif owed.kind == "recheck":
        when = f"{texts.date(issue.closed_on)}销号"
    elif owed.kind == "supervised":
        when = f"截止{texts.date(issue.deadline)}" + ("" if owed.days <= 0 else f"，已逾期{owed.days}天")
    else:
        when = f"截止{texts.date_weekday(issue.deadline)}" + (f"，还剩{owed.days}天" if owed.days > 0 else "")
    return f"#{issue.id} {school}{short(issue.description, 30)}（{when}）{late}"
