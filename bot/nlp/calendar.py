"""China's working-day calendar and festival dates, from chinesecalendar's holiday data.

Outside the years that data covers we fall back to Monday–Friday and to the fixed-date festivals,
so a parse never fails because a year is missing.
"""
from __future__ import annotations

import datetime as dt

import chinese_calendar as cc

# Festival names people write -> chinesecalendar's Holiday member (None: fixed date below).
FESTIVALS = {
    "元旦": "new_years_day", "春节": "spring_festival", "过年": "spring_festival", "年前": "spring_festival",
    "清明": "tomb_sweeping_day", "劳动节": "labour_day", "五一": "labour_day",
    "端午": "dragon_boat_festival", "中秋": "mid_autumn_festival",
    "国庆": "national_day", "十一": "national_day", "六一": "childrens_day", "儿童节": "childrens_day",
    "七一": "party_day", "建党节": "party_day",
}
# Festivals on a fixed solar date: the data is not needed to find the day itself.
FIXED = {"new_years_day": (1, 1), "labour_day": (5, 1), "national_day": (10, 1), "childrens_day": (6, 1), "party_day": (7, 1)}
# Lunar festivals whose day the data must tell us; the spring festival has a multi-day block.
SINGLE_DAY = ("dragon_boat_festival", "mid_autumn_festival", "tomb_sweeping_day")


def is_workday(day: dt.date) -> bool:
    try:
        return cc.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after start (start itself not counted), honouring 调休."""
    day, left = start, max(n, 0)
    for _ in range(3660):
        if left == 0:
            return day
        day += dt.timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def first_workday_after(day: dt.date) -> dt.date:
    """The first working day after this one (after a festival: when the days off end, 调休 counted)."""
    return add_workdays(day, 1)


def _holiday_days(name: str, year: int) -> list[dt.date]:
    value = cc.Holiday[name].value
    return sorted(d for d, v in cc.holidays.items() if v == value and d.year == year)


def _lunar_day(name: str, year: int) -> dt.date | None:
    days = _holiday_days(name, year)
    if not days:
        return None
    if name == "spring_festival":
        return days[0]     # the holiday's first day: work must be done before people leave
    if any(d in cc.in_lieu_days for d in days):
        # The block was stretched by 调休: the festival is the weekday that is not a swapped day.
        real = [d for d in days if d.weekday() < 5 and d not in cc.in_lieu_days]
        if real:
            return real[0]
    return days[0]


def festival_day(name: str, year: int) -> dt.date | None:
    if name in FIXED:
        month, day = FIXED[name]
        return dt.date(year, month, day)
    if name == "tomb_sweeping_day":
        terms = _solar_term(year, "清明")
        if terms:
            return terms
    return _lunar_day(name, year)


def _solar_term(year: int, chinese: str) -> dt.date | None:
    try:
        terms = cc.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
    except (NotImplementedError, ValueError, KeyError):
        return None
    return next((d for d, term in terms if chinese in term), None)


def next_festival(word: str, today: dt.date) -> dt.date | None:
    """The next occurrence (today or later) of the festival a word names (端午, 国庆, 春节 …)."""
    name = FESTIVALS.get(word)
    if name is None:
        return None
    for year in (today.year, today.year + 1):
        day = festival_day(name, year)
        if day is not None and day >= today:
            return day
    return None


def nearest_festival(today: dt.date) -> dt.date | None:
    """节前 with no name: the first festival from today on."""
    days = [next_festival(word, today) for word in ("元旦", "春节", "清明", "劳动节", "端午", "中秋", "国庆")]
    days = [d for d in days if d is not None]
    return min(days) if days else None
