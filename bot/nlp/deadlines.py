"""Deadlines in everyday Chinese (6月20日前, 6.20, 下周三, 三天内, 5个工作日内, 端午节前 …) as dates.

Every phrase is resolved against the reference date; a date before it is history, not a deadline.
"""
from __future__ import annotations

import calendar as _months
import datetime as dt
import re
from dataclasses import dataclass

from bot.nlp import calendar as cn_calendar
from bot.nlp.numbers import NUM, to_int


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    start: int
    end: int
    explicit: bool      # the phrase itself says "by" (前, 内, 截止 …), not just a date


BY = r"(?:之前|以前|前|之内|以内|内|截止|为限|到期)"
# Words after a bare date or day that still make it a deadline ("今天下班前", "明天完成").
DUE_VERBS = (r"(?:(?:下班|放学|上课|开学)\s*(?:之前|以前|前)|完成|整改|处理|解决|落实|弄好|修好|装好|做好|到位|停用|上岗|"
             r"补上|报(?![警名到道])|报送|提交|交(?![警通费叉接流])|改好|搞定|完工|办结|下架|拆除|清理|清走|关停|封存|撤掉|搬走|前)")
_NOT_AFTER_DAY = r"(?!\s*(?:楼|栋|教学楼|宿舍|寝室|门|床|线|车|窗|机|柜|隐患|问题|房|室|班|座|厅|馆|路|街|场))"

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 6,
            "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}

FULL_DATE = re.compile(r"(?:(\d{4}|二〇[一二三四五六七八九〇零]{2})\s*年\s*)?(" + NUM + r")\s*月\s*(?:份\s*)?(" + NUM + r")\s*[日号]?"
                       r"(?!\s*(?:点|时|分|个|人|次|岁|米|元|天|周))")
ISO_DATE = re.compile(r"(?<!\d)(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})(?!\d)")
SHORT_DATE = re.compile(r"(?<![\d.])(\d{1,2})\s*[./]\s*(\d{1,2})(?![\d.])"
                        r"(?!\s*(?:米|元|万|千|%|倍|吨|公里|千米|厘米|岁|分|个|次|人|斤|米|m|kg|km|小时|度|级))")
DAY_ONLY = re.compile(r"(?<![月第\d零〇一二两三四五六七八九十])(本月|这个月|这月|当月|下个?月)?\s*(" + NUM + r")\s*[日号]"
                      + _NOT_AFTER_DAY)
WEEKDAY = re.compile(r"(下下个?|下个?|本|这个?|这一|今)?\s*(?:周|星期|礼拜)\s*([一二三四五六日天末1-7])")
WEEK_SPAN = re.compile(r"(下下个?|下个?|本|这个?)\s*(?:周|星期|礼拜)\s*(?:之内|以内|内|前|之前)")
SPAN = re.compile(r"(?:限|在)?\s*(" + NUM + r"|半|几)\s*(个)?\s*(工作日|天|日|周|星期|礼拜|个?月|小时)\s*(?:半)?"
                  r"\s*(?:时间)?\s*(之内|以内|内|里|后|之后|为限)")
# "限期10天", "期限一周": a span after 限期 needs no 内 (a bare "限7天" stays unread).
SPAN_LIMIT = re.compile(r"(?:限期|期限)\s*(?:为|是)?\s*(" + NUM + r"|半)\s*(个)?\s*(工作日|天|日|周|星期|礼拜|个?月)"
                        r"(?!\s*(?:之内|以内|内|里|后|之后|为限))")
NAMED_DAY = re.compile(r"(大后天|后天|明天|明日|明早|明晚|今天|今日|今晚|当天|当日)")
MONTH_END = re.compile(r"(下个?|本|这个?|当|今|" + NUM + r"\s*(?=月))?\s*(月底|月末|月中(?!旬)|年底|年末)")
FESTIVAL = re.compile(r"(元旦|春节|过年|年前|清明|劳动节|五一|六一|儿童节|七一|建党节|端午|中秋|国庆|十一)\s*(?:节|假期?|放假|长假|小长假)?\s*"
                      r"(?:之前|以前|前)")
# "端午后第一个工作日", "国庆节后上班第一天": the first working day after the festival's days off.
AFTER_FESTIVAL = re.compile(r"(元旦|春节|过年|清明|劳动节|五一|端午|中秋|国庆|十一)\s*(?:节|假期?|放假|长假|小长假)?\s*"
                            r"(?:后|以后|之后|过后|结束后|收假后|假期结束)\s*(?:的)?\s*"
                            r"(?:第一个工作日|第一天上班|上班第一天|上班的?第一天|一上班|上班后)")
# "节后第一个工作日" with no festival named: the next festival's
AFTER_ANY_FESTIVAL = re.compile(r"(?<![端中春秋庆旦明午])节\s*(?:假)?\s*(?:后|以后|之后|过后)\s*(?:的)?\s*"
                                r"(?:第一个工作日|第一天上班|上班第一天|上班的?第一天|一上班)")
# "延到中秋节": a deadline moved to the festival itself
MOVED_TO_FESTIVAL = re.compile(r"(?:延到|延至|延长到|推迟到|推迟至|改到|放到|顺延到|顺延至)\s*"
                               r"(元旦|春节|清明|劳动节|五一|六一|儿童节|端午|中秋|国庆|十一)\s*(?:节)?(?!\s*(?:后|以后|之后|过后))")
ANY_FESTIVAL = re.compile(r"(?<![端中春秋庆旦明午])节\s*(?:假|日)?\s*(?:之前|以前|前)")


def find_deadline(text: str, today: dt.date, *, bare_tail: bool = False, follow_up: bool = False) -> Deadline | None:
    """The deadline a message names, or None. bare_tail: a command ends with its deadline ("… 明天", "… 20号").
    follow_up: news on a known issue, where "明天给食堂培训" is a plan, not a due date, unless 前/完成 says so."""
    found = [d for d in _candidates(text, today, bare_tail, follow_up)
             if d.date >= today and not _MISSED.search(text, max(0, d.start - 4), d.start)
             and (d.explicit or not _EVENT_AFTER.match(text, d.end))
             and (d.explicit or not _THREAT_BEFORE.search(text, max(0, d.start - 4), d.start))]
    if not found:
        return None
    found.sort(key=lambda d: (not _ORDERED.search(text, max(0, d.start - 4), d.start), not d.explicit, d.start))
    return found[0]


# "没在25号前报送": a date that was missed is not the one now set; "限3个工作日内", "延到7月20日": the one now set.
_MISSED = re.compile(r"(?:没|未|没有|没能)(?:在|按|于)\s*$")
# "7月8号面试", "下周一开始上岗", "这周五还不发就…": when something happens, or a condition, not a due date
_EVENT_AFTER = re.compile(r"\s*(?:上午|下午|晚上)?\s*(?:面试|开会|考试|开始|举行|召开|报到|见面|开学|放假|还不|再不|要是不|如果不)")
# "扬言明天还要带人来": a threat's day, not a due date
_THREAT_BEFORE = re.compile(r"(?:扬言|威胁|放话|声称|叫嚣)\s*$")
_ORDERED = re.compile(r"(?:限|要求|务必|必须|请于|请在|须在|须于|责令|延到|延至|延长到|延长至|推迟到|推迟至|顺延到|顺延至|"
                      r"改到|改为|改成|调整为|调整到|宽限到|放到|放宽到)\s*$")


def _candidates(text: str, today: dt.date, bare_tail: bool, follow_up: bool = False):
    taken: list[tuple[int, int]] = []
    named_days = _named_days_in_follow_ups if follow_up else _named_days
    for finder in (_full_dates, _iso_dates, _festivals, _spans, _week_spans, _weekdays, _month_ends,
                   named_days, _short_dates, _days_only):
        for found in finder(text, today, bare_tail):
            if found is None or any(found.start < e and s < found.end for s, e in taken):
                continue
            taken.append((found.start, found.end))
            yield found


def _explicit_after(text: str, end: int) -> tuple[bool, int]:
    """Does a 'by' word follow the date? Returns (yes, end of the phrase including it)."""
    m = _BY_AFTER.match(text, end)
    return (True, m.end()) if m else (False, end)


# "今天中午前": a time of day may stand between the day and its 'by' word
_BY_AFTER = re.compile(r"\s*(?:上午|中午|下午|晚上|傍晚|早上|下班|放学)?\s*" + BY)


def _make(day: dt.date | None, text: str, start: int, end: int, explicit=False) -> Deadline | None:
    if day is None:
        return None
    by, end = _explicit_after(text, end)
    return Deadline(day, start, end, explicit or by)


def _safe_date(year: int, month: int | None, day: int | None) -> dt.date | None:
    if month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _in_year(today: dt.date, month: int | None, day: int | None) -> dt.date | None:
    """A month-day without a year: this year's, or next year's when that is clearly meant (12月 → 1月)."""
    date = _safe_date(today.year, month, day)
    if date is not None and (today - date).days > 180:
        return _safe_date(today.year + 1, month, day)
    return date


def _full_dates(text, today, _bare):
    for m in FULL_DATE.finditer(text):
        year = to_int(m.group(1)) if m.group(1) else None
        month, day = to_int(m.group(2)), to_int(m.group(3))
        date = _safe_date(year, month, day) if year else _in_year(today, month, day)
        yield _make(date, text, m.start(), m.end())


def _iso_dates(text, today, _bare):
    for m in ISO_DATE.finditer(text):
        yield _make(_safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))), text, m.start(), m.end())


def _short_dates(text, today, _bare):
    for m in SHORT_DATE.finditer(text):
        yield _make(_in_year(today, int(m.group(1)), int(m.group(2))), text, m.start(), m.end())


def _days_only(text, today, bare_tail):
    """20号前, 本月25日前, 下月5号: a day of this (or the named) month."""
    for m in DAY_ONLY.finditer(text):
        prefix, day = m.group(1), to_int(m.group(2))
        by, _ = _explicit_after(text, m.end())
        at_tail = bare_tail and not text[m.end():].strip(" ，,。.!！")
        if not (prefix or by or at_tail or _due_verb_follows(text, m.end())):
            continue     # a bare "12号" is an issue number or a building, not a date
        base = today if not prefix or not prefix.startswith("下") else _add_months(today.replace(day=1), 1)
        date = _safe_date(base.year, base.month, day)
        if date is not None and date < today and not prefix and by:
            # "5号前" on the 28th means next month's 5th
            nxt = _add_months(today.replace(day=1), 1)
            date = _safe_date(nxt.year, nxt.month, day)
        yield _make(date, text, m.start(), m.end())


_DUE_VERB_AFTER = re.compile(r"\s*(?:就|先|要|得|必须|务必|需要?|争取|之前|马上|立即|立刻|全部|一律)*\s*" + DUE_VERBS)


def _due_verb_follows(text: str, end: int) -> bool:
    return _DUE_VERB_AFTER.match(text, end) is not None


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _weekdays(text, today, _bare):
    for m in WEEKDAY.finditer(text):
        prefix, wd = m.group(1) or "", WEEKDAYS[m.group(2)]
        if not prefix and not (_explicit_after(text, m.end())[0] or _due_verb_follows(text, m.end())):
            continue     # "周末自己跑去玩", "周五下午": when it happens, not when it is due
        weeks = 2 if prefix.startswith("下下") else 1 if prefix.startswith("下") else 0
        date = _monday(today) + dt.timedelta(weeks=weeks, days=wd)
        if not prefix and date < today:
            date += dt.timedelta(weeks=1)     # "周五前" said on a Saturday: the coming Friday
        yield _make(date, text, m.start(), m.end())


def _week_spans(text, today, _bare):
    """本周内 / 下周之前: the Sunday that ends that week."""
    for m in WEEK_SPAN.finditer(text):
        prefix = m.group(1)
        weeks = 2 if prefix.startswith("下下") else 1 if prefix.startswith("下") else 0
        sunday = _monday(today) + dt.timedelta(weeks=weeks, days=6)
        yield Deadline(sunday, m.start(), m.end(), True)


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, _months.monthrange(year, month)[1]))


def _spans(text, today, _bare):
    """三天内, 两周内, 一个月内, 半个月内, 5个工作日内, 24小时内, 三天后."""
    for m in [*SPAN.finditer(text), *SPAN_LIMIT.finditer(text)]:
        amount, unit = m.group(1), m.group(3)
        n = 3 if amount == "几" else to_int(amount)      # "几天内": a few days
        if amount == "半":
            date = today + dt.timedelta(days=15 if "月" in unit else 3 if "周" in unit else 0)
        elif n is None or n > 400:
            continue
        elif unit == "工作日":
            date = cn_calendar.add_workdays(today, n)
        elif unit in ("天", "日"):
            date = today + dt.timedelta(days=n)
        elif unit in ("周", "星期", "礼拜"):
            date = today + dt.timedelta(weeks=n)
        elif unit == "小时":
            date = today + dt.timedelta(days=-(-n // 24))
        else:
            date = _add_months(today, n)
        yield Deadline(date, m.start(), m.end(), True)


def _named_days(text, today, bare_tail):
    offsets = {"大后天": 3, "后天": 2, "明天": 1, "明日": 1, "明早": 1, "明晚": 1}
    for m in NAMED_DAY.finditer(text):
        word = m.group(1)
        by, _ = _explicit_after(text, m.end())
        at_tail = bare_tail and not text[m.end():].strip(" ，,。.!！")
        # "今天" is usually when something happened; only "今天下班前/今天完成" makes it a deadline.
        if word not in offsets and not (by or at_tail or _due_verb_follows(text, m.end())):
            continue
        yield _make(today + dt.timedelta(days=offsets.get(word, 0)), text, m.start(), m.end())


def _named_days_in_follow_ups(text, today, bare_tail):
    """In a follow-up every named day needs a 'by' word or a due verb, as 今天 always does."""
    for found in _named_days(text, today, bare_tail):
        if found is not None and (found.explicit or _due_verb_follows(text, found.end)
                                  or (bare_tail and not text[found.end:].strip(" ，,。.!！"))):
            yield found


# "延期到月底", "于年底": a word before the phrase that makes it the date something is due.
_DUE_BEFORE = re.compile(r"(?:到|至|于|在|截止|截至|限|最迟|最晚|务必|必须|争取|力争|预计)\s*$")


def _month_ends(text, today, bare_tail):
    for m in MONTH_END.finditer(text):
        prefix, word = m.group(1) or "", m.group(2)
        by, _ = _explicit_after(text, m.end())
        at_tail = bare_tail and not text[m.end():].strip(" ，,。.!！")
        if not (by or at_tail or _due_verb_follows(text, m.end()) or _DUE_BEFORE.search(text[:m.start()])):
            continue     # "年底考核全靠补材料": when something happens, not when it is due
        if word in ("年底", "年末"):
            date = dt.date(today.year, 12, 31)
        else:
            base = _add_months(today.replace(day=1), 1) if prefix.startswith("下") else today
            month = to_int(prefix.strip())
            if month is not None:       # "6月底前": that month, this year or the next
                base = _in_year(today, month, 1)
                if base is None:
                    continue
            last = _months.monthrange(base.year, base.month)[1]
            date = base.replace(day=15 if word == "月中" else last)
        yield _make(date, text, m.start(), m.end(), explicit=True)


def _festivals(text, today, _bare):
    for m in AFTER_FESTIVAL.finditer(text):
        day = cn_calendar.next_festival(m.group(1), today)
        yield _make(day and cn_calendar.first_workday_after(day), text, m.start(), m.end(), explicit=True)
    for m in MOVED_TO_FESTIVAL.finditer(text):
        yield _make(cn_calendar.next_festival(m.group(1), today), text, m.start(1), m.end(), explicit=True)
    for m in AFTER_ANY_FESTIVAL.finditer(text):
        day = cn_calendar.nearest_festival(today)
        yield _make(day and cn_calendar.first_workday_after(day), text, m.start(), m.end(), explicit=True)
    for m in FESTIVAL.finditer(text):
        yield _make(cn_calendar.next_festival(m.group(1), today), text, m.start(), m.end(), explicit=True)
    for m in ANY_FESTIVAL.finditer(text):
        yield _make(cn_calendar.nearest_festival(today), text, m.start(), m.end(), explicit=True)
