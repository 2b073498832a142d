"""A report as plain blocks (title, headings, paragraphs, tables), so Markdown and Word render
the same content."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.plan import Plan


def district(plan: Plan) -> str:
    """The district's name for titles: 鱼峰区 from 鱼峰区校园安全集中整治工作方案."""
    return plan.name.split("校园")[0]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1          # 1: 一、  2: （一）


@dataclass(frozen=True)
class Para:
    text: str
    align: str = "justify"  # justify | right (落款)
    indent: bool = True     # 首行缩进两字


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: list[tuple]
    note: str = ""          # a line under the table (e.g. "另有12条，详见台账")


@dataclass
class Document:
    title: str
    blocks: list = field(default_factory=list)

    def heading(self, text: str, level: int = 1) -> None:
        self.blocks.append(Heading(text, level))

    def para(self, text: str, **kw) -> None:
        self.blocks.append(Para(text, **kw))

    def table(self, headers, rows, note: str = "") -> None:
        self.blocks.append(Table(tuple(headers), list(rows), note))
