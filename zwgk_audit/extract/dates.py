"""Dates as Chinese portals print them: 2026-05-12, 2026/5/12, 2026.05.12, 2026年5月12日."""
from __future__ import annotations

import datetime as dt
import re

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def parse_date(text: str | None) -> dt.date | None:
    """The first plausible date in ``text``, or None (never a guess)."""
    if not text:
        return None
    for m in _DATE.finditer(text):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


_CN_DIGIT = {"〇": 0, "○": 0, "O": 0, "Ｏ": 0, "О": 0, "０": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_DATE = re.compile(r"([〇○OＯО０零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")


def _cn_number(text: str) -> int | None:
    """一 … 三十一 (a month or a day written in Chinese numerals)."""
    if "十" not in text:
        return _CN_DIGIT.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    value = (_CN_DIGIT.get(tens, -100) if tens else 1) * 10 + (_CN_DIGIT.get(ones, -100) if ones else 0)
    return value if value > 0 else None


def parse_cn_date(text: str | None) -> dt.date | None:
    """A date in Chinese numerals (二〇二四年十月十五日, with 〇/○/O/０ for zero), else None."""
    for m in _CN_DATE.finditer(text or ""):
        year = "".join(str(_CN_DIGIT[c]) for c in m.group(1))
        month, day = _cn_number(m.group(2)), _cn_number(m.group(3))
        if month and day:
            try:
                return dt.date(int(year), month, day)
            except ValueError:
                continue
    return None
