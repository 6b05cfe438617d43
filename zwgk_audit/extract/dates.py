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
