"""Chinese natural-language parsing: a message becomes a Parsed (intent, area, school, deadline …)."""
from __future__ import annotations

from bot.nlp.parser import Parser
from bot.nlp.result import Parsed

__all__ = ["Parser", "Parsed", "build_parser"]

_CACHE: dict[tuple[int, int], tuple[object, object, Parser]] = {}
_CACHE_SIZE = 8


def build_parser(plan, directory) -> Parser:
    """One Parser per (plan, directory) pair: building it loads the tokenizer, so reuse it."""
    key = (id(plan), id(directory))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is plan and hit[1] is directory:
        return hit[2]
    parser = Parser(plan, directory)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (plan, directory, parser)   # holding the objects keeps their ids from being reused
    return parser
