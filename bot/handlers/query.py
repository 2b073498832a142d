"""查询: overview, overdue, due soon, blacklist, by school / area / department, mine, one issue."""
from __future__ import annotations

from bot import texts
from bot.handlers.issue_ref import issue_or_ask
from bot.handlers.registry import Context, handles
from bot.messages import Reply
from bot.views import PAGE_LINES, history, issue_card


CHAT_LIMIT = 120     # issues listed in a chat (10 pages); beyond that the 看板 and the 台账 serve better


def _listing(ctx: Context, title: str, issues, empty: str) -> Reply:
    if not issues:
        return Reply(empty)
    total, listed = issues.total, len(issues.ids)
    footer = f"……共{total}条，这里列出前{listed}条；全部请看“看板”或导出台账。" if total > listed else ""
    return ctx.page_issues(f"**{title}（{total}条）**", issues, footer)


def _scope_note(ctx: Context) -> str:
    return "" if ctx.actor.sees_everything else f"（{ctx.actor.unit or '本人'}相关）"


def overview(ctx: Context) -> Reply:
    o = ctx.queries.overview(ctx.actor, ctx.today)
    if o.total == 0:
        return Reply("目前还没有登记任何隐患。发现问题可直接描述发给我，例如：后门鱼塘没有护栏。")
    s = o.by_status
    closed = s.get("closed", 0)
    lines = [f"**校园安全隐患统计{_scope_note(ctx)}**",
             f"截至{texts.date(ctx.today)}，共 **{o.total}** 条，已销号 {closed} 条（{closed * 100 // o.total}%）",
             f"· 待整改 {s.get('open', 0)}　整改中 {s.get('in_progress', 0)}　待验收 {s.get('pending_review', 0)}",
             f"· 逾期未销号 **{o.overdue}** 条，挂牌督办 {o.supervised} 条"]
    lines += _area_lines(ctx, o.by_area, o.late_by_area)
    if o.top_schools and ctx.actor.sees_everything:
        lines.append("**未销号最多的学校**")
        lines += [f"{i}. {name} {n}条" for i, (name, n) in enumerate(o.top_schools, 1)]
    lines.append("发“逾期”“黑榜”“查 学校名”看明细")
    return Reply("\n".join(lines), title="统计")


def _area_lines(ctx: Context, open_by_area: dict[int, int], late: dict[int, int]) -> list[str]:
    if not open_by_area:
        return []
    lines = ["**按方面（未销号/逾期）**"]
    for area_id, n in sorted(open_by_area.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"· {ctx.plan.area(area_id).short} {n}/{late.get(area_id, 0)}")
    return lines


def overdue(ctx: Context) -> Reply:
    issues = ctx.queries.overdue(ctx.actor, ctx.today, limit=CHAT_LIMIT, rows=PAGE_LINES)
    return _listing(ctx, f"逾期未销号{_scope_note(ctx)}", issues, "👍 目前没有逾期未销号的隐患。")


def due_soon(ctx: Context) -> Reply:
    issues = ctx.queries.due_soon(ctx.actor, ctx.today, days=7, limit=CHAT_LIMIT, rows=PAGE_LINES)
    return _listing(ctx, f"7天内到期{_scope_note(ctx)}", issues, "未来7天内没有到期的隐患。")


def blacklist(ctx: Context) -> Reply:
    days = ctx.plan.reminders.escalate_after_days
    schools = ctx.queries.blacklist(ctx.actor, ctx.today, days)
    units = ctx.queries.unit_blacklist(ctx.actor, ctx.today, days)
    if not schools and not units:
        return Reply(f"👍 目前没有单位上黑榜（逾期超过{days}天未整改）。")
    lines = []
    if schools:
        lines.append(f"**学校（{len(schools)}所）**")
        lines += [f"{i}. {e.unit}：逾期{e.overdue}条，最长{e.worst_days}天（{' '.join('#%d' % n for n in e.issue_ids[:5])}"
                  f"{' 等' if len(e.issue_ids) > 5 else ''}）" for i, e in enumerate(schools, 1)]
    if units:
        lines.append(f"**责任单位（{len(units)}个）**")
        lines += [f"{i}. {e.unit}：逾期{e.overdue}条，最长{e.worst_days}天" for i, e in enumerate(units, 1)]
    return ctx.page(f"**黑榜**（逾期超过{days}天未整改，截至{texts.date(ctx.today)}）", lines, "blacklist")


def by_school(ctx: Context) -> Reply:
    school = ctx.parsed.school
    if not school:
        return Reply("请写明学校名称，如：查 白沙镇中学。")
    return _school_listing(ctx, school)


def _school_listing(ctx: Context, school: str) -> Reply:
    issues = ctx.queries.by_school(ctx.actor, school, limit=CHAT_LIMIT, rows=PAGE_LINES)
    return _listing(ctx, f"{school} 未销号隐患", issues, f"{school} 目前没有未销号的隐患{_scope_note(ctx)}。")


def by_area(ctx: Context) -> Reply:
    area_id = ctx.parsed.category
    if not area_id:
        return Reply("请写明方面，如：查 食品安全。共9个方面：" + "、".join(a.short for a in ctx.plan.areas))
    area = ctx.plan.area(area_id)
    issues = ctx.queries.by_area(ctx.actor, area_id, limit=CHAT_LIMIT, rows=PAGE_LINES)
    return _listing(ctx, f"{area.name} 未销号隐患", issues, f"“{area.name}”方面目前没有未销号的隐患。")


def by_unit(ctx: Context) -> Reply:
    unit = ctx.parsed.unit
    if not unit:
        return Reply("请写明单位名称，如：查 公安鱼峰分局。")
    known = ctx.directory.unit(unit)
    if known is not None and known.kind == "school":
        return _school_listing(ctx, unit)
    areas = areas_of(ctx, unit)
    if not areas:
        return Reply(f"方案没有给{unit}分配整治方面，暂无它负责的隐患。")
    names = "、".join(ctx.plan.area(a).short for a in areas)
    issues = ctx.queries.by_areas(ctx.actor, areas, limit=CHAT_LIMIT, rows=PAGE_LINES)
    return _listing(ctx, f"{unit} 负责方面（{names}）的未销号隐患", issues,
                    f"{unit} 负责的方面（{names}）目前没有未销号的隐患。")


def areas_of(ctx: Context, unit: str) -> list[int]:
    """The plan's areas a department answers for (area 1 is every department's)."""
    known = ctx.directory.unit(unit)
    every = known is not None and known.kind == "department"
    return [a.id for a in ctx.plan.areas if unit in a.units or (a.all_units and every)]


def mine(ctx: Context) -> Reply:
    if not ctx.actor.registered:
        return Reply("您还没有登记，暂时查不到与您相关的隐患。" + texts.REGISTER_HINT)
    issues = ctx.queries.mine(ctx.actor, limit=CHAT_LIMIT, rows=PAGE_LINES)
    title = f"{ctx.actor.unit} 未销号隐患" if ctx.actor.role == "leader" else "我上报的隐患"
    return _listing(ctx, title, issues, "暂时没有与您相关的隐患。")


def detail(ctx: Context) -> Reply:
    issue_id = issue_or_ask(ctx)
    if isinstance(issue_id, Reply):
        return issue_id
    issue = ctx.ledger.view(ctx.actor, issue_id)
    lines = issue_card(issue, ctx.plan, ctx.today) + ["**处理记录：**"] + history(issue, ctx.clock)
    return ctx.page(lines[0], lines[1:], "detail")


def monthly_report(ctx: Context) -> Reply:
    from bot.handlers import month_report
    return month_report.reply(ctx)


QUERIES = {"overview": overview, "overdue": overdue, "due_soon": due_soon, "blacklist": blacklist,
           "by_school": by_school, "by_category": by_area, "by_unit": by_unit, "mine": mine,
           "detail": detail, "report": monthly_report}


@handles("query", summary="查询（统计、逾期、黑榜、查 学校/方面/单位、详情 #12、我的、即将到期、月报）", example="统计")
def query(ctx: Context) -> Reply:
    kind = ctx.parsed.query or "overview"
    if kind not in ("detail", "mine", "by_school") and kind in QUERIES and not ctx.actor.registered:
        return Reply("查询需要先登记。" + texts.REGISTER_HINT)
    return QUERIES.get(kind, overview)(ctx)
