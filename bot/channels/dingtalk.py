"""DingTalk enterprise robot (HTTP mode): the callback JSON to a Message, a Reply to a robot message."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from urllib.parse import urlsplit

from bot.messages import Message, Reply
from bot.push import format as push_format


SESSION_HOST = "oapi.dingtalk.com"


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
    if not isinstance(data, dict) or not isinstance(data.get("msgId"), str) or not data["msgId"]:
        raise BadMessage("no msgId")
    sender = _ident(data.get("senderStaffId")) or _ident(data.get("senderId"))
    if not sender:
        raise BadMessage("no sender")
    msgtype = data.get("msgtype", "text")
    text_obj = data.get("text") if isinstance(data.get("text"), dict) else {}
    text = _str(text_obj.get("content")) if msgtype == "text" else ""
    group = _str(data.get("conversationType") or "2") == "2"
    msg = Message(platform="dingtalk", sender_id=sender, chat_id=_ident(data.get("conversationId")) or sender,
                  text=text.strip(), msg_id=data["msgId"], at=now, sender_name=_str(data.get("senderNick")),
                  is_group=group)
    return DingInbound(msg, _session_webhook(_str(data.get("sessionWebhook"))), msgtype == "text")


def _session_webhook(url: str) -> str:
    """Only DingTalk's own sendBySession address: the body is not signed, so never post elsewhere."""
    parts = urlsplit(url)
    ok = parts.scheme == "https" and parts.hostname == SESSION_HOST and parts.path == "/robot/sendBySession"
    return url if ok else ""


def _ident(value) -> str:
    """An id is a string (or a number); anything else in its place is no id at all."""
    return value if isinstance(value, str) else str(value) if isinstance(value, int) and not isinstance(value, bool) else ""


def _str(value) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def reply_payload(reply: Reply, mention_mobiles: list[str] | None = None) -> dict:
    return push_format.render("dingtalk", {"title": reply.title or "校园安全整治助手", "text": reply.text,
                                           "mention_mobiles": mention_mobiles or []})
