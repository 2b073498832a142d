"""Finding which issue a follow-up message means."""
from __future__ import annotations

import functools

from bot import texts
from bot.handlers.registry import Context
from bot.messages import Reply


def issue_or_ask(ctx: Context) -> int | Reply:
    """The issue number from the text; else the sender's only open issue; else ask once."""
    if ctx.parsed.issue_id is not None:
        return ctx.parsed.issue_id
    candidates = ctx.queries.open_ids_of(ctx.actor) if ctx.actor.registered else []
    if len(candidates) == 1:
        return candidates[0]
    return ctx.ask("issue_id", texts.ASK_ISSUE)


def needs_issue(handler):
    """Call handler(ctx, issue_id) once the issue is known; otherwise answer with the question."""
    @functools.wraps(handler)
    def wrapper(ctx: Context) -> Reply:
        issue_id = issue_or_ask(ctx)
        return issue_id if isinstance(issue_id, Reply) else handler(ctx, issue_id)
    return wrapper
