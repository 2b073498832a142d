"""Anything else: thanks, acknowledgements and small talk get a short, polite answer."""
from __future__ import annotations

import re

from bot import texts
from bot.handlers.registry import Context, handles
from bot.messages import Reply
from bot.services.ledger import RECENT
from bot.views import issue_card

THANKS = re.compile(r"(谢|感谢|辛苦)")
# "这个要多久能弄好?" right after a report: a question about the issue just reported.
ABOUT_THAT = re.compile(r"这个|那个|这条|这件事|刚才|刚报|刚刚|上面")
QUESTION = re.compile(r"[?？吗呢]|多久|什么时候|啥时候|几时|怎么样|怎么办|谁管|谁负责|哪个单位|能不能|会不会")
GREETING = re.compile(r"^(你好|您好|哈喽|嗨|hi|hello|在吗|在不在|早上好|下午好|晚上好)[呀啊吗！!。.~～？?\s]*$", re.I)


# What the parser saw in a message that is no report: answered so the sender knows nothing was logged.
REMARKS = {
    "all_clear": "👍 收到，这次检查没有发现问题。今后发现隐患，直接描述发给我即可登记。",
    "notice": "收到。这是工作安排或通知，不作为隐患登记；发现隐患时直接描述发给我即可。",
    "contact": "我这里没有通讯录信息，请在企业微信或钉钉的通讯录里查看。需要上报或查询隐患时发给我即可。",
}


@handles("other")
def other(ctx: Context) -> Reply:
    text = ctx.message.text.strip()
    if not text:
        return Reply(texts.EMPTY)
    remark = getattr(ctx.parsed, "remark", None)
    if remark in REMARKS:
        return Reply(REMARKS[remark])
    if THANKS.search(text):
        return Reply("不客气，有隐患随时发给我。")
    if GREETING.match(text):
        return Reply(texts.WELCOME)
    about = _recent_issue(ctx) if ABOUT_THAT.search(text) and QUESTION.search(text) else None
    if about is not None:
        return about
    if len(text) <= 4:
        return Reply("收到。需要上报隐患或查询时，直接发给我即可；发“帮助”查看用法。")
    return Reply(texts.NOT_UNDERSTOOD)


def _recent_issue(ctx: Context) -> Reply | None:
    """The card of the issue this person reported or followed up in the last half hour, if any."""
    issue_id = ctx.ledger.recent_issue_of(ctx.actor, RECENT)
    if issue_id is None:
        return None
    issue = ctx.ledger.view(ctx.actor, issue_id)
    lines = issue_card(issue, ctx.plan, ctx.today)
    lines.append(f"整改由责任单位负责，进展会记录在这条隐患下；发“详情 #{issue.id}”看处理记录。")
    return Reply("\n".join(lines))
