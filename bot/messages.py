"""The one message type every channel produces, and the reply every handler returns."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Message:
    platform: str            # wecom | dingtalk | console
    sender_id: str
    chat_id: str             # group chat id, or the sender's id in a one-to-one chat
    text: str
    msg_id: str
    at: dt.datetime
    sender_name: str = ""
    is_group: bool = True
    image_url: str = ""      # a photo sent with (or instead of) text


# The ledger's columns for a platform's ids: an id longer than these is no real one, and storing it would fail
# on PostgreSQL on every retry — so such a message is refused as malformed (400) instead.
ID_LIMITS = (("sender_id", 100), ("chat_id", 200), ("msg_id", 200))
NAME_LIMIT = 100


def malformed(message: Message) -> str:
    """Why a channel's message cannot be taken in, or "" when it can."""
    for name, limit in ID_LIMITS:
        value = getattr(message, name)
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            return f"{name} missing or longer than {limit}"
    return ""


@dataclass(frozen=True)
class Reply:
    text: str                             # markdown-light Chinese, short enough for a phone
    title: str = ""
    mention_ids: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["mention_ids"] = list(self.mention_ids)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Reply":
        return cls(d.get("text", ""), d.get("title", ""), tuple(d.get("mention_ids", ())))

    def plain(self) -> str:
        """Without markdown emphasis, for channels that show raw text."""
        return self.text.replace("**", "")
