"""月报 in the chat: this month's report in phone-sized lines, the same figures as the Word file
that `python -m bot report` writes (总体情况, 分方面, 存在问题, 报送时限)."""
from __future__ import annotations

from bot import texts
from bot.handlers.registry import Context
from bot.messages import Reply
from bot.services.reports import MonthReport, month_report

TOP = 3     # overdue items and blacklist entries named in the chat; the Word report has them all


def reply(ctx: Context) -> Reply:
    if not ctx.actor.sees_everything:
        return Reply("月报由专班汇总报送。您可以发“统计”查看本单位情况。")
    now = ctx.clock.now()
    r = month_report(ctx.session, ctx.plan, now.year, now.month, now)
    title = f"**{r.year}年{r.month}月校园安全集中整治工作情况**（截至{texts.date(r.as_of)}）"
    # bounded (9 areas, a few names per list), so one message rather than pages
    lines = [title] + _overall(r) + _areas(r) + _problems(r) + _deadline(ctx, r)
    return Reply("\n".join(lines), title="月报")


def _overall(r: MonthReport) -> list[str]:
    t = r.total
    major = f"（重大{r.major_month}条）" if r.major_month else ""
    return ["**一、总体情况**",
            f"累计发现隐患 {t.found} 条，已销号 {t.closed} 条，整改率 {t.rate}%",
            f"未销号 {t.open} 条，其中逾期 **{t.overdue}** 条，挂牌督办 {r.supervised} 条",
            f"本月新发现 {t.found_month} 条{major}，涉及 {r.schools_month} 所学校；本月销号 {r.closed_month} 条"]


def _areas(r: MonthReport) -> list[str]:
    rows = [a for a in r.by_area if a.found]
    if not rows:
        return []
    return ["**二、分方面（本月新发现/累计/未销号）**"] + [
        f"· {a.name} {a.found_month}/{a.found}/{a.open}" for a in sorted(rows, key=lambda a: -a.found)]


def _problems(r: MonthReport) -> list[str]:
    lines = ["**三、存在问题**"]
    if r.overdue_items:
        lines.append("逾期最久：" + "；".join(f"#{i.id} {i.school} 逾期{i.days_overdue}天" for i in r.overdue_items[:TOP]))
    if r.blacklist_schools:
        lines.append(f"黑榜学校{len(r.blacklist_schools)}所：" + "、".join(
            f"{m.unit}（{m.overdue}条）" for m in r.blacklist_schools[:TOP]) + ("等" if len(r.blacklist_schools) > TOP else ""))
    if r.blacklist_units:
        lines.append(f"黑榜责任单位{len(r.blacklist_units)}个：" + "、".join(
            f"{m.unit}（{m.overdue}条）" for m in r.blacklist_units[:TOP]) + ("等" if len(r.blacklist_units) > TOP else ""))
    if len(lines) == 1:
        lines.append("没有逾期未整改的隐患。")
    return lines


def _deadline(ctx: Context, r: MonthReport) -> list[str]:
    day = ctx.plan.reminders.monthly_report_day
    due = r.as_of.replace(day=day)
    left = (due - ctx.today).days
    when = f"还有{left}天" if left > 0 else ("今天截止" if left == 0 else f"已过{-left}天")
    return [f"**四、报送**：每月{day}日前报市教育局，本月{texts.date(due)}（{when}）", _word_version(ctx, r)]


def _word_version(ctx: Context, r: MonthReport) -> str:
    """Where the full Word report is: a signed download link where links may be sent, else how to get one."""
    from bot.dashboard.auth import LINK_TTL, signed_link
    from bot.handlers.dashboard_link import private_enough
    month = f"{r.year}-{r.month:02d}"
    settings = ctx.settings
    if settings is None or not settings.dashboard.token:
        return f"Word 版请管理员生成：python -m bot report --month {month}"
    if not private_enough(ctx):
        return "Word 版下载链接只在专班群或单聊中发送，请在那里发“月报”。"
    link = signed_link(settings.public_url, settings.dashboard.token, ctx.clock.now(), path="report.docx", month=month)
    return f"[下载 Word 版月报]({link})（{int(LINK_TTL.total_seconds() // 3600)}小时内有效）"
