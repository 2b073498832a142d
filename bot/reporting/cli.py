"""`python -m bot export` (the 台账 as .xlsx) and `python -m bot report` (the monthly report as
Markdown and Word): built from settings directly, with no chat machinery."""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from bot.clock import Clock, FixedClock, parse_now
from bot.db import Database
from bot.directory import load_directory
from bot.plan import load_plan
from bot.reporting import markdown, monthly, word
from bot.reporting.progress import ProgressLine
from bot.reporting.xlsx import write_ledger
from bot.services.reports import month_report
from bot.settings import ROOT, load_settings

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class _Setup:
    """What both commands need: settings, plan, clock and an upgraded database."""

    def __init__(self, args):
        self.settings = load_settings(args.config)
        self.plan = load_plan(self.settings.path(self.settings.plan))
        load_directory(self.settings.path(self.settings.directory))   # a broken directory fails here, loudly
        now = getattr(args, "now", None)
        self.clock = FixedClock(parse_now(now, self.settings.timezone), self.settings.timezone) if now \
            else Clock(self.settings.timezone)
        self.db = Database(self.settings.database)
        self.db.upgrade()


def run_export(args) -> int:
    setup = _Setup(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        with setup.db.session(readonly=True) as s:
            n = write_ledger(s, setup.plan, setup.clock.tz, setup.clock.today(), out,
                             on_progress=ProgressLine("导出台账"))
    finally:
        setup.db.dispose()
    print(f"台账已导出：{out.resolve()}（{n} 条隐患，用时 {time.monotonic() - started:.1f} 秒）")
    return 0


def _month(value: str) -> tuple[int, int] | None:
    m = MONTH.match(value.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return int(m.group(1)), int(m.group(2))


def run_report(args) -> int:
    month = _month(args.month)
    if month is None:
        print(f"--month: 需要 YYYY-MM 格式的月份，如 2023-06，收到的是 {args.month!r}", file=sys.stderr)
        return 2
    try:
        setup = _Setup(args)
    except ValueError as exc:       # a malformed --now
        print(str(exc), file=sys.stderr)
        return 2
    year, mon = month
    prefix = Path(args.out) if args.out else ROOT / "var" / "reports" / f"月报-{year}-{mon:02d}"
    progress = ProgressLine("月报")
    try:
        progress.step(f"统计 {year}年{mon}月 数据")
        with setup.db.session(readonly=True) as s:
            figures = month_report(s, setup.plan, year, mon, setup.clock.now())
    except ValueError as exc:       # a month still to come
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        setup.db.dispose()
    doc = monthly.build(setup.plan, figures, setup.clock.today())
    return _write(doc, prefix, progress)


def _write(doc, prefix: Path, progress: ProgressLine) -> int:
    prefix.parent.mkdir(parents=True, exist_ok=True)
    md_path, docx_path = prefix.with_name(prefix.name + ".md"), prefix.with_name(prefix.name + ".docx")
    progress.step("写入 Markdown")
    md_path.write_text(markdown.render(doc), encoding="utf-8")
    progress.step("写入 Word")
    word.render(doc, docx_path)
    print(f"月报已生成：{doc.title}")
    print(md_path.resolve())
    print(docx_path.resolve())
    return 0
