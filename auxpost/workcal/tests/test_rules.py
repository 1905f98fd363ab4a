"""§11 the pure working-day rules: weekdays, weekends, exceptions, unconfirmed years, notice checks."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auxpost.workcal import rules
from auxpost.workcal.rules import HOLIDAY, WORKDAY, HolidayPeriod, MakeupDay, YearNotConfirmed

D = dt.date
# A toy schedule: 2030 has a holiday Wed 2 Oct – Fri 4 Oct and a make-up workday Sat 12 Oct; 2031 plain.
SCHED = {2030: {D(2030, 10, 2): HOLIDAY, D(2030, 10, 3): HOLIDAY, D(2030, 10, 4): HOLIDAY,
                D(2030, 10, 12): WORKDAY}, 2031: {}}


def test_weekdays_weekends_and_exceptions():
    assert rules.is_working_day(D(2030, 10, 1), SCHED)  # Tuesday
    assert not rules.is_working_day(D(2030, 10, 2), SCHED)  # holiday on a weekday
    assert not rules.is_working_day(D(2030, 10, 5), SCHED)  # Saturday
    assert rules.is_working_day(D(2030, 10, 12), SCHED)  # make-up Saturday


def test_add_counts_start_itself_and_skips_holidays():
    assert rules.add_working_days(D(2030, 10, 1), 1, SCHED) == D(2030, 10, 1)
    # Tue 1 (1), holiday 2-4, weekend 5-6, Mon 7 (2) … Fri 11 (6), make-up Sat 12 (7)
    assert rules.add_working_days(D(2030, 10, 1), 2, SCHED) == D(2030, 10, 7)
    assert rules.add_working_days(D(2030, 10, 1), 7, SCHED) == D(2030, 10, 12)
    # a start on a holiday counts from the next working day
    assert rules.add_working_days(D(2030, 10, 3), 1, SCHED) == D(2030, 10, 7)
    with pytest.raises(ValueError):
        rules.add_working_days(D(2030, 10, 1), 0, SCHED)


def test_between_inclusive_and_across_years():
    assert rules.working_days_between(D(2030, 10, 1), D(2030, 10, 12), SCHED) == 7
    assert rules.working_days_between(D(2030, 10, 5), D(2030, 10, 6), SCHED) == 0
    assert rules.working_days_between(D(2030, 10, 7), D(2030, 10, 7), SCHED) == 1
    assert rules.working_days_between(D(2030, 10, 8), D(2030, 10, 7), SCHED) == 0
    # 2031-01-01 is a Wednesday; plain weekdays across the year end
    assert rules.working_days_between(D(2030, 12, 30), D(2031, 1, 3), SCHED) == 5


def test_unconfirmed_year_is_refused_never_guessed():
    with pytest.raises(YearNotConfirmed) as exc:
        rules.is_working_day(D(2032, 1, 5), SCHED)
    assert exc.value.year == 2032
    with pytest.raises(YearNotConfirmed) as exc:
        rules.add_working_days(D(2031, 12, 30), 5, SCHED)  # runs into 2032
    assert exc.value.year == 2032
    with pytest.raises(YearNotConfirmed):
        rules.working_days_between(D(2031, 12, 1), D(2032, 1, 1), SCHED)


days_2030_31 = st.dates(min_value=D(2030, 1, 1), max_value=D(2031, 10, 31))


@settings(max_examples=200, deadline=None)
@given(start=days_2030_31, n=st.integers(min_value=1, max_value=40))
def test_add_and_between_agree(start, n):
    end = rules.add_working_days(start, n, SCHED)
    assert rules.is_working_day(end, SCHED)
    assert rules.working_days_between(start, end, SCHED) == n
    # walking day by day gives the same count
    walked = sum(rules.is_working_day(start + dt.timedelta(days=i), SCHED) for i in range((end - start).days + 1))
    assert walked == n


@settings(max_examples=200, deadline=None)
@given(a=days_2030_31, b=days_2030_31)
def test_between_matches_walking(a, b):
    walked = sum(rules.is_working_day(a + dt.timedelta(days=i), SCHED) for i in range(max(0, (b - a).days + 1)))
    assert rules.working_days_between(a, b, SCHED) == walked
    if a <= b and rules.is_working_day(b, SCHED) and walked:
        assert rules.add_working_days(a, walked, SCHED) == b


def _codes(year, holidays, makeups):
    return [(p.section, p.line, p.code, p.other) for p in rules.notice_problems(year, holidays, makeups)]


def test_notice_checks():
    h = HolidayPeriod
    assert _codes(2030, [], []) == [("notice", 0, rules.NO_HOLIDAY, 0)]
    assert _codes(2030, [h("国庆节", D(2030, 10, 1), D(2030, 10, 7))], [MakeupDay(D(2030, 9, 29), "国庆节")]) == []
    assert _codes(2030, [h("元旦", D(2029, 12, 31), D(2030, 1, 1))], []) == [("holiday", 1, rules.OUTSIDE_YEAR, 0)]
    assert _codes(2030, [h("春节", D(2030, 2, 9), D(2030, 2, 3))], []) == [("holiday", 1, rules.REVERSED, 0)]
    assert _codes(2030, [h("春节", D(2030, 2, 1), D(2030, 2, 7)), h("x", D(2030, 2, 7), D(2030, 2, 8))], []) \
        == [("holiday", 2, rules.OVERLAP, 1)]
    assert _codes(2030, [h(" ", D(2030, 5, 1), D(2030, 5, 1))], []) == [("holiday", 1, rules.NAME_MISSING, 0)]
    # 2030-10-02 is a Wednesday
    problems = _codes(2030, [h("国庆节", D(2030, 10, 1), D(2030, 10, 7))],
                      [MakeupDay(D(2030, 10, 2), "国庆节"), MakeupDay(D(2030, 9, 29), "国庆节"),
                       MakeupDay(D(2030, 9, 29), "国庆节"), MakeupDay(D(2031, 1, 4), "元旦")])
    assert problems == [("makeup", 1, rules.MAKEUP_WEEKDAY, 0), ("makeup", 1, rules.MAKEUP_IN_HOLIDAY, 1),
                        ("makeup", 3, rules.MAKEUP_TWICE, 2), ("makeup", 4, rules.OUTSIDE_YEAR, 0)]


def test_periods_round_trip():
    holidays = [HolidayPeriod("中秋节", D(2030, 9, 29), D(2030, 9, 29)), HolidayPeriod("国庆节", D(2030, 9, 30), D(2030, 10, 6))]
    makeups = [MakeupDay(D(2030, 10, 12), "国庆节")]
    days = rules.notice_days(holidays, makeups)
    assert len(days) == 9
    assert rules.periods_of((d, k, n) for d, (k, n) in days.items()) == (holidays, makeups)
