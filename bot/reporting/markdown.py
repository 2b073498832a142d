"""A report Document as Markdown (for the chat, a wiki, or reading in a terminal)."""
from __future__ import annotations

from bot.reporting.document import Document, Heading, Para, Table


def _cell(value) -> str:
    return str(value).replace("|", "｜").replace("\n", " ")


def _table(t: Table) -> list[str]:
    lines = ["| " + " | ".join(t.headers) + " |", "|" + "---|" * len(t.headers)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in t.rows]
    return lines + ([f"\n{t.note}"] if t.note else [])


def _block(b) -> list[str]:
    if isinstance(b, Heading):
        return [("## " if b.level == 1 else "### ") + b.text]
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Para) and b.align == "right":
        return [f"<div align=\"right\">{b.text}</div>"]
    return [b.text]


def render(doc: Document) -> str:
    parts = [f"# {doc.title}"] + ["\n".join(_block(b)) for b in doc.blocks]
    return "\n\n".join(parts) + "\n"
