"""Intents, actions and query kinds, for command forms and for free Chinese text."""
import datetime as dt

import pytest

from bot.nlp import build_parser

TODAY = dt.date(2024, 6, 3)


@pytest.fixture(scope="module")
def parse(plan, directory):
    parser = build_parser(plan, directory)
    return lambda text, **kw: parser.parse(text, TODAY, **kw)


@pytest.mark.parametrize("text, intent, action, issue", [
    ("进展 #12 已联系交警", "progress", None, 12),
    ("进度 #16", "progress", None, 16),
    ("/progress 8 门卫已经重新排班", "progress", None, 8),
    ("进展 25 领导小组已经重新发文成立了", "progress", None, 25),
    ("销号 #12 护栏已装好", "close", None, 12),
    ("销号#27", "close", None, 27),
    ("/close 9 后门门禁已启用", "close", None, 9),
    ("申请销号 #3", "close", None, 3),
    ("确认销号 #12", "close", "approve", 12),
    ("同意销号 12", "close", "approve", 12),
    ("驳回 #12 护栏高度不够", "close", "reject", 12),
    ("退回 #5 没有附整改照片", "close", "reject", 5),
    ("#12 限期 6月20日", "progress", "set_deadline", 12),
    ("#9 延期到7月10日", "progress", "set_deadline", 9),
    ("挂牌督办 #18", "progress", "supervise", 18),
    ("督办 #4 三天内整改到位", "progress", "supervise", 4),
    ("重新打开 #12 护栏又被人拆了", "progress", "reopen", 12),
    ("重开 #6", "progress", "reopen", 6),
    ("#6 回头看发现问题又出现了", "progress", "reopen", 6),
])
def test_commands_on_an_issue(parse, text, intent, action, issue):
    got = parse(text)
    assert (got.intent, got.action, got.issue_id) == (intent, action, issue)


@pytest.mark.parametrize("text, intent", [
    ("#7 护栏已经装好了，申请销号", "close"),
    ("＃15 已经联系施工队，下周进场", "progress"),
    ("#19 整改中，预计下周三前完成", "progress"),
    ("12号隐患的减速带已经铺好了，限速牌还在做", "progress"),
    ("第3条 围挡已经加高到2米5，申请销号", "close"),
    ("三十六号隐患已整改完毕，请专班验收", "close"),
    ("隐患25已整改到位，请求销号", "close"),
    ("编号18 新供货商合同签好了，申请消号", "close"),          # typo 消号
    ("#30 随车照管员已经上岗，整改完成", "close"),
    ("#22 骑鬼火那几个学生的家长都约谈了", "progress"),
    ("#40 进展：泳池加了围栏，救生员还在招", "progress"),
    ("上次反映的校门口乱停车的问题，城管已经来贴了罚单", "progress"),
    ("之前报的那个鱼塘已经装好护栏了，可以销号吗", "close"),
    ("护栏已经装好了", "progress"),
])
def test_progress_and_close_in_free_text(parse, text, intent):
    assert parse(text).intent == intent


def test_asking_for_more_time_is_progress_not_setting_it(parse):
    got = parse("#8 家长一直不配合，能不能延到7月5日")
    assert (got.intent, got.action, got.deadline) == ("progress", None, dt.date(2024, 7, 5))


@pytest.mark.parametrize("text, kind", [
    ("统计", "overview"), ("逾期", "overdue"), ("黑榜", "blacklist"), ("即将到期", "due_soon"),
    ("月报", "report"), ("我的", "mine"), ("详情 #8", "detail"), ("查询 逾期", "overdue"),
    ("#20 怎么样了", "detail"), ("第十二条什么情况", "detail"), ("十二号隐患现在谁在跟", "detail"),
    ("隐患7的处理进度", "detail"),
    ("全区一共多少条隐患", "overview"), ("整体进展怎么样", "overview"),
    ("这周有哪些快到期的隐患", "due_soon"), ("哪些单位上了黑榜", "blacklist"),
    ("逾期没整改的有哪些", "overdue"), ("生成6月份的月度报告", "report"),
    ("我提交的隐患处理得怎么样了", "mine"), ("我们学校报的隐患怎么样了", "mine"),
])
def test_query_kinds(parse, text, kind):
    got = parse(text)
    assert (got.intent, got.query) == ("query", kind)


@pytest.mark.parametrize("text, kind, school, unit, category", [
    ("查 鱼峰一中", "by_school", "鱼峰区第一中学", None, None),
    ("查 实小", "by_school", "鱼峰区实验小学", None, None),
    ("查白沙镇中学", "by_school", "白沙镇中学", None, None),
    ("白沙中学有几条隐患", "by_school", "白沙镇中学", None, None),
    ("阳光幼儿园的隐患整改得怎么样了", "by_school", "鱼峰区阳光幼儿园", None, None),
    ("查 公安鱼峰分局", "by_unit", None, "公安鱼峰分局", None),
    ("市场监管局负责的有哪些", "by_unit", None, "区市场监管局", None),
    ("公安分局的整改进度", "by_unit", None, "公安鱼峰分局", None),
    ("查 白沙镇", "by_unit", None, "白沙镇", None),
    ("查 食品安全", "by_category", None, None, 6),
    ("查 电动车", "by_category", None, None, 4),
    ("交通安全方面的隐患有几条", "by_category", None, None, 4),
    ("宿舍管理类的问题都整改了吗", "by_category", None, None, 8),
])
def test_query_targets(parse, text, kind, school, unit, category):
    got = parse(text)
    assert (got.intent, got.query, got.school, got.unit, got.category) == ("query", kind, school, unit, category)


@pytest.mark.parametrize("text", [
    "帮助", "?", "怎么上报隐患", "这个机器人怎么用", "销号需要什么材料", "怎么申请延期", "上报的格式是什么",
    "销号是谁审批的，要走什么流程",
])
def test_help(parse, text):
    assert parse(text).intent == "help"


@pytest.mark.parametrize("text", [
    "你好", "谢谢老师", "收到", "好的，马上安排", "👍👍", "[微笑]", "今天食堂吃什么", "明天几点开会",
    "大家辛苦了", "", "   ", "🙂", "哈哈哈",
])
def test_chit_chat_is_other(parse, text):
    assert parse(text).intent == "other"


@pytest.mark.parametrize("text", [
    "您好，打扰一下，我们学校的监控坏了，麻烦尽快处理，谢谢！",
    "老师好，想反映一下，学校旁边有家网吧经常有学生进去",
    "学校没有开展过任何普法宣传活动，学生不知道什么是违法",
    "屏山小学自查自纠只查了教学楼，宿舍、食堂、周边都没查",
])
def test_reports_wrapped_in_politeness_or_questions(parse, text):
    assert parse(text).intent == "report"


@pytest.mark.parametrize("text, intent, action", [
    ("确认 #12 销号", "close", "approve"),
    ("#12 验收通过，同意销号", "close", "approve"),
    ("#12 已经验收合格，申请销号", "close", None),          # a school asking, not the task force approving
    ("#12 驳回，护栏太矮", "close", "reject"),
    ("报告 #12 已整改完毕", "close", None),
    ("关于12号的隐患，护栏已经装好", "progress", None),
    ("好的，#12 我们马上处理", "progress", None),
])
def test_close_out_decisions_in_free_text(parse, text, intent, action):
    got = parse(text)
    assert (got.intent, got.action, got.issue_id) == (intent, action, 12)


@pytest.mark.parametrize("text, intent", [
    ("学校门口的减速带已经铺好了，限速牌也装上了，麻烦交警来验收一下", "progress"),
    ("校门口红绿灯的事有进展了：交警说下周来修", "progress"),
    ("查看监控发现一中门口有人打架", "report"),              # 查看 starts a report, not a query
    ("收到，马上整改", "other"),
])
def test_news_without_a_number(parse, text, intent):
    assert parse(text).intent == intent


@pytest.mark.parametrize("text, kind", [("看看逾期的", "overdue"), ("统计一下", "overview"), ("黑榜上有谁", "blacklist")])
def test_loose_query_forms(parse, text, kind):
    assert parse(text).query == kind


def test_query_straight_after_cha(parse):
    got = parse("查一中")
    assert (got.query, got.school) == ("by_school", "鱼峰区第一中学")


@pytest.mark.parametrize("text, intent, issue", [
    ("住建局回复：第9条反映的危房已经列入改造计划", "progress", 9),
    ("区教育局：#31 已督促学校整改，下周复查", "progress", 31),
    ("我是派出所的，#17 那几个社会青年已经训诫了", "progress", 17),
    ("公安分局已经在校门口设了护学岗", "progress", None),
    ("隐患第8条还在整改中", "progress", 8),
    ("#11 暂时还没整改，原因是经费没到位", "progress", 11),
    ("进展：护栏已经装了一半", "progress", None),
])
def test_updates_from_units(parse, text, intent, issue):
    got = parse(text)
    assert (got.intent, got.issue_id) == (intent, issue)


@pytest.mark.parametrize("text, action", [
    ("#13 延期申请：施工队下周才能进场，申请延到6月30日", None),
    ("#13 截止时间改为6月30日", "set_deadline"),
    ("把#13的期限改到6月30日", "set_deadline"),
    ("隐患13 限期6月30日前整改完毕", "set_deadline"),
])
def test_deadline_changes(parse, text, action):
    got = parse(text)
    assert (got.intent, got.action, got.issue_id, got.deadline) == ("progress", action, 13, dt.date(2024, 6, 30))


@pytest.mark.parametrize("text, kind", [
    ("我想看看#13", "detail"), ("#13 现在什么状态", "detail"), ("麻烦发一下第13条的详细信息", "detail"),
    ("帮我查下白沙中学的隐患", "by_school"), ("一中那边有几个隐患没处理", "by_school"), ("特校的情况怎么样", "by_school"),
    ("统计一下全区各学校的整改情况", "overview"), ("本月的整改情况汇报一下", "report"),
    ("这个月的月报出来了吗", "report"), ("哪些隐患快到截止日期了", "due_soon"), ("有没有超期的隐患", "overdue"),
    ("黑名单里有哪些学校", "blacklist"), ("我上报的那个鱼塘的隐患处理了吗", "mine"),
    ("防溺水方面整改了多少", "by_category"), ("食品安全问题有几条没整改", "by_category"),
])
def test_more_ways_to_ask(parse, text, kind):
    got = parse(text)
    assert (got.intent, got.query) == ("query", kind)


@pytest.mark.parametrize("text", ["周五开会记得带材料", "你们那边进度快一点", "辛苦了各位", "嗯嗯", "@校园安全助手"])
def test_more_chatter(parse, text):
    assert parse(text).intent == "other"


@pytest.mark.parametrize("text, intent, query", [
    # asked about one issue, in several ways
    ("#8是哪所学校的", "query", "detail"),
    ("第9条现在卡在哪个环节了", "query", "detail"),
    ("22号隐患是谁报的", "query", "detail"),
    # a close-out in the writer's own words
    ("#6 护栏装好了，可以销了", "close", None),
    ("第4条整改完了，门锁都换了新的", "close", None),
    # the sender's own reports, the late ones, a list asked for
    ("我前面反映的那两条有人管吗", "query", "mine"),
    ("我报上去的问题处理到哪了", "query", "mine"),
    ("有哪些没按时整改完的", "query", "overdue"),
    ("食品安全方面的隐患列一下", "query", "by_category"),
    # help, and small talk that only sounds like a problem
    ("你都能干些啥", "help", None),
    ("周五的安全例会几点开", "other", None),
    ("会议地点不变，时间改到三点", "other", None),
    # someone brought in to fix it: news of work under way, not a new hazard
    ("前天请了电工师傅来，教学楼的线路在重新布了", "progress", None),
])
def test_free_text_cues_that_generalise(parse, text, intent, query):
    got = parse(text, sender_role="leader", sender_unit="鱼峰区第一中学")
    assert (got.intent, got.query) == (intent, query), got


@pytest.mark.parametrize("text, intent, query", [
    ("申請銷號 #9 圍牆已經修好", "close", None),                  # traditional characters
    ("導出本月的月報", "query", "report"),
    ("生成上个月的整治工作月报", "query", "report"),
    ("#12 围墙砌完了，就剩铁丝网没拉", "progress", None),          # finished a part, not the whole
    ("周五的推进会改在二楼会议室，下午三点开", "other", None),        # meeting logistics, no hazard
])
def test_more_cues_that_generalise(parse, text, intent, query):
    got = parse(text, sender_role="taskforce")
    assert (got.intent, got.query) == (intent, query), got


def test_upper_case_words_in_the_vocabulary_match(plan, directory):
    parser = build_parser(plan, directory)
    assert parser.parse("学校对面的KTV晚上放学生进去唱歌", TODAY).category == 2
    assert parser.parse("学校对面的ktv晚上放学生进去唱歌", TODAY).category == 2


def test_a_missed_date_is_not_the_deadline_set(plan, directory):
    got = build_parser(plan, directory).parse("白沙镇中学没在25号前报送材料，限3个工作日内补报", dt.date(2023, 6, 19))
    assert got.deadline == dt.date(2023, 6, 25)     # 6/20, 6/21, then 端午 (6/22-24) and the make-up Sunday


@pytest.mark.parametrize("text, intent, action", [
    ("#7 不通过，照片里护栏还是缺一段", "close", "reject"),
    ("第12条 更新一下：减速带铺完了，牌子也立了", "progress", None),     # one task done, not the whole
    ("转发：关于印发校园安全工作要点的通知，请各单位认真贯彻执行", "other", None),
])
def test_decisions_tasks_and_forwarded_notices(parse, text, intent, action):
    got = parse(text, sender_role="taskforce")
    assert (got.intent, got.action) == (intent, action), got
