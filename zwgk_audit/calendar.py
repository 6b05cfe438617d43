"""Chinese working days: official holidays and 调休 make-up workdays.

Time limits in the 条例 and in plans are counted in 工作日. chinesecalendar
carries the State Council's yearly schedule; a date outside the years it knows
raises :class:`CalendarUnknown`, which checks turn into ``unverified``
("calendar unknown") rather than guessing from weekends.
"""
from __future__ import annotations

import datetime as dt

import chinese_calendar

__all__ = ["CalendarUnknown", "is_workday", "working_days_between", "add_working_days", "covered_years"]


class CalendarUnknown(LookupError):
    """The installed calendar has no holiday schedule for this date's year."""


def covered_years() -> tuple[int, int]:
    years = sorted({d.year for d in chinese_calendar.holidays})
    return years[0], years[-1]


def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as exc:
        raise CalendarUnknown(f"no official holiday schedule for {day.year} ({exc})") from None


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``.

    A document formed on a Friday and published the next Monday took 1 working
    day; published the same day, 0. Negative when ``end`` precedes ``start``.
    """
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        count += is_workday(day)
        day += dt.timedelta(days=1)
    return count


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The date that is ``n`` working days after ``start`` (n >= 0)."""
    day = start
    remaining = n
    while remaining > 0:
        day += dt.timedelta(days=1)
        remaining -= is_workday(day)
    return day
