"""School short forms derived from the names themselves; departments and towns by their names."""
import pytest

from bot.directory import Directory, Unit
from bot.nlp.schools import UnitIndex, school_forms, unit_forms


@pytest.mark.parametrize("name, short", [
    ("鱼峰区第一中学", "一中"),
    ("鱼峰区第一中学", "鱼峰一中"),
    ("鱼峰区第二中学", "鱼峰二中"),
    ("鱼峰区实验小学", "实小"),
    ("鱼峰区实验小学", "鱼峰实小"),
    ("鱼峰区特殊教育学校", "特校"),
    ("鱼峰区特殊教育学校", "特教学校"),
    ("鱼峰区第三幼儿园", "第三幼儿园"),
    ("鱼峰区第三幼儿园", "三幼"),
    ("白沙镇中学", "白沙中学"),
    ("白沙镇中心小学", "白沙中心小学"),
    ("白沙镇中心小学", "白沙中心校"),
    ("里雍镇中心小学", "里雍中心校"),
    ("里雍镇中心小学", "里雍小学"),
    ("鱼峰区阳光幼儿园", "阳光幼儿园"),
])
def test_short_forms_are_derived(name, short):
    assert short in school_forms(name)


def test_generic_forms_are_never_aliases():
    forms = school_forms("白沙镇中心小学") | school_forms("鱼峰区第一中学") | school_forms("鱼峰区实验小学")
    assert not forms & {"中学", "小学", "中心校", "中心小学", "学校"}


def test_department_forms():
    assert "教育局" in unit_forms("区教育局")
    assert "政法委" in unit_forms("区委政法委")
    assert "委政法委" not in unit_forms("区委政法委")


def _index(*units):
    return UnitIndex(Directory(tuple(units), (), ()))


def test_a_short_form_two_schools_share_names_neither():
    index = _index(Unit("白沙镇中心小学", "school"), Unit("里雍镇中心小学", "school"))
    assert index.resolve("白沙中心校") == "白沙镇中心小学"
    assert index.resolve("中心校") is None


def test_a_new_directory_gets_its_own_short_forms():
    index = _index(Unit("柳南区第四中学", "school"), Unit("柳南区实验小学", "school"), Unit("柳南公安分局", "department"))
    assert index.resolve("四中") == "柳南区第四中学"
    assert index.resolve("柳南实小") == "柳南区实验小学"
    assert index.resolve("公安分局") == "柳南公安分局"


def test_listed_aliases_still_count(directory):
    index = UnitIndex(directory)
    assert index.resolve("实验小学") == "鱼峰区实验小学"
    assert index.resolve("卫健局") == "区卫生健康局"
    assert index.resolve("交警大队") == "鱼峰交警大队"
    assert index.resolve("公安分局") == "公安鱼峰分局"


def test_find_respects_token_boundaries(directory):
    index = UnitIndex(directory)
    text = "学校统一中午放学"
    assert index.find(text, ({0, 2, 4, 6}, {2, 4, 6, 8})) == []
    assert [m.name for m in index.find("查 一中")] == ["鱼峰区第一中学"]
