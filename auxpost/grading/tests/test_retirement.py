"""§6.2 / §5.2.4 Statutory retirement age under the 2025 progressive rule."""

from datetime import date

import pytest

from auxpost.grading.rules import add_months, statutory_retirement_date


@pytest.mark.parametrize(
    ("birth", "sex", "original", "years", "months", "on"),
    [
        # Men 60 → 63, one month per 4 months.
        (date(1964, 12, 15), "M", None, 60, 0, date(2024, 12, 15)),  # n ≤ 0: no delay
        (date(1965, 1, 10), "M", None, 60, 1, date(2025, 2, 10)),  # published: Jan 1965 → 60y1m, Feb 2025
        (date(1965, 4, 1), "M", None, 60, 1, date(2025, 5, 1)),  # n = 4 → 1 month
        (date(1965, 5, 1), "M", None, 60, 2, date(2025, 7, 1)),  # n = 5 → 2 months
        (date(1971, 1, 1), "M", None, 61, 7, date(2032, 8, 1)),  # n = 73 → 19 months
        (date(1976, 8, 1), "M", None, 62, 11, date(2039, 7, 1)),  # n = 140 → 35 months
        (date(1976, 9, 1), "M", None, 63, 0, date(2039, 9, 1)),  # n = 141 → 36 = cap
        (date(1990, 1, 1), "M", None, 63, 0, date(2053, 1, 1)),  # capped
        # Women originally 55 → 58, one month per 4 months.
        (date(1969, 12, 1), "F", None, 55, 0, date(2024, 12, 1)),
        (date(1970, 1, 5), "F", None, 55, 1, date(2025, 2, 5)),  # published: Jan 1970 → 55y1m
        (date(1970, 1, 5), "F", 55, 55, 1, date(2025, 2, 5)),
        (date(1981, 8, 1), "F", None, 57, 11, date(2039, 7, 1)),
        (date(1981, 9, 1), "F", None, 58, 0, date(2039, 9, 1)),
        (date(1984, 1, 1), "F", None, 58, 0, date(2042, 1, 1)),  # 1984 and later: 58
        # Women originally 50 (worker posts) → 55, one month per 2 months.
        (date(1974, 12, 1), "F", 50, 50, 0, date(2024, 12, 1)),
        (date(1975, 1, 1), "F", 50, 50, 1, date(2025, 2, 1)),  # n = 1 → 1
        (date(1975, 3, 1), "F", 50, 50, 2, date(2025, 5, 1)),  # n = 3 → 2
        (date(1984, 10, 1), "F", 50, 54, 11, date(2039, 9, 1)),  # n = 118 → 59
        (date(1984, 11, 1), "F", 50, 55, 0, date(2039, 11, 1)),  # n = 119 → 60 = cap
        (date(1995, 5, 1), "F", 50, 55, 0, date(2050, 5, 1)),
    ],
)
def test_published_examples_and_boundaries(birth, sex, original, years, months, on):
    ret = statutory_retirement_date(birth, sex, original)
    assert (ret.years, ret.months, ret.date) == (years, months, on)
    assert ret.delay_months == (years * 12 + months) - (original or (60 if sex == "M" else 55)) * 12


def test_leap_day_birthdays():
    # Woman (55) born 29 Feb 1968: no delay, 2023 has no 29 Feb → the last day of February.
    assert statutory_retirement_date(date(1968, 2, 29), "F").date == date(2023, 2, 28)
    # Man born 29 Feb 1964: no delay, 2024 is a leap year.
    assert statutory_retirement_date(date(1964, 2, 29), "M").date == date(2024, 2, 29)
    # Man born 29 Feb 1968: n = 38 → 10 months → 60y10m, 29 December 2028.
    ret = statutory_retirement_date(date(1968, 2, 29), "M")
    assert (ret.years, ret.months, ret.date) == (60, 10, date(2028, 12, 29))
    # Man born 29 Feb 1980: capped at 36 months → 63 years, 2043 is not a leap year.
    assert statutory_retirement_date(date(1980, 2, 29), "M").date == date(2043, 2, 28)


def test_label():
    assert statutory_retirement_date(date(1965, 1, 10), "M").label == "60岁1个月"
    assert statutory_retirement_date(date(1990, 1, 1), "M").label == "63岁"


@pytest.mark.parametrize(("sex", "original"), [("X", None), ("M", 55), ("F", 60)])
def test_unknown_schedule_is_refused(sex, original):
    with pytest.raises(ValueError):
        statutory_retirement_date(date(1980, 1, 1), sex, original)


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2023, 12, 31), 12) == date(2024, 12, 31)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
