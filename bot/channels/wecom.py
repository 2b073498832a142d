"""WeCom shapes: the 智能机器人's JSON callbacks and the self-built app's XML, to Messages and back.

Pure functions over already-decrypted plaintext; signatures and AES live in crypto.py, HTTP in web.py.
"""
from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass

from defusedxml import ElementTree

from bot.messages import Message, Reply

TEXT_LIMIT = 2000        # passive text replies stay under WeCom's 2048-byte text cap
STREAM_LIMIT = 20000     # stream content is capped at 20480 bytes


class BadMessage(ValueError):
    """Decrypted content that is not a message we understand."""


def _obj(data: dict, key: str) -> dict:
    """A nested object of the payload, or {} when it is missing or of the wrong type."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _str(value) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


@dataclass(frozen=True)
class AibotInbound:
    kind: str                      # message | event | stream_refresh | unsupported
    message: Message | None = None
    event: str = ""
    stream_id: str = ""
    msgtype: str = ""


def parse_aibot(plaintext: bytes, now: dt.datetime) -> AibotInbound:
    try:
        data = json.loads(plaintext)
    except ValueError:
        raise BadMessage("not JSON") from None
    if not isinstance(data, dict) or "msgtype" not in data:
        raise BadMessage("no msgtype")
    msgtype = _str(data["msgtype"])
    sender = _str(_obj(data, "from").get("userid"))
    if not sender:
        raise BadMessage("no sender")
    if msgtype == "stream":
        return AibotInbound("stream_refresh", stream_id=_str(_obj(data, "stream").get("id")))
    if msgtype == "event":
        return AibotInbound("event", event=_str(_obj(data, "event").get("eventtype")),
                            message=_aibot_message(data, sender, "", now, f"event:{sender}:{data.get('create_time', '')}"))
    text, image = _aibot_text(data, msgtype), _aibot_image(data, msgtype)
    if text is None and not image:
        return AibotInbound("unsupported", msgtype=msgtype,
                            message=_aibot_message(data, sender, "", now, _str(data.get("msgid"))))
    if not _str(data.get("msgid")):
        raise BadMessage("no msgid")
    message = _aibot_message(data, sender, text or "", now, _str(data["msgid"]), image)
    return AibotInbound("message", message=message, msgtype=msgtype)


def _aibot_text(data: dict, msgtype: str) -> str | None:
    if msgtype == "text":
        return _str(_obj(data, "text").get("content"))
    if msgtype == "voice":      # WeCom sends speech already turned into text
        return _str(_obj(data, "voice").get("content"))
    if msgtype == "mixed":
        items = _obj(data, "mixed").get("msg_item")
        return " ".join(_str(_obj(i, "text").get("content")) for i in (items if isinstance(items, list) else [])
                        if isinstance(i, dict) and i.get("msgtype") == "text")
    return None


def _aibot_image(data: dict, msgtype: str) -> str:
    """The photo's URL: an image message (one-to-one chats only), or the first image of a mixed one.

    WeCom serves it encrypted with the message's aeskey; the ledger keeps the link as evidence."""
    if msgtype == "image":
        return _str(_obj(data, "image").get("url"))
    if msgtype == "mixed":
        items = _obj(data, "mixed").get("msg_item")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("msgtype") == "image" and _obj(item, "image").get("url"):
                return _str(_obj(item, "image")["url"])
    return ""


def _aibot_message(data: dict, sender: str, text: str, now: dt.datetime, msg_id: str, image: str = "") -> Message:
    chat = _str(data.get("chatid")) or sender
    return Message(platform="wecom", sender_id=sender, chat_id=chat, text=text, msg_id=msg_id, at=now,
                   is_group=data.get("chattype") == "group", image_url=image)


def aibot_stream(reply: Reply, stream_id: str) -> str:
    content = _cut(reply.text, STREAM_LIMIT)
    return json.dumps({"msgtype": "stream", "stream": {"id": stream_id, "finish": True, "content": content}},
                      ensure_ascii=False)


def aibot_welcome(text: str) -> str:
    return json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False)


# --- self-built app (XML) ------------------------------------------------------------------------
@dataclass(frozen=True)
class AppInbound:
    kind: str            # message | event | unsupported
    message: Message
    agent_id: str
    corp_id: str


def parse_app(plaintext: bytes, now: dt.datetime) -> AppInbound:
    try:
        root = ElementTree.fromstring(plaintext)
    except Exception:  # noqa: BLE001 - defusedxml raises several kinds for hostile or broken XML
        raise BadMessage("not XML") from None
    field = lambda name: (root.findtext(name) or "").strip()  # noqa: E731
    sender, msgtype = field("FromUserName"), field("MsgType")
    if not sender or not msgtype:
        raise BadMessage("no FromUserName or MsgType")
    created = field("CreateTime")
    if msgtype == "event":   # events carry no MsgId: WeCom says dedupe on sender + time
        kind, msg_id, text = "event", f"event:{sender}:{created}", ""
    elif msgtype == "text":
        kind, msg_id, text = "message", field("MsgId"), root.findtext("Content") or ""
    elif msgtype == "image" and field("PicUrl"):
        kind, msg_id, text = "message", field("MsgId"), ""
    else:
        kind, msg_id, text = "unsupported", field("MsgId") or f"{msgtype}:{sender}:{created}", ""
    if not msg_id:
        raise BadMessage("no MsgId")
    msg = Message(platform="wecom", sender_id=sender, chat_id=sender, text=text, msg_id=msg_id, at=now, is_group=False,
                  image_url=field("PicUrl") if msgtype == "image" else "")
    return AppInbound(kind, msg, field("AgentID"), field("ToUserName"))


def app_text_reply(reply: Reply, to_user: str, from_corp: str) -> str:
    content = _cut(reply.plain(), TEXT_LIMIT).replace("]]>", "]] >")
    return (f"<xml><ToUserName><![CDATA[{to_user}]]></ToUserName><FromUserName><![CDATA[{from_corp}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content></xml>")


def _cut(text: str, limit: int) -> str:
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[: limit - 40].decode("utf-8", "ignore") + "\n……（内容过长，已截断，请分条查询）"
