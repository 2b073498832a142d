"""Issue numbers: the forms people write, and never a count, a time, a date or a distance."""
import pytest

from bot.nlp.issues import find_issue, issue_after_command


@pytest.mark.parametrize("text, want", [
    ("#12 护栏已装好", 12),
    ("# 12 护栏已装好", 12),
    ("第12条 已整改", 12),
    ("第十二条什么情况", 12),
    ("12号隐患已经找人把护栏装好了", 12),
    ("十二号隐患有进展", 12),
    ("三十六号隐患已整改完毕", 36),
    ("二十号隐患有新进展", 20),
    ("隐患12已整改到位", 12),
    ("隐患20 7月3号已经处理完毕", 20),
    ("编号7 电动车的问题", 7),
    ("隐患编号33 暑假防溺水", 33),
    ("隐患编号：5 已处理", 5),
    ("交警大队回复：第23条反映的路口", 23),
    ("12号 护栏已装好", 12),
    ("9号隐患谁在负责", 9),
])
def test_issue_forms(text, want):
    assert find_issue(text).number == want


@pytest.mark.parametrize("text", [
    "学校只有3个保安",
    "下午5点以后没人",
    "学校离河边只有200米",
    "3号教学楼的楼梯扶手松了",
    "20号前要装好",
    "6月20号学校要组织演练",
    "这次排查发现隐患3处",
    "围挡加高到2米5",
    "限速40，大车开到七八十",
    "十二三岁的孩子骑电动车",
    "鱼峰区第三幼儿园门口",
    "第二中学的学生",
    "一辆摩托车载三个学生",
    "#0",
    "隐患0",
])
def test_never_a_count_time_date_or_distance(text):
    assert find_issue(text) is None


@pytest.mark.parametrize("text, start, want", [
    ("进展 25 安全工作领导小组已经重新发文成立了", 2, 25),
    ("销号 12 已整改完毕", 2, 12),
    ("/close 9 后门门禁已启用", 6, 9),
    ("销号#27", 2, 27),
    ("详情 八号", 2, 8),
])
def test_number_straight_after_a_command(text, start, want):
    assert issue_after_command(text, start).number == want


def test_command_number_is_not_a_count():
    assert issue_after_command("进展 3个保安已到岗", 2) is None
    assert issue_after_command("进展 6月20日前完成", 2) is None
