"""Chat queries through the real conversation (dedupe, scope, paging) on SQLite and PostgreSQL.

The parser is a stand-in that maps the few query phrases used here to a parse result, so these
tests pin the handlers' answers, not the parser's understanding."""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest

from bot.clock import FixedClock
from bot.conversation import PAGE_LINES, Conversation
from bot.messages import Message
from bot.services.actors import resolve_actor
from bot.services.ledger import Ledger


@dataclass(frozen=True)
class Parsed:
    intent: str = "other"
    action: str | None = None
    query: str | None = None
    school: str | None = None
    category: int | None = None
    unit: str | None = None
    issue_id: int | None = None


class StandInParser:
    KINDS = {"统计": "overview", "逾期": "overdue", "即将到期": "due_soon", "黑榜": "blacklist", "我的": "mine",
             "月报": "report"}

    def __init__(self, plan, directory):
        self.plan, self.directory = plan, directory

    def parse(self, text, today, sender_role=None, sender_unit=None):
        if text in self.KINDS:
            return Parsed("query", query=self.KINDS[text])
        if text.startswith("详情 #"):
            return Parsed("query", query="detail", issue_id=int(text[4:]))
        if text.startswith("查 "):
            return self._lookup(text[2:])
        return Parsed()

    def _lookup(self, name):
        area = next((a.id for a in self.plan.areas if name in (a.name, a.short)), None)
        if area:
            return Parsed("query", query="by_category", category=area)
        unit = self.directory.unit(name)
        if unit is not None and unit.kind == "school":
            return Parsed("query", query="by_school", school=name)
        return Parsed("query", query="by_unit", unit=name)


SH = FixedClock(dt.datetime(2023, 6, 1)).tz


def at(month, day, hour=10):
    return dt.datetime(2023, month, day, hour, tzinfo=SH)


@pytest.fixture
def who(directory):
    return lambda uid: resolve_actor(directory, uid)


@pytest.fixture
def ledger_data(db, plan, directory, who):
    """#1 closed; #2 supervised, 12 days late on 6-20; #3 due 6-24; #4 重大, 8 days late."""
    clock = FixedClock(at(5, 20))
    with db.session() as s:
        led = Ledger(s, plan, directory, clock)
        a = led.open_issue(who("zhang.wei"), area=9, description="后门鱼塘没有护栏", school="鱼峰区第一中学",
                           deadline=dt.date(2023, 5, 30))
        clock.at = at(6, 1)
        b = led.open_issue(who("wang.fang"), area=6, description="食堂留样不规范", school="白沙镇中学", severity="较大")
        clock.at = at(6, 5, 14)
        led.add_progress(who("zhang.wei"), a.id, "已联系施工队")
        led.request_close(who("li.na"), a.id, "护栏已装好")
        led.approve_close(who("wu.hao"), a.id, "验收合格")
        led.supervise(who("wu.hao"), b.id, True)
        clock.at = at(6, 10)
        led.open_issue(who("chen.jing"), area=2, description="校门口车辆乱停", school="里雍镇中心小学",
                       deadline=dt.date(2023, 6, 24))
        led.open_issue(who("zhang.wei"), area=9, description="河边缺少警示牌", school="鱼峰区第一中学",
                       deadline=dt.date(2023, 6, 12), severity="重大")
    return db


@pytest.fixture
def chat(ledger_data, plan, directory):
    clock = FixedClock(at(6, 20))
    conversation = Conversation(ledger_data, plan, directory, StandInParser(plan, directory), clock)
    ids = itertools.count(1)

    def say(user, text, chat_id="wr-zb"):
        msg = Message("wecom", user, chat_id, text, f"m{next(ids)}", clock.now())
        return conversation.handle(msg).text.split("\n")
    say.clock = clock
    return say


def test_overview_for_the_taskforce(chat):
    assert chat("wu.hao", "统计") == [
        "**校园安全隐患统计**",
        "截至6月20日，共 **4** 条，已销号 1 条（25%）",
        "· 待整改 3　整改中 0　待验收 0",
        "· 逾期未销号 **2** 条，挂牌督办 1 条",
        "**按方面（未销号/逾期）**",
        "· 周边治理 1/0",
        "· 食品安全 1/1",
        "· 防溺水 1/1",
        "**未销号最多的学校**",
        "1. 白沙镇中学 1条",
        "2. 里雍镇中心小学 1条",
        "3. 鱼峰区第一中学 1条",
        "发“逾期”“黑榜”“查 学校名”看明细",
    ]


def test_overview_for_a_teacher_covers_only_their_school(chat):
    lines = chat("zhang.wei", "统计", chat_id="wr-yf1z")
    assert lines[0] == "**校园安全隐患统计（鱼峰区第一中学相关）**"
    assert lines[1] == "截至6月20日，共 **2** 条，已销号 1 条（50%）"
    assert "**未销号最多的学校**" not in lines


def test_overdue_lists_oldest_deadline_first(chat):
    assert chat("wu.hao", "逾期") == [
        "**逾期未销号（2条）**",
        "🔴#2 【督办】白沙镇中学 食堂留样不规范（待整改，6月8日，已逾期12天）",
        "🔴#4 鱼峰区第一中学 河边缺少警示牌（待整改，6月12日，已逾期8天）",
    ]
    assert chat("liu.yang", "逾期", chat_id="cid-bszx")[0] == "**逾期未销号（白沙镇中学相关）（1条）**"


def test_due_soon(chat):
    assert chat("wu.hao", "即将到期") == ["**7天内到期（1条）**", "#3 里雍镇中心小学 校门口车辆乱停（待整改，6月24日，还剩4天）"]


def test_blacklist_names_schools_and_units_worst_first(chat):
    lines = chat("wu.hao", "黑榜")
    assert lines[:4] == ["**黑榜**（逾期超过3天未整改，截至6月20日）", "**学校（2所）**",
                         "1. 白沙镇中学：逾期1条，最长12天（#2）", "2. 鱼峰区第一中学：逾期1条，最长8天（#4）"]
    assert lines[4] == "**责任单位（14个）**"
    assert sorted(lines[5:7]) == ["1. 区卫生健康局：逾期2条，最长12天", "2. 区教育局：逾期2条，最长12天"]
    assert "4. 区执法局：逾期1条，最长12天" in lines


def test_lookup_by_school_area_and_department(chat):
    assert chat("wu.hao", "查 白沙镇中学") == ["**白沙镇中学 未销号隐患（1条）**",
                                          "🔴#2 【督办】白沙镇中学 食堂留样不规范（待整改，6月8日，已逾期12天）"]
    assert chat("wu.hao", "查 防溺水")[0] == "**防溺水 未销号隐患（1条）**"
    lines = chat("wu.hao", "查 区市场监管局")       # 周边治理 and 食品安全 (and 安全部署, every department's)
    assert lines[0] == "**区市场监管局 负责方面（安全部署、周边治理、食品安全）的未销号隐患（2条）**"
    assert [line.split()[0].lstrip("🔴") for line in lines[1:]] == ["#2", "#3"]
    assert chat("wu.hao", "查 区交通局") == ["区交通局 负责的方面（安全部署、交通安全）目前没有未销号的隐患。"]


def test_detail_shows_the_card_and_full_history(chat):
    lines = chat("wu.hao", "详情 #1")
    assert lines[0] == "**隐患 #1**"
    assert "状态：已销号　等级：一般" in lines
    assert lines[lines.index("**处理记录：**") + 1:] == [
        "5/20 10:00 张伟 上报：后门鱼塘没有护栏",
        "6/5 14:00 张伟 进展：已联系施工队",
        "6/5 14:00 李娜 申请销号：护栏已装好",
        "6/5 14:00 吴昊 确认销号：验收合格",
    ]
    assert chat("wang.fang", "详情 #1", chat_id="cid-bszx")[0].startswith("抱歉")   # another school's issue


def test_mine_is_own_reports_for_a_teacher_and_the_unit_for_a_leader(chat):
    assert chat("zhang.wei", "我的", chat_id="wr-yf1z") == [
        "**我上报的隐患（2条）**",
        "🔴#4 鱼峰区第一中学 河边缺少警示牌（待整改，6月12日，已逾期8天）",
        "#1 鱼峰区第一中学 后门鱼塘没有护栏（已销号，5月30日，已销号）",
    ]
    assert chat("li.na", "我的", chat_id="wr-yf1z")[:2] == [
        "**鱼峰区第一中学 未销号隐患（1条）**", "🔴#4 鱼峰区第一中学 河边缺少警示牌（待整改，6月12日，已逾期8天）"]


def test_month_report_in_chat(chat):
    lines = chat("wu.hao", "月报")
    assert lines[:5] == [
        "**2023年6月校园安全集中整治工作情况**（截至6月20日）",
        "**一、总体情况**",
        "累计发现隐患 4 条，已销号 1 条，整改率 25%",
        "未销号 3 条，其中逾期 **2** 条，挂牌督办 1 条",
        "本月新发现 3 条（重大1条），涉及 3 所学校；本月销号 1 条",
    ]
    assert "· 防溺水 1/2/1" in lines
    assert "逾期最久：#2 白沙镇中学 逾期12天；#4 鱼峰区第一中学 逾期8天" in lines
    assert any(line.startswith("**四、报送**：每月25日前报市教育局，本月6月25日（还有5天）") for line in lines)
    assert chat("zhang.wei", "月报", chat_id="wr-yf1z") == ["月报由专班汇总报送。您可以发“统计”查看本单位情况。"]


def test_long_lists_are_paged_not_cut(chat, ledger_data, plan, directory, who):
    clock = FixedClock(at(6, 2))
    with ledger_data.session() as s:
        led = Ledger(s, plan, directory, clock)
        for n in range(25):
            led.open_issue(who("wang.fang"), area=6, description=f"冷库温度记录缺失{n}", school="白沙镇中学",
                           deadline=dt.date(2023, 6, 3))
    pages = -(-27 // PAGE_LINES)
    first = chat("wu.hao", "逾期")
    assert first[0] == "**逾期未销号（27条）**" and len(first) == 1 + PAGE_LINES + 1
    assert first[-1] == f"——第1/{pages}页，回复“下一页”查看更多——"
    listed = first[1:-1]
    for number in range(2, pages + 1):
        page = chat("wu.hao", "下一页")
        assert page[0] == f"**逾期未销号（27条）**（第{number}页）"
        listed += page[1:-1] if number < pages else page[1:]
    assert listed[-1].startswith("🔴#4 ")                       # the latest deadline comes last
    assert len({line.split()[0] for line in listed}) == 27


def test_very_long_lists_say_how_many_were_left_out(chat, ledger_data, plan, directory, who):
    clock = FixedClock(at(6, 2))
    with ledger_data.session() as s:
        led = Ledger(s, plan, directory, clock)
        for n in range(130):
            led.open_issue(who("wang.fang"), area=6, description=f"问题{n}", school="白沙镇中学",
                           deadline=dt.date(2023, 6, 3))
    pages = -(-120 // PAGE_LINES)           # 120 issues; the closing note ends the last page
    first = chat("wu.hao", "逾期")
    assert first[0] == "**逾期未销号（132条）**" and first[-1] == f"——第1/{pages}页，回复“下一页”查看更多——"
    rest = [chat("wu.hao", "下一页") for _ in range(pages - 1)]
    assert rest[-1][-1] == "……共132条，这里列出前120条；全部请看“看板”或导出台账。"


def test_a_list_reads_full_rows_only_for_the_page_shown(ledger_data, plan, directory, who):
    from bot.services.queries import Queries
    clock = FixedClock(at(6, 2))
    with ledger_data.session() as s:
        led = Ledger(s, plan, directory, clock)
        made = [led.open_issue(who("wang.fang"), area=6, description=f"冷库{n}", school="白沙镇中学",
                               deadline=dt.date(2023, 6, 3 + n % 3)).id for n in range(20)]
    with ledger_data.session(readonly=True) as s:
        found = Queries(s).overdue(who("wu.hao"), dt.date(2023, 6, 20), limit=12, rows=5)
        everything = Queries(s).overdue(who("wu.hao"), dt.date(2023, 6, 20))
    assert found.total == everything.total == 22 and found.cut and not everything.cut
    assert found.ids == everything.ids[:12] and len(found) == 5
    assert [r.id for r in found] == found.ids[:5]                   # the rows, in list order
    deadlines = [r.deadline for r in everything]
    assert deadlines == sorted(deadlines) and set(made) <= set(everything.ids)
