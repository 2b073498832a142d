"""Delivers outbox rows to group robots: claims rows, respects each webhook's 20/min, retries what
can succeed later and parks what never will (bad key, bad sign) for the operator to see."""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, or_, select, text

from bot.clock import Clock
from bot.db import Database
from bot.directory import Directory
from bot.models import FAILED, PENDING, SENT, OutboxMessage, SentPush
from bot.push import format as push_format

log = logging.getLogger("bot.push")

PER_MINUTE = 20                   # both platforms: 20 messages a minute per robot
CLAIM = dt.timedelta(seconds=90)  # a claimed row returns to the queue if its sender dies
MAX_BACKOFF = dt.timedelta(minutes=10)
RATE_ERRCODES = {45009, 130101, 410100}       # WeCom freq limit; DingTalk old and new codes
RETRY_ERRCODES = {-1} | RATE_ERRCODES         # -1 系统繁忙
DINGTALK_THROTTLE = dt.timedelta(minutes=10)  # DingTalk throttles a robot 10 minutes after 130101
PRUNE_EVERY = dt.timedelta(minutes=10)
JSON_UTF8 = {"Content-Type": "application/json; charset=utf-8"}


class _NoQueryInHttpLogs(logging.Filter):
    """urllib3 logs every request line at DEBUG with its query string, which is where webhook keys,
    DingTalk access tokens and signs live: keep the path, drop the query."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(_redact_text(a) if isinstance(a, str) else a for a in record.args)
        return True


_HTTP_LOG_FILTER = _NoQueryInHttpLogs()


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    waiting: int = 0      # held back by a rate limit

    def __add__(self, other):
        return DrainResult(self.sent + other.sent, self.retried + other.retried, self.failed + other.failed,
                           self.waiting + other.waiting)


@dataclass(frozen=True)
class Claimed:
    id: int
    platform: str
    group_chat_id: str | None
    url: str | None
    payload: dict
    attempts: int


class Sender:
    def __init__(self, db: Database, directory: Directory, clock: Clock, http, *,
                 push_base: dict[str, str] | None = None, timeout: float = 10.0, batch: int = 50):
        self.db = db
        self.directory = directory
        self.clock = clock
        self.http = http                  # anything with .post(url, data=, headers=, timeout=) -> response
        self.push_base = push_base or {}
        self.timeout = timeout
        self.batch = batch
        self._pruned_at: dt.datetime | None = None
        # wherever pushes are sent (the service, `remind`, a test), keys stay out of DEBUG logs
        logging.getLogger("urllib3.connectionpool").addFilter(_HTTP_LOG_FILTER)   # same instance: added once

    def drain(self, rounds: int = 20) -> DrainResult:
        """Send what is due now, batch by batch, until nothing due is left (bounded by rounds)."""
        self._prune_now_and_then()
        total = DrainResult()
        for _ in range(rounds):
            claimed = self._claim()
            if not claimed:
                break
            for row in claimed:
                total += self._deliver(row)
            if total.waiting and total.sent == 0 and total.retried == 0:
                break
        return total

    # --- claiming ------------------------------------------------------------------------------
    def _claim(self) -> list[Claimed]:
        now = self.clock.now()
        with self.db.session() as s:
            q = (select(OutboxMessage)
                 .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now,
                        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
                 .order_by(OutboxMessage.urgent.desc(), OutboxMessage.id).limit(self.batch))
            if not self.db.is_sqlite:
                q = q.with_for_update(skip_locked=True)
            rows = list(s.scalars(q))
            for r in rows:
                r.claimed_until = now + CLAIM
            return [Claimed(r.id, r.platform, r.group_chat_id, r.url, r.payload, r.attempts) for r in rows]

    # --- delivering ----------------------------------------------------------------------------
    def _deliver(self, row: Claimed) -> DrainResult:
        target = self._target(row)
        if target is None:
            self._finish(row, FAILED, f"没有可用的推送地址（群 {row.group_chat_id} 未配置 webhook）")
            return DrainResult(failed=1)
        url, rate_key = target
        wait = self._reserve_slot(rate_key)
        if wait is not None:
            self._reschedule(row, wait, count_attempt=False)
            return DrainResult(waiting=1)
        body = push_format.render(row.platform, row.payload) if "msgtype" not in row.payload else row.payload
        outcome, detail = self._post(url, body)
        if outcome == "ok":
            self._finish(row, SENT, detail)
            return DrainResult(sent=1)
        if outcome in ("retry", "unreachable"):
            delay = self._backoff(row, detail)
            # A throttled robot refuses everything for a while, and an unreachable one would make every
            # row behind this one wait out the timeout too: hold the robot's whole queue until the retry.
            if outcome == "unreachable" or _is_rate_answer(detail):
                self._hold(rate_key, self.clock.now() + delay)
            log.warning("push %s to %s failed, retry in %ss: %s", row.id, _redact(url), int(delay.total_seconds()), detail)
            self._reschedule(row, self.clock.now() + delay, error=detail)
            return DrainResult(retried=1)
        log.error("push %s to %s failed permanently: %s", row.id, _redact(url), detail)
        self._finish(row, FAILED, detail)
        return DrainResult(failed=1)

    def _target(self, row: Claimed) -> tuple[str, str] | None:
        if row.url:
            return self._rewrite(row.url), row.url.split("?")[0]
        group = self.directory.group_for_chat(row.group_chat_id)
        if group is None or not group.webhook:
            return None
        url = self._rewrite(group.webhook)
        if group.platform == "dingtalk" and group.secret:
            from bot.channels.crypto import dingtalk_push_url
            url = dingtalk_push_url(url, group.secret, int(self.clock.now().timestamp() * 1000))
        return url, group.webhook

    def _rewrite(self, url: str) -> str:
        """Point a platform URL at the configured base (a fake platform server in tests)."""
        parts = urlsplit(url)
        for platform, host in (("wecom", "qyapi.weixin.qq.com"), ("dingtalk", "oapi.dingtalk.com")):
            base = self.push_base.get(platform)
            if base and parts.hostname == host:
                b = urlsplit(base)
                return urlunsplit((b.scheme, b.netloc, parts.path, parts.query, ""))
        return url

    def _post(self, url: str, body: dict) -> tuple[str, str]:
        try:
            # UTF-8 on the wire, not \uXXXX escapes: DingTalk counts the body's bytes (20000), and an
            # escaped Chinese message is twice the size format.split measured.
            resp = self.http.post(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                  headers=JSON_UTF8, timeout=self.timeout)
        except Exception as exc:  # noqa: BLE001 - any network failure is worth another try
            return "unreachable", _redact_text(f"{type(exc).__name__}: {exc}")[:300]
        if resp.status_code >= 500 or resp.status_code == 429:
            return "retry", f"HTTP {resp.status_code}"
        if resp.status_code != 200:
            return "fail", f"HTTP {resp.status_code}: {resp.text[:200]}"
        try:
            data = resp.json()
            code = int(data.get("errcode", 0))
        except (ValueError, AttributeError, TypeError):
            return "retry", f"unreadable answer: {resp.text[:200]}"
        msg = str(data.get("errmsg", ""))
        if code == 0:
            if msg not in ("ok", ""):
                log.warning("push to %s accepted with a warning: %s", _redact(url), msg)
            return "ok", msg
        if code in RETRY_ERRCODES:
            return "retry", f"errcode {code}: {msg}"[:300]
        return "fail", f"errcode {code}: {msg}"[:300]

    def _backoff(self, row: Claimed, detail: str) -> dt.timedelta:
        if "130101" in detail or "410100" in detail:
            return DINGTALK_THROTTLE
        if "45009" in detail:
            return dt.timedelta(seconds=60)
        return min(dt.timedelta(seconds=5 * 2 ** min(row.attempts, 10)), MAX_BACKOFF)

    # --- rate limit shared by every process, kept in the database ------------------------------
    def _reserve_slot(self, rate_key: str) -> dt.datetime | None:
        """Take one of the webhook's 20 sends per minute; return when to try again if none is free."""
        now = self.clock.now()
        since = now - dt.timedelta(minutes=1)
        with self.db.session() as s:
            if not self.db.is_sqlite:
                s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": zlib.crc32(rate_key.encode())})
            q = select(func.count(), func.min(SentPush.at)).where(SentPush.target == rate_key, SentPush.at > since)
            count, oldest = s.execute(q).one()
            if count >= PER_MINUTE:
                return oldest + dt.timedelta(minutes=1, seconds=1)
            s.add(SentPush(target=rate_key, at=now))
            return None

    def _hold(self, rate_key: str, until: dt.datetime) -> None:
        """Fill the robot's one-minute window up to `until`: every process's _reserve_slot then waits
        for it, so rows behind the refused one are not sent into the throttle (which DingTalk extends)."""
        with self.db.session() as s:
            s.add_all(SentPush(target=rate_key, at=until - dt.timedelta(minutes=1)) for _ in range(PER_MINUTE))

    def _finish(self, row: Claimed, status: str, detail: str) -> None:
        with self.db.session() as s:
            r = s.get(OutboxMessage, row.id)
            r.status = status
            r.attempts = row.attempts + 1
            r.claimed_until = None
            if status == SENT:
                r.sent_at = self.clock.now()
            else:
                r.last_error = detail

    def _reschedule(self, row: Claimed, when: dt.datetime, error: str | None = None, count_attempt=True) -> None:
        with self.db.session() as s:
            r = s.get(OutboxMessage, row.id)
            r.next_attempt_at = when
            r.claimed_until = None
            if count_attempt:
                r.attempts = row.attempts + 1
                r.last_error = error

    def prune(self, keep: dt.timedelta = dt.timedelta(hours=1)) -> None:
        """Forget sends older than the rate window (with margin) so the table stays small."""
        with self.db.session() as s:
            s.query(SentPush).filter(SentPush.at < self.clock.now() - keep).delete()

    def _prune_now_and_then(self) -> None:
        now = self.clock.now()
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY or now < self._pruned_at:
            self._pruned_at = now
            self.prune()


def _is_rate_answer(detail: str) -> bool:
    return any(f"errcode {code}:" in detail for code in RATE_ERRCODES)


_QUERY = re.compile(r"\?[^\s'\")]*")


def _redact_text(text: str) -> str:
    """Exception messages quote the URL: drop every query string (keys, tokens, signs) from them."""
    return _QUERY.sub("?…", text)


def _redact(url: str) -> str:
    """Webhook keys and tokens are secrets: never log them."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "…" if parts.query else "", ""))
