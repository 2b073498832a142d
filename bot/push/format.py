"""Turn a platform-neutral notice into a WeCom or DingTalk robot body, within each size limit."""
from __future__ import annotations

# Bytes of UTF-8 the platforms accept (protocols.md: WeCom markdown 4096, DingTalk body 20000).
LIMITS = {"wecom": 4096, "dingtalk": 18000, "console": 4096}


def render(platform: str, payload: dict) -> dict:
    if platform == "dingtalk":
        return _dingtalk(payload)
    return _wecom(payload)


def _wecom(payload: dict) -> dict:
    text = payload["text"]
    mentions = "".join(f"<@{u}>" for u in payload.get("mention_userids", []))
    if mentions:
        text = f"{text}\n{mentions}"
    return {"msgtype": "markdown", "markdown": {"content": text}}


def _dingtalk(payload: dict) -> dict:
    mobiles = payload.get("mention_mobiles", [])
    text = payload["text"]
    if mobiles:
        # DingTalk renders a mention only when the mobile is both in `at` and written in the text.
        text = f"{text}\n\n" + " ".join(f"@{m}" for m in mobiles)
    return {"msgtype": "markdown", "markdown": {"title": payload.get("title") or "校园安全整治", "text": text},
            "at": {"atMobiles": mobiles, "isAtAll": False}}


def body_size(platform: str, payload: dict) -> int:
    body = render(platform, payload)
    content = body["markdown"]["content"] if platform != "dingtalk" else body["markdown"]["text"]
    return len(content.encode("utf-8"))


def split(platform: str, head: str, lines: list[str], mentions: dict, title: str = "") -> list[dict]:
    """Cut a long notice between lines so each part fits; later parts say which part they are."""
    limit = LIMITS.get(platform, 4096) - 200   # room for mentions and the part marker
    parts: list[list[str]] = [[]]
    size = len(head.encode())
    for line in lines:
        n = len(line.encode()) + 1
        if parts[-1] and size + n > limit:
            parts.append([])
            size = len(head.encode())
        if n > limit:   # a single overlong line is shortened rather than refused by the platform
            line = line.encode()[: limit - 10].decode("utf-8", "ignore") + "…"
            n = len(line.encode()) + 1
        parts[-1].append(line)
        size += n
    total = len(parts)
    out = []
    for i, chunk in enumerate(parts, 1):
        marker = f"（{i}/{total}）" if total > 1 else ""
        text = "\n".join([head + marker, *chunk]) if chunk else head
        out.append({"title": title or head.lstrip("#* "), "text": text, **mentions})
    return out
