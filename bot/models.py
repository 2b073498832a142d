"""The ledger's tables: directory mirror, issues with their history, inbox (dedupe), outbox, leases."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        TypeDecorator, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

UTC = dt.timezone.utc


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (no tz) and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the ledger")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))          # school | department | town


class Person(Base):
    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)   # platform user id
    name: Mapped[str] = mapped_column(String(100))
    mobile: Mapped[str] = mapped_column(String(30), default="")
    unit: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))


class Group(Base):
    __tablename__ = "groups"
    chat_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(20))


# Issue.status values; Chinese labels live in bot/texts.py
OPEN, IN_PROGRESS, PENDING_REVIEW, CLOSED = "open", "in_progress", "pending_review", "closed"
STATUSES = (OPEN, IN_PROGRESS, PENDING_REVIEW, CLOSED)
UNCLOSED = (OPEN, IN_PROGRESS, PENDING_REVIEW)


class Issue(Base):
    __tablename__ = "issues"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)   # the issue number
    area: Mapped[int] = mapped_column(Integer)
    school: Mapped[str | None] = mapped_column(String(100), nullable=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text)
    reporter_id: Mapped[str] = mapped_column(String(100))
    reporter_name: Mapped[str] = mapped_column(String(100))
    reporter_unit: Mapped[str | None] = mapped_column(String(100), nullable=True)
    severity: Mapped[str] = mapped_column(String(10), default="一般")
    deadline: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=OPEN)
    supervised: Mapped[bool] = mapped_column(Boolean, default=False)   # 挂牌督办
    close_requested_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    platform: Mapped[str] = mapped_column(String(20), default="console")
    chat_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source_msg_id: Mapped[str | None] = mapped_column(String(200), nullable=True)

    units: Mapped[list["IssueUnit"]] = relationship(back_populates="issue", cascade="all, delete-orphan",
                                                    order_by="IssueUnit.position")
    events: Mapped[list["IssueEvent"]] = relationship(back_populates="issue", cascade="all, delete-orphan",
                                                      order_by="IssueEvent.id")

    __table_args__ = (Index("ix_issues_status_deadline", "status", "deadline"),
                      Index("ix_issues_status_closed_at", "status", "closed_at"),
                      Index("ix_issues_school", "school"), Index("ix_issues_area", "area"),
                      Index("ix_issues_reporter", "reporter_id", "id"))

    @property
    def unit_names(self) -> list[str]:
        return [u.unit for u in self.units]


class IssueUnit(Base):
    """A unit responsible for an issue (the school first, then the plan's departments for its area)."""

    __tablename__ = "issue_units"
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True)
    unit: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    issue: Mapped[Issue] = relationship(back_populates="units")
    __table_args__ = (Index("ix_issue_units_unit", "unit"),)


class IssueEvent(Base):
    """One line of an issue's history: who did what, when."""

    __tablename__ = "issue_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))   # report progress deadline close_request approve reject reopen supervise recheck
    actor_id: Mapped[str] = mapped_column(String(100))
    actor_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text, default="")
    old_value: Mapped[str | None] = mapped_column(String(200), nullable=True)
    new_value: Mapped[str | None] = mapped_column(String(200), nullable=True)
    issue: Mapped[Issue] = relationship(back_populates="events")


class InboundMessage(Base):
    """A platform message already taken in: a retry finds it here and gets the same answer."""

    __tablename__ = "inbound_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))
    msg_id: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[str] = mapped_column(String(100), default="")
    chat_id: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    reply: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    __table_args__ = (UniqueConstraint("platform", "msg_id", name="uq_inbound_platform_msg"),)


class PendingQuestion(Base):
    """The bot asked someone in a chat for a missing field; their next message there answers it."""

    __tablename__ = "pending_questions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[str] = mapped_column(String(100))
    slot: Mapped[str] = mapped_column(String(30))      # school | issue_id
    text: Mapped[str] = mapped_column(Text)            # the original message
    asked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("platform", "chat_id", "user_id", name="uq_pending_who"),)


# Outbox.status values
PENDING, SENT, FAILED = "pending", "sent", "failed"


class OutboxMessage(Base):
    """A push waiting for delivery; `key` makes each notice or reminder exist once."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(250), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    group_chat_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)   # one-off targets (sessionWebhook, response_url)
    payload: Mapped[dict] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(40), default="notice")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)


class Lease(Base):
    """Who runs a singleton job (the scheduler) and until when."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class SentPush(Base):
    """A push a webhook accepted, for per-webhook rate limiting across processes."""

    __tablename__ = "sent_pushes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    target: Mapped[str] = mapped_column(String(250))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_sent_pushes_target_at", "target", "at"),)


class ReminderLog(Base):
    """One reminder item owed and taken by a sweep: (kind, issue, period) exists once, so a second
    sweep, a restart or a second instance never sends the same item again."""

    __tablename__ = "reminder_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    issue_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    period: Mapped[str] = mapped_column(String(60))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
