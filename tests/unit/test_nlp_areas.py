"""Areas of the plan from everyday descriptions: broad vocabulary, negation, ties and a question."""
import datetime as dt

import pytest

from bot.nlp import build_parser

TODAY = dt.date(2024, 6, 3)


@pytest.fixture(scope="module")
def parser(plan, directory):
    return build_parser(plan, directory)


@pytest.mark.parametrize("text, area", [
    # 9 防溺水
    ("学校北边那条小河最近涨水了，经常有学生放学去河边玩", 9),
    ("村口的山塘没有围栏也没有警示牌，暑假学生经常去游泳", 9),
    ("学生周末结伴去水库野泳，家长都不知道", 9),
    ("游泳馆没有配救生员，学生自己在深水区玩", 9),
    ("学校今年的防溺水教育一次都没搞过", 9),
    # 6 食品安全
    ("食堂的冰箱里生肉和熟食混放，也没有标签", 6),
    ("小卖部卖三无辣条，包装上连生产日期都没有", 6),
    ("学校食堂阿姨没有健康证就上岗了", 6),
    ("午餐的菜里吃出了虫子，好几个学生拉肚子", 6),
    ("学校门口的烧烤摊油烟很大，学生放学都围着买", 6),
    ("食堂留样冰柜坏了一个星期，这几天的饭菜都没留样", 6),
    # 4 交通安全
    ("校门口没有减速带，车开得飞快，学生过马路很危险", 4),
    ("好多初中生骑电动车上学，都不戴头盔", 4),
    ("接送学生的面包车严重超载，一辆车塞了十几个孩子", 4),
    ("校车司机开车打电话，还超速", 4),
    ("路口没有斑马线和红绿灯，学生放学只能冒险横穿", 4),
    ("学生骑摩托车载人上学，还没有驾照", 4),
    # 5 心理健康
    ("有个女生最近情绪很低落，在作文里写想死", 5),
    ("心理辅导室一直锁着，没有专职心理老师", 5),
    ("期末考试前好几个学生焦虑失眠，有的还哭着不肯进教室", 5),
    ("心里健康教育课一学期都没上过", 5),                      # typo 心里
    # 3 学生伤害
    ("六年级几个男生经常堵着低年级的要钱，不给就打", 3),
    ("有学生被同学起外号、孤立，还被扔了书包", 3),
    ("校外的社会青年经常在校门口等着找学生麻烦", 3),
    ("有家长反映体育老师经常摸女生的头和肩膀，让她们很不舒服", 3),
    ("两个学生家长因为孩子打架在学校闹，差点动手", 3),
    # 8 常规管理
    ("宿舍晚上熄灯后没有生活老师查寝", 8),
    ("食堂承包商拖欠工人工资，工人来学校堵门", 8),
    ("学生沉迷手机游戏，上课都在偷偷玩", 8),
    ("学生宿舍的床铺是上下铺，上铺没有护栏", 8),
    # 2 校园及周边
    ("学校保安年龄都七十多了，根本跑不动", 2),
    ("学校的监控坏了一大半，有几个角落完全拍不到", 2),
    ("校门口没有设置防冲撞设施，也没有护学岗", 2),
    ("围墙有一段倒了，外面的人可以直接走进来", 2),
    ("学校的消防栓没有水，灭火器都过期了", 2),
    ("学校的围墙快倒了，随时可能砸到学生", 2),
    # 7 法治教育
    ("法治副校长一个学期都没来过学校", 7),
    ("学校的道德与法治课经常被语文数学占用", 7),
    ("学校制定的校规里有罚款的条款，明显不合法", 7),
    # 1 部署落实
    ("学校的安全工作就是开个会念念文件，什么都不落实", 1),
    ("专班布置的排查任务学校一直没有动，也没有上报台账", 1),
    ("安全责任书都是校长一个人签的，老师都不知道有这回事", 1),
    ("学校的自查报告是抄的别的学校的，名字都没改", 1),
    ("学校没有成立校园安全工作领导小组", 1),
    ("上级发的安全通知学校从来不传达", 1),
    # less common words
    ("校园里的变压器没有围起来，学生课间经常在旁边追跑", 2),
    ("学校体育器材室的单杠生锈了，上次有学生摔下来", 8),
    ("学校的饮水机滤芯一年没换了，水有怪味", 6),
    ("学生上课经常趴着睡觉，说晚上睡不着，整天没精神", 5),
    ("有个孩子父母离婚后变得很暴躁，动不动就摔东西", 5),
    ("初二有个男生长期被同学嘲笑，最近不肯来上学了", 3),
    ("学校的食堂工人和学校签的合同到期了，工资也没发", 8),
    ("有学生偷偷去水电站的水库里游泳", 9),
    ("这几天下暴雨，上学路上的小溪漫过了桥面", 9),
    ("学生家长骑三轮车接孩子，一车拉五六个", 4),
    ("学校周边的小卖部卖烟给学生", 6),
])
def test_everyday_descriptions(parser, text, area):
    got = parser.parse(text, TODAY)
    assert (got.intent, got.category) == ("report", area)
    assert got.category_candidates[0] == area
    assert 0 < got.category_confidence <= 1


@pytest.mark.parametrize("text, area, dropped", [
    ("不是溺水的问题，是门卫晚上没人值班", 8, 9),
    ("不是食堂的问题，是学校门口流动摊贩卖的烤肠不卫生", 6, None),
    ("不是交通的问题，是有学生在桥下河里游泳", 9, 4),
    ("这个不是心理问题，是宿舍里有人偷偷打游戏到半夜", 8, 5),
    ("跟食品安全没关系，主要是校车超载", 4, 6),
    ("不是宿舍的事，是食堂的饭经常夹生", 6, 8),
])
def test_negation_drops_the_named_area(parser, text, area, dropped):
    got = parser.parse(text, TODAY)
    assert got.category == area
    assert dropped not in got.category_candidates


def test_negated_place_is_not_the_location(parser):
    assert parser.parse("不是食堂的问题，是学校门口流动摊贩卖的烤肠不卫生", TODAY).location == "校门口"


def test_a_tie_asks_a_short_question(parser):
    got = parser.parse("保安在食堂睡觉没人管", TODAY)
    assert set(got.category_candidates[:2]) == {2, 6}
    assert got.clarify and "食品安全" in got.clarify and "校园及周边综合治理" in got.clarify
    assert got.category_confidence <= 0.5


def test_a_clear_report_asks_nothing(parser):
    got = parser.parse("学校后门的鱼塘没有护栏，放学孩子常去玩", TODAY)
    assert got.clarify is None and got.category == 9 and got.category_confidence >= 0.5


def test_vocabulary_is_data(plan, directory):
    """A campaign that brings different words classifies by them, with no change in code."""
    import dataclasses
    vocabulary = {"areas": {6: {3: ["奶茶店"]}}, "tie_order": [6]}
    other = dataclasses.replace(plan, vocabulary=vocabulary)
    got = build_parser(other, directory).parse("校门口新开的奶茶店卖给学生", TODAY)
    assert got.category == 6


@pytest.mark.parametrize("text, area", [
    # what went wrong decides the area, not where it happened
    ("晚饭时两个高年级学生在食堂门口打起来了，一个人的眼镜被打碎", 3),
    ("那个女生最近总说不想活了，午饭也不去食堂吃", 5),
    ("体育课上几个男生把同学按进水里不让他起来", 3),
    ("有人在群里说周末要带刀去河边找人算账", 3),
    ("每月的安全排查表都是期末一次性补填的", 1),
    ("学校和农贸市场只隔一道铁栅栏，已经被掰开一个口子", 2),
])
def test_the_hazard_outweighs_the_place(parser, text, area):
    assert parser.parse(text, TODAY).category == area
