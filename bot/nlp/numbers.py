"""Numbers written in digits or Chinese numerals (十二, 三十六, 两, 二十), as ints."""
from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}

# A regex fragment for one number: ASCII digits or a run of Chinese numerals.
NUM = r"(?:\d{1,7}|[零〇一二两三四五六七八九十百千]{1,6})"


def to_int(text: str) -> int | None:
    """'12' -> 12, '十二' -> 12, '三十六' -> 36, '一百零五' -> 105, '二〇' -> 20; None if not a number."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(ch not in DIGITS and ch not in UNITS for ch in text):
        return None
    if not any(ch in UNITS for ch in text):
        # digit by digit, as in 二〇二三
        return int("".join(str(DIGITS[ch]) for ch in text))
    return _positional(text)


def _positional(text: str) -> int | None:
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0:
                return None        # two digits in a row without a unit: not a numeral
            digit = DIGITS[ch] if DIGITS[ch] != 0 else None
        else:
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
    return total + (digit or 0)
