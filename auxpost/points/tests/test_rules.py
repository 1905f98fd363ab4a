"""§10 points rules: catalogue, points of an entry, settling a year (pure, no database)."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auxpost.points.rules import (
    WENJIANG_DEFAULT,
    PointsRule,
    PointsRuleError,
    points_for,
    settle_year,
)

P = WENJIANG_DEFAULT


def test_default_catalogue():
    assert (P.version, P.annual_base, P.floor, P.ceiling) == ("1", 100, 0, 120)
    got = {r.code: (r.name, r.points, r.needs_second_approval) for r in P.rules}
    assert got == {
        "commendation_district": ("区级表彰", 5, False),
        "commendation_city": ("市级表彰", 10, False),
        "commendation_province": ("省级及以上表彰", 20, False),
        "training_extra": ("超出要求完成培训", 1, False),
        "no_complaint_year": ("全年无有效投诉", 3, False),
        "late": ("迟到", -1, True),
        "leave_post": ("脱岗", -5, True),
        "absence": ("旷工", -10, True),
        "uniform_fail": ("着装检查不合格", -2, True),
        "meeting_absence": ("无故缺席会议", -2, True),
        "valid_complaint": ("有效投诉", -5, True),
        "discipline_breach": ("违反纪律", -20, True),
    }
    assert P.rule("training_extra").per_quantity == 8


@pytest.mark.parametrize("change, needle", [
    ({"rules": (PointsRule("x", "零分", 0, "manual"),)}, "非零整数"),
    ({"rules": (PointsRule("x", "甲", 1, "manual"), PointsRule("x", "乙", 2, "manual"))}, "不能重复"),
    ({"rules": (PointsRule("x", "甲", 1, "somewhere"),)}, "来源"),
    ({"annual_base": 130}, "基础分"),
    ({"floor": 101}, "基础分"),
])
def test_invalid_policies_are_refused(change, needle):
    with pytest.raises(PointsRuleError, match=needle):
        dataclasses.replace(P, **change)


@pytest.mark.parametrize("code, quantity, expected", [
    ("commendation_district", 1, 5), ("commendation_city", 1, 10), ("commendation_province", 1, 20),
    ("no_complaint_year", 1, 3), ("late", 1, -1), ("late", 3, -3), ("leave_post", 1, -5),
    ("absence", 1, -10), ("absence", 3, -30), ("uniform_fail", 2, -4), ("meeting_absence", 1, -2),
    ("valid_complaint", 1, -5), ("discipline_breach", 1, -20),
    ("training_extra", 8, 1), ("training_extra", 15.5, 1), ("training_extra", 16, 2), ("training_extra", 40, 5),
    ("training_extra", Decimal("23.9"), 2),
])
def test_points_for(code, quantity, expected):
    assert points_for(code, quantity, P) == expected


def test_points_for_defaults_to_one_occurrence():
    assert points_for("late", policy=P) == -1


@pytest.mark.parametrize("hours", [1, 7, 7.99])
def test_training_below_eight_extra_hours_is_refused_as_a_zero_entry(hours):
    with pytest.raises(PointsRuleError, match="不能为0") as e:
        points_for("training_extra", hours, P)
    assert "超出要求完成培训" in e.value.message and e.value.field == "quantity"


@pytest.mark.parametrize("quantity, needle", [(0, "大于0"), (-2, "大于0"), (1.25, "整数"), ("3", "数字"), (True, "数字")])
def test_points_for_validates_quantity(quantity, needle):
    with pytest.raises(PointsRuleError, match=needle) as e:
        points_for("absence", quantity, P)
    assert "旷工" in e.value.message


def test_half_a_day_of_absence_is_whole_points_but_half_a_late_mark_is_not():
    """§5.3.1 more than 30 minutes late is half a day of 旷工: −10 × 0.5 = −5."""
    assert points_for("absence", Decimal("0.5"), P) == -5
    assert points_for("absence", 1.5, P) == -15
    with pytest.raises(PointsRuleError, match="整数"):
        points_for("late", Decimal("0.5"), P)


def test_points_for_unknown_rule():
    with pytest.raises(PointsRuleError, match="未知的积分规则：bogus"):
        points_for("bogus", 1, P)


# --- settling a year -----------------------------------------------------------------------------


def d(month, day=1, year=2026):
    return dt.date(year, month, day)


def test_settle_base_only():
    total, why = settle_year([], 2026, P)
    assert total == 100 and "基础分100" in why


def test_settle_sums_only_that_years_entries():
    entries = [(d(1), -1), (d(3), 10), (d(12, 31), -5), (d(12, 31, 2025), -20), (d(1, 1, 2027), 20)]
    total, why = settle_year(entries, 2026, P)
    assert total == 104
    assert "加分+10（1条）" in why and "扣分-6（2条）" in why


def test_reversing_entry_cancels():
    total, _ = settle_year([(d(2), -20), (d(3), 20)], 2026, P)
    assert total == 100


@pytest.mark.parametrize("entries, total, needle", [
    ([(d(1), 20)], 120, "年度积分120"),
    ([(d(1), 20), (d(2), 1)], 120, "上限"),
    ([(d(1), -100)], 0, "年度积分0"),
    ([(d(1), -100), (d(2), -1)], 0, "下限"),
])
def test_settle_clamps(entries, total, needle):
    got, why = settle_year(entries, 2026, P)
    assert got == total and needle in why


def test_settle_refuses_zero_and_bad_entries():
    with pytest.raises(PointsRuleError, match="第2条.*不能为0"):
        settle_year([(d(1), 1), (d(2), 0)], 2026, P)
    with pytest.raises(PointsRuleError, match="整数"):
        settle_year([(d(1), 1.5)], 2026, P)
    with pytest.raises(PointsRuleError, match="日期"):
        settle_year([("2026-01-01", 1)], 2026, P)


def test_settle_with_another_clamp():
    p = dataclasses.replace(P, ceiling=110)
    assert settle_year([(d(1), 20)], 2026, p)[0] == 110


# --- properties ----------------------------------------------------------------------------------

entry = st.tuples(
    st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31)),
    st.integers(min_value=-50, max_value=50).filter(bool),
)


@given(st.lists(entry, max_size=60), st.integers(2025, 2027))
def test_settlement_always_within_the_clamp(entries, year):
    total, _ = settle_year(entries, year, P)
    assert P.floor <= total <= P.ceiling
    raw = P.annual_base + sum(p for day, p in entries if day.year == year)
    assert total == min(max(raw, P.floor), P.ceiling)


@given(st.sampled_from([r.code for r in P.rules]), st.integers(min_value=8, max_value=400))
def test_points_for_is_never_zero_and_has_the_rule_sign(code, quantity):
    pts = points_for(code, quantity, P)
    assert pts != 0 and (pts > 0) == (P.rule(code).points > 0)
