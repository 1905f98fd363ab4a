"""§9 incentives rules: the policy codec, pro-rated monthly grade allowances, the annual bonus and the
pay sheet's grouped sums — unit tests and hypothesis properties. No database."""

import calendar
import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auxpost.incentives.rules import (
    DEFAULT,
    REASON_NO_GRADE,
    REASON_NO_RESULT,
    REASON_PARTIAL_YEAR,
    HistoryRow,
    IncentivesFormatError,
    IncentivesPolicy,
    MemberFacts,
    annual_bonus,
    grade_on,
    incentives_from_dict,
    incentives_to_dict,
    month_allowance,
    pay_row,
    round_money,
    spans_in,
    summarise,
    totals,
)

D = Decimal
HIRE = dt.date(2020, 1, 1)


def h(*rows):
    return tuple(HistoryRow(d, g) for d, g in rows)


# --- codec -------------------------------------------------------------------------------------------


def test_defaults_are_the_spec_values():
    assert [DEFAULT.allowance(g) for g in (5, 4, 3, 2, 1)] == [D(0), D(200), D(400), D(700), D(1000)]
    assert [DEFAULT.result_coefficient(b) for b in ("excellent", "pass", "basic", "fail")] == [
        D("1.2"), D("1.0"), D("0.6"), D(0)]
    assert DEFAULT.bonus_base == D(6000)
    assert [DEFAULT.grade_coefficient(g) for g in (5, 4, 3, 2, 1)] == [D("1.0"), D("1.1"), D("1.2"), D("1.35"),
                                                                         D("1.5")]


def test_empty_document_is_the_defaults_and_the_codec_round_trips():
    assert incentives_from_dict({}) == DEFAULT == incentives_from_dict(None)
    assert incentives_from_dict(incentives_to_dict(DEFAULT)) == DEFAULT
    assert incentives_from_dict({}, version="2027.1").version == "2027.1"
    hash(DEFAULT)  # usable as a cache key like the other rule policies


@pytest.mark.parametrize("mutate, field, words", [
    (lambda d: d["monthly_allowance"].update({"4": "-1"}), "monthly_allowance.4", "四级月度职级津贴：必须在0到100000之间"),
    (lambda d: d["monthly_allowance"].update({"6": "1"}), "monthly_allowance", "未知的项目 6"),
    (lambda d: d.update(monthly_allowance=[1]), "monthly_allowance", "应为对象"),
    (lambda d: d.update(bonus_base=True), "bonus_base", "年终奖金基数：不能为空"),
    (lambda d: d.update(bonus_base="NaN"), "bonus_base", "不是有效的数字"),
    (lambda d: d["grade_coefficients"].update({"2": "1.2345"}), "grade_coefficients.2", "二级等级系数：最多3位小数"),
    (lambda d: d["result_coefficients"].pop("fail"), "result_coefficients.fail", "不合格考核系数：缺少此项"),
    (lambda d: d.pop("bonus_base"), "bonus_base", "年终奖金基数：缺少此项"),
])
def test_bad_documents_name_the_field_in_chinese(mutate, field, words):
    doc = incentives_to_dict(DEFAULT)
    mutate(doc)
    with pytest.raises(IncentivesFormatError) as exc:
        incentives_from_dict(doc)
    assert exc.value.field == field and words in exc.value.message


# --- grade spans and allowances ------------------------------------------------------------------------


def test_grade_on_follows_history_hire_and_separation():
    hist = h((dt.date(2020, 1, 1), 5), (dt.date(2023, 7, 1), 4), (dt.date(2023, 7, 1), 3))
    assert grade_on(hist, dt.date(2023, 6, 30), hire_date=HIRE) == 5
    assert grade_on(hist, dt.date(2023, 7, 1), hire_date=HIRE) == 3  # the later row of a date wins
    assert grade_on(hist, dt.date(2019, 12, 31), hire_date=HIRE) is None
    assert grade_on(hist, dt.date(2024, 1, 1), hire_date=HIRE, separated_on=dt.date(2024, 1, 1)) is None


def test_full_month_at_one_grade():
    hist = h((dt.date(2020, 1, 1), 3))
    assert month_allowance(hist, 2025, 2, DEFAULT, hire_date=HIRE) == D("400.00")


def test_promotion_mid_month_is_pro_rated_from_the_effective_date():
    # 四级 (200) on 1–14 March, 三级 (400) from 15 March: 200×14/31 + 400×17/31 = 9600/31 = 309.677… → 309.68
    hist = h((dt.date(2020, 1, 1), 4), (dt.date(2025, 3, 15), 3))
    assert month_allowance(hist, 2025, 3, DEFAULT, hire_date=HIRE) == D("309.68")
    assert month_allowance(hist, 2025, 2, DEFAULT, hire_date=HIRE) == D("200.00")
    assert month_allowance(hist, 2025, 4, DEFAULT, hire_date=HIRE) == D("400.00")


def test_rounded_once_per_month_half_up():
    # 1 day of 一级 in a 30-day month and 29 days of 五级: 1000/30 = 33.333… → 33.33
    hist = h((dt.date(2020, 1, 1), 5), (dt.date(2025, 6, 30), 1))
    assert month_allowance(hist, 2025, 6, DEFAULT, hire_date=HIRE) == D("33.33")
    # exactly half a cent rounds up: 0.125 → 0.13 (an allowance of 1 RMB for 1 of 8 days is impossible
    # with calendar months, so check the rounding itself)
    assert round_money(Fraction(1, 8)) == D("0.13") and round_money(Fraction(1, 200)) == D("0.01")
    assert round_money(Fraction(1, 201)) == D("0.00")


def test_nothing_before_hire_or_from_separation():
    hist = h((dt.date(2025, 5, 20), 4))
    assert month_allowance(hist, 2025, 4, DEFAULT, hire_date=dt.date(2025, 5, 20)) == D("0.00")
    # hired 20 May: 12 of 31 days
    assert month_allowance(hist, 2025, 5, DEFAULT, hire_date=dt.date(2025, 5, 20)) == round_money(
        Fraction(200 * 12, 31))
    # separated on 11 September (the cancellation row and separated_on agree): 10 of 30 days
    hist = h((dt.date(2020, 1, 1), 2), (dt.date(2025, 9, 11), None))
    assert month_allowance(hist, 2025, 9, DEFAULT, hire_date=HIRE, separated_on=dt.date(2025, 9, 11)) == D("233.33")
    assert month_allowance(hist, 2025, 10, DEFAULT, hire_date=HIRE, separated_on=dt.date(2025, 9, 11)) == D("0.00")
    # a cancellation row alone stops the allowance too
    assert month_allowance(hist, 2025, 10, DEFAULT, hire_date=HIRE) == D("0.00")


def test_future_dated_row_counts_from_its_date_only():
    hist = h((dt.date(2020, 1, 1), 4), (dt.date(2026, 1, 1), 3))
    assert month_allowance(hist, 2025, 12, DEFAULT, hire_date=HIRE) == D("200.00")
    assert month_allowance(hist, 2026, 1, DEFAULT, hire_date=HIRE) == D("400.00")


def test_ungraded_member_gets_nothing():
    assert month_allowance((), 2025, 1, DEFAULT, hire_date=HIRE) == D("0.00")


# --- bonus ---------------------------------------------------------------------------------------------


def test_bonus_is_base_times_coefficients():
    b = annual_bonus(grade=2, band="excellent", policy=DEFAULT)
    assert b.amount == D("9720.00")  # 6000 × 1.35 × 1.2
    assert "6000 × 1.35（二级）× 1.2（优秀）" == b.formula
    assert annual_bonus(grade=4, band="basic", policy=DEFAULT).amount == D("3960.00")  # 6000 × 1.1 × 0.6
    assert annual_bonus(grade=1, band="fail", policy=DEFAULT).amount == D("0.00")


def test_no_result_or_no_grade_means_no_bonus_with_the_reason():
    assert annual_bonus(grade=3, band=None, policy=DEFAULT).reason == REASON_NO_RESULT
    b = annual_bonus(grade=None, band="pass", policy=DEFAULT)
    assert b.amount is None and b.reason == REASON_NO_GRADE


# --- pay rows and summary ----------------------------------------------------------------------------


def facts(member_id, history, band, *, hire=HIRE, separated_on=None):
    return MemberFacts(member_id=member_id, name=f"m{member_id}", id_number="x", unit="u", hire_date=hire,
                       separated_on=separated_on, history=h(*history), band=band)


def test_pay_row_full_year_and_policy_switch():
    richer = IncentivesPolicy(version="2", monthly_allowance=tuple((g, D(v)) for g, v in
                                                                   ((1, 2000), (2, 1400), (3, 800), (4, 400), (5, 0))))
    per_month = {m: (DEFAULT if m < 7 else richer) for m in range(1, 13)}
    row = pay_row(facts(1, [(HIRE, 4)], "pass"), year=2025, last_month=12, policy_for_month=per_month,
                  year_end_policy=richer)
    assert row.months == (D("200.00"),) * 6 + (D("400.00"),) * 6
    assert row.allowance_total == D("3600.00") and row.bonus == D("6600.00") and row.total == D("10200.00")
    assert row.grade == 4 and row.remarks == ()


def test_pay_row_up_to_a_month_has_no_bonus():
    row = pay_row(facts(1, [(HIRE, 3)], "excellent"), year=2025, last_month=3,
                  policy_for_month=dict.fromkeys(range(1, 13), DEFAULT), year_end_policy=DEFAULT)
    assert row.months[:3] == (D("400.00"),) * 3 and row.months[3:] == (None,) * 9
    assert row.bonus is None and row.total == D("1200.00") and REASON_PARTIAL_YEAR in row.remarks


def test_pay_row_separated_member_has_no_year_end_grade_nor_bonus():
    row = pay_row(facts(1, [(HIRE, 2), (dt.date(2025, 9, 11), None)], "pass", separated_on=dt.date(2025, 9, 11)),
                  year=2025, last_month=12, policy_for_month=dict.fromkeys(range(1, 13), DEFAULT),
                  year_end_policy=DEFAULT)
    assert row.grade is None and row.bonus is None
    assert row.allowance_total == D("700.00") * 8 + D("233.33")
    assert row.remarks == (f"无年终奖金：{REASON_NO_GRADE}", "2025-09-11离职")


def test_summary_groups_and_totals():
    per = dict.fromkeys(range(1, 13), DEFAULT)
    rows = [pay_row(f, year=2025, last_month=12, policy_for_month=per, year_end_policy=DEFAULT) for f in (
        facts(1, [(HIRE, 4)], "pass"), facts(2, [(HIRE, 4)], "pass"), facts(3, [(HIRE, 3)], None),
        facts(4, [(HIRE, 5)], "excellent"))]
    s = summarise(rows)
    assert [(r.grade_label, r.band_label, r.count) for r in s] == [
        ("五级", "优秀", 1), ("四级", "合格", 2), ("三级", "无结果", 1)]
    four = s[1]
    assert four.allowance_total == D("4800.00") and four.bonus_total == D("13200.00")
    t = totals(s)
    assert t.count == 4 and t.allowance_total == sum((r.allowance_total for r in rows), D(0))
    assert t.bonus_total == sum((r.bonus or D(0) for r in rows), D(0))


# --- properties -----------------------------------------------------------------------------------------

dates_2025 = st.dates(min_value=dt.date(2024, 6, 1), max_value=dt.date(2026, 6, 30))
grades = st.one_of(st.none(), st.sampled_from([5, 4, 3, 2, 1]))
histories = st.lists(st.tuples(dates_2025, grades), min_size=0, max_size=6).map(
    lambda rows: tuple(HistoryRow(d, g) for d, g in sorted(rows, key=lambda r: r[0])))


@settings(max_examples=150, deadline=None)
@given(histories, st.integers(1, 12), dates_2025, st.one_of(st.none(), dates_2025))
def test_allowance_equals_the_day_by_day_sum(history, month, hire, separated_on):
    """Property: the pro-rated allowance is the day-by-day sum of allowance(grade on that day) / days in
    the month, rounded once; it never exceeds the top grade's allowance."""
    dim = calendar.monthrange(2025, month)[1]
    exact = sum((Fraction(DEFAULT.allowance(grade_on(history, dt.date(2025, month, d), hire_date=hire,
                                                     separated_on=separated_on))) / dim
                 for d in range(1, dim + 1)), Fraction(0))
    got = month_allowance(history, 2025, month, DEFAULT, hire_date=hire, separated_on=separated_on)
    assert got == round_money(exact)
    assert D(0) <= got <= D(1000)


@settings(max_examples=100, deadline=None)
@given(histories, st.integers(1, 12), dates_2025)
def test_spans_cover_exactly_the_graded_days(history, month, hire):
    dim = calendar.monthrange(2025, month)[1]
    first, last = dt.date(2025, month, 1), dt.date(2025, month, dim)
    spans = spans_in(history, first, last, hire_date=hire)
    covered = {}
    for begin, stop, grade in spans:
        assert first <= begin <= stop <= last
        d = begin
        while d <= stop:
            assert d not in covered
            covered[d] = grade
            d += dt.timedelta(days=1)
    for day in range(1, dim + 1):
        d = dt.date(2025, month, day)
        assert covered.get(d) == grade_on(history, d, hire_date=hire)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(histories, st.one_of(st.none(), st.sampled_from(["excellent", "pass", "basic", "fail"]))),
                min_size=0, max_size=8))
def test_summary_equals_the_grouped_rows(members):
    per = dict.fromkeys(range(1, 13), DEFAULT)
    rows = [pay_row(MemberFacts(i, "n", "x", "u", dt.date(2024, 6, 1), None, hist, band), year=2025, last_month=12,
                    policy_for_month=per, year_end_policy=DEFAULT) for i, (hist, band) in enumerate(members)]
    s = summarise(rows)
    assert totals(s).count == len(rows)
    for g in s:
        mine = [r for r in rows if (r.grade, r.band) == (g.grade, g.band)]
        assert g.count == len(mine)
        assert g.allowance_total == sum((r.allowance_total for r in mine), D(0))
        assert g.bonus_total == sum((r.bonus or D(0) for r in mine), D(0))
    for r in rows:
        assert r.total == r.allowance_total + (r.bonus or D(0))
        assert r.allowance_total == sum(r.months, D(0))


# --- the fast allowance against the exact one -------------------------------------------------------------


def exact_month_allowance(history, year, month, policy, *, hire_date, separated_on=None):
    """The reference: the implementation before the whole-cents one — Σ Fraction(allowance) × days / days in
    the month over the spans, rounded once."""
    dim = calendar.monthrange(year, month)[1]
    first, last = dt.date(year, month, 1), dt.date(year, month, dim)
    total = Fraction(0)
    for begin, stop, grade in spans_in(history, first, last, hire_date=hire_date, separated_on=separated_on):
        total += Fraction(policy.allowance(grade)) * ((stop - begin).days + 1) / dim
    return round_money(total)


# Years 2023–2025 with the leap February of 2024; rows, hires and separations around them.
any_dates = st.dates(min_value=dt.date(2022, 11, 1), max_value=dt.date(2025, 2, 28))
any_histories = st.lists(st.tuples(any_dates, grades), min_size=0, max_size=8).map(
    lambda rows: tuple(HistoryRow(d, g) for d, g in sorted(rows, key=lambda r: r[0])))
cents_amounts = st.integers(0, 10_000_000).map(lambda c: D(c).scaleb(-2))  # 0.00 … 100000.00, as stored
any_amounts = st.one_of(cents_amounts, st.integers(0, 10**9).map(lambda c: D(c).scaleb(-5)),  # finer than cents
                        st.sampled_from([D("0"), D("200"), D("1000"), D("333.33"), D("0.005")]))
policies = st.one_of(
    st.just(DEFAULT),
    st.lists(cents_amounts, min_size=5, max_size=5).map(
        lambda a: IncentivesPolicy(version="p", monthly_allowance=tuple(zip((5, 4, 3, 2, 1), a, strict=True)))),
    st.lists(any_amounts, min_size=5, max_size=5).map(
        lambda a: IncentivesPolicy(version="q", monthly_allowance=tuple(zip((5, 4, 3, 2, 1), a, strict=True)))),
)


@settings(max_examples=400, deadline=None)
@given(any_histories, st.integers(2023, 2024), st.integers(1, 12), any_dates, st.one_of(st.none(), any_dates),
       policies)
def test_fast_allowance_equals_the_exact_fraction(history, year, month, hire, separated_on, policy):
    """Property: the whole-cents allowance (one grade all month: the policy's amount; else Σ cents × days,
    one half-up division) is the exact Fraction result, to the same digits (value and exponent)."""
    got = month_allowance(history, year, month, policy, hire_date=hire, separated_on=separated_on)
    want = exact_month_allowance(history, year, month, policy, hire_date=hire, separated_on=separated_on)
    assert got == want and got.as_tuple() == want.as_tuple()


def test_fast_allowance_in_a_leap_february_and_a_whole_month():
    hist = h((dt.date(2020, 1, 1), 4), (dt.date(2024, 2, 15), 3))
    # 200 × 14/29 + 400 × 15/29 = 8800/29 = 303.448… → 303.45
    assert month_allowance(hist, 2024, 2, DEFAULT, hire_date=HIRE) == D("303.45")
    assert str(month_allowance(hist, 2024, 3, DEFAULT, hire_date=HIRE)) == "400.00"
    assert str(month_allowance(h((HIRE, 5)), 2024, 3, DEFAULT, hire_date=HIRE)) == "0.00"
