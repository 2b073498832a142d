"""From a Message to a Reply: dedupe, who is speaking, pending questions, parse, the intent's handler.

A message, the changes it causes, the notices it queues and the reply it got are written in one
transaction, so a retried message finds its answer and a crash leaves nothing half done.
"""
from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import json
import logging
import re
import time

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot import handlers, texts
from bot.clock import Clock
from bot.db import Database
from bot.directory import Directory
from bot.handlers.registry import Context
from bot.messages import NAME_LIMIT, Message, Reply
from bot.models import InboundMessage, PendingQuestion
from bot.plan import Plan
from bot.services import ServiceError
from bot.services.actors import Actor, resolve_actor
from bot.services.ledger import RECENT, Ledger
from bot.services.notices import Notices
from bot.services.queries import Queries
from bot.views import PAGE_LINES, issue_line, short

log = logging.getLogger("bot.conversation")

QUESTION_TTL = dt.timedelta(minutes=30)
NEXT_PAGE = {"下一页", "下页", "更多", "继续", "n", "next"}
LEADING_MENTION = re.compile(r"^\s*(?:@\S+\s+)+")


class Conversation:
    def __init__(self, db: Database, plan: Plan, directory: Directory, parser, clock: Clock, on_queued=None,
                 settings=None):
        self.settings = settings
        self.db = db
        self.plan = plan
        self.directory = directory
        self.parser = parser
        self.clock = clock
        self.on_queued = on_queued or (lambda: None)   # wakes the sender when a push was queued

    def handle(self, message: Message, *, first_try: bool = True) -> Reply:
        started = time.perf_counter()
        try:
            with self.db.session() as s:
                conn = s.connection()
                try:     # a duplicate msg_id fails here, before anything else is done
                    inbound_id = conn.execute(_TAKE_IN, dict(
                        platform=message.platform, msg_id=message.msg_id, user_id=message.sender_id,
                        chat_id=message.chat_id, received_at=self.clock.now(), done=False)).inserted_primary_key[0]
                except IntegrityError as exc:
                    raise _Duplicate from exc
                reply = self._respond(s, message)
                s.flush()
                conn.execute(_ANSWERED, {"row_id": inbound_id, "answer": reply.to_dict()})
        except _Duplicate as duplicate:
            previous = self._previous_reply(message)
            if previous is None:     # the first delivery failed and was rolled back: take this one instead
                if first_try:
                    return self.handle(message, first_try=False)
                raise duplicate.__cause__ from None
            log.info("duplicate %s message %s: answered as before", message.platform, message.msg_id)
            return previous
        log.info("%s %s@%s msg=%s %.0fms", message.platform, message.sender_id, message.chat_id, message.msg_id,
                 (time.perf_counter() - started) * 1000)
        self.on_queued()
        return reply

    def stored_reply(self, platform: str, msg_id: str) -> Reply | None:
        with self.db.session(readonly=True) as s:
            row = s.scalar(select(InboundMessage).where(InboundMessage.platform == platform,
                                                        InboundMessage.msg_id == msg_id))
            return Reply.from_dict(row.reply) if row is not None and row.reply else None

    def _previous_reply(self, message: Message, wait_s: float = 4.0) -> Reply | None:
        """The answer stored for an earlier delivery of this message (waiting briefly if in flight)."""
        deadline = time.monotonic() + wait_s
        while True:
            with self.db.session(readonly=True) as s:
                row = s.scalar(select(InboundMessage).where(InboundMessage.platform == message.platform,
                                                            InboundMessage.msg_id == message.msg_id))
            if row is None:
                return None
            if row.done and row.reply:
                return Reply.from_dict(row.reply)
            if time.monotonic() > deadline:
                return Reply("您的消息正在处理，请稍候。")
            time.sleep(0.05)

    # --- one message ---------------------------------------------------------------------------
    def _respond(self, s, message: Message) -> Reply:
        actor = resolve_actor(self.directory, message.sender_id, message.sender_name[:NAME_LIMIT])
        text = LEADING_MENTION.sub("", message.text or "").strip()
        if message.image_url and not text:
            return self._photo(s, message, actor)
        if not text:
            return Reply(texts.EMPTY)
        overrides: dict = {}
        # Taken and removed in one statement: of two messages racing, only one answers the question.
        pending = s.connection().execute(_TAKE_PENDING, {"platform_": message.platform, "chat": message.chat_id,
                                                         "user": message.sender_id}).first()
        if pending is not None and self.clock.now() - pending.asked_at <= QUESTION_TTL:
            outcome = self._answer(s, pending, text, actor, message)
            if isinstance(outcome, Reply):
                return outcome
            if outcome is not None:
                text, overrides = outcome
        parsed = self.parser.parse(text, self.clock.today(), sender_role=actor.role, sender_unit=actor.unit)
        if overrides:
            parsed = dataclasses.replace(parsed, **overrides)
        return self._dispatch(s, message, actor, parsed, text, overrides)

    def _dispatch(self, s, message: Message, actor: Actor, parsed, text: str, overrides: dict) -> Reply:
        route = (handlers.find_command(text) or handlers.find(parsed.intent, getattr(parsed, "action", None))
                 or handlers.find("other", None))
        ctx = Context(message=message, actor=actor, parsed=parsed, session=s,
                      ledger=Ledger(s, self.plan, self.directory, self.clock, Notices(s, self.plan, self.directory, self.clock)),
                      queries=Queries(s), plan=self.plan, directory=self.directory, clock=self.clock,
                      ask=lambda slot, q: self._ask(s, message, slot, q, text, overrides),
                      page=lambda title, lines, key: self._page(s, message, title, lines),
                      page_issues=lambda title, issues, footer: self._page_issues(s, message, title, issues, footer),
                      settings=self.settings)
        try:
            with s.begin_nested():
                return route.func(ctx)
        except ServiceError as exc:
            return Reply(str(exc))

    def _photo(self, s, message: Message, actor: Actor) -> Reply:
        """A photo joins the issue its sender reported or followed up in the last half hour."""
        ledger = Ledger(s, self.plan, self.directory, self.clock)
        issue_id = ledger.recent_issue_of(actor, RECENT)
        if issue_id is None:
            return Reply(texts.PHOTO_NO_ISSUE)
        try:
            with s.begin_nested():
                issue = ledger.attach_photo(actor, issue_id, message.image_url)
        except ServiceError as exc:
            return Reply(str(exc))
        return Reply(texts.PHOTO_ATTACHED.format(id=issue.id, desc=short(issue.description, 16)))

    # --- follow-up questions -------------------------------------------------------------------
    def _ask(self, s, message: Message, slot: str, question: str, text: str, overrides: dict) -> Reply:
        self._remember(s, message, slot, {"text": text, "overrides": overrides})
        return Reply(question)

    def _remember(self, s, message: Message, slot: str, state: dict) -> None:
        """The question now open for this person in this chat (one at a time: a newer one replaces it)."""
        row = dict(platform=message.platform, chat_id=message.chat_id, user_id=message.sender_id, slot=slot,
                   text=json.dumps(state, ensure_ascii=False), asked_at=self.clock.now())
        conn = s.connection()
        conn.execute(_upsert_pending(conn.dialect.name), row)

    def _answer(self, s, pending, answer: str, actor: Actor, message: Message):
        """Fill the asked slot from the answer: (original text, overrides), a Reply, or None to start afresh."""
        if pending.slot in ("page", "issue_page"):
            if answer.lower() not in NEXT_PAGE:
                return None
            state = json.loads(pending.text)
            if pending.slot == "issue_page":
                ids = state["ids"]
                return self._page_issues(s, message, state["title"], Queries(s).listed(ids[:PAGE_LINES]),
                                         state["footer"], state["page"], later=ids[PAGE_LINES:])
            return self._page(s, message, state["title"], state["rest"], continued=state.get("page", 1))
        state = json.loads(pending.text)
        reply_parse = self.parser.parse(answer, self.clock.today(), sender_role=actor.role, sender_unit=None)
        value = _slot_value(pending.slot, answer, reply_parse, self.plan)
        if value is not None:
            slot = "category" if pending.slot == "area" else pending.slot
            return state["text"], {**state["overrides"], slot: value}
        if reply_parse.intent not in ("other", "report") or answer.lower() in NEXT_PAGE:
            return None    # they moved on to something else: treat it as a new message
        return Reply({"school": texts.ASK_SCHOOL_AGAIN, "issue_id": texts.ASK_ISSUE_AGAIN}.get(
            pending.slot, "没有识别出您的选择，这条上报先不登记了，请重新发送。"))

    def _page(self, s, message: Message, title: str, lines: list[str], continued: int = 0) -> Reply:
        page, rest = lines[:PAGE_LINES], lines[PAGE_LINES:]
        if rest:
            self._remember(s, message, "page", {"title": title, "rest": rest, "page": continued + 1})
        return _paged(title, page, continued, len(rest))

    def _page_issues(self, s, message: Message, title: str, issues, footer: str, continued: int = 0,
                     later: list[int] = ()) -> Reply:
        """Like _page for a list of issues, but only the shown page is written out: the rest is kept
        as issue numbers (`issues.ids`, when the query read only the first page's rows) and read
        again, with its current state, when "下一页" asks for it."""
        page = issues[:PAGE_LINES]
        rest = list(getattr(issues, "ids", [i.id for i in issues]))[len(page):] + list(later)
        lines = [issue_line(i, self.clock.today()) for i in page]
        if rest:
            self._remember(s, message, "issue_page", {"title": title, "ids": rest, "footer": footer,
                                                      "page": continued + 1})
        elif footer:
            lines.append(footer)
        return _paged(title, lines, continued, len(rest))


def _paged(title: str, lines: list[str], continued: int, left: int) -> Reply:
    """One page: the title (with its page number after the first), the lines, and what is left."""
    number = continued + 1
    body = [title + (f"（第{number}页）" if continued else "")] + lines
    if left:
        total = number + -(-left // PAGE_LINES)
        body.append(f"——第{number}/{total}页，回复“下一页”查看更多——")
    return Reply("\n".join(body))


class _Duplicate(Exception):
    """This platform message was taken in before."""


# The statements every message runs, built once (building them per call cost more than the SQL).
_INBOUND = InboundMessage.__table__
_PENDING = PendingQuestion.__table__
_TAKE_IN = insert(_INBOUND)
_ANSWERED = (update(_INBOUND).where(_INBOUND.c.id == bindparam("row_id"))
             .values(reply=bindparam("answer", type_=_INBOUND.c.reply.type), done=True))
_TAKE_PENDING = (delete(_PENDING).where(_PENDING.c.platform == bindparam("platform_"),
                                        _PENDING.c.chat_id == bindparam("chat"), _PENDING.c.user_id == bindparam("user"))
                 .returning(_PENDING.c.slot, _PENDING.c.text, _PENDING.c.asked_at))


@functools.cache
def _upsert_pending(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    stmt = upsert(_PENDING)
    return stmt.on_conflict_do_update(index_elements=["platform", "chat_id", "user_id"],
                                      set_={c: stmt.excluded[c] for c in ("slot", "text", "asked_at")})


def _slot_value(slot: str, answer: str, parsed, plan: Plan):
    if slot == "school":
        return parsed.school
    if slot == "issue_id":
        if parsed.issue_id is not None:
            return parsed.issue_id
        m = re.fullmatch(r"\s*[#＃]?\s*(\d{1,7})\s*[号条]?\s*", answer)
        return int(m.group(1)) if m else None
    if slot == "area":
        m = re.fullmatch(r"\s*([1-9])\s*", answer)
        if m:
            return int(m.group(1))
        for area in plan.areas:
            if answer.strip() in (area.name, area.short, *area.aliases):
                return area.id
        return parsed.category
    return None
