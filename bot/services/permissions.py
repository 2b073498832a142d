"""Who may do what, in one table. Services ask `check()` before every change."""
from __future__ import annotations

from bot import texts
from bot.models import Issue
from bot.services import Forbidden
from bot.services.actors import Actor

# action -> (roles allowed on any issue, roles allowed on their own unit's issues)
# "own" means: the actor's unit is the issue's school or one of its responsible units.
RULES: dict[str, tuple[frozenset, frozenset]] = {
    "report":        (frozenset({"guest", "teacher", "leader", "taskforce", "admin"}), frozenset()),
    "view":          (frozenset({"taskforce", "admin"}), frozenset({"teacher", "leader"})),
    "progress":      (frozenset({"taskforce", "admin"}), frozenset({"teacher", "leader"})),
    "set_deadline":  (frozenset({"taskforce", "admin"}), frozenset({"leader"})),
    "request_close": (frozenset({"taskforce", "admin"}), frozenset({"leader"})),
    "approve":       (frozenset({"taskforce"}), frozenset({"leader"})),
    "reject":        (frozenset({"taskforce"}), frozenset({"leader"})),
    "supervise":     (frozenset({"taskforce", "admin"}), frozenset()),
    "reopen":        (frozenset({"taskforce"}), frozenset({"leader"})),
    "query_all":     (frozenset({"taskforce", "admin"}), frozenset()),
}


def is_own(actor: Actor, issue: Issue) -> bool:
    if actor.unit is None:
        return False
    return actor.unit == issue.school or actor.unit in issue.unit_names


def allowed(actor: Actor, action: str, issue: Issue | None = None, *, unit_leader_may_approve=True) -> bool:
    anyone, own = RULES[action]
    if actor.role in anyone:
        return True
    if action in ("approve", "reject", "reopen") and not unit_leader_may_approve:
        return False
    if issue is None or actor.role not in own:
        return False
    if action in ("progress", "view") and actor.id == issue.reporter_id:
        return True
    return is_own(actor, issue)


def check(actor: Actor, action: str, issue: Issue | None = None, *, unit_leader_may_approve=True) -> None:
    if not allowed(actor, action, issue, unit_leader_may_approve=unit_leader_may_approve):
        raise Forbidden(texts.forbidden(action, actor, issue))
