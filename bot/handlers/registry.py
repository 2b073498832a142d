"""The handler registry and the context a handler receives."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from bot.clock import Clock
from bot.directory import Directory
from bot.messages import Message, Reply
from bot.plan import Plan
from bot.services.actors import Actor


@dataclass
class Context:
    message: Message
    actor: Actor
    parsed: object            # bot.nlp.Parsed
    session: object           # sqlalchemy Session of this message's transaction
    ledger: object            # bot.services.ledger.Ledger
    queries: object           # bot.services.queries.Queries
    plan: Plan
    directory: Directory
    clock: Clock
    ask: Callable[[str, str], Reply]   # ask(slot, question): remember the question, return it as the reply
    page: Callable[[str, list[str], str], Reply]   # page(title, lines, key): first page + remember the rest
    # page_issues(title, issues, footer): a list of issues, each page's lines written when it is shown
    page_issues: Callable[[str, list, str], Reply] | None = None
    settings: object = None   # bot.settings.Settings, for handlers that build links

    @property
    def today(self) -> dt.date:
        return self.clock.today()


@dataclass(frozen=True)
class Route:
    intent: str
    action: str | None
    func: Callable[[Context], Reply]
    summary: str = ""
    example: str = ""
    commands: tuple[str, ...] = ()   # exact words that reach this handler without the parser


_ROUTES: list[Route] = []


def handles(intent: str, action: str | None = None, *, summary: str = "", example: str = "",
            commands: tuple[str, ...] = ()):
    def register(func):
        _ROUTES.append(Route(intent, action, func, summary, example, tuple(commands)))
        return func
    return register


def find(intent: str, action: str | None) -> Route | None:
    if action:   # an action names its handler whatever intent the parser filed it under
        by_action = [r for r in _ROUTES if r.action == action]
        if by_action:
            return by_action[0]
    return next((r for r in _ROUTES if r.intent == intent and r.action is None), None)


def find_command(text: str) -> Route | None:
    """A route named by an exact command word (commands the parser has no intent for)."""
    word = text.strip().lstrip("/")
    return next((r for r in _ROUTES if word in r.commands), None)


def routes() -> list[Route]:
    return list(_ROUTES)
