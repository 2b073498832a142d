"""DingTalk enterprise robot (HTTP mode): the callback JSON to a Message, a Reply to a robot message."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from bot.messages import Message, Reply
from bot.push import format as push_format


class BadMessage(ValueError):
    pass


@dataclass(frozen=True)
class DingInbound:
    message: Message
    session_webhook: str
    supported: bool


def parse(body: bytes, now: dt.datetime) -> DingInbound:
    try:
        data = json.loads(body)
    except ValueError:
        raise BadMessage("not JSON") from None
    if not isinstance(data, dict) or not data.get("msgId"):
        raise BadMessage("no msgId")
    sender = data.get("senderStaffId") or data.get("senderId") or ""
    if not sender:
        raise BadMessage("no sender")
    msgtype = data.get("msgtype", "text")
    text = str((data.get("text") or {}).get("content", "")) if msgtype == "text" else ""
    group = str(data.get("conversationType", "2")) == "2"
    msg = Message(platform="dingtalk", sender_id=str(sender), chat_id=str(data.get("conversationId") or sender),
                  text=text.strip(), msg_id=str(data["msgId"]), at=now, sender_name=str(data.get("senderNick", "")),
                  is_group=group)
    return DingInbound(msg, str(data.get("sessionWebhook", "")), msgtype == "text")


def reply_payload(reply: Reply, mention_mobiles: list[str] | None = None) -> dict:
    return push_format.render("dingtalk", {"title": reply.title or "校园安全整治助手", "text": reply.text,
                                           "mention_mobiles": mention_mobiles or []})
