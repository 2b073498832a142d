"""Working time on the Chinese calendar (holidays and 调休 make-up days), in Asia/Shanghai."""
from __future__ import annotations

import datetime as dt

import chinese_calendar


class WorkCalendar:
    def __init__(self, work_hours: tuple[str, str] = ("09:00", "18:00")):
        self.start = dt.time.fromisoformat(work_hours[0])
        self.end = dt.time.fromisoformat(work_hours[1])

    def is_workday(self, day: dt.date) -> bool:
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:     # a year the package has no data for: plain Monday-Friday
            return day.weekday() < 5

    def is_working_time(self, at: dt.datetime) -> bool:
        return self.is_workday(at.date()) and self.start <= at.time() < self.end
