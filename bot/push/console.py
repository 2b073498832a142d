"""Pushes shown on the console instead of sent: the embedded default's sample groups have no real
robot webhooks, so a first run prints each notice where the person trying the bot can read it.

It stands where the HTTP client stands (anything with .post(url, data=, headers=, timeout=)), so the
outbox, its keys, the rate limit and the 'sent' bookkeeping work exactly as with a real platform."""
from __future__ import annotations

import json
from dataclasses import dataclass

from bot.directory import Directory

PLATFORM = {"wecom": "企业微信", "dingtalk": "钉钉"}


@dataclass(frozen=True)
class _Accepted:
    """What a robot webhook answers to a push it took."""
    status_code: int = 200
    text: str = '{"errcode":0,"errmsg":"ok"}'

    def json(self) -> dict:
        return json.loads(self.text)


class ConsolePushes:
    def __init__(self, directory: Directory, write=print):
        self.directory = directory
        self.write = write

    def post(self, url: str, data: bytes = b"", headers=None, timeout=None) -> _Accepted:
        self.write(describe(self.directory, url, json.loads(data or b"{}")))
        return _Accepted()


def describe(directory: Directory, url: str, body: dict) -> str:
    """One push as a person would see it in the group: where it went, whom it @-mentions, the text."""
    group = next((g for g in directory.groups if g.webhook and url.startswith(g.webhook.split("?")[0])
                  and _same_key(g.webhook, url)), None)
    where = f"「{group.name}」（{PLATFORM.get(group.platform, group.platform)}）" if group else url.split("?")[0]
    kind = body.get("msgtype", "")
    content = body.get(kind, {}) if isinstance(body.get(kind), dict) else {}
    text = content.get("content") or content.get("text") or ""
    names = _mentioned(directory, body, text)
    mention = f"，@{'、'.join(names)}" if names else ""
    # the mention markup itself (<@id>, @mobile) reads as noise on a terminal
    lines = [line for line in text.splitlines() if not _only_mentions(line)]
    return "\n".join([f"📣 推送到{where}{mention}：", *("    " + line for line in lines)])


def _same_key(webhook: str, url: str) -> bool:
    query = webhook.split("?", 1)[1] if "?" in webhook else ""
    return not query or query in url


def _mentioned(directory: Directory, body: dict, text: str) -> list[str]:
    by_mobile = {p.mobile: p.name for p in directory.people if p.mobile}
    ids = [p.id for p in directory.people if f"<@{p.id}>" in text]
    mobiles = body.get("at", {}).get("atMobiles", []) if isinstance(body.get("at"), dict) else []
    names = [directory.person(i).name for i in ids] + [by_mobile.get(m, m) for m in mobiles]
    return list(dict.fromkeys(names))


def _only_mentions(line: str) -> bool:
    words = line.split()
    return bool(words) and all(w.startswith("<@") or (w.startswith("@") and w[1:].isdigit()) for w in words)
