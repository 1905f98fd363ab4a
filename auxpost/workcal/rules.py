"""§11 The working-day calendar as pure functions (no Django).

A *schedule* maps every confirmed year to its exception days: ``{year: {date: kind}}`` with kind
``HOLIDAY`` (a statutory holiday, 放假) or ``WORKDAY`` (a make-up workday, 调休上班). Monday to Friday
are working days and Saturday and Sunday are not, unless an exception of the year says otherwise.
A year missing from the schedule is *not confirmed*: any computation touching it raises
``YearNotConfirmed`` instead of guessing.

The notice a State Council 通知 describes (holiday periods and make-up workdays) is checked by
``notice_problems``, which returns problem codes the Django layer turns into messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HOLIDAY = "holiday"
WORKDAY = "workday"

Schedule = Mapping[int, Mapping[dt.date, str]]

_ONE = dt.timedelta(days=1)


class YearNotConfirmed(Exception):  # noqa: N818 - the name says what happened
    """§11 a computation reached a year with no confirmed holiday schedule."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


def _year_days(schedule: Schedule, year: int) -> Mapping[dt.date, str]:
    try:
        return schedule[year]
    except KeyError:
        raise YearNotConfirmed(year) from None


def is_working_day(day: dt.date, schedule: Schedule) -> bool:
    """§11 whether ``day`` is a working day: an exception decides, otherwise Monday–Friday."""
    kind = _year_days(schedule, day.year).get(day)
    if kind == HOLIDAY:
        return False
    if kind == WORKDAY:
        return True
    return day.weekday() < 5


def add_working_days(start: dt.date, n: int, schedule: Schedule) -> dt.date:
    """§11 the n-th working day counting ``start`` itself if it is one (n ≥ 1): a 公示 of n working
    days starting on ``start`` ends on the returned date."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day = start
    left = n
    while True:
        if is_working_day(day, schedule):
            left -= 1
            if left == 0:
                return day
        day += _ONE


def _weekdays_between(a: dt.date, b: dt.date) -> int:
    """Monday–Friday days in [a, b] (a ≤ b), by arithmetic."""
    days = (b - a).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    wd = a.weekday()
    for i in range(rest):
        if (wd + i) % 7 < 5:
            count += 1
    return count


def working_days_between(a: dt.date, b: dt.date, schedule: Schedule) -> int:
    """§11 the number of working days in [a, b], both ends included (0 when b is before a)."""
    if b < a:
        return 0
    count = _weekdays_between(a, b)
    for year in range(a.year, b.year + 1):
        for day, kind in _year_days(schedule, year).items():
            if not a <= day <= b:
                continue
            weekday = day.weekday() < 5
            if kind == HOLIDAY and weekday:
                count -= 1
            elif kind == WORKDAY and not weekday:
                count += 1
    return count


# --- a year's notice ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HolidayPeriod:
    """One line of a notice: a named holiday from ``first`` to ``last`` (both included)."""

    name: str
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class MakeupDay:
    """One line of a notice: a make-up workday (调休上班) for the named holiday."""

    day: dt.date
    name: str


@dataclass(frozen=True)
class Problem:
    """A notice line that cannot be accepted: ``section`` is "holiday", "makeup" or "notice",
    ``line`` counts from 1 (0 for the notice as a whole), ``code`` says why, ``other`` is the
    conflicting line where there is one."""

    section: str
    line: int
    code: str
    other: int = 0


# Problem codes.
NO_HOLIDAY = "no_holiday"
NAME_MISSING = "name_missing"
OUTSIDE_YEAR = "outside_year"
REVERSED = "reversed"
OVERLAP = "overlap"
MAKEUP_WEEKDAY = "makeup_weekday"
MAKEUP_IN_HOLIDAY = "makeup_in_holiday"
MAKEUP_TWICE = "makeup_twice"


def notice_problems(year: int, holidays: Iterable[HolidayPeriod], makeups: Iterable[MakeupDay]) -> list[Problem]:
    """§11 what is wrong with a year's notice: every date inside the year, each period ordered,
    no two periods overlapping, at least one holiday; a make-up workday falls on a Saturday or
    Sunday, outside every holiday period, and is listed once. A holiday may cover any day."""
    holidays = list(holidays)
    makeups = list(makeups)
    problems: list[Problem] = []
    if not holidays:
        problems.append(Problem("notice", 0, NO_HOLIDAY))
    usable: list[tuple[int, HolidayPeriod]] = []
    for i, h in enumerate(holidays, start=1):
        if not h.name.strip():
            problems.append(Problem("holiday", i, NAME_MISSING))
        if h.first.year != year or h.last.year != year:
            problems.append(Problem("holiday", i, OUTSIDE_YEAR))
        elif h.last < h.first:
            problems.append(Problem("holiday", i, REVERSED))
        else:
            usable.append((i, h))
    for k, (i, h) in enumerate(usable):
        for j, g in usable[:k]:
            if h.first <= g.last and g.first <= h.last:
                problems.append(Problem("holiday", i, OVERLAP, other=j))
                break
    seen: dict[dt.date, int] = {}
    for i, m in enumerate(makeups, start=1):
        if not m.name.strip():
            problems.append(Problem("makeup", i, NAME_MISSING))
        if m.day.year != year:
            problems.append(Problem("makeup", i, OUTSIDE_YEAR))
            continue
        if m.day.weekday() < 5:
            problems.append(Problem("makeup", i, MAKEUP_WEEKDAY))
        hit = next((j for j, h in usable if h.first <= m.day <= h.last), 0)
        if hit:
            problems.append(Problem("makeup", i, MAKEUP_IN_HOLIDAY, other=hit))
        if m.day in seen:
            problems.append(Problem("makeup", i, MAKEUP_TWICE, other=seen[m.day]))
        else:
            seen[m.day] = i
    return problems


def notice_days(holidays: Iterable[HolidayPeriod], makeups: Iterable[MakeupDay]) -> dict[dt.date, tuple[str, str]]:
    """The exception days of a (valid) notice: date → (kind, holiday name)."""
    out: dict[dt.date, tuple[str, str]] = {}
    for h in holidays:
        day = h.first
        while day <= h.last:
            out[day] = (HOLIDAY, h.name.strip())
            day += _ONE
    for m in makeups:
        out[m.day] = (WORKDAY, m.name.strip())
    return out


def periods_of(days: Iterable[tuple[dt.date, str, str]]) -> tuple[list[HolidayPeriod], list[MakeupDay]]:
    """A year's stored exception days (date, kind, name) back as the notice's lines: consecutive
    holiday days of the same name form one period."""
    holidays: list[HolidayPeriod] = []
    makeups: list[MakeupDay] = []
    for day, kind, name in sorted(days):
        if kind == WORKDAY:
            makeups.append(MakeupDay(day, name))
        elif holidays and holidays[-1].name == name and holidays[-1].last + _ONE == day:
            holidays[-1] = HolidayPeriod(name, holidays[-1].first, day)
        else:
            holidays.append(HolidayPeriod(name, day, day))
    return holidays, makeups
