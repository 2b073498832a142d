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
