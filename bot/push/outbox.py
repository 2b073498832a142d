"""The outbox: pushes wait here until a sender delivers them. A key makes each one exist once."""
from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import FAILED, PENDING, SENT, OutboxMessage


def enqueue(session: Session, *, key: str, platform: str, payload: dict, now: dt.datetime,
            group_chat_id: str | None = None, url: str | None = None, kind: str = "notice",
            urgent: bool = False, not_before: dt.datetime | None = None) -> bool:
    """Add a push unless one with the same key exists. Returns True when it was added."""
    row = push_row(key=key, platform=platform, payload=payload, now=now, group_chat_id=group_chat_id, url=url,
                   kind=kind, urgent=urgent, not_before=not_before)
    conn = session.connection()
    return conn.execute(_insert_once(conn.dialect.name), row).rowcount == 1


def push_row(*, key: str, platform: str, payload: dict, now: dt.datetime, group_chat_id: str | None = None,
             url: str | None = None, kind: str = "notice", urgent: bool = False,
             not_before: dt.datetime | None = None) -> dict:
    """One outbox row, ready for enqueue_all."""
    return dict(key=key[:250], platform=platform, group_chat_id=group_chat_id, url=url, payload=payload,
                kind=kind, urgent=urgent, status=PENDING, attempts=0, created_at=now, next_attempt_at=not_before or now)


def enqueue_all(session: Session, rows: list[dict]) -> None:
    """Add these pushes (push_row's) in one statement, skipping keys that exist."""
    if rows:
        conn = session.connection()
        conn.execute(_insert_once(conn.dialect.name), rows)


@functools.cache
def _insert_once(dialect: str):
    """INSERT … ON CONFLICT (key) DO NOTHING on the bare table: on the request path, where every
    report queues two or three notices, the ORM's bulk-insert machinery cost more than the SQL."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(OutboxMessage.__table__).on_conflict_do_nothing(index_elements=["key"])


def pending(session: Session, limit: int = 200) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.status == PENDING)
                                .order_by(OutboxMessage.id).limit(limit)))


def listing(session: Session, include_sent=False, limit: int = 500) -> list[OutboxMessage]:
    q = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if not include_sent:
        q = q.where(OutboxMessage.status != SENT)
    return list(session.scalars(q))


__all__ = ["enqueue", "enqueue_all", "push_row", "pending", "listing", "PENDING", "SENT", "FAILED"]
