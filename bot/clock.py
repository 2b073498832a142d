"""Time is passed in: a Clock gives the current aware datetime; tests and --now fix it."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    def __init__(self, tz: str = "Asia/Shanghai"):
        self.tz = ZoneInfo(tz)

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.tz)

    def today(self) -> dt.date:
        return self.now().date()


class FixedClock(Clock):
    """A clock that stands still until moved; `--now` and tests use it."""

    def __init__(self, at: dt.datetime, tz: str = "Asia/Shanghai"):
        super().__init__(tz)
        self.at = at if at.tzinfo else at.replace(tzinfo=self.tz)

    def now(self) -> dt.datetime:
        return self.at.astimezone(self.tz)

    def advance(self, **delta) -> None:
        self.at += dt.timedelta(**delta)


def parse_now(value: str, tz: str = "Asia/Shanghai") -> dt.datetime:
    """An ISO time from the command line; a bare date means 09:00 that day, no offset means local."""
    try:
        if len(value) == 10:
            at = dt.datetime.fromisoformat(value + "T09:00")
        else:
            at = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"--now: expected an ISO time like 2023-06-19T09:00, got {value!r}") from None
    return at if at.tzinfo else at.replace(tzinfo=ZoneInfo(tz))
