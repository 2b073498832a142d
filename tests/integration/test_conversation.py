"""Whole conversations through the console channel on a real database: reports, follow-up
questions, paging, duplicates and restarts."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.app import Bot
from bot.messages import Message
from bot.models import InboundMessage, Issue, IssueEvent, OutboxMessage


@pytest.fixture
def bot(settings, clock):
    b = Bot(settings, clock)
    yield b
    b.stop()


def say(bot, user, text, chat="console", msg_id=None):
    from bot.channels import console
    msg = console.message(bot, user, chat, text)
    if msg_id:
        msg = Message(**{**msg.__dict__, "msg_id": msg_id})
    return bot.conversation.handle(msg).text


def issues(bot):
    with bot.db.session() as s:
        return s.scalars(select(Issue).order_by(Issue.id)).all()


def test_teacher_free_text_report_uses_own_school(bot):
    reply = say(bot, "zhang.wei", "我们学校后门那个鱼塘没有护栏，放学小孩经常去玩")
    assert "#1" in reply and "防溺水" in reply and "鱼峰区第一中学" in reply
    [issue] = issues(bot)
    assert issue.school == "鱼峰区第一中学" and issue.area == 9 and issue.reporter_id == "zhang.wei"


def test_command_report_with_school_and_deadline(bot):
    reply = say(bot, "wu.hao", "上报 白沙中学 两个村的学生因为以前的矛盾在学校打群架 本周五前")
    assert "#1" in reply and "白沙镇中学" in reply and "6月16日" in reply
    assert issues(bot)[0].deadline == dt.date(2023, 6, 16)


def test_school_from_the_group_the_message_came_from(bot):
    say(bot, "wu.hao", "围墙上的铁丝网锈断了好几段", chat="wr-lyzx")
    assert issues(bot)[0].school == "里雍镇中心小学"


def test_missing_school_is_asked_once(bot):
    asked = say(bot, "wu.hao", "校门口的红绿灯坏了半个月了")
    assert "哪所学校" in asked and issues(bot) == []
    done = say(bot, "wu.hao", "荣军路小学")
    assert "#1" in done and issues(bot)[0].school == "荣军路小学"
    # asked once: a non-answer drops the question rather than asking again
    say(bot, "wu.hao", "食堂员工不戴口罩")
    again = say(bot, "wu.hao", "嗯嗯")
    assert "哪所学校" not in again and len(issues(bot)) == 1


def test_question_belongs_to_that_person_in_that_chat(bot):
    say(bot, "wu.hao", "校门口的红绿灯坏了半个月了", chat="wr-zb")
    say(bot, "xu.li", "荣军路小学", chat="wr-zb")          # someone else answering opens nothing
    assert issues(bot) == []
    assert "#1" in say(bot, "wu.hao", "荣军路小学", chat="wr-zb")


def test_missing_issue_number_is_asked(bot):
    say(bot, "zhang.wei", "后门鱼塘没有护栏")
    say(bot, "zhang.wei", "食堂留样不规范")
    asked = say(bot, "li.na", "已经找人把护栏装好了，申请销号")
    assert "哪一条" in asked
    assert "#1" in say(bot, "li.na", "#1")
    assert issues(bot)[0].status == "pending_review"


def test_only_open_issue_is_inferred(bot):
    say(bot, "zhang.wei", "后门鱼塘没有护栏")
    reply = say(bot, "li.na", "进展：已经联系施工队了")
    assert "#1" in reply and issues(bot)[0].status == "in_progress"


def test_refusals_are_polite_and_change_nothing(bot):
    say(bot, "zhang.wei", "后门鱼塘没有护栏")
    reply = say(bot, "zhang.wei", "销号 #1 装好了")
    assert "负责人" in reply and issues(bot)[0].status == "open"
    say(bot, "li.na", "销号 #1 装好了")
    assert "本人" in say(bot, "li.na", "确认销号 #1")
    assert "已销号" in say(bot, "wu.hao", "确认销号 #1")


def test_guest_can_report_and_is_told_how_to_register(bot):
    reply = say(bot, "stranger", "上报 屏山小学 楼梯扶手松了")
    assert "#1" in reply and "管理员" in reply
    assert "登记" in say(bot, "stranger", "统计")


def test_long_lists_are_paged(bot):
    for i in range(20):
        say(bot, "wu.hao", f"上报 屏山小学 食堂第{i + 1}批食材没有留样 两周内")
    first = say(bot, "wu.hao", "查 屏山小学")
    assert "1/2" in first and "下一页" in first
    second = say(bot, "wu.hao", "下一页")
    assert "第2页" in second and "#20" in second


def test_duplicate_message_id_creates_nothing_new(bot):
    a = say(bot, "zhang.wei", "食堂员工上班不戴口罩", msg_id="x-1")
    b = say(bot, "zhang.wei", "食堂员工上班不戴口罩", msg_id="x-1")
    assert a == b and len(issues(bot)) == 1
    with bot.db.session() as s:
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 1


def _at_once(n, fn):
    """Run fn(i) for i in range(n) on n threads released together; returns results or raises."""
    import concurrent.futures as cf
    import threading
    gate = threading.Barrier(n)

    def go(i):
        gate.wait(timeout=10)
        return fn(i)
    with cf.ThreadPoolExecutor(n) as pool:
        return [f.result(timeout=60) for f in [pool.submit(go, i) for i in range(n)]]


def test_lists_asked_at_once_leave_one_open_question(bot):
    from bot.models import PendingQuestion
    for i in range(20):
        say(bot, "wu.hao", f"上报 屏山小学 食堂第{i + 1}批食材没有留样 两周内")
    # one person, one chat, the same long list asked several times at once: each gets its first page
    # (none fails on the one-open-question-per-person rule), and "下一页" then continues one of them
    replies = _at_once(6, lambda i: say(bot, "wu.hao", "查 屏山小学"))
    assert all("1/2" in r for r in replies)
    with bot.db.session() as s:
        assert s.scalar(select(func.count()).select_from(PendingQuestion)) == 1
    assert "第2页" in say(bot, "wu.hao", "下一页")


def test_an_open_question_is_answered_once(bot):
    say(bot, "wu.hao", "校门口的红绿灯坏了半个月了")
    # the same answer sent twice at once (two phones, a double tap): one issue, not two
    _at_once(4, lambda i: say(bot, "wu.hao", "荣军路小学"))
    assert [i.school for i in issues(bot)] == ["荣军路小学"]


def test_answer_survives_a_restart(settings, clock):
    first = Bot(settings, clock)
    a = say(first, "zhang.wei", "食堂员工上班不戴口罩", msg_id="r-1")
    first.stop()
    second = Bot(settings, clock)
    try:
        assert say(second, "zhang.wei", "食堂员工上班不戴口罩", msg_id="r-1") == a
        assert len(issues(second)) == 1
    finally:
        second.stop()


def test_failed_handler_leaves_no_trace(bot, monkeypatch):
    from bot.services.ledger import Ledger

    def boom(*a, **k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(Ledger, "open_issue", boom)
    with pytest.raises(RuntimeError):
        say(bot, "zhang.wei", "后门鱼塘没有护栏", msg_id="crash-1")
    monkeypatch.undo()
    with bot.db.session() as s:
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    # the platform's retry then succeeds
    assert "#1" in say(bot, "zhang.wei", "后门鱼塘没有护栏", msg_id="crash-1")


def test_history_records_who_did_what(bot):
    say(bot, "zhang.wei", "后门鱼塘没有护栏")
    say(bot, "li.na", "#1 限期 6月20日")
    say(bot, "li.na", "销号 #1 护栏已装好")
    say(bot, "wu.hao", "驳回 #1 高度不够")
    with bot.db.session() as s:
        rows = s.execute(select(IssueEvent.kind, IssueEvent.actor_id).order_by(IssueEvent.id)).all()
    assert rows == [("report", "zhang.wei"), ("deadline", "li.na"), ("close_request", "li.na"), ("reject", "wu.hao")]
    detail = say(bot, "wu.hao", "详情 #1")
    assert "驳回" in detail and "高度不够" in detail


def test_greetings_and_thanks_get_a_short_friendly_answer(bot):
    assert "校园安全整治助手" in say(bot, "stranger", "你好")
    assert "不客气" in say(bot, "zhang.wei", "多谢")
    assert issues(bot) == []


def test_a_clean_check_a_notice_or_a_phone_question_says_nothing_was_logged(bot):
    assert say(bot, "zhang.wei", "今天把食堂和宿舍都查了一遍，没发现问题").startswith("👍 收到，这次检查没有发现问题")
    assert "不作为隐患登记" in say(bot, "wu.hao", "周五下午3点在区教育局四楼会议室召开推进会，请各校分管领导参加")
    assert "通讯录" in say(bot, "zhang.wei", "李主任电话多少？")
    assert issues(bot) == []


def photo(bot, user, url, chat="console"):
    from bot.channels import console
    msg = console.message(bot, user, chat, "")
    return bot.conversation.handle(Message(**{**msg.__dict__, "image_url": url})).text


def test_photo_joins_the_issue_just_reported(bot, clock):
    assert "先用文字描述" in photo(bot, "zhang.wei", "https://img.example/1.jpg")
    say(bot, "zhang.wei", "后门鱼塘没有护栏")
    reply = photo(bot, "zhang.wei", "https://img.example/2.jpg")
    assert "#1" in reply
    assert "补充照片" in say(bot, "zhang.wei", "详情 #1")
    clock.advance(minutes=31)
    assert "先用文字描述" in photo(bot, "zhang.wei", "https://img.example/3.jpg")
    with bot.db.session() as s:
        urls = s.scalars(select(IssueEvent.text).where(IssueEvent.kind == "photo")).all()
    assert urls == ["https://img.example/2.jpg"]


def test_a_question_right_after_a_report_is_about_that_issue(bot, clock):
    say(bot, "zhang.wei", "校门口的红绿灯坏了半个月了")
    answer = say(bot, "zhang.wei", "这个要多久能弄好？")
    assert "隐患 #1" in answer and "整改时限" in answer and "交警" in answer
    clock.advance(minutes=31)      # later, the same words are no longer taken as about #1
    assert "隐患 #1" not in say(bot, "zhang.wei", "这个要多久能弄好？")
    # and someone who reported nothing is not shown another person's issue
    assert "隐患 #1" not in say(bot, "wang.fang", "这个要多久能弄好？")


def test_a_refusal_says_what_who_may_and_why_not(bot):
    say(bot, "zhang.wei", "校门口的红绿灯坏了半个月了")
    refused = say(bot, "zhang.wei", "#1 限期 7月30日")
    assert refused == ("抱歉，设置整改时限（#1）需要由该隐患所属学校或责任单位的负责人，或专班办理；"
                       "您是教师，没有这项权限。")
    guest = say(bot, "nobody.x", "确认销号 #1")
    assert guest.startswith("抱歉，您还没有登记，不能确认销号（#1）。可以办理的是：") and "管理员" in guest
