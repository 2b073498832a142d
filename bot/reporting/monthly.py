"""The monthly report (方案 四(二)4: 每月25日前向市教育局报送) in the shape of a government work
report: 标题, 主送, 一、总体情况 二、分方面情况 三、存在问题 四、下一步工作, 落款 with the date."""
from __future__ import annotations

import datetime as dt

from bot.plan import Plan
from bot.reporting.document import Document, district
from bot.services.reports import BlackMark, Item, MonthReport, Tally
from bot.texts import date as md_date
from bot.texts import date_full

RECIPIENT = "市教育局"
SENDER = "校园安全集中整治工作专班"
SCHOOL_ROWS = 20     # schools listed by name in 分方面情况; the 台账 has them all


def title(plan: Plan, r: MonthReport) -> str:
    return f"{district(plan)}校园安全集中整治工作{r.year}年{r.month}月份工作情况报告"


def build(plan: Plan, r: MonthReport, issued: dt.date) -> Document:
    doc = Document(title(plan, r))
    doc.para(f"{RECIPIENT}：", indent=False)
    source = f"《{plan.name}》" + (f"（{plan.document}）" if plan.document else "")
    doc.para(f"根据{source}“每月{plan.reminders.monthly_report_day}日前报送集中整治工作情况”的要求，"
             f"现将我区{r.year}年{r.month}月校园安全集中整治工作情况报告如下（数据截至{date_full(r.as_of)}）。")
    _overall(doc, r)
    _areas(doc, r)
    _problems(doc, r)
    _next_steps(doc, plan, r)
    doc.para(f"{district(plan)}{SENDER}", align="right", indent=False)
    doc.para(date_full(issued), align="right", indent=False)
    return doc


def _overall(doc: Document, r: MonthReport) -> None:
    t = r.total
    doc.heading("一、总体情况")
    if t.found == 0:
        doc.para(f"截至{date_full(r.as_of)}，全区尚未排查登记校园安全隐患。")
        return
    doc.para(f"截至{date_full(r.as_of)}，全区累计排查发现校园安全隐患{t.found}条，已整改销号{t.closed}条，"
             f"整改率{t.rate}%；尚未销号{t.open}条，其中逾期未整改{t.overdue}条，挂牌督办{r.supervised}条。")
    major = f"（其中重大隐患{r.major_month}条）" if r.major_month else ""
    doc.para(f"{r.month}月新发现隐患{t.found_month}条{major}，涉及{r.schools_month}所学校；"
             f"{r.month}月整改销号{r.closed_month}条。")


def _areas(doc: Document, r: MonthReport) -> None:
    doc.heading("二、分方面情况")
    found = sorted((a for a in r.by_area if a.found), key=lambda a: -a.found)
    if found:
        top = "、".join(f"“{a.name}”（{a.found}条）" for a in found[:3])
        doc.para(f"从问题分布看，隐患主要集中在{top}等方面。各方面情况如下：")
    doc.heading("（一）按方面统计", 2)
    doc.table(("方面", "本月新发现", "累计发现", "已销号", "未销号", "逾期", "整改率"),
              [_tally_row(a) for a in r.by_area] + [_tally_row(r.total)])
    doc.heading("（二）按学校统计", 2)
    schools = [s for s in r.by_school if s.found]
    if not schools:
        doc.para("各学校均未登记隐患。")
        return
    more = len(schools) - SCHOOL_ROWS
    doc.table(("学校", "本月新发现", "累计发现", "已销号", "未销号", "逾期", "整改率"),
              [_tally_row(s) for s in schools[:SCHOOL_ROWS]],
              note=f"按未销号数排列，另有{more}所学校，详见台账。" if more > 0 else "按未销号数排列。")


def _tally_row(t: Tally) -> tuple:
    return (t.name, t.found_month, t.found, t.closed, t.open, t.overdue, f"{t.rate}%" if t.found else "—")


def _items_table(doc: Document, items: list[Item], total: int, *, days: bool) -> None:
    head = ("编号", "学校", "问题", "方面", "整改时限") + (("逾期天数",) if days else ("责任单位",))
    rows = [(f"#{i.id}", i.school, i.description, i.area, md_date(i.deadline),
             f"{i.days_overdue}天" if days else "、".join(i.units[:3])) for i in items]
    more = total - len(items)
    doc.table(head, rows, note=f"另有{more}条，详见台账。" if more > 0 else "")


def _marks(marks: list[BlackMark]) -> list[tuple]:
    return [(i, m.unit, m.overdue, f"{m.worst_days}天") for i, m in enumerate(marks, 1)]


def _problems(doc: Document, r: MonthReport) -> None:
    doc.heading("三、存在问题")
    doc.heading("（一）逾期未整改问题", 2)
    if r.total.overdue:
        doc.para(f"截至{date_full(r.as_of)}，仍有{r.total.overdue}条隐患超过整改时限未销号，按逾期时间排列如下：")
        _items_table(doc, r.overdue_items, r.total.overdue, days=True)
    else:
        doc.para("目前没有超过整改时限未销号的隐患。")
    doc.heading("（二）黑榜通报", 2)
    if r.blacklist_schools or r.blacklist_units:
        doc.para(f"按照方案“未按时完成整治任务的予以黑榜通报”的要求，对隐患逾期超过{r.blacklist_days}天仍未整改的"
                 f"{len(r.blacklist_schools)}所学校、{len(r.blacklist_units)}个责任单位予以通报：")
        if r.blacklist_schools:
            doc.table(("序号", "学校", "逾期隐患", "最长逾期"), _marks(r.blacklist_schools))
        if r.blacklist_units:
            doc.table(("序号", "责任单位", "逾期隐患", "最长逾期"), _marks(r.blacklist_units))
    else:
        doc.para(f"没有隐患逾期超过{r.blacklist_days}天未整改的单位。")
    doc.heading("（三）挂牌督办事项", 2)
    if r.supervised:
        doc.para(f"目前挂牌督办隐患{r.supervised}条，实行每日跟踪：")
        _items_table(doc, r.supervised_items, r.supervised, days=False)
    else:
        doc.para("目前没有挂牌督办的隐患。")


def _next_steps(doc: Document, plan: Plan, r: MonthReport) -> None:
    doc.heading("四、下一步工作")
    steps = []
    if r.total.overdue:
        steps.append(f"紧盯逾期问题。对{r.total.overdue}条逾期隐患逐条督促，黑榜单位限期整改，"
                     "限期整改不到位造成不良影响的，依规追究有关责任人责任。")
    if r.supervised:
        steps.append(f"抓好挂牌督办。对{r.supervised}条挂牌督办隐患每日跟踪整改进度，整改完成经验收后及时销号。")
    if r.total.open:
        steps.append(f"压实整改责任。督促各学校和责任单位对{r.total.open}条未销号隐患落实整改措施、责任人和时限，"
                     "坚持“整改一个、验收一个、销号一个”。")
    if r.total.closed:
        steps.append(f"开展“回头看”。对已销号的{r.total.closed}条隐患适时复查，防止问题反弹。")
    steps += [f"按照方案安排，{md_date(m.date)}前{m.title}。" for m in plan.milestones if m.date > r.as_of]
    steps.append(f"加强信息报送。每月{plan.reminders.monthly_report_day}日前向{RECIPIENT}报送集中整治工作情况，"
                 "重大问题第一时间报送。")
    for i, text in enumerate(steps, 1):
        doc.para(f"{i}.{text}")
