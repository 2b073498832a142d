"""Where a hazard is (3号教学楼, 后门, 女生宿舍) and how serious the writer says it is."""
from __future__ import annotations

import re

from bot.nlp.vocabulary import Lexicon

_PLACE_PREFIX = r"(?:(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*号\s*|[东南西北]|女生|男生|学生|教师|学校|校园|小学部|初中部)?"
_NEGATED = re.compile(r"(?:不|没|并不|不太|不算|没那么)$")
LEVELS = ("重大", "较大", "一般")


class Details:
    def __init__(self, lexicon: Lexicon):
        places = "|".join(map(re.escape, lexicon.locations))
        self._place = re.compile(_PLACE_PREFIX + f"(?:{places})") if places else None
        self._levels = [(level, re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True)))))
                        for level in LEVELS if (words := lexicon.severity.get(level))]

    def location(self, text: str) -> str | None:
        if self._place is None:
            return None
        m = self._place.search(text)
        return m.group(0).strip() if m else None

    def severity(self, text: str) -> str | None:
        for level, pattern in self._levels:
            for m in pattern.finditer(text):
                if not _NEGATED.search(text[max(0, m.start() - 3):m.start()]):
                    return level
        return None
