"""Issue numbers (#12, 第12条, 12号隐患, 隐患编号33, 十二号隐患 …), never a count, time, date or distance."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlp.numbers import NUM, to_int


@dataclass(frozen=True)
class IssueRef:
    number: int
    start: int
    end: int


# Units that make a number a quantity ("隐患3处", "3个保安"), never a reference.
_COUNT = r"(?:个|处|条|项|起|类|点|家(?![长校])|所|种|多|余|名|位|人|次|天|米|%|年|月|日|号|岁|元|万|间|栋|层|辆|只|块|段|张|台)"
PATTERNS = (
    re.compile(r"#\s*(\d{1,6})(?!\d)"),
    # "12#隐患", "No.12", "隐患(12)": other ways of writing the number itself
    re.compile(r"(?<![\d.])(\d{1,6})\s*#(?=\s*(?:隐患|问题|$|[，,:：\s]|已|进展|进度|整改|申请|销号))"),
    re.compile(r"(?<![a-zA-Z])[nN][oO]\s*[.:：]?\s*(\d{1,6})(?!\d)"),
    re.compile(r"(?:隐患|问题|编号)\s*[(（【\[]\s*(" + NUM + r")\s*[)）】\]]"),
    re.compile(r"(?:隐患|问题)?编号\s*(?:为|是)?\s*[:：]?\s*(" + NUM + r")(?!\s*" + _COUNT + ")"),
    re.compile(r"(?<![》法例定则])第\s*(" + NUM + r")\s*(?:条|项|号隐患|号问题)(?!\s*(?:文件|通知|令|规定|措施|要求|意见))"),
    re.compile(r"第\s*(" + NUM + r")\s*号(?!\s*(?:楼|教学楼|宿舍|门|线|车|路|街|中学|小学|幼儿园|文件|通知|令))"),
    re.compile(r"(?<![\d月零〇一二两三四五六七八九十])(" + NUM + r")\s*号\s*的?\s*(?:隐患|问题|整改|事项)"),
    re.compile(r"(?:隐患|问题)\s*(" + NUM + r")(?![\d零〇一二两三四五六七八九十百千])(?!\s*" + _COUNT + ")"),
    # "隐患31号主体已完工"
    re.compile(r"(?:隐患|问题)\s*(" + NUM + r")\s*号(?!\s*(?:楼|教学楼|宿舍|门|线|车|路|街|床|房|室|前|之前|以前))"),
)
# "进展 25", "/close 9", "销号 12", "详情 8号": a number straight after a command word.
AFTER_COMMAND = re.compile(r"\s*[:：]?\s*#?\s*(" + NUM + r")\s*(?:号|条)?(?!\s*(?:" + _COUNT[3:-1] + r"|\d|月|[./]\d))")
# "12 销号 …", "35 进展 …": a bare number written before the command word.
BEFORE_COMMAND = re.compile(r"^\s*(\d{1,5})\s*(?=(?:销号|申请销号|进展|进度|详情)(?:\s|$|[，,:：]))")
# "12号 已整改" at the very start of a message.
LEADING = re.compile(r"^\s*(\d{1,6}|[一二三四五六七八九十百]{1,4})\s*号(?=\s|[,，:：、]|已|的|那|这|可以销|能销|申请|请销|请专班|"
                     r"整改|隐患|问题|进展|进度)"
                     r"(?!\s*(?:前|之前|以前|楼|教学楼|宿舍|门|床|车))")


def find_issue(text: str) -> IssueRef | None:
    for pattern in (*PATTERNS, LEADING, BEFORE_COMMAND):
        m = pattern.search(text)
        if m and to_int(m.group(1)):      # issues are numbered from 1
            return IssueRef(to_int(m.group(1)), m.start(), m.end())
    return None


def issue_after_command(text: str, pos: int) -> IssueRef | None:
    m = AFTER_COMMAND.match(text, pos)
    if m and to_int(m.group(1)):
        return IssueRef(to_int(m.group(1)), m.start(), m.end())
    return None
