"""The ledger's operations on a real database: numbering, routing, history, states, permissions."""
import datetime as dt

import pytest

from bot.models import CLOSED, IN_PROGRESS, OPEN, PENDING_REVIEW, IssueEvent, OutboxMessage
from bot.services import Forbidden, InvalidState, NotFound
from bot.services.actors import resolve_actor
from bot.services.ledger import Ledger
from bot.services.notices import Notices


@pytest.fixture
def who(directory):
    return lambda user_id: resolve_actor(directory, user_id)


@pytest.fixture
def ledger_in(db, plan, directory, clock):
    def make(session):
        return Ledger(session, plan, directory, clock, Notices(session, plan, directory, clock))
    return make


def _open(ledger, actor, **kw):
    args = dict(area=9, description="后门鱼塘没有护栏，学生放学常去玩", school="鱼峰区第一中学")
    args.update(kw)
    return ledger.open_issue(actor, **args)


def test_issue_numbers_routing_and_default_deadline(db, ledger_in, who, plan):
    with db.session() as s:
        first = _open(ledger_in(s), who("zhang.wei"))
        second = _open(ledger_in(s), who("zhang.wei"), area=6, description="食堂留样不规范", severity="较大")
        assert (first.id, second.id) == (1, 2)
        assert first.unit_names[0] == "鱼峰区第一中学"
        assert "区应急局" in first.unit_names and "白沙镇" in first.unit_names   # area 9 per the plan
        assert second.unit_names == ["鱼峰区第一中学", "区教育局", "区卫生健康局", "区市场监管局", "区执法局"]
        assert first.deadline == dt.date(2023, 6, 26)    # 一般: 14 days from 2023-06-12
        assert second.deadline == dt.date(2023, 6, 19)   # 较大: 7 days
        assert first.status == OPEN and first.events[0].kind == "report"


def test_area_one_is_every_department(db, ledger_in, who, directory):
    with db.session() as s:
        issue = _open(ledger_in(s), who("zhang.wei"), area=1, description="安全工作没抓手")
        assert set(issue.unit_names[1:]) == {u.name for u in directory.departments()}


def test_opening_queues_a_notice_for_each_group_once(db, ledger_in, who):
    with db.session() as s:
        issue = _open(ledger_in(s), who("zhang.wei"))
    with db.session() as s:
        rows = s.query(OutboxMessage).order_by(OutboxMessage.id).all()
        chats = [r.group_chat_id for r in rows]
        assert chats == ["wr-yf1z", "wr-jyj"]     # the school's group and 区教育局's group
        assert all(r.key.startswith(f"issue:{issue.id}:opened") for r in rows)
        assert "<@" not in rows[0].payload["text"] and rows[0].payload["mention_userids"] == ["li.na"]


def test_major_hazard_also_goes_to_taskforce(db, ledger_in, who):
    with db.session() as s:
        _open(ledger_in(s), who("zhang.wei"), severity="重大")
    with db.session() as s:
        rows = s.query(OutboxMessage).all()
        assert "wr-zb" in {r.group_chat_id for r in rows}
        assert all(r.urgent for r in rows)


def test_close_out_cycle_with_history(db, ledger_in, who, clock):
    with db.session() as s:
        ledger = ledger_in(s)
        issue = _open(ledger, who("zhang.wei"))
        ledger.add_progress(who("zhang.wei"), issue.id, "已联系施工队")
        assert issue.status == IN_PROGRESS
        ledger.request_close(who("li.na"), issue.id, "护栏已装好")
        assert issue.status == PENDING_REVIEW
        with pytest.raises(InvalidState):
            ledger.approve_close(who("li.na"), issue.id)          # never the person who asked
        ledger.reject_close(who("wu.hao"), issue.id, "护栏高度不够")
        assert issue.status == IN_PROGRESS
        ledger.request_close(who("li.na"), issue.id, "护栏加高到1.2米")
        ledger.approve_close(who("xu.li"), issue.id, "现场核实")
        assert issue.status == CLOSED and issue.closed_at == clock.now()
        with pytest.raises(InvalidState):
            ledger.add_progress(who("li.na"), issue.id, "补充")
        ledger.reopen(who("wu.hao"), issue.id, "回头看发现护栏被拆")
        assert issue.status == IN_PROGRESS and issue.closed_at is None
        kinds = [e.kind for e in s.query(IssueEvent).filter_by(issue_id=issue.id).order_by(IssueEvent.id)]
        assert kinds == ["report", "progress", "close_request", "reject", "close_request", "approve", "reopen"]
        actors = [e.actor_id for e in s.query(IssueEvent).filter_by(issue_id=issue.id).order_by(IssueEvent.id)]
        assert actors == ["zhang.wei", "zhang.wei", "li.na", "wu.hao", "li.na", "xu.li", "wu.hao"]
        assert [e.kind for e in issue.events] == kinds          # the loaded history kept current
    with db.session() as s:
        # each round of the cycle told its groups once: two close-out requests to the 专班 (@ its
        # members), a rejection and an approval to the school, a reopening
        rows = s.query(OutboxMessage).filter(OutboxMessage.key.like(f"issue:{issue.id}:%")).all()
        keys = sorted({r.key.rsplit(":", 1)[0] for r in rows if ":opened" not in r.key})
        assert keys == [f"issue:{issue.id}:close_request:1", f"issue:{issue.id}:close_request:2",
                        f"issue:{issue.id}:decision:1", f"issue:{issue.id}:decision:2", f"issue:{issue.id}:reopen:1"]
        asks = [r for r in rows if ":close_request:" in r.key]
        assert all(r.group_chat_id == "wr-zb" and r.payload["mention_userids"] == ["wu.hao", "xu.li"] for r in asks)


def test_deadline_changes_are_recorded_and_checked(db, ledger_in, who):
    with db.session() as s:
        ledger = ledger_in(s)
        issue = _open(ledger, who("zhang.wei"))
        ledger.set_deadline(who("li.na"), issue.id, dt.date(2023, 6, 20), "先装临时护栏")
        assert issue.deadline == dt.date(2023, 6, 20)
        with pytest.raises(InvalidState):
            ledger.set_deadline(who("li.na"), issue.id, dt.date(2023, 6, 1))
        with pytest.raises(Forbidden):
            ledger.set_deadline(who("zhang.wei"), issue.id, dt.date(2023, 6, 30))   # a teacher may not
        # a teacher's progress naming a new date is kept as a request, not applied
        ledger.add_progress(who("zhang.wei"), issue.id, "预计6月30日完成", deadline=dt.date(2023, 6, 30))
        assert issue.deadline == dt.date(2023, 6, 20)
        ev = s.query(IssueEvent).filter_by(issue_id=issue.id, kind="deadline").one()
        assert (ev.old_value, ev.new_value) == ("2023-06-26", "2023-06-20")
        assert s.query(IssueEvent).filter_by(issue_id=issue.id, kind="deadline_request").count() == 1


def test_permissions_follow_units(db, ledger_in, who):
    with db.session() as s:
        ledger = ledger_in(s)
        issue = _open(ledger, who("zhang.wei"))
        with pytest.raises(Forbidden):
            ledger.add_progress(who("wang.fang"), issue.id, "别的学校的老师")
        with pytest.raises(Forbidden):
            ledger.request_close(who("liu.yang"), issue.id, "别的学校的负责人")
        with pytest.raises(Forbidden):
            ledger.supervise(who("li.na"), issue.id)
        ledger.add_progress(who("huang.min"), issue.id, "教育局已督促")   # a responsible department's leader
        ledger.supervise(who("wu.hao"), issue.id)
        assert issue.supervised
        with pytest.raises(NotFound):
            ledger.view(who("wu.hao"), 999)


def test_guest_may_report_but_not_follow_up(db, ledger_in, who):
    guest = who("someone-new")
    assert not guest.registered
    with db.session() as s:
        ledger = ledger_in(s)
        issue = _open(ledger, guest)
        assert issue.reporter_id == "someone-new"
        with pytest.raises(Forbidden) as exc:
            ledger.request_close(guest, issue.id, "x")
        assert "登记" in str(exc.value)
