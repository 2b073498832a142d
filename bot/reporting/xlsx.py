"""The 台账 workbook: a ledger sheet (one row per issue, frozen header, filters, widths) and a
summary sheet by area and school. Written in openpyxl's write-only mode, so memory stays flat
however many issues there are."""
from __future__ import annotations

import datetime as dt
from typing import BinaryIO, Callable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from bot import texts
from bot.plan import Plan
from bot.reporting.filters import LedgerFilter
from bot.reporting.document import district
from bot.reporting.ledger import COLUMNS, LedgerRows, SummaryRow, summary

HEAD_FONT = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
TITLE_FONT = Font(bold=True, size=13)
THIN = Side(style="thin", color="999999")
HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
SUMMARY_HEAD = ("隐患总数", "已销号", "未销号", "其中逾期", "挂牌督办", "销号率")

Progress = Callable[[int, int], None]


def _head(ws, values) -> list[WriteOnlyCell]:
    cells = []
    for v in values:
        c = WriteOnlyCell(ws, value=v)
        c.font, c.fill, c.alignment = HEAD_FONT, HEAD_FILL, HEAD_ALIGN
        c.border = Border(bottom=THIN)
        cells.append(c)
    return cells


def _title(ws, text: str) -> list[WriteOnlyCell]:
    c = WriteOnlyCell(ws, value=text)
    c.font = TITLE_FONT
    return [c]


def _ledger_sheet(wb: Workbook, rows: LedgerRows, on_progress: Progress | None) -> int:
    ws = wb.create_sheet("台账")
    for i, (_, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "B2"          # header row and the issue number stay in view
    ws.append(_head(ws, [h for h, _ in COLUMNS]))
    total, done = rows.count(), 0
    for batch in rows.batches():
        for row in batch:
            ws.append(row)
        done += len(batch)
        if on_progress:
            on_progress(done, total)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{done + 1}"
    return done


def _summary_rows(ws, label: str, rows: list[SummaryRow]) -> None:
    ws.append(_head(ws, (label,) + SUMMARY_HEAD))
    for r in rows:
        ws.append(_figures(ws, r))
    all_ = SummaryRow("合计", *(sum(getattr(r, f) for r in rows) for f in ("total", "closed", "overdue", "supervised")))
    ws.append(_figures(ws, all_, bold=True))


def _figures(ws, r: SummaryRow, bold: bool = False) -> list[WriteOnlyCell]:
    cells = [WriteOnlyCell(ws, value=v) for v in (r.name, r.total, r.closed, r.open, r.overdue, r.supervised, r.rate)]
    cells[-1].number_format = "0.0%"
    if bold:
        for c in cells:
            c.font = Font(bold=True)
    return cells


def _summary_sheet(wb: Workbook, session: Session, plan: Plan, today: dt.date, flt: LedgerFilter) -> None:
    ws = wb.create_sheet("汇总")
    for col, width in zip("ABCDEFG", (34, 10, 10, 10, 10, 10, 10)):
        ws.column_dimensions[col].width = width
    scope = "" if flt.empty else f"（{flt.describe(plan)}）"
    ws.append(_title(ws, f"{district(plan)}校园安全隐患整改台账汇总{scope}"))
    ws.append([f"截至{texts.date_full(today)}"])
    ws.append([])
    _summary_rows(ws, "所属方面", summary(session, plan, today, flt, "area"))
    ws.append([])
    _summary_rows(ws, "学校", summary(session, plan, today, flt, "school"))


def write_ledger(session: Session, plan: Plan, tz: dt.tzinfo, today: dt.date, out: str | BinaryIO,
                 flt: LedgerFilter | None = None, on_progress: Progress | None = None) -> int:
    """Write the workbook to a path or binary stream; returns the number of issues written."""
    flt = flt or LedgerFilter()
    wb = Workbook(write_only=True)
    n = _ledger_sheet(wb, LedgerRows(session, plan, tz, today, flt), on_progress)
    _summary_sheet(wb, session, plan, today, flt)
    wb.save(out)
    return n
