"""What a message asks the bot to do: command words first, then cues in free Chinese text."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    intent: str
    action: str | None
    query: str | None
    start: int
    end: int
    takes_issue: bool


# Leading command words, most specific first. A command word must stand alone: followed by a space,
# '#', a digit, ':' or the end ("销号#27", "进展 25"), so "销号是谁审批的" is a question, not a command.
_COMMANDS = (
    (r"/approve|(?:确认|同意|批准|准予|通过)(?:销号)", "close", "approve", None, True),
    (r"/reject|驳回|退回|打回|不同意销号", "close", "reject", None, True),
    # 督办 and reopening keep an issue open: follow-ups on it (progress), each with its own action
    (r"/supervise|挂牌督办|督办", "progress", "supervise", None, True),
    (r"/reopen|重新打开|重新开启|重开|重启", "progress", "reopen", None, True),
    (r"/report|/上报|上报隐患|隐患上报|报告隐患|报隐患|上报|报告|反映", "report", None, None, False),
    (r"/progress|/进展|进展|进度|更新|跟进", "progress", None, None, True),
    (r"/close|/销号|申请销号|销号", "close", None, None, True),
    (r"/detail|/详情|详情|详细", "query", None, "detail", True),
    (r"/limit|/deadline|限期|延期", "progress", "set_deadline", None, True),
    (r"/stats|/overview|/统计|统计|汇总|总览|概况", "query", None, "overview", False),
    (r"/overdue|/逾期|逾期|超期", "query", None, "overdue", False),
    (r"/blacklist|/黑榜|黑榜|黑名单", "query", None, "blacklist", False),
    (r"/due|/soon|即将到期|快到期|临期", "query", None, "due_soon", False),
    (r"/month|/monthly|/月报|月报", "query", None, "report", False),
    (r"/mine|/我的|我的", "query", None, "mine", False),
    (r"/help|/帮助|帮助|help|菜单|命令|指令|使用说明", "help", None, None, False),
    (r"/query|/查|/查询|查询|查看|查一下|看一下|看看|check一下|check|查", "query", None, None, False),
)
COMMANDS = tuple((re.compile(rf"^\s*(?:{words})(?=\s|#|\d|:|$)"), intent, action, query, takes)
                 for words, intent, action, query, takes in _COMMANDS)
# 查 may run straight into its target ("查白沙镇中学"); resolved later against the directory.
LOOSE_QUERY = re.compile(r"^\s*(?:查询|查看|查一下|看一下|看下|看看|check一下|check|查)(?=\S)")
# "#12 限期 6月20日", "#12 延期到7月5日": a deadline set on an issue anywhere in the message.
SET_DEADLINE = re.compile(r"限期|延期|延到|延至|延长到|延长至|推迟到|推迟至|宽限|顺延|改到|改为|调整为|放到|放宽到|"
                          r"截止(?:日期|时间)?(?:改|调整|定)?为|期限(?:改|调整|定)为")


def match_command(text: str) -> Command | None:
    for pattern, intent, action, query, takes in COMMANDS:
        m = pattern.match(text)
        if m:
            return Command(intent, action, query, m.start(), m.end(), takes)
    return None


def loose_query(text: str) -> Command | None:
    m = LOOSE_QUERY.match(text)
    return Command("query", None, None, m.start(), m.end(), False) if m else None


# ---- help ------------------------------------------------------------------------------------
HELP_WORDS = re.compile(r"帮助|help|使用说明|说明书|用法|怎么用|咋用|如何使用|怎样使用|怎么使用|命令|指令|菜单|"
                        r"有什么功能|有啥功能|能(?:做|干|帮|查|问)(?:些|点)?(?:什么|啥|嘛)|干嘛用|会什么|格式|模板|教程|操作指南|流程|步骤")
HELP_HOW = re.compile(r"不会(?:用|操作|弄|使用)|教(?:教|一下|下)我|(?:怎么|如何|咋|怎样)(?:才能)?(?:在这里|在这儿|在群里|在这)?(?:上报|报|销号|操作|填|写|提交|查询?|用|弄|发|使用|申请|延期|登记|注册|"
                      r"补发|补传|补报|补充|上传|传|改|修改|更改|更正|撤回|撤销|删除|删掉|取消)|"
                      r"(?:机器人|小助手|助手|你)(?:能不能|能|可以|可不可以|会不会|会|支持)[^，,。；;]{0,10}?(?:吗|么|嘛|[?？])|"
                      r"^(?:能|可以|能不能|可不可以)(?:发|传|上传|拍|发送)(?:照片|图片|相片|语音|视频|文件|截图)[吗么嘛]?[?？]*$|"
                      r"(?:进展|销号|上报|延期|限期|督办|验收)(?:和|跟|与)(?:进展|销号|上报|延期|限期|督办|验收)(?:有)?(?:什么|啥)(?:区别|不同)|"
                      # "销号以后还能重新打开吗", "上报的时候学校名字要写全称吗": the rules of an operation
                      r"^(?:上报|报隐患|销号|延期|限期|进展|登记|注册|督办)(?:以后|之后|后|时|的时候)?[^，,。；;]{0,8}?"
                      r"(?:还能|能不能|能否|可以|可不可以|要不要|需不需要|要|需要|得)[^，,。；;]{0,10}?(?:吗|么|嘛|[?？])$|"
                      r"(?:上报|销号|延期|限期|登记|注册)(?:需要|要|得)(?:写|填|交|提供|准备|附|上传|传|提交|带)?(?:什么|哪些|啥)|"
                      r"(?:上报|销号|进展|查询|限期|督办)(?:要|该|应该|需要)?(?:怎么|如何|咋)(?:写|填|报|操作|弄|发|提交|申请|用|办)")
QUESTION = re.compile(r"[?？吗呢么嘛]|什么|啥|怎么|如何|咋|哪|谁|多少|是否|能不能|可不可以|有没有|几点|几号|几时")


# "使用说明发一下", "给我看看命令": asking for something to be sent or shown.
REQUEST = re.compile(r"发一下|发个|发我|给我|看一下|看看|来一份|说一下|讲一下|介绍一下|说说")


def is_help(text: str) -> bool:
    if len(text) > 40:
        return False
    if HELP_HOW.search(text) and (len(text) <= 30 or ENDS_AS_QUESTION.search(text)):
        return True     # "…能在这里上报吗？怎么报？": a longer message, but it ends by asking how
    if len(text) > 30:
        return False
    return bool(HELP_WORDS.search(text)) and (bool(QUESTION.search(text) or REQUEST.search(text)) or len(text) <= 6)


# ---- progress and close-out -------------------------------------------------------------------
CLOSE_REQUEST = re.compile(r"销号|核销|销一下号|销个号|帮我销|给销了|(?:可以|能|申请|请)销(?:掉|了)|(?:请|申请|请求)\s*(?:专班)?\s*(?:验收|复核|核查验收)")
DONE = re.compile(r"(?:整改|处理|维修|修复|解决|落实|处置|安装|施工|清理|办理)?\s*(?:已经?|都已?|全部)?\s*"
                  r"(?:完毕|完成|到位|结束|办结|了结|解决了|处理好|整改好)|已(?:经)?(?:整改|处理|解决|修复|办结)|"
                 r"(?:整改|处理|全部(?:修|弄|做|装|换|拆|铺|补|建|清理)?)完了|(?<![修弄装换做拆铺])改好了")
NOT_YET = re.compile(r"预计|计划|争取|尽快|力争|将|会|要|还没|没有|未|尚未|能否|能不能|之前|前|下周|明天|后天|等|内|月底|周末")
ONGOING = re.compile(r"还在|正在|尚未|还没|未完成|一部分|一半|下一步|整改中|进行中|推进中|等待|还要|还需|还差|"
                     r"还剩|就剩|只剩|剩下")


def is_done(text: str) -> bool:
    """The work is reported finished (整改完毕, 已处理), not planned (预计下周完成)."""
    for m in DONE.finditer(text):
        before = text[max(0, m.start() - 6):m.start()]
        if not NOT_YET.search(before):
            return True
    return False


def asks_to_close(text: str) -> bool:
    """A close-out asked for, not put off ("暂时不申请销号")."""
    return any(not re.search(r"(?:不|没|未|别|已|已经)(?:申请|请求|要|想|急着)?\s*$", text[max(0, m.start() - 5):m.start()])
               and not re.match(r"\s*(?:申请)?(?:被|没|未|不)", text[m.end():])      # "销号被退回了"
               for m in CLOSE_REQUEST.finditer(text))


def progress_or_close(text: str) -> str:
    if asks_to_close(text):
        return "close"
    if is_done(text) and not ONGOING.search(text):
        return "close"
    return "progress"


# With an issue number: the task force confirms or turns down a close-out in its own words.
APPROVE = re.compile(r"(?:确认|同意|批准|准予|予以)\s*销号|验收通过|验收合格|"
                     r"^[\s,，:：]*(?:通过|同意|批准|准予)[\s!！。.~～👍✅👌]*$")
REQUESTS_CLOSE = re.compile(r"(?:申请|请求|请|可以|能否|能不能)\s*(?:专班)?\s*(?:销号|验收)")
REJECT = re.compile(r"(?<!被)(?:驳回|退回|打回)|不予销号|不同意销号|不能销号|验收不通过|"
                    r"(?:^|[，,。；;\s])(?:不通过|没通过|未通过|不予通过)(?=[，,。；;:：\s]|$)")
# "校门口红绿灯的事有进展了": news, not a new hazard.
NEWS = re.compile(r"有进展|新进展|最新进展|进展情况[:：]|整改进展[:：]")
# "鱼峰分局这边反馈：…": a unit passes something on — news of an issue, or a new hazard it found
RELAYED = re.compile(r"^\S{2,12}?(?:回复|反馈)[:：]")

# "#6 护栏又被拆了", "回头看发现#6又出现了": a closed issue is back (回头看 → reopen).
REOPEN = re.compile(r"回头看|又出现|重新出现|又被|又坏|反弹|复发|死灰复燃|又开始")
# "护栏已经装好了": news of work done, about an issue whose number the writer left out.
STATUS_ONLY = re.compile(r"已经?(?:[^，,。；;]{0,8}?)(?:装好|修好|换好|弄好|铺好|整改|处理|完成|到位|落实|安装|更换|解决|"
                         r"拆除|清理|上岗|到岗|配齐|装上|换上)|"
                         r"已经?[^，,。；;]{0,10}?(?:设了|装了|建了|安排了|配了|落实了|成立了|换了|修了|铺了|贴了|约谈了|"
                         r"训诫了|拆了|清理了|加了|派了|联系了|通知了|督促了|召开了|开展了|组织了|签了|开了|开过|谈了|谈过|"
                         r"沟通了|沟通过|协商了|对接了|送到|送去|劝离|封存|立案|清走|取缔|叫停|停用|关停)")

# "例会改到周四下午3点，在教育局3楼会议室": when and where a meeting is, not a hazard.
MEETING = re.compile(r"(?:例会|会议|开会|培训|座谈会|推进会|调度会)[^，,。；;]{0,8}?"
                     r"(?:改到|改在|改为|定在|定于|调整到|推迟到|提前到|在)[^。；;]{0,20}?"
                     r"(?:\d+\s*点|[一二三四五六七八九十]+点|会议室|礼堂|报告厅|召开)")

# "在三楼会议室开推进会", "下午3点…开会，各校参加": a meeting announced, not a hazard.
MEETING_AT = re.compile(r"(?:会议室|礼堂|报告厅|视频会议?|线上)[^，,。；;]{0,4}?(?:召开|开|举行|举办)[^，,。；;]{0,20}?"
                        r"(?:会|培训|座谈|讲座)|^(?:会议)?通知[:：][^。；;]{0,30}?(?:召开|举行|举办)|"
                        r"(?:\d+|[一二三四五六七八九十两]+)\s*点[^，,。；;]{0,12}?开会|"
                        r"(?:\d+|[一二三四五六七八九十两]+)\s*点[^，,。；;]{0,14}?(?:开|召开|举行)[^，,。；;]{0,8}?会(?![议室])|"
                        r"(?:开会|召开|举行)[^。；;]{0,16}?(?:参加|参会|出席)|"
                        # "督导改到6月20号了": an inspection or meeting moved, not a deadline set
                        r"^(?:例会|会议|开会|培训|督导|督查|检查|验收|考核|座谈会|推进会|调度会)(?:组)?(?:时间)?\s*"
                        r"(?:改到|改在|改为|调整到|推迟到|提前到|定在|定于)[^，,。；;]{0,12}$")
# "转发：关于印发…的通知，请各成员单位认真贯彻执行": a document passed on, not a hazard.
FORWARDED = re.compile(r"^\s*(?:转发|【转发】|转自)|关于印发|贯彻执行|请各(?:成员)?单位(?:认真)?(?:学习|落实|执行|传达)")
# "【转发】市教育局：请各校…": passed on from a named body — a document, whatever words of trouble it uses
FORWARDED_DOC = re.compile(r"^\s*(?:【转发】|转发|转自)\s*[:：]?\s*[^，,。；;:：]{0,12}?(?:局|委|办|政府|中心|专班|通知|文件|学校)\s*[:：]")

# "昨天我们找了施工队过来…": someone was brought in to fix it, news of work under way.
FIXING = re.compile(r"(?:找了|请了|联系了|叫了|安排了|派了)(?:[^，,。；;]{0,4}?)(?:施工队|工人|师傅|电工|维修|厂家|施工方)")

# "我们已经跟网吧老板谈过了": the writer's own unit tells what it has done, news not a new hazard.
OWN_NEWS = re.compile(r"^(?:我们|我校|我局|我所|我队|本校|本局|本所|我单位|我们单位|我们学校|我们局|我们大队|我们所)"
                      r"\s*(?:这边|这里)?\s*(?:都|也)?\s*(?:已经|已(?!经))(?!\s*(?:有|是|连续|快|好几|反映|报|说|提|催|"
                      r"[\d一二两三四五六七八九十几多]))")

# "上次那个吊扇的问题已经修好了", "那个走失的孩子的事情，学校已经开了专题会": a known matter, with news.
REFERS_BACK = re.compile(r"^(?:关于)?\s*(?:上次|上回|之前|前面|前几天|那个|这个)\s*(?:说的|提的|那个|这个)?"
                         r"[^，,。；;]{1,20}?的(?:事情?|问题|情况|隐患)|"
                         # "关于里雍镇中学家长打架那个事", "围墙开裂那条": the topic first, then the pointer
                         r"^(?:关于)?\s*[^，,。；;]{2,20}?(?:那个|这个|那件|那一?条)(?:事情?|问题|隐患)?(?=[，,\s]|已|已经)")
STILL_WRONG = re.compile(r"还是|仍然|依然|依旧|又|一直没|还没人|没人管|不管|没整改|没解决")


def refers_back_with_news(text: str) -> bool:
    m = REFERS_BACK.search(text)
    if not m:
        return False
    rest = text[m.end():]
    if asks_to_close(rest):
        return True       # "那个…的事，现在按时来了，可以销号"
    return bool(re.search(r"已经?|了[，,。]?$|好了|完了", rest)) and not STILL_WRONG.search(rest)


# "上次报的…", "之前反映的…": a message about an issue already on the ledger, without its number.
EARLIER = re.compile(r"(?:上次|之前|前几天|前天|昨天|上周|上回|刚才|早上|前面|先前|此前|那天|上个月)\s*(?:我|我们)?"
                     r"\s*(?:报|反映|上报|提|说|发)(?:的|过)")

# "除了上次报的那个鱼塘，…还有个积水坑": beside an earlier report, a new hazard
BESIDES = re.compile(r"除了[^，,。；;]{0,14}?(?:报|反映|说|提)(?:的|过)|(?:另外|还有)(?:一个|个|一处|处|一件)")

# "王老师，…课件能发我一份吗": written to a colleague in the group, not to the bot
ADDRESSED = re.compile(r"^\S{1,3}(?:老师|校长|主任|科长|局长|书记|所长|队长|部长|股长|站长|园长|组长)\s*[，,:：]")
THANKS_FIRST = re.compile(r"^(?:谢谢|感谢|多谢|辛苦了?)")

# ---- queries -----------------------------------------------------------------------------------
QUERY_KINDS = (
    ("blacklist", re.compile(r"黑榜|黑名单|通报批评|被通报|点名通报|通报了哪|挂黑|上榜")),
    ("overdue", re.compile(r"逾期|超期|过期未|超过期限|超过整改期限|超时|拖期|过了(?:整改)?(?:期限|时限)|超过(?:整改)?时限|没按期|未按期|到期未|"
                           r"没按时|未按时|拖着没|过期了?还没|过期的(?:隐患|问题|事项)")),
    ("due_soon", re.compile(r"即将到期|快到期|快到截止|临近截止|到截止日期|截止日期快到|快到期限|就(?:要)?到期|要到期|马上到期|临近(?:截止|到期)|快截止|临期|"
                            r"(?:下周|这周|本周|近期|最近|几天内?|明天|后天|(?:\d+|[一二两三四五六七八九十]+)(?:个)?(?:天|日|周|星期|工作日)内?)(?:就)?(?:要)?到期")),
    ("report", re.compile(r"月报|月度报告|月度总结|(?:月度|每月|本月|这个月)的?(?:报送|上报)材料|(?:本月|这个月|上个?月|月度|每月|(?:\d{1,2}|[一二三四五六七八九十]{1,2})月份?)"
                          r"的?(?:整改|整治)?(?:工作)?(?:情况)?(?:报告|总结|报表|汇报)|"
                          r"整改报告|整治(?:工作)?报告|(?:出|生成|导出|导|做|写|拉|弄)(?:一?份|一?个).{0,10}(?:报告|报表)")),
    ("mine", re.compile(r"我们?(?:学校|单位|局|所|队|镇|中心)?(?:自己)?(?:之前|以前|前面|上次|最近|刚才|前几天|前两天|这几天|昨天|上周|那天)?"
                        r"(?:上报|报|提交|反映|发)(?:上去|过|了)*(?:的|哪些|什么|几)|"
                        r"我的(?:隐患|上报|问题)|我们?(?:学校|单位)?报的|我名下|"
                        r"我们?(?:学校|单位|局|所|队|镇|中心)?(?:牵头|负责|名下)(?:整改)?的")),
    ("overview", re.compile(r"整改率|完成率|销号率|统计|汇总|总体|整体|全区|总共|一共|多少|概况|总览|总的情况|全部隐患|所有隐患|"
                            r"总的数据|总数据|总数|总台账|有几条")),
)
# "宿舍方面的隐患有几条": the issues of one side of the plan
AREA_TOPIC = re.compile(r"方面的?(?:隐患|问题)")
# Asking words that, with a school or an area named, make a message a question about the ledger.
ENDS_AS_QUESTION = re.compile(r"(?:[吗呢]|没有?)[?？]*$|[?？]$")
ASKS = re.compile(r"有哪些|哪些|多少|几个|几条|怎么样|咋样|如何|进度|进展|情况(?=[?？吗呢]|\s*$)|汇总|统计|清单|名单|列表|详情|"
                  r"排名|查一下|查查|查询|查看|看一下|看看|给我|列出|列一下|列一列|列个|列下|列举|罗列|发一下|谁|到哪|"
                  r"生成|导出|导一份|拉一份|出一份|做一份|弄一份|整理一下|出一下|出个|"
                  r"[吗呢][?？]*$|[?？]$")
RESPONSIBLE = re.compile(r"^\s*\S{2,12}?(?:负责|牵头|名下|管)的(?:隐患|问题|事项|整改|任务|[?？]*$)")
ENDS_AS_TOPIC = re.compile(r"(?:的)?(?:整改)?(?:情况|进度|进展|详情|隐患|问题)\s*[?？吗呢了]*$")
DETAIL = re.compile(r"^(?:现在)?(?:进展|进度|情况|结果)(?:呢|如何|怎样|怎么样|咋样)[?？]*$|详情|详细|怎么样|如何了|到哪|进展如何|进度如何|什么情况|谁(?:在)?负责|谁管|哪个单位|"
                    r"谁(?:报|上报|提|反映|发|登记)的|哪(?:个|所)学校|哪里的|哪一步|卡在哪|卡住了|哪个环节|"
                    r"是什么|查一下|查看|看看|看一下|情况[?？]?$|谁在跟|谁跟进|谁在管|谁在处理|到哪一步|到什么程度|"
                    r"(?:的|处理|整改)(?:进度|进展)[?？吗呢]*$|状态|什么阶段|处理得怎么样|进展到哪")


def query_kind(text: str) -> str | None:
    for kind, pattern in QUERY_KINDS:
        if pattern.search(text):
            return kind
    return None


def asks_for_information(text: str) -> bool:
    return bool(ASKS.search(text) or QUESTION.search(text))


def asks_about_issue(rest: str) -> bool:
    """After an issue number: a question about it (详情, 谁负责, 怎么样了) rather than news of it."""
    rest = rest.strip(" ,，:：。")
    return not rest or bool(DETAIL.search(rest)) and len(rest) <= 16


# ---- chit-chat and reports ---------------------------------------------------------------------
PROBLEM = re.compile(r"没有|没人|没|不|坏|缺|破|漏|危险|隐患|问题|存在|发现|反映|未|无|乱|差|脏|堵|松动|断|锈|摔|伤|"
                     r"塌|裂|掉|脱落|老化|探险|废弃|险")
# Everyday phrases built on those words that say nothing is wrong ("地点不变", "没问题", "不客气").
NOTHING_WRONG = re.compile(r"不变|没变|不错|不用谢|不客气|不好意思|不要紧|没关系|没问题|没事了?|不见不散|不过|是不是|要不要|会不会|可不可以|能不能|[来了好到]没[?？]*$")


# "全校走了一遍，没发现问题", "暂时没有新增隐患", "应该没什么问题吧": a check that found nothing.
ALL_CLEAR = re.compile(r"(?:没|未)(?:有)?(?:发现|查出|查到|检查出|排查出)[^，,。；;]{0,10}?(?:问题|隐患|异常)(?![排记台整清])|"
                       r"(?:没|未)(?:有)?(?:发现|查出|查到|检查出|排查出)(?:任何)?(?:违规|违章|违禁|可疑|过期)|"
                       r"(?:都|均|全部)(?:在有效期内?|合格|达标|符合要求)|"
                       r"暂(?:时)?(?:没有|无|未发现)(?:新增|新的)?(?:问题|隐患)(?![排记台整清])|"
                       r"(?:没有|无)(?:新增|新的)(?:问题|隐患)(?![排记台整清])|一切正常|均正常|都正常|无异常|"
                       r"(?:应该|基本|都)没(?:什么|啥|多大)问题")
# "但是围墙有裂缝", "心理老师却说没发现异常": the all-clear is not the whole message, or is disputed
BUT = re.compile(r"但|不过|就是|只是|除了|另外|还有|可是|却|反而|居然|竟然")


def all_clear(text: str) -> bool:
    m = ALL_CLEAR.search(text)
    return bool(m) and not BUT.search(text)


# "值班表已经发到群里了", "名额分配表见附件", "辛苦大家了…另行通知": the running of the campaign itself.
ADMIN_NOTICE = re.compile(r"(?:表|通知|文件|名单|材料|安排|课件|模板|链接|电话)[^，,。；;]{0,8}?发(?:到|在)?群里|见附件|请查收|请各(?:校|学校|单位)报名|另行通知|特此(?:报备|通知|说明)|"
                          r"请各(?:成员)?(?:单位|学校|校|部门)[^。；;]{0,24}?(?:报送|上报|报专班|报教育局|报给|提交)|"
                          r"联系人(?:换成|改为|变更为|调整为)|放假通知|值班表|值班安排|"
                          r"辛苦(?:大家|各位)|感谢(?:大家|各位)")

# "明天下午来教育局三楼领", "督导组几点出发？我开车", "王校长电话多少": arrangements and contacts.
CONTACT = re.compile(r"(?:电话|手机号?|联系方式|微信号?|号码)(?:号码)?(?:是不是\s*\d{5,}|(?:是)?(?:多少|发我|给我|有吗|有没有))")
LOGISTICS = re.compile(r"(?:来|到|去)[^，,。；;]{0,12}?(?:领取?|拿一下|取一下|签到|集合)|几点(?:出发|集合|开始|到|走)|"
                       r"(?:在哪|哪里)(?:集合|开会|领)|我开车(?:去|过去|送|带)?[。.!！]?$|线上还是线下|" + CONTACT.pattern)


def is_notice(text: str) -> bool:
    """Meetings, documents passed on, arrangements of the campaign itself (a notice, whatever it names)."""
    return any(p.search(text) for p in (MEETING, MEETING_AT, FORWARDED, FORWARDED_DOC, ADMIN_NOTICE, LOGISTICS))


def remark(text: str) -> str | None:
    """What a message that is no report, follow-up or query is, so the answer can fit it."""
    if all_clear(text):
        return "all_clear"       # a check that found nothing
    if CONTACT.search(text):
        return "contact"         # someone's phone number
    if is_notice(text):
        return "notice"          # meetings, documents, arrangements of the campaign itself
    return None


def has_problem(text: str) -> bool:
    """Some word of something wrong, once the phrases that only sound like one are set aside."""
    return bool(PROBLEM.search(NOTHING_WRONG.sub("", text)))
