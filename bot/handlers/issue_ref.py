"""Finding which issue a follow-up message means."""
from __future__ import annotations

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
