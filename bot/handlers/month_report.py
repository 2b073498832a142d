"""月报 in the chat: this month's figures in a few lines (the full report is `python -m bot report`)."""
from __future__ import annotations

from bot.handlers.registry import Context
from bot.messages import Reply
from bot.services.reports import month_summary


def reply(ctx: Context) -> Reply:
    if not ctx.actor.sees_everything:
        return Reply("月报由专班汇总报送。您可以发“统计”查看本单位情况。")
    m = month_summary(ctx.session, ctx.plan, ctx.today.year, ctx.today.month, ctx.today)
    lines = [f"**{ctx.today.year}年{ctx.today.month}月校园安全集中整治工作情况**",
             f"本月新发现隐患 {m.found} 条，本月整改销号 {m.closed} 条；累计 {m.total_found} 条，累计销号 {m.total_closed} 条，"
             f"整改率 {m.rate}%。",
             f"目前逾期未整改 {m.overdue} 条，挂牌督办 {m.supervised} 条。"]
    if m.by_area:
        lines.append("本月新发现（按方面）：" + "，".join(f"{ctx.plan.area(a).short}{n}" for a, n in m.by_area))
    lines.append(f"请于每月{ctx.plan.reminders.monthly_report_day}日前报送市教育局。完整报告：python -m bot report --month {ctx.today:%Y-%m}")
    return Reply("\n".join(lines), title="月报")
