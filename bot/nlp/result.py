"""The parse result: one frozen value, and its JSON shape (DESIGN.md §4)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

INTENTS = ("report", "progress", "close", "query", "help", "other")
ACTIONS = (None, "approve", "reject", "set_deadline", "supervise", "reopen")
QUERIES = ("overview", "overdue", "blacklist", "by_school", "by_category", "by_unit", "detail", "mine",
           "due_soon", "report")


@dataclass(frozen=True)
class Parsed:
    intent: str = "other"
    action: str | None = None
    category: int | None = None
    category_confidence: float = 0.0
    category_candidates: tuple[int, ...] = ()
    clarify: str | None = None
    issue_id: int | None = None
    deadline: dt.date | None = None
    school: str | None = None
    unit: str | None = None
    query: str | None = None
    severity: str | None = None
    location: str | None = None
    description: str = ""
    reason: str = ""
    remark: str | None = None     # for "other": all_clear, notice or contact (intent.remark)

    def to_json(self) -> dict:
        return {
            "intent": self.intent,
            "category": self.category,
            "issue_id": self.issue_id,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "school": self.school,
            "query": self.query,
            "action": self.action,
            "category_confidence": self.category_confidence,
            "category_candidates": list(self.category_candidates),
            "clarify": self.clarify,
            "unit": self.unit,
            "severity": self.severity,
            "location": self.location,
            "description": self.description,
            "reason": self.reason,
            "remark": self.remark,
        }
