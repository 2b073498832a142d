"""上报: a hazard reported as a command or as plain Chinese becomes a numbered issue."""
from __future__ import annotations

from bot import texts
from bot.handlers.registry import Context, handles
from bot.messages import Reply
from bot.services.routing import groups_for


def infer_school(ctx: Context) -> str | None:
    """The school named in the text, else the sender's own school, else the school of this group."""
    if ctx.parsed.school:
        return ctx.parsed.school
    if ctx.actor.school:
        return ctx.actor.school
    group = ctx.directory.group_for_chat(ctx.message.chat_id)
    schools = [u.name for u in map(ctx.directory.unit, group.units if group else ()) if u and u.kind == "school"]
    return schools[0] if len(schools) == 1 else None


@handles("report", summary="上报隐患", example="上报 鱼峰一中 后门鱼塘没有护栏 6月20日前")
def report(ctx: Context) -> Reply:
    p = ctx.parsed
    school = infer_school(ctx)
    if school is None:
        return ctx.ask("school", texts.ASK_SCHOOL)
    if p.category is None:
        return ctx.ask("area", area_question(ctx))
    description = (p.description or ctx.message.text).strip()
    if len(description) < 4:
        return Reply("请把隐患描述得具体一些（什么地方、什么问题），例如：后门鱼塘没有护栏，学生放学常去玩。")
    issue = ctx.ledger.open_issue(ctx.actor, area=p.category, description=description, school=school,
                                  deadline=p.deadline, severity=p.severity or "一般", location=p.location or "",
                                  platform=ctx.message.platform, chat_id=ctx.message.chat_id, msg_id=ctx.message.msg_id)
    if ctx.message.image_url:     # a photo sent with the words (a mixed message)
        ctx.ledger.attach_photo(ctx.actor, issue.id, ctx.message.image_url)
    area = ctx.plan.area(issue.area)
    units = issue.unit_names[1:] if issue.school else issue.unit_names
    shown = "、".join(units[:5]) + (f" 等{len(units)}个单位" if len(units) > 5 else "")
    lines = [f"✅ 已登记隐患 **#{issue.id}**",
             f"学校：{school}",
             f"方面：{area.id}. {area.name}",
             f"责任单位：{shown}",
             f"整改时限：{texts.date_weekday(issue.deadline)}" + ("（未指定，按默认时限）" if p.deadline is None else "")]
    if issue.severity != "一般":
        lines.append(f"等级：{issue.severity}")
    if ctx.message.image_url:
        lines.append("📷 现场照片已附上")
    if p.clarify:
        lines.append(f"（分类如有误，请专班调整。{p.clarify}）")
    notified = groups_for(ctx.directory, issue.unit_names, include_taskforce=issue.severity == "重大")
    if notified:
        lines.append(f"已通知：{'、'.join(g.name for g in notified[:3])}")
    if not ctx.actor.registered:
        lines.append(texts.REGISTER_HINT)
    lines.append(f"后续进展请发“进展 #{issue.id} 内容”。")
    return Reply("\n".join(lines), title=f"已登记 #{issue.id}")


def area_question(ctx: Context) -> str:
    options = "\n".join(f"{a.id}. {a.name}" for a in ctx.plan.areas)
    return f"这条隐患属于哪个方面？请回复序号：\n{options}"
