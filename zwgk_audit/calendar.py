"""Chinese working days: official holidays and 调休 make-up workdays.

Time limits in the 条例 and in plans are counted in 工作日. chinesecalendar
carries the State Council's yearly schedule; a date outside the years it knows
raises :class:`CalendarUnknown`, which checks turn into ``unverified``
("calendar unknown") rather than guessing from weekends.
"""
from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

import chinese_calendar
import yaml

__all__ = ["CalendarUnknown", "is_workday", "working_days_between", "working_days_bounds", "add_working_days",
           "covered_years", "load_overrides"]

MAX_HOLIDAY_WEEKDAYS_PER_YEAR = 13  # official holidays since 2025 (国务院令第793号); fewer fall on weekdays
MAX_MAKEUP_DAYS_PER_YEAR = 8  # 调休 weekend workdays have never exceeded this in a year


def _dates(value) -> list[dt.date]:
    """A date, or an inclusive range written ``2027-02-05..2027-02-12``."""
    if isinstance(value, dt.date):
        return [value]
    text = str(value)
    if ".." in text:
        a, b = (dt.date.fromisoformat(x.strip()) for x in text.split(".."))
        return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]
    return [dt.date.fromisoformat(text.strip())]


@lru_cache(maxsize=None)
def load_overrides(paths: tuple[str, ...] = ()) -> dict[int, tuple[frozenset, frozenset]]:
    """Years → (holidays, make-up workdays) from the shipped file, ZWGK_AUDIT_HOLIDAYS and ``paths``."""
    texts = [resources.files("zwgk_audit").joinpath("data/holidays.yaml").read_text(encoding="utf-8")]
    env = os.environ.get("ZWGK_AUDIT_HOLIDAYS", "")
    for p in [*(x for x in env.split(":") if x), *paths]:
        texts.append(Path(p).read_text(encoding="utf-8"))
    out: dict[int, tuple[frozenset, frozenset]] = {}
    for text in texts:
        for year, spec in (yaml.safe_load(text) or {}).items():
            spec = spec or {}
            hol = frozenset(d for v in spec.get("holidays", []) for d in _dates(v))
            work = frozenset(d for v in spec.get("workdays", []) for d in _dates(v))
            out[int(year)] = (hol, work)
    return out


class CalendarUnknown(LookupError):
    """The installed calendar has no holiday schedule for this date's year."""


def covered_years() -> tuple[int, int]:
    years = sorted({d.year for d in chinese_calendar.holidays})
    return years[0], years[-1]


def is_workday(day: dt.date) -> bool:
    override = load_overrides().get(day.year)
    if override is not None:
        holidays, workdays = override
        return day in workdays or (day.weekday() < 5 and day not in holidays)
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


def working_days_bounds(start: dt.date, end: dt.date) -> tuple[int, int]:
    """Least and most working days after ``start`` up to ``end`` when some years' schedules are unknown.

    Known days count exactly; for unknown years, weekdays minus the most holidays a year can take, and
    weekdays plus the most make-up days a year has had. Lets a check decide a span that holidays cannot
    change (2 days late or 6 months late) and stay ``unverified`` only in between.
    """
    lo = hi = 0
    unknown: dict[int, list[dt.date]] = {}
    day = start + dt.timedelta(days=1)
    while day <= end:
        try:
            known = is_workday(day)
            lo += known
            hi += known
        except CalendarUnknown:
            unknown.setdefault(day.year, []).append(day)
        day += dt.timedelta(days=1)
    for days in unknown.values():
        weekdays = sum(d.weekday() < 5 for d in days)
        lo += max(0, weekdays - MAX_HOLIDAY_WEEKDAYS_PER_YEAR)
        hi += min(len(days), weekdays + MAX_MAKEUP_DAYS_PER_YEAR)
    return lo, hi


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The date that is ``n`` working days after ``start`` (n >= 0)."""
    day = start
    remaining = n
    while remaining > 0:
        day += dt.timedelta(days=1)
        remaining -= is_workday(day)
    return day
