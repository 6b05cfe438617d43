import datetime as dt

import pytest

from zwgk_audit import calendar as wd

D = dt.date


def test_tiaoxiu_makeup_days_are_workdays_and_holidays_are_not():
    assert wd.is_workday(D(2024, 9, 29))  # Sunday, 调休 make-up day before National Day 2024
    assert wd.is_workday(D(2024, 10, 12))  # Saturday make-up day
    assert not wd.is_workday(D(2024, 10, 3))  # National Day holiday
    assert wd.is_workday(D(2026, 2, 14))  # Saturday make-up day around Spring Festival 2026


def test_working_days_between_counts_after_start_through_end():
    assert wd.working_days_between(D(2024, 6, 7), D(2024, 6, 7)) == 0
    assert wd.working_days_between(D(2024, 6, 7), D(2024, 6, 11)) == 1  # Fri → Tue: 6-10 is 端午 holiday
    # 2024-09-27 (Fri) → 2024-10-14 (Mon): 9-29, 9-30, 10-8..10-12 and 10-14 are workdays
    assert wd.working_days_between(D(2024, 9, 27), D(2024, 10, 14)) == 2 + 5 + 1
    assert wd.working_days_between(D(2024, 10, 14), D(2024, 9, 27)) == -8


def test_add_working_days_inverts_counting():
    start = D(2024, 9, 27)
    for n in (0, 1, 3, 20):
        assert wd.working_days_between(start, wd.add_working_days(start, n)) == n


def test_unknown_year_is_an_explicit_error():
    with pytest.raises(wd.CalendarUnknown):
        wd.working_days_between(D(2100, 1, 1), D(2100, 2, 1))
    lo, hi = wd.covered_years()
    assert lo <= 2019 and hi >= 2026
