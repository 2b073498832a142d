"""The 台账 export and the monthly report, run as the CLI runs them, on SQLite and PostgreSQL,
with the files read back (openpyxl, python-docx) and checked cell by cell."""
from __future__ import annotations

import argparse
import datetime as dt

import pytest
from docx import Document as ReadDocx
from openpyxl import load_workbook

from bot.clock import FixedClock
from bot.reporting.cli import run_export, run_report
from bot.reporting.filters import LedgerFilter
from bot.reporting.ledger import HEADERS, LedgerRows
from bot.services.actors import resolve_actor
from bot.services.ledger import Ledger
from bot.services.reports import month_report

SH = FixedClock(dt.datetime(2023, 5, 20, 9, 0)).tz


def at(month, day, hour=10):
    return dt.datetime(2023, month, day, hour, 0, tzinfo=SH)


@pytest.fixture
def ledger_data(db, plan, directory):
    """Five issues from May to July: one closed in June, one supervised, one closed after June."""
    clock = FixedClock(at(5, 20))
    who = lambda uid: resolve_actor(directory, uid)  # noqa: E731
    with db.session() as s:
        led = Ledger(s, plan, directory, clock)
        a = led.open_issue(who("zhang.wei"), area=9, description="后门鱼塘没有护栏", school="鱼峰区第一中学",
                           deadline=dt.date(2023, 5, 30), location="后门")
        clock.at = at(6, 1)
        b = led.open_issue(who("wang.fang"), area=6, description="食堂留样不规范", school="白沙镇中学", severity="较大")
        clock.at = at(6, 5)
        led.add_progress(who("zhang.wei"), a.id, "已联系施工队")
        led.request_close(who("li.na"), a.id, "护栏已装好")
        led.approve_close(who("wu.hao"), a.id, "验收合格")
        led.supervise(who("wu.hao"), b.id, True)
        clock.at = at(6, 10)
        led.open_issue(who("chen.jing"), area=2, description="校门口车辆乱停", school="里雍镇中心小学",
                       deadline=dt.date(2023, 6, 24))
        led.open_issue(who("zhang.wei"), area=9, description="河边缺少警示牌", school="鱼峰区第一中学",
                       deadline=dt.date(2023, 6, 12), severity="重大")
        clock.at = at(7, 2)
        e = led.open_issue(who("wang.fang"), area=4, description="学生骑电动车上学", school="白沙镇中学")
        led.request_close(who("liu.yang"), e.id, "已劝返")
        clock.at = at(7, 3)
        led.approve_close(who("wu.hao"), e.id)
    return db


def export_args(config_file, out, now="2023-06-20T10:00"):
    return argparse.Namespace(config=str(config_file), out=str(out), now=now)


def test_export_writes_one_row_per_issue_with_every_ledger_column(ledger_data, config_file, tmp_path, capsys):
    out = tmp_path / "台账.xlsx"
    assert run_export(export_args(config_file, out)) == 0
    printed = capsys.readouterr()
    assert str(out) in printed.out and "5 条隐患" in printed.out
    assert "导出台账：5/5 条" in printed.err
    wb = load_workbook(out)
    assert wb.sheetnames == ["台账", "汇总"]
    ws = wb["台账"]
    assert [c.value for c in ws[1]] == list(HEADERS)
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:Q6"
    assert ws.column_dimensions["C"].width == 40
    row = dict(zip(HEADERS, (c.value for c in ws[2])))
    assert row["编号"] == 1 and row["学校"] == "鱼峰区第一中学" and row["问题描述"] == "后门鱼塘没有护栏"
    assert row["具体位置"] == "后门" and row["所属方面"] == "防溺水" and row["隐患等级"] == "一般"
    assert row["责任单位"].startswith("鱼峰区第一中学、团区委、区妇联、区教育局")
    assert (row["上报人"], row["上报单位"]) == ("张伟", "鱼峰区第一中学")
    assert row["上报时间"] == dt.datetime(2023, 5, 20, 10, 0)       # local time, not UTC
    assert row["整改时限"] == dt.datetime(2023, 5, 30)
    assert row["整改状态"] == "已销号"
    assert row["整改措施/进展"] == "6月5日 已联系施工队；6月5日 申请销号：护栏已装好；6月5日 验收：验收合格"
    assert row["销号时间"] == dt.datetime(2023, 6, 5, 10, 0)
    assert (row["是否逾期"], row["逾期天数"]) == ("逾期销号", 6)
    second = dict(zip(HEADERS, (c.value for c in ws[3])))
    assert (second["整改状态"], second["是否逾期"], second["逾期天数"], second["挂牌督办"]) == ("待整改", "是", 12, "是")
    fourth = dict(zip(HEADERS, (c.value for c in ws[5])))     # due 6-12, open on 6-20
    assert (fourth["是否逾期"], fourth["逾期天数"], fourth["隐患等级"]) == ("是", 8, "重大")
    assert dict(zip(HEADERS, (c.value for c in ws[4])))["是否逾期"] == "否"    # due 6-24


def _summary(ws) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in ws.iter_rows(min_row=4, values_only=True) if r[0] and isinstance(r[1], int)}


def test_export_summary_sheet_by_area_and_school(ledger_data, config_file, tmp_path):
    out = tmp_path / "l.xlsx"
    run_export(export_args(config_file, out))
    ws = load_workbook(out)["汇总"]
    assert ws["A1"].value == "鱼峰区校园安全隐患整改台账汇总"
    assert ws["A2"].value == "截至2023年6月20日"
    rows = _summary(ws)
    # total, closed, open, overdue, supervised, rate
    assert rows["防溺水"] == (2, 1, 1, 1, 0, 0.5)
    assert rows["食品安全"] == (1, 0, 1, 1, 1, 0)
    assert rows["交通安全"] == (1, 1, 0, 0, 0, 1)
    assert rows["法治教育"] == (0, 0, 0, 0, 0, 0)           # every area is listed, empty ones too
    assert rows["白沙镇中学"] == (2, 1, 1, 1, 1, 0.5)
    assert rows["鱼峰区第一中学"] == (2, 1, 1, 1, 0, 0.5)
    totals = [r[1:] for r in ws.iter_rows(values_only=True) if r[0] == "合计"]
    assert totals == [(5, 2, 3, 2, 1, 0.4)] * 2


def test_rows_stream_in_batches_and_honour_filters(ledger_data, plan):
    with ledger_data.session() as s:
        rows = LedgerRows(s, plan, SH, dt.date(2023, 6, 20))
        assert [len(b) for b in rows.batches(batch=2)] == [2, 2, 1]
        assert [r[0] for r in rows.rows(batch=2)] == [1, 2, 3, 4, 5]
        overdue = LedgerRows(s, plan, SH, dt.date(2023, 6, 20), LedgerFilter(overdue=True))
        assert overdue.count() == 2 and [r[0] for r in overdue.rows()] == [2, 4]
        school = LedgerRows(s, plan, SH, dt.date(2023, 6, 20), LedgerFilter(school="白沙镇中学", status="closed"))
        assert [r[0] for r in school.rows()] == [5]


def test_month_figures_are_the_ledger_at_the_cut_off(ledger_data, plan):
    with ledger_data.session() as s:
        june = month_report(s, plan, 2023, 6, at(11, 28))          # long after June: cut-off at June's end
    assert june.as_of == dt.date(2023, 6, 30)
    assert (june.total.found, june.total.closed, june.total.open, june.total.overdue) == (4, 1, 3, 3)
    assert (june.total.found_month, june.closed_month, june.major_month, june.schools_month) == (3, 1, 1, 3)
    assert june.supervised == 1 and [i.id for i in june.supervised_items] == [2]
    assert [i.id for i in june.overdue_items] == [2, 4, 3]      # oldest deadline first
    assert [(m.unit, m.overdue, m.worst_days) for m in june.blacklist_schools] == [
        ("白沙镇中学", 1, 22), ("鱼峰区第一中学", 1, 18), ("里雍镇中心小学", 1, 6)]     # worst first
    units = {m.unit: m.overdue for m in june.blacklist_units}
    assert units["区教育局"] == 3 and "白沙镇中学" not in units
    with ledger_data.session() as s:
        may = month_report(s, plan, 2023, 5, at(6, 2))
        july = month_report(s, plan, 2023, 7, at(7, 2, 12))       # mid-month: cut-off now
    assert (may.total.found, may.total.closed, may.total.overdue) == (1, 0, 1)   # closed in June: open in May
    assert (july.total.found_month, july.closed_month, july.total.closed) == (1, 0, 1)


def test_report_refuses_a_month_still_to_come(ledger_data, config_file, tmp_path, capsys):
    args = argparse.Namespace(config=str(config_file), month="2023-08", now="2023-06-20T10:00", out=str(tmp_path / "r"))
    assert run_report(args) == 2
    assert "2023年8月还没有开始" in capsys.readouterr().err
    args.month = "2023-13"
    assert run_report(args) == 2


def test_report_cli_writes_markdown_and_word(ledger_data, config_file, tmp_path, capsys):
    prefix = tmp_path / "out" / "月报-2023-06"
    args = argparse.Namespace(config=str(config_file), month="2023-06", now="2023-06-24T17:00", out=str(prefix))
    assert run_report(args) == 0
    printed = capsys.readouterr()
    md_path, docx_path = prefix.parent / "月报-2023-06.md", prefix.parent / "月报-2023-06.docx"
    assert str(md_path) in printed.out and str(docx_path) in printed.out
    assert "统计 2023年6月 数据" in printed.err and "写入 Word" in printed.err
    md = md_path.read_text(encoding="utf-8")
    assert md.startswith("# 鱼峰区校园安全集中整治工作2023年6月份工作情况报告\n")
    for heading in ("## 一、总体情况", "## 二、分方面情况", "## 三、存在问题", "## 四、下一步工作"):
        assert heading in md
    assert ("截至2023年6月24日，全区累计排查发现校园安全隐患4条，已整改销号1条，整改率25%；"
            "尚未销号3条，其中逾期未整改2条，挂牌督办1条。") in md
    assert "6月新发现隐患3条（其中重大隐患1条），涉及3所学校；6月整改销号1条。" in md
    assert "| 防溺水 | 1 | 2 | 1 | 1 | 1 | 50% |" in md
    assert "| #2 | 白沙镇中学 | 食堂留样不规范 | 食品安全 | 6月8日 | 16天 |" in md
    assert "| 1 | 白沙镇中学 | 1 | 16天 |" in md
    assert "6月30日前全面总结提升" in md
    assert md.rstrip().endswith("2023年6月24日</div>")
    doc = ReadDocx(docx_path)
    paras = [p.text for p in doc.paragraphs if p.text]
    assert paras[0] == "鱼峰区校园安全集中整治工作2023年6月份工作情况报告"
    assert paras[1] == "市教育局："
    assert [p for p in paras if p[:2] in ("一、", "二、", "三、", "四、")] == [
        "一、总体情况", "二、分方面情况", "三、存在问题", "四、下一步工作"]
    assert paras[-1] == "2023年6月24日"
    area_table = doc.tables[0]
    assert [c.text for c in area_table.rows[0].cells] == ["方面", "本月新发现", "累计发现", "已销号", "未销号", "逾期", "整改率"]
    assert [c.text for c in area_table.rows[-1].cells] == ["合计", "3", "4", "1", "3", "2", "25%"]
    assert doc.paragraphs[0].runs[0].font.size.pt == 22
