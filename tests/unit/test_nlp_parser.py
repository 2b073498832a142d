"""The whole parse: reports with school and deadline, what is cut out, the JSON shape, robustness."""
import dataclasses
import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlp import Parsed, Parser, build_parser
from bot.nlp.vocabulary import VocabularyError, validate

TODAY = dt.date(2023, 6, 12)   # a Monday


@pytest.fixture(scope="module")
def parser(plan, directory):
    return build_parser(plan, directory)


@pytest.mark.parametrize("text, school, area, deadline", [
    ("上报 鱼峰一中 后门鱼塘没有护栏 6月20日前", "鱼峰区第一中学", 9, "2023-06-20"),
    ("上报 一中 食堂后厨老鼠很多 下周五", "鱼峰区第一中学", 6, "2023-06-23"),
    ("/report 实小 学校门口没有护学岗 两周内", "鱼峰区实验小学", 2, "2023-06-26"),
    ("上报 特校 围墙有裂缝 月底前", "鱼峰区特殊教育学校", 2, "2023-06-30"),
    ("上报 白沙中心小学 学生宿舍没有宿管 10天内", "白沙镇中心小学", 8, "2023-06-22"),
    ("上报 三幼 园门口没有防撞柱 7月1日前", "鱼峰区第三幼儿园", 2, "2023-07-01"),
    ("上报 里雍中心校 校车没有随车照管员 明天", "里雍镇中心小学", 4, "2023-06-13"),
    ("上报 门口车辆乱停 鱼峰区第一中学 6月20日前", "鱼峰区第一中学", 2, "2023-06-20"),
    ("柳石路小学门口放学时家长电动车乱停 本月底前整改", "柳石路小学", None, "2023-06-30"),
    ("荣军路小学的食堂没有留样，麻烦3个工作日内整改", "荣军路小学", 6, "2023-06-15"),
    ("请帮忙登记一下：驾鹤路小学后山的水塘没有警示牌，端午节前处理", "驾鹤路小学", 9, "2023-06-22"),
    ("里雍中学 道法课用的还是旧教材 6.30前整改", "里雍镇中学", 7, "2023-06-30"),
])
def test_reports_with_school_and_deadline(parser, text, school, area, deadline):
    got = parser.parse(text, TODAY)
    assert got.intent == "report"
    assert got.school == school
    assert area is None or got.category == area
    assert got.deadline == dt.date.fromisoformat(deadline)


def test_description_drops_command_school_and_deadline(parser):
    got = parser.parse("上报 白沙中学 两个村的学生在学校打群架 本周五前", TODAY)
    assert got.description == "两个村的学生在学校打群架"


def test_reason_is_the_text_after_the_number(parser):
    assert parser.parse("#40 进展：泳池已经加了围栏", TODAY).reason == "泳池已经加了围栏"
    assert parser.parse("驳回 #12 护栏高度不够", TODAY).reason == "护栏高度不够"
    assert parser.parse("#12 限期 6月20日", TODAY).reason == ""


def test_sender_unit_is_the_school_when_the_text_names_none(parser):
    text = "学校后门的鱼塘没有护栏"
    assert parser.parse(text, TODAY).school is None
    assert parser.parse(text, TODAY, sender_unit="白沙镇中学").school == "白沙镇中学"
    assert parser.parse(text, TODAY, sender_unit="区教育局").school is None
    assert parser.parse("上报 一中 " + text, TODAY, sender_unit="白沙镇中学").school == "鱼峰区第一中学"


def test_department_named_is_the_unit_not_the_school(parser):
    got = parser.parse("执法局巡查发现学校后门有人推车卖凉粉，没有健康证", TODAY)
    assert (got.intent, got.school, got.unit, got.category) == ("report", None, "区执法局", 6)


@pytest.mark.parametrize("text, level", [
    ("有学生骑电动车上学被车撞了，随时可能出人命，情况十分紧急", "重大"),
    ("学校的围墙快倒了，随时可能砸到学生", "重大"),
    ("学生在河边游泳，很危险，马上要出事了", "重大"),     # imminent danger outweighs 很危险
    ("校门口没有减速带，学生过马路很危险", "较大"),
    ("食堂有只老鼠，问题不大", None),
    ("这是一般隐患，宿舍门锁坏了", "一般"),
    ("问题不严重，宿舍门锁坏了", None),
])
def test_severity(parser, text, level):
    assert parser.parse(text, TODAY).severity == level


@pytest.mark.parametrize("text, place", [
    ("3号教学楼的楼梯扶手松了", "3号教学楼"),
    ("女生宿舍的窗户没装限位器", "女生宿舍"),
    ("学校后门常年不锁", "学校后门"),
    ("食堂的冰箱里生肉和熟食混放", "食堂"),
])
def test_location(parser, text, place):
    assert parser.parse(text, TODAY).location == place


def test_deadlines_only_for_reports_and_updates(parser):
    assert parser.parse("明天放假吗", TODAY).deadline is None
    assert parser.parse("#30 进展：随车照管员在培训，预计6月25日前上岗", TODAY).deadline == dt.date(2023, 6, 25)


def test_json_shape(parser):
    got = parser.parse("上报 鱼峰一中 后门鱼塘没有护栏 6月20日前", TODAY).to_json()
    assert {"intent", "category", "issue_id", "deadline", "school", "query", "action", "category_confidence",
            "category_candidates", "clarify", "unit", "severity", "location", "description", "reason"} <= set(got)
    assert got["deadline"] == "2023-06-20" and got["category"] == 9 and got["issue_id"] is None


def test_parsed_is_frozen_and_replaceable(parser):
    got = parser.parse("鱼塘没有护栏", TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.intent = "query"
    assert dataclasses.replace(got, school="白沙镇中学").school == "白沙镇中学"


def test_parser_is_built_once_per_plan_and_directory(plan, directory):
    assert build_parser(plan, directory) is build_parser(plan, directory)
    assert isinstance(build_parser(plan, directory), Parser)


def test_junk_is_other(parser):
    rnd = random.Random(7)
    junk = "".join(chr(rnd.randint(0x4E00, 0x9FA5)) for _ in range(10_000))
    assert parser.parse(junk, TODAY).intent == "other"
    assert parser.parse("#" * 5000, TODAY).intent == "other"
    assert parser.parse(None, TODAY).intent == "other"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_never_raises(parser, text):
    got = parser.parse(text, TODAY)
    assert isinstance(got, Parsed)
    assert got.intent in ("report", "progress", "close", "query", "help", "other")
    assert got.deadline is None or got.deadline >= TODAY
    assert got.to_json()["intent"] == got.intent


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["#", "12", "号", "隐患", "月", "20", "前", "上报", "查", "一中", "销号", "不是",
                                 "，", "是", "下周", "五", "天内", "食堂", "🙂", " ", "第", "条", "."]), max_size=12))
def test_never_raises_on_near_misses(parser, parts):
    assert isinstance(parser.parse("".join(parts), TODAY), Parsed)


def test_vocabulary_is_checked():
    with pytest.raises(VocabularyError):
        validate({"areas": {42: {3: ["河"]}}}, {1, 2})
    with pytest.raises(VocabularyError):
        validate({"areas": {1: {3: ["河"], 2: ["河"]}}}, {1, 2})
    with pytest.raises(VocabularyError):
        validate({"typos": {"心里": "心理辅导"}}, {1})
    validate({"areas": {1: {3: ["河"]}}, "tie_order": [1]}, {1})
