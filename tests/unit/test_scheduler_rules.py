"""Due rules as a pure function of issue rows and the date: each kind at the right moment."""
import datetime as dt

from bot.plan import Milestone, ReminderRules
from bot.scheduler.calendar import WorkCalendar
from bot.scheduler.rules import IssueRow, owed_for_campaign, owed_for_issue

RULES = ReminderRules()
D = dt.date


def row(deadline, status="open", supervised=False, severity="一般", closed_on=None, created_on=None):
    return IssueRow(1, 9, "鱼峰区第一中学", "后门鱼塘没有护栏", deadline, status, supervised, severity, closed_on,
                    created_on)


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
    assert kinds(row(deadline), D(2023, 6, 23)) == [("overdue", "2023-06-23", False, 3)]
    # past 3 days overdue, as the 黑榜 counts it: escalated once per deadline
    assert kinds(row(deadline), D(2023, 6, 24)) == [("overdue", "2023-06-24", False, 4),
                                                   ("escalation", "2023-06-20", False, 4)]
    assert ("escalation", "2023-06-20", True, 6) in kinds(row(deadline), D(2023, 6, 26))


def test_escalation_day_matches_the_blacklist_threshold():
    rules = ReminderRules(escalate_after_days=5)
    deadline = D(2023, 6, 20)
    owed = {d: [o.kind for o in owed_for_issue(row(deadline), D(2023, 6, d), rules)] for d in (25, 26)}
    assert "escalation" not in owed[25] and "escalation" in owed[26]


def test_a_reminder_owed_before_the_issue_existed_is_not_late():
    deadline = D(2023, 6, 20)
    assert kinds(row(deadline, created_on=D(2023, 6, 18)), D(2023, 6, 18)) == [("before3", "2023-06-20", False, 2)]
    assert kinds(row(deadline, created_on=D(2023, 6, 10)), D(2023, 6, 18)) == [("before3", "2023-06-20", True, 2)]


def test_new_deadline_rearms_the_before_reminders():
    assert [o.key for o in owed_for_issue(row(D(2023, 6, 20)), D(2023, 6, 19), RULES)] == ["before1:1:2023-06-20"]
    assert [o.key for o in owed_for_issue(row(D(2023, 6, 27)), D(2023, 6, 26), RULES)] == ["before1:1:2023-06-27"]


def test_no_reminders_for_closed_issues_but_recheck():
    closed = row(D(2023, 6, 10), status="closed", closed_on=D(2023, 6, 9))
    assert kinds(closed, D(2023, 6, 12)) == []


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
    # still owed on the 25th itself (June 22-24 2023 were the 端午 holiday), late; not after it
    assert [(o.period, o.late, o.days) for o in owed_for_campaign(D(2023, 6, 25), RULES, ms) if o.kind == "monthly"] \
        == [("2023-06:1", True, 0)]
    assert [o for o in owed_for_campaign(D(2023, 6, 26), RULES, ms) if o.kind == "monthly"] == []
    assert ("milestone", "2023-06-20:day") in [(o.kind, o.period) for o in owed_for_campaign(D(2023, 6, 20), RULES, ms)]


def test_monthly_report_day_in_a_short_month():
    rules = ReminderRules(monthly_report_day=31, monthly_report_remind_days=(1,))
    feb = [(o.kind, o.period) for o in owed_for_campaign(D(2023, 2, 27), rules, ())]
    assert ("monthly", "2023-02:1") in feb                 # the 28th stands in for the 31st


def test_weekly_blacklist_once_a_week_late_after_its_day():
    tue = [(o.kind, o.period, o.late) for o in owed_for_campaign(D(2023, 6, 13), RULES, ()) if o.kind == "blacklist"]
    assert tue == [("blacklist", "2023-W24", True)]
    assert [o.period for o in owed_for_campaign(D(2023, 6, 19), RULES, ()) if o.kind == "blacklist"] == ["2023-W25"]


def test_milestones_three_days_ahead_and_on_the_day():
    ms = (Milestone(D(2023, 6, 30), "全面总结提升", ("all",)),)
    periods = {d: [(o.period, o.days) for o in owed_for_campaign(D(2023, 6, d), RULES, ms) if o.kind == "milestone"]
               for d in (26, 27, 29, 30)}
    assert periods == {26: [], 27: [("2023-06-30:before", 3)], 29: [("2023-06-30:before", 1)],
                       30: [("2023-06-30:day", 0)]}


def test_working_time_on_the_chinese_calendar():
    cal = WorkCalendar(("09:00", "18:00"))
    tz = dt.timezone(dt.timedelta(hours=8))
    assert cal.is_working_time(dt.datetime(2023, 6, 21, 9, 0, tzinfo=tz))
    assert not cal.is_working_time(dt.datetime(2023, 6, 21, 8, 59, tzinfo=tz))
    assert not cal.is_working_time(dt.datetime(2023, 6, 22, 10, 0, tzinfo=tz))   # 端午节
    assert not cal.is_working_time(dt.datetime(2023, 6, 24, 10, 0, tzinfo=tz))   # holiday Saturday
    assert cal.is_working_time(dt.datetime(2023, 6, 25, 10, 0, tzinfo=tz))       # 调休: Sunday worked
