"""A jieba tokenizer that knows only our words: the plan's, the directory's and the domain's.

jieba's default dictionary (350k words) costs most of a second to load and is not needed: we only
care where our own words start and end, and unknown text simply falls apart into characters. The
dictionary is built in memory, so no file is read or cache written.
"""
from __future__ import annotations

import io
import logging

import jieba

WORD_FREQ = 1000   # one frequency for every word: the tokenizer then prefers the fewest, longest words

jieba.setLogLevel(logging.WARNING)


def build_tokenizer(words) -> jieba.Tokenizer:
    words = sorted({w.strip() for w in words if w and w.strip() and " " not in w.strip()})
    lines = "".join(f"{w} {WORD_FREQ}\n" for w in words).encode("utf-8")
    tokenizer = jieba.Tokenizer(dictionary="in-memory")
    tokenizer.FREQ, tokenizer.total = jieba.Tokenizer.gen_pfdict(io.BytesIO(lines))
    tokenizer.total = max(tokenizer.total, 1)
    tokenizer.initialized = True     # everything initialize() would load is in place
    return tokenizer


def tokens(tokenizer: jieba.Tokenizer, text: str) -> list[tuple[str, int, int]]:
    return list(tokenizer.tokenize(text, HMM=False))
