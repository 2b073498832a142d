"""Every sentence the bot says, in one place so the Chinese can be reviewed together."""
from __future__ import annotations

import datetime as dt

STATUS = {"open": "待整改", "in_progress": "整改中", "pending_review": "待验收", "closed": "已销号"}
ROLE = {"teacher": "教师", "leader": "负责人", "taskforce": "专班", "admin": "管理员", "guest": "未登记人员"}
WEEKDAY = "一二三四五六日"

ACTION_WHO = {
    "view": "专班成员，或该隐患所属学校、责任单位的人员",
    "progress": "上报人、该隐患所属学校或责任单位的人员，或专班",
    "set_deadline": "该隐患所属学校或责任单位的负责人，或专班",
    "request_close": "该隐患所属学校或责任单位的负责人，或专班",
    "approve": "专班，或该隐患所属单位的负责人（不能是申请销号的本人）",
    "reject": "专班，或该隐患所属单位的负责人",
    "supervise": "专班",
    "reopen": "专班，或该隐患所属单位的负责人",
    "query_all": "专班",
    "report": "任何人",
}
ACTION_NAME = {"view": "查看", "progress": "登记进展", "set_deadline": "设置整改时限", "request_close": "申请销号",
               "approve": "确认销号", "reject": "驳回销号", "supervise": "挂牌督办", "reopen": "重新打开",
               "query_all": "查看全区情况", "report": "上报"}


def date(d: dt.date | None) -> str:
    return f"{d.month}月{d.day}日" if d else "未定"


def date_full(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def date_weekday(d: dt.date) -> str:
    return f"{d.month}月{d.day}日（周{WEEKDAY[d.weekday()]}）"


def days_left(deadline: dt.date, today: dt.date) -> str:
    n = (deadline - today).days
    if n > 0:
        return f"还剩{n}天"
    if n == 0:
        return "今天到期"
    return f"已逾期{-n}天"


def forbidden(action: str, actor, issue) -> str:
    what = ACTION_NAME.get(action, "办理这项操作") + (f"（#{issue.id}）" if issue is not None else "")
    who = ACTION_WHO.get(action, "有权限的人员")
    if not actor.registered:
        return f"抱歉，您还没有登记，不能{what}。可以办理的是：{who}。\n{REGISTER_HINT}"
    return f"抱歉，{what}需要由{who}办理；您是{ROLE.get(actor.role, actor.role)}，没有这项权限。"


REGISTER_HINT = "如需登记，请把姓名、单位、手机号和平台账号发给系统管理员，加入通讯录后即可使用全部功能。"
NOT_FOUND = "没有找到隐患 #{id}，请核对编号（发“我的”可以看到您相关的隐患）。"
ASK_SCHOOL = "请问这是哪所学校的隐患？直接回复学校名称即可（如：鱼峰一中）。"
ASK_ISSUE = "请问是哪一条隐患？请回复编号，如 #12。"
ASK_SCHOOL_AGAIN = "没有识别出学校名称，这条上报先不登记了。请重新发送，并写明学校，如：上报 鱼峰一中 后门鱼塘没有护栏。"
ASK_ISSUE_AGAIN = "没有识别出隐患编号，请重新发送并带上编号，如：进展 #12 已安排人员整改。"
WELCOME = ("您好，我是校园安全整治助手。发现安全隐患直接描述发给我即可，例如：后门鱼塘没有护栏，学生放学常去玩。"
           "我会登记编号、通知责任单位并跟踪整改；发“帮助”查看全部用法。")
PHOTO_ATTACHED = "📷 照片已附到隐患 #{id}（{desc}）。如附错了，请联系专班。"
PHOTO_NO_ISSUE = "收到照片。请先用文字描述隐患（如：后门鱼塘没有护栏），登记后30分钟内发来的照片会附到那条隐患上。"
EMPTY = "没有收到文字内容。发“帮助”查看用法。"
NOT_UNDERSTOOD = "没太明白您的意思。上报隐患请直接描述问题（如：后门鱼塘没有护栏），发“帮助”查看全部用法。"
INTERNAL_ERROR = "系统暂时出了点问题，您的消息没有丢失，请稍后再发一次；如仍不行请联系管理员。"
