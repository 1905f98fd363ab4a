"""§5.2.2/§5.2.3 pure rules: hours sums, the annual requirement, induction and renewal, expiry arithmetic."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from auxpost.training import rules
from auxpost.training.rules import HoursLine

D = Decimal


def test_parse_category_accepts_short_long_and_codes():
    assert rules.parse_category("岗前") == "induction"
    assert rules.parse_category("岗前培训") == "induction"
    assert rules.parse_category("年度") == "annual" and rules.parse_category("晋级培训") == "promotion"
    assert rules.parse_category("专题") == "topical" and rules.parse_category("topical") == "topical"
    assert rules.parse_category("其他") is None and rules.parse_category("") is None


def test_credited_hours_and_pass():
    assert rules.credited_hours("attended", D("7.5")) == D("7.5")
    assert rules.credited_hours("absent", D(8)) == 0 and rules.credited_hours("excused", D(8)) == 0
    assert rules.exam_passed(D(60), D(60)) is True and rules.exam_passed(D("59.9"), D(60)) is False
    assert rules.exam_passed(None, D(60)) is None


def test_annual_hours_count_annual_and_topical_of_the_year_only():
    lines = [HoursLine("annual", dt.date(2025, 1, 1), D(16)), HoursLine("topical", dt.date(2025, 12, 31), D(8)),
             HoursLine("induction", dt.date(2025, 3, 1), D(40)), HoursLine("promotion", dt.date(2025, 5, 1), D(24)),
             HoursLine("annual", dt.date(2024, 12, 31), D(30)), HoursLine("annual", dt.date(2025, 6, 1), D(-16))]
    assert rules.annual_hours(lines, 2025) == D(8)
    assert rules.hours_by_category(lines)["annual"] == D(30)
    assert rules.hours_between(lines, dt.date(2024, 12, 31), dt.date(2025, 1, 1)) == D(46)


def test_requirement_shortfall_and_exemption():
    r = rules.annual_requirement(year=2025, actual=D(24), required=D(40), hire_date=dt.date(2020, 1, 1))
    assert r.shortfall == D(16) and not r.met and r.percent == 60
    assert rules.annual_requirement(year=2025, actual=D(44), required=D(40), hire_date=None).met
    hired = rules.annual_requirement(year=2025, actual=D(0), required=D(40), hire_date=dt.date(2025, 7, 1))
    assert hired.exempt and hired.met and hired.percent == 100


def test_induction_missing_names_each_gap():
    assert rules.induction_missing(hours=D(40), required_hours=D(40), best_score=D(60), pass_score=D(60)) == []
    miss = rules.induction_missing(hours=D("32.5"), required_hours=D(40), best_score=None, pass_score=D(60))
    assert miss == ["岗前培训学时不足：已完成32.5学时，需40学时", "没有岗前培训考试成绩"]
    assert rules.induction_missing(hours=D(40), required_hours=D(40), best_score=D(59), pass_score=D(60)) == [
        "岗前培训考试未通过：最高成绩59分，合格分60分"]


def test_renewal_condition_and_window():
    assert rules.renewal_missing(hours_last_year=D(40), required_hours=D(40)) == []
    assert rules.renewal_missing(hours_last_year=D(12), required_hours=D(40)) == [
        "近一年年度培训学时不足：已完成12学时，需40学时"]
    assert rules.renewal_window(dt.date(2026, 3, 1)) == (dt.date(2025, 3, 2), dt.date(2026, 3, 1))


def test_expiry_arithmetic_leap_day():
    assert rules.valid_until(dt.date(2026, 3, 5), 3) == dt.date(2029, 3, 5)
    assert rules.valid_until(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)
    assert rules.valid_until(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)
    assert rules.add_years(dt.date(2027, 2, 28), -3) == dt.date(2024, 2, 28)


def test_cert_state():
    today = dt.date(2026, 6, 15)
    assert rules.cert_state(None, today, 30) == "missing"
    assert rules.cert_state(dt.date(2026, 6, 14), today, 30) == "expired"
    assert rules.cert_state(today, today, 30) == "expiring"
    assert rules.cert_state(dt.date(2026, 7, 15), today, 30) == "expiring"
    assert rules.cert_state(dt.date(2026, 7, 16), today, 30) == "ok"


def test_certificate_number_format():
    assert rules.certificate_number(2026, 123) == "WJ-2026-000123"


dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


@given(dates, st.integers(min_value=1, max_value=10))
def test_valid_until_is_whole_years_later_and_never_shifts_month(day, years):
    until = rules.valid_until(day, years)
    assert until.year == day.year + years and until.month == day.month
    assert until.day == day.day or (day.month, day.day, until.day) == (2, 29, 28)
    assert until > day


hours = st.decimals(min_value=0, max_value=200, places=1, allow_nan=False, allow_infinity=False)
lines_st = st.lists(st.builds(HoursLine, st.sampled_from(["induction", "annual", "promotion", "topical"]),
                              st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31)), hours),
                    max_size=30)


@given(lines_st)
def test_annual_hours_by_year_add_up_to_the_counting_categories(lines):
    by_year = sum(rules.annual_hours(lines, y) for y in (2024, 2025, 2026))
    by_cat = rules.hours_by_category(lines)
    assert by_year == by_cat.get("annual", 0) + by_cat.get("topical", 0)


@given(hours, hours)
def test_requirement_shortfall_plus_actual_covers_required(actual, required):
    r = rules.annual_requirement(year=2025, actual=actual, required=required, hire_date=dt.date(2020, 1, 1))
    assert r.shortfall >= 0 and (r.actual + r.shortfall >= r.required)
    assert r.met == (actual >= required)
