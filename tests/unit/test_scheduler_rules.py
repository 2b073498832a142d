"""Due rules as a pure function of issue rows and the date: each kind at the right moment."""
import datetime as dt

from bot.plan import Milestone, ReminderRules
from bot.scheduler.calendar import WorkCalendar
from bot.scheduler.rules import IssueRow, owed_for_campaign, owed_for_issue

RULES = ReminderRules()
D = dt.date


def row(deadline, status="open", supervised=False, severity="一般", closed_on=None):
    return IssueRow(1, 9, "鱼峰区第一中学", "后门鱼塘没有护栏", deadline, status, supervised, severity, closed_on)


def kinds(r, today):
    return [(o.kind, o.period, o.late, o.days) for o in owed_for_issue(r, today, RULES)]


def test_before_deadline_windows():
    deadline = D(2023, 6, 20)
    assert kinds(row(deadline), D(2023, 6, 16)) == []
    assert kinds(row(deadline), D(2023, 6, 17)) == [("before3", "2023-06-20", False, 3)]
    assert kinds(row(deadline), D(2023, 6, 18)) == [("before3", "2023-06-20", True, 2)]    # missed day: late
    assert kinds(row(deadline), D(2023, 6, 19)) == [("before1", "2023-06-20", False, 1)]
    assert kinds(row(deadline), D(2023, 6, 20)) == [("due_today", "2023-06-20", False, 0)]


def test_overdue_daily_and_escalation_once_per_deadline():
    deadline = D(2023, 6, 20)
    assert kinds(row(deadline), D(2023, 6, 21)) == [("overdue", "2023-06-21", False, 1)]
    assert kinds(row(deadline), D(2023, 6, 23)) == [("overdue", "2023-06-23", False, 3),
                                                   ("escalation", "2023-06-20", False, 3)]
    assert ("escalation", "2023-06-20", True, 5) in kinds(row(deadline), D(2023, 6, 25))


def test_major_hazards_are_urgent():
    assert all(o.urgent for o in owed_for_issue(row(D(2023, 6, 20), severity="重大"), D(2023, 6, 19), RULES))
    assert not any(o.urgent for o in owed_for_issue(row(D(2023, 6, 20)), D(2023, 6, 19), RULES))


def test_supervised_daily():
    owed = owed_for_issue(row(D(2023, 6, 30), supervised=True), D(2023, 6, 12), RULES)
    assert [(o.kind, o.period) for o in owed] == [("supervised", "2023-06-12")]


def test_recheck_after_close():
    closed = row(D(2023, 6, 20), status="closed", closed_on=D(2023, 6, 15))
    assert kinds(closed, D(2023, 7, 14)) == []
    assert kinds(closed, D(2023, 7, 15)) == [("recheck", "2023-06-15", False, 0)]
    assert kinds(closed, D(2023, 7, 20)) == [("recheck", "2023-06-15", True, 0)]


def test_campaign_items():
    ms = (Milestone(D(2023, 6, 20), "查纠整改完成", ("all",)),)
    monday = [(o.kind, o.period) for o in owed_for_campaign(D(2023, 6, 19), RULES, ms)]
    assert ("blacklist", "2023-W25") in monday and ("milestone", "2023-06-20:before") in monday
    assert ("monthly", "2023-06:3") not in monday
    assert ("monthly", "2023-06:3") in [(o.kind, o.period) for o in owed_for_campaign(D(2023, 6, 22), RULES, ms)]
    assert ("monthly", "2023-06:1") in [(o.kind, o.period) for o in owed_for_campaign(D(2023, 6, 24), RULES, ms)]
    assert ("milestone", "2023-06-20:day") in [(o.kind, o.period) for o in owed_for_campaign(D(2023, 6, 20), RULES, ms)]


def test_working_time_on_the_chinese_calendar():
    cal = WorkCalendar(("09:00", "18:00"))
    tz = dt.timezone(dt.timedelta(hours=8))
    assert cal.is_working_time(dt.datetime(2023, 6, 21, 9, 0, tzinfo=tz))
    assert not cal.is_working_time(dt.datetime(2023, 6, 21, 8, 59, tzinfo=tz))
    assert not cal.is_working_time(dt.datetime(2023, 6, 22, 10, 0, tzinfo=tz))   # 端午节
    assert not cal.is_working_time(dt.datetime(2023, 6, 24, 10, 0, tzinfo=tz))   # holiday Saturday
    assert cal.is_working_time(dt.datetime(2023, 6, 25, 10, 0, tzinfo=tz))       # 调休: Sunday worked
