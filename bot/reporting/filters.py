"""Which issues a ledger view or export covers: by area, school, status, and overdue or not."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot import texts
from bot.models import STATUSES, UNCLOSED, Issue
from bot.plan import Plan


@dataclass(frozen=True)
class LedgerFilter:
    area: int | None = None
    school: str | None = None
    status: str | None = None
    overdue: bool = False

    @classmethod
    def from_args(cls, args, plan: Plan) -> "LedgerFilter":
        """From query-string style values; anything unknown is ignored rather than an error."""
        area = _int(args.get("area"))
        status = args.get("status") or None
        return cls(area=area if area in {a.id for a in plan.areas} else None,
                   school=(args.get("school") or "").strip() or None,
                   status=status if status in STATUSES else None,
                   overdue=args.get("overdue") in ("1", "true", "on", "yes"))

    def conditions(self, today: dt.date) -> list:
        conds = []
        if self.area:
            conds.append(Issue.area == self.area)
        if self.school:
            conds.append(Issue.school == self.school)
        if self.status:
            conds.append(Issue.status == self.status)
        if self.overdue:
            conds += [Issue.status.in_(UNCLOSED), Issue.deadline < today]   # seeks (status, deadline)
        return conds

    @property
    def empty(self) -> bool:
        return not (self.area or self.school or self.status or self.overdue)

    def describe(self, plan: Plan) -> str:
        parts = []
        if self.area:
            parts.append(plan.area(self.area).short)
        if self.school:
            parts.append(self.school)
        if self.status:
            parts.append(texts.STATUS[self.status])
        if self.overdue:
            parts.append("逾期未销号")
        return "、".join(parts) or "全部"

    def query(self) -> dict[str, str]:
        """The filter as query-string values (for links that keep it, like the download)."""
        q = {"area": str(self.area or ""), "school": self.school or "", "status": self.status or "",
             "overdue": "1" if self.overdue else ""}
        return {k: v for k, v in q.items() if v}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
