"""Who may see the dashboard: the configured token, or a signed link that expires.

A signed link carries `exp` (unix seconds) and `sig` = HMAC-SHA256(token, "dashboard|exp"); it is
what the 看板 command sends and what every link inside the page carries, so the token itself is
never written into a page, a link or a log line. Comparisons are constant-time.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
from urllib.parse import urlencode

LINK_TTL = dt.timedelta(hours=12)
PAGE_TTL = dt.timedelta(hours=2)     # links inside a page the token opened
TOKEN_IN_URL = re.compile(r"([?&]token=)[^&\s\"']*")


def sign(token: str, exp: int) -> str:
    return hmac.new(token.encode(), f"dashboard|{exp}".encode(), hashlib.sha256).hexdigest()


def signed_params(token: str, now: dt.datetime, ttl: dt.timedelta = LINK_TTL) -> dict[str, str]:
    exp = int((now + ttl).timestamp())
    return {"exp": str(exp), "sig": sign(token, exp)}


def signed_link(base_url: str, token: str, now: dt.datetime, ttl: dt.timedelta = LINK_TTL, path: str = "",
                **params) -> str:
    """A link to the dashboard (or to `path` under it, e.g. report.docx) that opens until it expires."""
    query = {**params, **signed_params(token, now, ttl)}
    return f"{base_url.rstrip('/')}/dashboard/{path}?{urlencode(query)}"


def token_ok(token: str, given: str | None) -> bool:
    return bool(token) and given is not None and hmac.compare_digest(token.encode(), given.encode())


def link_ok(token: str, exp: str | None, sig: str | None, now: dt.datetime) -> bool:
    if not token or not exp or not sig or not exp.isdigit():
        return False
    if int(exp) < now.timestamp():
        return False
    return hmac.compare_digest(sign(token, int(exp)).encode(), sig.encode())


class RedactToken(logging.Filter):
    """Access logs show request lines; this keeps `?token=…` out of them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(TOKEN_IN_URL.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = TOKEN_IN_URL.sub(r"\1***", record.msg)
        return True
