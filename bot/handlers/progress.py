"""进展 and 限期: a unit reports progress on an issue, or moves its deadline."""
from __future__ import annotations

from bot import texts
from bot.handlers.issue_ref import needs_issue
from bot.handlers.registry import Context, handles
from bot.messages import Reply


@handles("progress", summary="登记整改进展", example="进展 #12 已联系施工队，下周装护栏")
@needs_issue
def progress(ctx: Context, issue_id: int) -> Reply:
    note = (ctx.parsed.reason or ctx.parsed.description or ctx.message.text).strip()
    before = ctx.ledger.get(issue_id).deadline
    issue = ctx.ledger.add_progress(ctx.actor, issue_id, note, deadline=ctx.parsed.deadline)
    lines = [f"📝 已记录 #{issue.id} 的进展（{texts.STATUS[issue.status]}）"]
    if ctx.message.image_url:     # a photo of the work sent with the words
        ctx.ledger.attach_photo(ctx.actor, issue.id, ctx.message.image_url)
        lines.append("📷 照片已附上")
    if issue.deadline != before:
        lines.append(f"整改时限已调整为 {texts.date_weekday(issue.deadline)}")
    elif ctx.parsed.deadline and ctx.parsed.deadline != issue.deadline:
        lines.append(f"延期申请（至{texts.date(ctx.parsed.deadline)}）已记录，需负责人或专班发“#{issue.id} 限期 {texts.date(ctx.parsed.deadline)}”确认。")
    lines.append(f"整改时限：{texts.date(issue.deadline)}，{texts.days_left(issue.deadline, ctx.today)}。完成后请发“销号 #{issue.id} 整改说明”。")
    return Reply("\n".join(lines))


@handles("progress", "set_deadline", summary="设置整改时限", example="#12 限期 6月20日")
@needs_issue
def set_deadline(ctx: Context, issue_id: int) -> Reply:
    if ctx.parsed.deadline is None:
        return Reply(f"没有识别出日期。请这样写：#{issue_id} 限期 6月20日（也可以写“两周内”“月底前”）。")
    issue = ctx.ledger.set_deadline(ctx.actor, issue_id, ctx.parsed.deadline, ctx.parsed.reason or "")
    return Reply(f"⏰ #{issue.id} 的整改时限已设为 {texts.date_weekday(issue.deadline)}（{texts.days_left(issue.deadline, ctx.today)}）。")
