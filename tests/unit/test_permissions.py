"""The permission table, cell by cell: every action for every role, on own and other units' issues."""
import pytest

from bot.models import Issue, IssueUnit
from bot.services import Forbidden
from bot.services.actors import Actor
from bot.services.permissions import RULES, allowed, check

SCHOOL = "鱼峰区第一中学"
DEPT = "区教育局"
ISSUE = Issue(id=7, school=SCHOOL, reporter_id="reporter", units=[IssueUnit(unit=SCHOOL), IssueUnit(unit=DEPT)])

ACTORS = {
    "guest": Actor("g", "访客", "guest", None),
    "teacher_own": Actor("t1", "本校教师", "teacher", SCHOOL, unit_kind="school"),
    "teacher_other": Actor("t2", "外校教师", "teacher", "白沙镇中学", unit_kind="school"),
    "leader_own": Actor("l1", "本校负责人", "leader", SCHOOL, unit_kind="school"),
    "leader_dept": Actor("l2", "责任部门负责人", "leader", DEPT, unit_kind="department"),
    "leader_other": Actor("l3", "外校负责人", "leader", "白沙镇中学", unit_kind="school"),
    "taskforce": Actor("tf", "专班", "taskforce", DEPT, unit_kind="department"),
    "admin": Actor("ad", "管理员", "admin", DEPT, unit_kind="department"),
    "reporter": Actor("reporter", "外校上报人", "teacher", "白沙镇中学", unit_kind="school"),
}

# who may, per action (everyone else may not)
EXPECTED = {
    "report": set(ACTORS),
    "view": {"teacher_own", "leader_own", "leader_dept", "taskforce", "admin", "reporter"},
    "progress": {"teacher_own", "leader_own", "leader_dept", "taskforce", "admin", "reporter"},
    "set_deadline": {"leader_own", "leader_dept", "taskforce", "admin"},
    "request_close": {"leader_own", "leader_dept", "taskforce", "admin"},
    "approve": {"leader_own", "leader_dept", "taskforce"},
    "reject": {"leader_own", "leader_dept", "taskforce"},
    "supervise": {"taskforce", "admin"},
    "reopen": {"leader_own", "leader_dept", "taskforce"},
    "query_all": {"taskforce", "admin"},
}


def test_every_action_has_expectations():
    assert set(EXPECTED) == set(RULES)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("who", sorted(ACTORS))
def test_cell(action, who):
    assert allowed(ACTORS[who], action, ISSUE) == (who in EXPECTED[action])


@pytest.mark.parametrize("action", ["approve", "reject", "reopen"])
def test_plan_can_reserve_approval_for_taskforce(action):
    assert not allowed(ACTORS["leader_own"], action, ISSUE, unit_leader_may_approve=False)
    assert allowed(ACTORS["taskforce"], action, ISSUE, unit_leader_may_approve=False)


def test_refusal_says_who_can_in_chinese():
    with pytest.raises(Forbidden) as exc:
        check(ACTORS["teacher_own"], "request_close", ISSUE)
    assert "#7" in str(exc.value) and "负责人" in str(exc.value)
    with pytest.raises(Forbidden) as exc:
        check(ACTORS["guest"], "progress", ISSUE)
    assert "登记" in str(exc.value)
