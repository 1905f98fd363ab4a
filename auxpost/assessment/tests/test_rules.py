"""§7 assessment rules: scorecards, composite, bands, vetoes, the 优秀 cap (pure, no database)."""

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auxpost.assessment.rules import (
    BASIC,
    EXCELLENT,
    FAIL,
    PASS,
    WENJIANG_DEFAULT,
    AnnualInput,
    AssessmentRuleError,
    annual_composite,
    apply_excellent_cap,
    apply_vetoes,
    band_for,
    excellent_allowed_count,
    monthly_total,
    skills_composite,
)

P = WENJIANG_DEFAULT
FULL = {"attendance": 20, "discipline": 20, "uniform": 10, "duty_performance": 40, "public_feedback": 10}


# --- policy ------------------------------------------------------------------------------------


def test_default_policy_values():
    assert P.version == "1"
    assert [(i.code, i.max_points) for i in P.monthly_indicators] == [
        ("attendance", 20), ("discipline", 20), ("uniform", 10), ("duty_performance", 40), ("public_feedback", 10)
    ]
    assert sum(i.max_points for i in P.monthly_indicators) == 100
    assert P.skills_rounds_per_year == 2
    assert [(c.name, c.weight) for c in P.skills_components] == [
        ("法律法规", Decimal("0.3")), ("实操技能", Decimal("0.3")), ("体能", Decimal("0.2")), ("民主测评", Decimal("0.2"))
    ]
    assert (P.weight_monthly, P.weight_skills, P.weight_points) == (Decimal("0.4"), Decimal("0.4"), Decimal("0.2"))
    assert [(b.code, b.name, b.min_score) for b in P.bands] == [
        ("excellent", "优秀", 90), ("pass", "合格", 70), ("basic", "基本合格", 60), ("fail", "不合格", 0)
    ]
    assert P.excellent_cap == Decimal("0.15")
    assert (P.veto_absence_days, P.veto_lates, P.veto_sanction) == (5, 15, True)


def test_policy_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        P.excellent_cap = Decimal("0.5")


@pytest.mark.parametrize("cap", ["0.20", "0", "0.1"])
def test_cap_up_to_twenty_percent_is_accepted(cap):
    assert dataclasses.replace(P, excellent_cap=Decimal(cap)).excellent_cap == Decimal(cap)


@pytest.mark.parametrize("cap", ["0.21", "0.2001", "-0.01"])
def test_cap_above_twenty_percent_is_refused(cap):
    with pytest.raises(AssessmentRuleError, match="优秀比例") as e:
        dataclasses.replace(P, excellent_cap=Decimal(cap))
    assert e.value.field == "excellent_cap"


@pytest.mark.parametrize(
    "change, needle",
    [
        ({"weight_points": Decimal("0.3")}, "三项权重"),
        ({"skills_components": P.skills_components[:3]}, "集中考核各科目权重"),
        ({"monthly_indicators": P.monthly_indicators[:4]}, "满分之和"),
        ({"bands": tuple(reversed(P.bands))}, "考核等次"),
        ({"bands": (P.bands[0], dataclasses.replace(P.bands[1], min_score=Decimal(95)), *P.bands[2:])}, "递减"),
        ({"skills_rounds_per_year": 0}, "每年至少"),
        ({"veto_lates": 0}, "否决条件"),
    ],
)
def test_invalid_policies_are_refused(change, needle):
    with pytest.raises(AssessmentRuleError, match=needle):
        dataclasses.replace(P, **change)


# --- monthly scorecard ---------------------------------------------------------------------------


def test_monthly_total_sums_the_indicators():
    assert monthly_total(FULL, P) == Decimal("100.00")
    assert monthly_total({**FULL, "duty_performance": 35.5, "uniform": 0}, P) == Decimal("85.50")


@pytest.mark.parametrize("code, value, name", [
    ("attendance", 20.01, "出勤"), ("uniform", 11, "着装仪容"), ("duty_performance", -1, "履职情况"),
    ("public_feedback", 10.5, "群众评价"),
])
def test_monthly_indicator_out_of_range_names_the_indicator(code, value, name):
    with pytest.raises(AssessmentRuleError, match=name) as e:
        monthly_total({**FULL, code: value}, P)
    assert e.value.field == code
    assert "0到" in e.value.message


def test_monthly_indicator_at_its_maximum_and_zero_is_fine():
    assert monthly_total({k: 0 for k in FULL}, P) == 0


def test_monthly_missing_or_unknown_indicator_is_refused():
    with pytest.raises(AssessmentRuleError, match="缺少考核指标“纪律”"):
        monthly_total({k: v for k, v in FULL.items() if k != "discipline"}, P)
    with pytest.raises(AssessmentRuleError, match="未知的月度考核指标：bonus"):
        monthly_total({**FULL, "bonus": 1}, P)
    with pytest.raises(AssessmentRuleError, match="应为数字"):
        monthly_total({**FULL, "uniform": "10"}, P)


# --- 集中考核 -------------------------------------------------------------------------------------


def test_skills_composite_is_the_weighted_sum():
    comps = {"law": 90, "practical": 80, "fitness": 70, "peer_rating": 100}
    assert skills_composite(comps, P) == Decimal("85.00")  # 27 + 24 + 14 + 20


def test_skills_component_errors_name_the_component():
    comps = {"law": 90, "practical": 80, "fitness": 70, "peer_rating": 100}
    with pytest.raises(AssessmentRuleError, match="体能"):
        skills_composite({**comps, "fitness": 100.5}, P)
    with pytest.raises(AssessmentRuleError, match="缺少集中考核科目“民主测评”"):
        skills_composite({k: v for k, v in comps.items() if k != "peer_rating"}, P)
    with pytest.raises(AssessmentRuleError, match="未知的集中考核科目"):
        skills_composite({**comps, "shooting": 50}, P)


# --- annual composite ----------------------------------------------------------------------------


def test_annual_composite_formula_and_points_ceiling():
    c, why = annual_composite([80, 90], [85], 120, P)
    # 0.4×85 + 0.4×85 + 0.2×100
    assert c == Decimal("88.00")
    assert "综合得分88.00" in why and "计入100.00" in why


def test_annual_composite_rounds_half_up_to_two_decimals():
    c, _ = annual_composite([90, 90, 91], [90], 90, P)  # mean 90.333… → 36.1333 + 36 + 18
    assert c == Decimal("90.13")
    c, _ = annual_composite([89.99], [89.99], 89.99, P)
    assert c == Decimal("89.99")


def test_missing_monthly_counts_as_zero_with_reason():
    c, why = annual_composite([], [90], 100, P)
    assert c == Decimal("56.00")
    assert "缺少月度考核" in why


def test_missing_skills_counts_as_zero_with_reason():
    c, why = annual_composite([90], [], 100, P)
    assert c == Decimal("56.00")
    assert "缺少集中考核" in why


def test_expected_counts_make_missing_months_and_rounds_zero():
    c, why = annual_composite([90] * 6, [80], 100, P, months_expected=12, rounds_expected=2)
    assert c == Decimal("54.00")  # 0.4×45 + 0.4×40 + 20
    assert "应有12次，只有6次" in why and "应有2次，只有1次" in why
    with pytest.raises(AssessmentRuleError, match="多于应有"):
        annual_composite([90] * 13, [80], 100, P, months_expected=12)


def test_complete_year_with_expected_counts_has_no_reason():
    c, why = annual_composite([90] * 12, [80, 90], 100, P, months_expected=12, rounds_expected=2)
    assert c == Decimal("90.00")
    assert "缺少" not in why


@pytest.mark.parametrize("monthly, skills, points, needle", [
    ([100.5], [90], 100, "月度考核"),
    ([90], [-1], 100, "集中考核"),
    ([90], [90], -1, "年度积分"),
])
def test_annual_composite_validates_its_inputs(monthly, skills, points, needle):
    with pytest.raises(AssessmentRuleError, match=needle):
        annual_composite(monthly, skills, points, P)


# --- bands ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("composite, band", [
    (100, EXCELLENT), (90, EXCELLENT), (Decimal("90.00"), EXCELLENT), (89.99, PASS),
    (70, PASS), (69.99, BASIC), (60, BASIC), (59.99, FAIL), (0, FAIL),
])
def test_band_boundaries(composite, band):
    assert band_for(composite, P) == band


def test_band_from_a_composite_computed_near_a_boundary():
    c, _ = annual_composite([89.99], [89.99], 89.99, P)
    assert band_for(c, P) == PASS
    c, _ = annual_composite([90], [90], 90, P)
    assert band_for(c, P) == EXCELLENT


def test_band_for_refuses_out_of_range():
    with pytest.raises(AssessmentRuleError):
        band_for(100.01, P)
    with pytest.raises(AssessmentRuleError):
        band_for(-0.01, P)


def test_band_thresholds_are_configurable():
    strict = dataclasses.replace(P, bands=(dataclasses.replace(P.bands[0], min_score=Decimal(95)), *P.bands[1:]))
    assert band_for(94, strict) == PASS
    assert strict.band_name(EXCELLENT) == "优秀"


# --- vetoes --------------------------------------------------------------------------------------


def test_absence_veto_boundary():
    assert apply_vetoes(EXCELLENT, P, absence_days=4).band == EXCELLENT
    v = apply_vetoes(EXCELLENT, P, absence_days=5)
    assert v.band == FAIL and not v.excellent_allowed
    assert "旷工5天" in v.reasons[0]


def test_lates_veto_boundary():
    assert apply_vetoes(EXCELLENT, P, lates=14).band == EXCELLENT
    v = apply_vetoes(EXCELLENT, P, lates=15)
    assert v.band == PASS and not v.excellent_allowed
    assert any("迟到15次" in r for r in v.reasons)


def test_sanction_rules_out_excellent_only():
    v = apply_vetoes(EXCELLENT, P, sanctioned=True)
    assert v.band == PASS and any("纪律处分" in r for r in v.reasons)
    v = apply_vetoes(BASIC, P, sanctioned=True)
    assert v.band == BASIC and not v.excellent_allowed


def test_no_veto_no_reason():
    v = apply_vetoes(PASS, P)
    assert v == type(v)(PASS, True, ())


def test_veto_inputs_validated():
    with pytest.raises(AssessmentRuleError):
        apply_vetoes(PASS, P, lates=-1)
    with pytest.raises(AssessmentRuleError):
        apply_vetoes("great", P)


# --- the 优秀 cap --------------------------------------------------------------------------------


@pytest.mark.parametrize("n, allowed", [(0, 0), (6, 0), (7, 1), (13, 1), (14, 2), (20, 3), (100, 15)])
def test_cap_rounds_down(n, allowed):
    assert excellent_allowed_count(n, P) == allowed


def test_cap_at_twenty_percent_is_exact():
    p = dataclasses.replace(P, excellent_cap=Decimal("0.2"))
    assert excellent_allowed_count(5, p) == 1
    assert excellent_allowed_count(4, p) == 0


def _member(mid, score, *, points=100, years=1, unit="sq1", year=2026, **kw):
    """A member whose composite equals ``score`` (all parts at that score, points = 100 → capped)."""
    return AnnualInput(
        member_id=mid, unit_id=unit, year=year, monthly=(score,), skills=(score,), annual_points=points,
        years_of_service=years, **kw,
    )


def test_cap_15_percent_of_13_gives_one_excellent():
    members = [_member(i, 100 - i) for i in range(13)]  # composites 100.00, 99.20 … 90.40: all 优秀 by score
    res = apply_excellent_cap(members, P)
    assert [r.band for r in sorted(res.values(), key=lambda r: r.rank)][:4] == [EXCELLENT, PASS, PASS, PASS]
    assert res[0].rank == 1 and res[0].unit_size == 13
    assert any("超出优秀名额" in r for r in res[1].reasons)
    assert res[12].composite == Decimal("90.40") and res[12].band == PASS and res[12].rank == 13
    assert sum(r.band == EXCELLENT for r in res.values()) == 1


def test_cap_15_percent_of_6_gives_none():
    res = apply_excellent_cap([_member(i, 95) for i in range(6)], P)
    assert {r.band for r in res.values()} == {PASS}
    assert all("限0名" in r.reasons[-1] for r in res.values())


def test_ties_broken_by_points_then_years_then_id():
    # Same composite 92.00 (points above 100 count as 100), so points, then years, then id decide.
    a = AnnualInput("a", "sq", 2026, monthly=(90,), skills=(90,), annual_points=110, years_of_service=1)
    b = AnnualInput("b", "sq", 2026, monthly=(90,), skills=(90,), annual_points=105, years_of_service=9)
    c = AnnualInput("c", "sq", 2026, monthly=(90,), skills=(90,), annual_points=105, years_of_service=3)
    d = AnnualInput("d", "sq", 2026, monthly=(90,), skills=(90,), annual_points=105, years_of_service=3)
    others = [_member(f"z{i}", 50, unit="sq") for i in range(10)]
    res = apply_excellent_cap([d, c, b, a, *others], P)  # 14 members → 2 places
    assert all(res[x].composite == Decimal("92.00") for x in "abcd")
    assert [res[x].rank for x in "abcd"] == [1, 2, 3, 4]
    assert [res[x].band for x in "abcd"] == [EXCELLENT, EXCELLENT, PASS, PASS]


def test_vetoed_members_never_take_a_place():
    members = [_member("top", 99, lates=15), _member("sanctioned", 98, sanctioned=True),
               _member("absent", 97, absence_days=6), _member("next", 96)]
    members += [_member(f"m{i}", 50) for i in range(10)]  # 14 → 2 places
    res = apply_excellent_cap(members, P)
    assert res["top"].band == PASS and res["top"].rank == 1
    assert res["sanctioned"].band == PASS
    assert res["absent"].band == FAIL and res["absent"].band_name == "不合格"
    assert res["next"].band == EXCELLENT


def test_cap_is_per_unit():
    members = [_member(f"a{i}", 95, unit="sq1") for i in range(7)] + [_member(f"b{i}", 95, unit="sq2") for i in range(7)]
    res = apply_excellent_cap(members, P)
    assert sum(r.band == EXCELLENT for r in res.values() if r.unit_id == "sq1") == 1
    assert sum(r.band == EXCELLENT for r in res.values() if r.unit_id == "sq2") == 1


def test_cap_refuses_duplicates_and_mixed_years():
    with pytest.raises(AssessmentRuleError, match="不止一次"):
        apply_excellent_cap([_member(1, 90), _member(1, 80)], P)
    with pytest.raises(AssessmentRuleError, match="同一年度"):
        apply_excellent_cap([_member(1, 90), _member(2, 80, year=2025)], P)


def test_member_without_data_still_counts_and_gets_fail():
    res = apply_excellent_cap([AnnualInput("x", "sq", 2026)], P)
    assert res["x"].composite == 0 and res["x"].band == FAIL
    assert "缺少月度考核" in res["x"].explanation


def test_empty_unit():
    assert apply_excellent_cap([], P) == {}


# --- properties ----------------------------------------------------------------------------------

score = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
points = st.integers(min_value=0, max_value=120)


@given(st.lists(score, max_size=12), st.lists(score, max_size=2), points)
def test_composite_always_within_0_and_100(monthly, skills, pts):
    c, _ = annual_composite(monthly, skills, pts, P)
    assert 0 <= c <= 100
    assert c == c.quantize(Decimal("0.01"))


@st.composite
def units(draw):
    n = draw(st.integers(min_value=0, max_value=30))
    cap = draw(st.sampled_from(["0", "0.1", "0.15", "0.2"]))
    members = [
        AnnualInput(
            member_id=i, unit_id=draw(st.sampled_from(["sq1", "sq2"])), year=2026,
            monthly=(draw(score),), skills=(draw(score),), annual_points=draw(points),
            years_of_service=draw(st.integers(0, 30)), lates=draw(st.integers(0, 20)),
            absence_days=draw(st.integers(0, 6)), sanctioned=draw(st.booleans()),
        )
        for i in range(n)
    ]
    return members, dataclasses.replace(P, excellent_cap=Decimal(cap))


@given(units())
@settings(max_examples=200)
def test_excellent_never_exceeds_the_cap(data):
    members, policy = data
    res = apply_excellent_cap(members, policy)
    assert len(res) == len(members)
    for unit in {m.unit_id for m in members}:
        in_unit = [r for r in res.values() if r.unit_id == unit]
        assert sum(r.band == EXCELLENT for r in in_unit) <= excellent_allowed_count(len(in_unit), policy)
        assert sorted(r.rank for r in in_unit) == list(range(1, len(in_unit) + 1))
    by_id = {m.member_id: m for m in members}
    for r in res.values():
        m = by_id[r.member_id]
        if r.band == EXCELLENT:
            assert m.lates < 15 and not m.sanctioned and m.absence_days < 5 and r.composite >= 90


ORDER = {FAIL: 0, BASIC: 1, PASS: 2, EXCELLENT: 3}


@given(units(), st.data())
@settings(max_examples=200)
def test_raising_a_members_composite_never_lowers_their_band(data, draw):
    members, policy = data
    if not members:
        return
    i = draw.draw(st.integers(0, len(members) - 1))
    m = members[i]
    higher = dataclasses.replace(
        m,
        monthly=(draw.draw(st.decimals(min_value=m.monthly[0], max_value=100, places=2)),),
        skills=(draw.draw(st.decimals(min_value=m.skills[0], max_value=100, places=2)),),
        annual_points=draw.draw(st.integers(min_value=m.annual_points, max_value=120)),
    )
    before = apply_excellent_cap(members, policy)[m.member_id]
    after = apply_excellent_cap([*members[:i], higher, *members[i + 1:]], policy)[m.member_id]
    assert after.composite >= before.composite
    assert ORDER[after.band] >= ORDER[before.band]
    assert after.rank <= before.rank


@given(st.decimals(min_value=0, max_value=100, places=2), st.decimals(min_value=0, max_value=100, places=2))
def test_band_is_monotone(a, b):
    lo, hi = sorted((a, b))
    assert ORDER[band_for(lo, P)] <= ORDER[band_for(hi, P)]
