"""Clean a chat message without moving any character: positions found in the clean text are
positions in the original, so the description can be cut from what the user actually wrote."""
from __future__ import annotations

import re

# Full-width ASCII (＃１２，：) to half-width, one character for one.
_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_WIDTH["\u3000"] = " "
_WIDTH.update({"\u00a0": " ", "\t": " ", "\r": " ", "\n": " "})
_TABLE = str.maketrans(_WIDTH)

# "@校园安全助手 " at the start or before a space: a mention, not part of the message.
MENTION = re.compile(r"@[^\s@，,:：]{1,24}(?:\s+|$)")
MAX_CHARS = 2000       # a 10 KB paste is not a report we can read; the start says what it is


def strip_mentions(text: str) -> str:
    return MENTION.sub("", text).strip()


def normalise(text: str, typos: tuple[tuple[str, str], ...] = ()) -> str:
    text = text.translate(_TABLE).lower()
    for wrong, right in typos:
        if wrong in text:
            text = text.replace(wrong, right)
    return text


def has_content(text: str) -> bool:
    """Any Chinese character, letter or digit at all (not just emoji and punctuation)."""
    return any(ch.isalnum() for ch in text)


def trim(text: str) -> str:
    text = re.sub(r"\s{2,}", " ", text)
    return text.strip(" ,，。.;；:：、!！~～-—")
