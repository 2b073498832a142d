"""Anything else: thanks, acknowledgements and small talk get a short, polite answer."""
from __future__ import annotations

import re

from bot import texts
from bot.handlers.registry import Context, handles
from bot.messages import Reply

THANKS = re.compile(r"(谢|感谢|辛苦)")
GREETING = re.compile(r"^(你好|您好|哈喽|嗨|hi|hello|在吗|在不在|早上好|下午好|晚上好)[呀啊吗！!。.~～？?\s]*$", re.I)


@handles("other")
def other(ctx: Context) -> Reply:
    text = ctx.message.text.strip()
    if not text:
        return Reply(texts.EMPTY)
    if THANKS.search(text):
        return Reply("不客气，有隐患随时发给我。")
    if GREETING.match(text):
        return Reply(texts.WELCOME)
    if len(text) <= 4:
        return Reply("收到。需要上报隐患或查询时，直接发给我即可；发“帮助”查看用法。")
    return Reply(texts.NOT_UNDERSTOOD)
