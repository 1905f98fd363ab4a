"""§6.1 / §6.2 grade evaluation: every requirement at its boundary, demotion, separation."""

from dataclasses import FrozenInstanceError, replace
from datetime import date

import pytest

from auxpost.grading.rules import (
    BASIC,
    DEMOTE,
    EXCELLENT,
    FAIL,
    KEEP,
    PASS,
    PROMOTE,
    REQ_AGE,
    REQ_EDUCATION,
    REQ_EXCELLENT,
    REQ_HEALTH,
    REQ_RESULTS,
    REQ_RETRAINING,
    REQ_SANCTION,
    REQ_SKILLS,
    REQ_TOP,
    REQ_YEARS,
    SEPARATION,
    TO_BE_CONFIRMED,
    WENJIANG_DEFAULT,
    add_months,
    evaluate,
    promotion_requirement_names,
    req_points_average,
    req_points_floor,
    statutory_retirement_date,
)

from .builders import AS_OF, passing, reason, reason_starting

# (current grade, years N, min education, one rank below, points avg, floor, excellent, skills)
ROWS = [
    (5, 2, "high_school", "junior_high", 85, 70, 0, 70),
    (4, 3, "high_school", "junior_high", 88, 70, 1, 75),
    (3, 3, "junior_college", "vocational", 90, 75, 1, 80),
    (2, 4, "junior_college", "high_school", 92, 80, 2, 85),
]
GRADES = [row[0] for row in ROWS]


def _row(grade):
    return next(r for r in ROWS if r[0] == grade)


def _window(n):
    return list(range(AS_OF.year - n, AS_OF.year))


def _base(grade, **kw):
    """Meets everything; education at the minimum so the 本科 shortcut stays out of the way."""
    kw.setdefault("education", _row(grade)[2])
    return passing(grade, **kw)


def test_policy_holds_the_spec_table():
    p = WENJIANG_DEFAULT
    assert p.version == "1"
    assert [(r.grade, r.from_grade, r.years_in_grade, r.min_education, r.points_average, r.points_floor,
             r.excellent_needed, r.skills_min) for r in p.requirements] == [
        (4, 5, 2, "high_school", 85, 70, 0, 70),
        (3, 4, 3, "high_school", 88, 70, 1, 75),
        (2, 3, 3, "junior_college", 90, 75, 1, 80),
        (1, 2, 4, "junior_college", 92, 80, 2, 85),
    ]
    four = p.requirement_for(4)
    assert (four.shortcut_education, four.shortcut_years) == ("bachelor", 1)
    assert (p.promotion_age_margin_months, p.sanction_lookback_months) == (12, 12)
    assert (p.quota_grades_2_and_1_percent, p.quota_grade_1_percent) == (30, 10)
    assert p.demote_points_below == 60 and p.demote_consecutive_basic == 2 and p.demote_on_fail
    assert p.early_promotion_allowed and p.early_promotion_min_level == "city"
    assert p.decided_by(5) == "区综合行政执法局与人力资源公司共同评定"
    assert all(p.decided_by(g) == "区委编办" for g in (1, 2, 3, 4))
    with pytest.raises(FrozenInstanceError):
        p.version = "2"  # type: ignore[misc]


@pytest.mark.parametrize("grade", GRADES)
def test_everything_met_promotes_one_grade(grade):
    out = evaluate(_base(grade), AS_OF)
    assert (out.outcome, out.grade, out.target_grade) == (PROMOTE, grade, grade - 1)
    assert all(r.met for r in out.reasons)
    assert out.policy_version == "1"
    assert out.decided_by == WENJIANG_DEFAULT.decided_by(grade - 1)
    n = _row(grade)[1]
    assert [r.requirement for r in out.reasons if not r.requirement.startswith(("降级", "退回"))] == \
        promotion_requirement_names(grade - 1, n, WENJIANG_DEFAULT)


@pytest.mark.parametrize("grade", GRADES)
def test_years_in_grade_boundary(grade):
    n = _row(grade)[1]
    at = add_months(AS_OF, -12 * n)
    met = evaluate(_base(grade, grade_effective_date=at), AS_OF)
    assert reason(met, REQ_YEARS).met and met.outcome == PROMOTE
    assert reason(met, REQ_YEARS).required == f"≥{n}年"
    short = evaluate(_base(grade, grade_effective_date=at + (date(2000, 1, 2) - date(2000, 1, 1))), AS_OF)
    assert not reason(short, REQ_YEARS).met and short.outcome == KEEP
    assert reason(short, REQ_YEARS).actual.startswith(f"{n - 1}年11个月")


@pytest.mark.parametrize("grade", GRADES)
def test_education_boundary(grade):
    _, _, minimum, below, *_ = _row(grade)
    assert reason(evaluate(_base(grade, education=minimum), AS_OF), REQ_EDUCATION).met
    out = evaluate(_base(grade, education=below), AS_OF)
    assert not reason(out, REQ_EDUCATION).met and out.outcome == KEEP
    unknown = evaluate(_base(grade, education=""), AS_OF)
    assert not reason(unknown, REQ_EDUCATION).met and reason(unknown, REQ_EDUCATION).actual == "未登记"


def _points(grade, values):
    base = passing(grade).annual_points | dict(zip(_window(_row(grade)[1]), values, strict=True))
    return _base(grade, annual_points=base)


@pytest.mark.parametrize("grade", GRADES)
def test_points_average_boundary(grade):
    _, n, _, _, avg, floor, _, _ = _row(grade)
    out = evaluate(_points(grade, [avg] * n), AS_OF)
    assert reason(out, req_points_average(n)).met and out.outcome == PROMOTE
    assert reason(out, req_points_average(n)).actual == str(avg)
    below = [avg] * (n - 1) + [avg - 1]
    out = evaluate(_points(grade, below), AS_OF)
    r = reason(out, req_points_average(n))
    assert not r.met and out.outcome == KEEP
    assert reason(out, req_points_floor(n)).met


@pytest.mark.parametrize("grade", GRADES)
def test_points_floor_boundary(grade):
    _, n, _, _, avg, floor, _, _ = _row(grade)
    # One year exactly at the floor, the others high enough to keep the average.
    values = [120] * (n - 1) + [floor]
    out = evaluate(_points(grade, values), AS_OF)
    assert reason(out, req_points_floor(n)).met and out.outcome == PROMOTE
    values = [120] * (n - 1) + [floor - 1]
    out = evaluate(_points(grade, values), AS_OF)
    assert not reason(out, req_points_floor(n)).met and out.outcome == KEEP
    assert reason(out, req_points_average(n)).met


@pytest.mark.parametrize("grade", GRADES)
def test_missing_points_year_fails_both_point_requirements(grade):
    n = _row(grade)[1]
    first = _window(n)[0]
    points = {y: p for y, p in passing(grade).annual_points.items() if y != first}
    out = evaluate(_base(grade, annual_points=points), AS_OF)
    for name in (req_points_average(n), req_points_floor(n)):
        assert not reason(out, name).met and f"缺 {first} 年记录" in reason(out, name).actual
    assert out.outcome == KEEP
    # A year outside the window does not matter.
    points = {y: p for y, p in passing(grade).annual_points.items() if y != first - 1}
    assert evaluate(_base(grade, annual_points=points), AS_OF).outcome == PROMOTE


@pytest.mark.parametrize("grade", GRADES)
def test_results_all_at_least_pass(grade):
    _, n, _, _, _, _, excellent, _ = _row(grade)
    window = _window(n)
    results = passing(grade).annual_results | {y: (PASS, 80.0) for y in window[excellent:]}
    out = evaluate(_base(grade, annual_results=results), AS_OF)
    assert reason(out, REQ_RESULTS).met and out.outcome == PROMOTE
    results = passing(grade).annual_results | {window[0]: (BASIC, 65.0)}
    out = evaluate(_base(grade, annual_results=results), AS_OF)
    assert not reason(out, REQ_RESULTS).met and out.outcome == KEEP
    assert "基本合格" in reason(out, REQ_RESULTS).actual


@pytest.mark.parametrize("grade", GRADES)
def test_missing_result_year_fails(grade):
    n = _row(grade)[1]
    first = _window(n)[0]
    results = {y: r for y, r in passing(grade).annual_results.items() if y != first}
    out = evaluate(_base(grade, annual_results=results), AS_OF)
    assert not reason(out, REQ_RESULTS).met and f"{first} 无记录" in reason(out, REQ_RESULTS).actual
    assert out.outcome == KEEP


@pytest.mark.parametrize("grade", [g for g in GRADES if _row(g)[6] > 0])
def test_excellent_count_boundary(grade):
    _, n, _, _, _, _, needed, _ = _row(grade)
    window = _window(n)

    def with_excellent(k):
        res = passing(grade).annual_results | {y: (PASS, 85.0) for y in window}
        res |= {y: (EXCELLENT, 91.0) for y in window[:k]}
        return evaluate(_base(grade, annual_results=res), AS_OF)

    out = with_excellent(needed)
    assert reason(out, REQ_EXCELLENT).met and out.outcome == PROMOTE
    assert reason(out, REQ_EXCELLENT).actual == f"{needed}次"
    out = with_excellent(needed - 1)
    assert not reason(out, REQ_EXCELLENT).met and out.outcome == KEEP
    # An 优秀 before the window does not count.
    res = passing(grade).annual_results | {y: (PASS, 85.0) for y in window}
    res |= {window[0] - 1: (EXCELLENT, 95.0)}
    assert not reason(evaluate(_base(grade, annual_results=res), AS_OF), REQ_EXCELLENT).met


def test_grade_four_needs_no_excellent_and_shows_no_such_line():
    out = evaluate(_base(5), AS_OF)
    assert all(r.requirement != REQ_EXCELLENT for r in out.reasons)


@pytest.mark.parametrize("grade", GRADES)
def test_skills_boundary(grade):
    skills = _row(grade)[7]
    last = AS_OF.year - 1
    out = evaluate(_base(grade, skills_scores={last: [skills - 5, skills + 5]}), AS_OF)
    assert reason(out, REQ_SKILLS).met and out.outcome == PROMOTE
    out = evaluate(_base(grade, skills_scores={last: [skills, skills - 1]}), AS_OF)
    assert not reason(out, REQ_SKILLS).met and reason(out, REQ_SKILLS).actual == f"{skills - 0.5:g}"
    assert out.outcome == KEEP
    # Only the last complete calendar year counts; earlier years or an empty list do not.
    out = evaluate(_base(grade, skills_scores={last - 1: [99.0], last: []}), AS_OF)
    assert not reason(out, REQ_SKILLS).met and reason(out, REQ_SKILLS).actual == f"缺 {last} 年记录"


@pytest.mark.parametrize("grade", GRADES)
def test_age_boundary(grade):
    # A man born 1 Sep 1966: n = 21 → 6 months → retires at 60y6m on 1 Mar 2027.
    birth = date(1966, 9, 1)
    assert statutory_retirement_date(birth, "M").date == date(2027, 3, 1)
    out = evaluate(_base(grade, birth_date=birth), date(2026, 3, 1))
    assert reason(out, REQ_AGE).met and out.outcome == PROMOTE
    out = evaluate(_base(grade, birth_date=birth), date(2026, 3, 2))
    assert not reason(out, REQ_AGE).met and out.outcome == KEEP
    assert "60岁6个月" in reason(out, REQ_AGE).actual


def test_age_uses_original_age_50_for_women_on_worker_posts():
    birth = date(1980, 1, 1)  # 55-schedule: 57y3m in 2037; 50-schedule: n = 61 → 31 months → 52y7m, Aug 2032
    assert reason(evaluate(_base(3, sex="F", birth_date=birth), date(2031, 3, 1)), REQ_AGE).met
    r = reason(evaluate(_base(3, sex="F", birth_date=birth, original_retirement_age=50), date(2032, 3, 1)), REQ_AGE)
    assert not r.met and "52岁7个月" in r.actual


@pytest.mark.parametrize("grade", GRADES)
def test_sanction_look_back_boundary(grade):
    edge = add_months(AS_OF, -12)  # exactly 12 months ago: outside the look-back
    out = evaluate(_base(grade, sanctions=[edge]), AS_OF)
    assert reason(out, REQ_SANCTION).met and out.outcome == PROMOTE
    inside = edge + (date(2000, 1, 2) - date(2000, 1, 1))
    out = evaluate(_base(grade, sanctions=[edge, inside]), AS_OF)
    assert not reason(out, REQ_SANCTION).met and out.outcome == KEEP
    assert inside.isoformat() in reason(out, REQ_SANCTION).actual
    # A sanction after the as-of date is not known yet.
    assert reason(evaluate(_base(grade, sanctions=[date(2026, 3, 2)]), AS_OF), REQ_SANCTION).met


def test_basic_requirements_without_negative_record_are_met_to_be_confirmed():
    out = evaluate(_base(3), AS_OF)
    for name in (REQ_SANCTION, REQ_HEALTH, "思想政治", "行为标准"):
        r = reason(out, name)
        assert r.met and TO_BE_CONFIRMED in r.actual


def test_failed_health_check_blocks():
    out = evaluate(_base(3, health_check_failed=True), AS_OF)
    assert not reason(out, REQ_HEALTH).met and out.outcome == KEEP


@pytest.mark.parametrize("field, name", [("politics_failed", "思想政治"), ("conduct_failed", "行为标准")])
def test_negative_politics_or_conduct_attestation_blocks(field, name):
    out = evaluate(_base(3, **{field: True}), AS_OF)
    r = reason(out, name)
    assert not r.met and r.actual == "有负面记录" and r.required == "无负面记录"
    assert out.outcome == KEEP


def test_bachelor_shortcut_for_grade_four():
    one_year = add_months(AS_OF, -12)
    out = evaluate(passing(5, education="bachelor", grade_effective_date=one_year), AS_OF)
    assert out.outcome == PROMOTE and out.target_grade == 4
    r = reason(out, REQ_YEARS)
    assert r.met and r.required == "≥1年（本科及以上）"
    # The window shrinks with N: only 2025 counts, a bad 2024 does not matter.
    assert reason(out, req_points_average(1)).required.startswith("2025 ")
    bad_2024 = passing(5).annual_points | {2024: 10}
    assert evaluate(passing(5, education="doctor", grade_effective_date=one_year, annual_points=bad_2024),
                    AS_OF).outcome == PROMOTE
    # 大专 does not get the shortcut.
    out = evaluate(passing(5, education="junior_college", grade_effective_date=one_year), AS_OF)
    assert not reason(out, REQ_YEARS).met and reason(out, REQ_YEARS).required == "≥2年"
    # The shortcut is only for 四级.
    out = evaluate(passing(4, education="doctor", grade_effective_date=one_year), AS_OF)
    assert not reason(out, REQ_YEARS).met


def test_city_commendation_waives_one_year():
    two_years = add_months(AS_OF, -24)  # 四级 → 三级 needs 3
    rec = _base(4, grade_effective_date=two_years, commendation_levels=[(date(2025, 6, 1), "city")])
    out = evaluate(rec, AS_OF)
    assert out.outcome == PROMOTE
    r = reason(out, REQ_YEARS)
    assert r.met and "市级表彰 2025-06-01 减免1年" in r.required
    assert reason_starting(out, "年度积分（近2年平均").met  # the window follows N
    # A provincial one counts too; a district one does not; nor one from before the grade or year.
    assert evaluate(replace(rec, commendation_levels=[(date(2026, 1, 5), "province")]), AS_OF).outcome == PROMOTE
    assert evaluate(replace(rec, commendation_levels=[(date(2025, 6, 1), "district")]), AS_OF).outcome == KEEP
    assert evaluate(replace(rec, commendation_levels=[(date(2024, 12, 31), "city")]), AS_OF).outcome == KEEP
    assert evaluate(replace(rec, commendation_levels=[(date(2026, 3, 2), "city")]), AS_OF).outcome == KEEP
    # Switched off in the policy.
    off = replace(WENJIANG_DEFAULT, early_promotion_allowed=False)
    assert evaluate(rec, AS_OF, off).outcome == KEEP


def test_commendation_never_takes_n_below_one_year():
    half = add_months(AS_OF, -6)
    rec = passing(5, education="bachelor", grade_effective_date=half,
                  commendation_levels=[(date(2025, 12, 1), "national")])
    assert evaluate(rec, AS_OF).outcome == KEEP
    assert reason(evaluate(rec, AS_OF), REQ_YEARS).required == "≥1年（本科及以上）"


def test_grade_one_is_not_promoted():
    out = evaluate(passing(1), AS_OF)
    assert (out.outcome, out.target_grade) == (KEEP, 1)
    assert not reason(out, REQ_TOP).met


# --- demotion and separation ----------------------------------------------------------------


def _last(grade=3, band=PASS, composite=80.0, points=95, prev_band=PASS, **kw):
    rec = passing(grade, **kw)
    rec.annual_results |= {2025: (band, composite), 2024: (prev_band, composite)}
    rec.annual_points |= {2025: points}
    return rec


def test_one_fail_demotes_one_grade():
    out = evaluate(_last(band=FAIL, composite=50.0), AS_OF)
    assert (out.outcome, out.target_grade) == (DEMOTE, 4)
    assert not reason_starting(out, "降级条件：年度考核结果").met
    assert out.decided_by == "区委编办"
    assert evaluate(_last(grade=4, band=FAIL), AS_OF).decided_by == "区综合行政执法局与人力资源公司共同评定"


def test_two_basic_in_a_row_demote_one_does_not():
    out = evaluate(_last(band=BASIC, prev_band=BASIC), AS_OF)
    assert (out.outcome, out.target_grade) == (DEMOTE, 4)
    assert not reason_starting(out, "降级条件：连续2年基本合格").met
    out = evaluate(_last(band=BASIC, prev_band=PASS), AS_OF)
    assert out.outcome == KEEP  # not a demotion, but not a promotion either (results < 合格)
    assert reason_starting(out, "降级条件：连续2年基本合格").met


def test_points_below_60_demote_at_60_do_not():
    assert evaluate(_last(points=59), AS_OF).outcome == DEMOTE
    out = evaluate(_last(points=60), AS_OF)
    assert out.outcome == KEEP and reason_starting(out, "降级条件：年度积分").met
    assert evaluate(_last(points=59.5), AS_OF).outcome == DEMOTE


def test_multiple_triggers_demote_one_grade_only():
    out = evaluate(_last(grade=2, band=FAIL, prev_band=BASIC, points=10), AS_OF)
    assert (out.outcome, out.target_grade) == (DEMOTE, 3)
    # 不合格 (one grade), 基本合格 then 不合格 (two at most 基本合格 in a row), points: still one grade.
    assert sum(not r.met for r in out.reasons if r.requirement.startswith("降级")) == 3


def test_a_fail_then_a_basic_pass_demotes_like_two_basic_passes():
    """§6 a 不合格 year counts as at most 基本合格: improving it to 基本合格 must not bring a demotion
    that the worse record escaped (found by the monotonicity property)."""
    out = evaluate(_last(band=BASIC, prev_band=FAIL), AS_OF)
    assert out.outcome == DEMOTE
    assert not reason_starting(out, "降级条件：连续2年基本合格").met
    assert evaluate(_last(band=BASIC, prev_band=BASIC), AS_OF).outcome == DEMOTE


def test_demotion_takes_precedence_over_promotion():
    # Everything for promotion is met except what the trigger itself spoils; the points trigger
    # only looks at the last year and a policy with a floor of 0 keeps the promotion lines green.
    policy = replace(WENJIANG_DEFAULT, demote_points_below=100)
    rec = passing(3)
    out = evaluate(rec, AS_OF, policy)
    promo = [r for r in out.reasons if not r.requirement.startswith(("降级", "退回"))]
    assert all(r.met for r in promo)
    assert (out.outcome, out.target_grade) == (DEMOTE, 4)


def test_demotion_judges_only_complete_years():
    rec = _last(band=PASS)
    rec.annual_results[2026] = (FAIL, 10.0)  # a year in progress is not judged
    rec.annual_points[2026] = 5
    assert evaluate(rec, AS_OF).outcome == PROMOTE


def test_missing_last_year_triggers_no_demotion():
    rec = passing(3)
    del rec.annual_results[2025]
    del rec.annual_points[2025]
    out = evaluate(rec, AS_OF)
    assert out.outcome == KEEP
    assert all(r.met for r in out.reasons if r.requirement.startswith(("降级", "退回")))


def test_fail_at_grade_five_keeps_with_retraining():
    out = evaluate(_last(grade=5, band=FAIL), AS_OF)
    assert (out.outcome, out.target_grade) == (KEEP, 5)
    assert reason(out, REQ_RETRAINING).actual.startswith("待岗培训")


def test_two_fails_in_a_row_give_a_separation_proposal():
    for grade in (5, 3, 1):
        out = evaluate(_last(grade=grade, band=FAIL, prev_band=FAIL), AS_OF)
        assert (out.outcome, out.target_grade) == (SEPARATION, grade)
        assert "§7.4" in reason_starting(out, "退回条件").actual
    # Fail, then a year in between that is not a fail: demotion only.
    assert evaluate(_last(band=FAIL, prev_band=BASIC), AS_OF).outcome == DEMOTE


def test_grade_one_can_be_demoted():
    out = evaluate(_last(grade=1, band=FAIL), AS_OF)
    assert (out.outcome, out.target_grade) == (DEMOTE, 2)


def test_reason_text_reads_like_the_spec_example():
    out = evaluate(_points(5, [82, 82]), AS_OF)
    r = reason(out, req_points_average(2))
    assert (r.required, r.actual, r.met) == ("2024–2025 平均 ≥85", "82", False)
    assert str(r) == "年度积分（近2年平均）：82（要求 2024–2025 平均 ≥85）不符合"


def test_invalid_grade_is_refused():
    with pytest.raises(ValueError):
        evaluate(passing(6), AS_OF)


def test_add_months_agrees_with_the_calendar_for_every_day_of_four_years():
    """add_months clamps to the month's last day exactly as the calendar says (leap years included)."""
    import calendar
    from datetime import timedelta

    from auxpost.grading.rules import add_months

    start = date(1999, 1, 1)
    for i in range(4 * 366):
        d = start + timedelta(days=i)
        for months in (-25, -12, -1, 0, 1, 11, 12, 13, 48):
            total = d.year * 12 + d.month - 1 + months
            year, month = total // 12, total % 12 + 1
            assert add_months(d, months) == date(year, month, min(d.day, calendar.monthrange(year, month)[1]))
