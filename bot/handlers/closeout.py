"""销号管理: request close-out, approve or reject it, reopen after 回头看, and 挂牌督办."""
from __future__ import annotations

from bot import texts
from bot.handlers.issue_ref import needs_issue
from bot.handlers.registry import Context, handles
from bot.messages import Reply


def _note(ctx: Context) -> str:
    return (ctx.parsed.reason or "").strip()


@handles("close", summary="申请销号", example="销号 #12 护栏已装好")
@needs_issue
def request_close(ctx: Context, issue_id: int) -> Reply:
    issue = ctx.ledger.request_close(ctx.actor, issue_id, _note(ctx))
    return Reply(f"📮 #{issue.id} 的销号申请已提交，等待专班验收。验收通过后会在群里通知。")


@handles("close", "approve", summary="确认销号（专班）", example="确认销号 #12")
@needs_issue
def approve(ctx: Context, issue_id: int) -> Reply:
    issue = ctx.ledger.approve_close(ctx.actor, issue_id, _note(ctx))
    return Reply(f"✅ #{issue.id} 已销号。{ctx.plan.reminders.recheck_after_days}天后将提醒回头看。")


@handles("close", "reject", summary="驳回销号（专班）", example="驳回 #12 护栏高度不够")
@needs_issue
def reject(ctx: Context, issue_id: int) -> Reply:
    reason = _note(ctx)
    if not reason:
        return Reply(f"请写明驳回理由，方便学校继续整改，如：驳回 #{issue_id} 护栏高度不够。")
    issue = ctx.ledger.reject_close(ctx.actor, issue_id, reason)
    return Reply(f"↩️ 已驳回 #{issue.id} 的销号申请，理由已通知责任单位。状态：{texts.STATUS[issue.status]}。")


@handles("progress", "reopen", summary="重新打开（回头看）", example="重新打开 #12 护栏又被拆了")
@needs_issue
def reopen(ctx: Context, issue_id: int) -> Reply:
    issue = ctx.ledger.reopen(ctx.actor, issue_id, _note(ctx))
    return Reply(f"🔁 #{issue.id} 已重新打开，状态：{texts.STATUS[issue.status]}，整改时限 {texts.date(issue.deadline)}。")


@handles("progress", "supervise", summary="挂牌督办（专班）", example="挂牌督办 #12")
@needs_issue
def supervise(ctx: Context, issue_id: int) -> Reply:
    issue = ctx.ledger.supervise(ctx.actor, issue_id, True, _note(ctx))
    return Reply(f"📌 #{issue.id} 已挂牌督办，每日提醒责任单位报送进展。")
