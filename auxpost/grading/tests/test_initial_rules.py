"""§8.4a 首次定级: the pure rule ``initial_grade`` step by step, and ``rank_initial_for_quota``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from auxpost.grading.rules import (
    BASIC,
    EXCELLENT,
    INITIAL,
    PASS,
    REQ_INITIAL,
    REQ_SERVICE,
    UNGRADED,
    WENJIANG_DEFAULT,
    CandidateRecord,
    Outcome,
    initial_grade,
    rank_initial_for_quota,
)

AS_OF = date(2026, 3, 1)
YEARS = range(2010, 2026)


def record(**overrides) -> CandidateRecord:
    """An ungraded member hired 2010 (大专) whose record supports every step up to 一级 on AS_OF."""
    fields = dict(
        grade=UNGRADED,
        grade_effective_date=date(2010, 1, 1),
        education="junior_college",
        birth_date=date(1985, 6, 15),
        sex="M",
        hire_date=date(2010, 1, 1),
        annual_points={y: 95 for y in YEARS},
        annual_results={y: (EXCELLENT, 92.0) for y in YEARS},
        skills_scores={2025: [90.0, 88.0]},
    )
    fields.update(overrides)
    return CandidateRecord(**fields)


def grade_of(rec: CandidateRecord, as_of: date = AS_OF) -> int:
    return initial_grade(rec, as_of).target_grade


def by_name(outcome: Outcome) -> dict[str, object]:
    names = [r.requirement for r in outcome.reasons]
    assert len(names) == len(set(names)), names
    return {r.requirement: r for r in outcome.reasons}


def steps_judged(outcome: Outcome) -> set[str]:
    return {r.requirement.split("·")[0] for r in outcome.reasons if "·" in r.requirement}


# --- the climb ---------------------------------------------------------------------------------


def test_a_long_serving_excellent_member_reaches_the_top():
    o = initial_grade(record(), AS_OF)
    assert (o.outcome, o.grade, o.target_grade) == (INITIAL, None, 1)
    assert o.decided_by == "区委编办" and o.policy_version == WENJIANG_DEFAULT.version and o.quota_rank is None
    assert all(r.met for r in o.reasons)
    assert steps_judged(o) == {"五级", "四级", "三级", "二级", "一级"}
    assert by_name(o)[REQ_INITIAL].actual == "一级（最高等级）"


def test_hired_a_year_ago_is_graded_five():
    o = initial_grade(record(hire_date=date(2025, 1, 1)), AS_OF)
    assert o.target_grade == 5 and o.grade is None
    assert o.decided_by == WENJIANG_DEFAULT.entry_decided_by
    years = by_name(o)["四级·" + REQ_SERVICE]
    assert not years.met
    assert years.required == "≥2年（逐级累计：五级2年）" and years.actual == "1年2个月（入职 2025-01-01）"
    assert steps_judged(o) == {"五级", "四级"}  # the climb stops at the first step not supported
    assert by_name(o)[REQ_INITIAL].actual == "五级（未达到四级的条件，见上）"


@pytest.mark.parametrize(("hired", "expected"), [
    (date(2024, 3, 1), 4), (date(2024, 3, 2), 5),      # 四级: 2 years since hire
    (date(2021, 3, 1), 3), (date(2021, 3, 2), 4),      # 三级: 2 + 3
    (date(2018, 3, 1), 2), (date(2018, 3, 2), 3),      # 二级: 2 + 3 + 3
    (date(2014, 3, 1), 1), (date(2014, 3, 2), 2),      # 一级: 2 + 3 + 3 + 4
])
def test_years_are_counted_cumulatively_from_the_hire_date(hired, expected):
    assert grade_of(record(hire_date=hired)) == expected


def test_bachelor_shortcut_shortens_the_first_step_and_every_later_total():
    o = initial_grade(record(education="bachelor", hire_date=date(2025, 3, 1)), AS_OF)
    assert o.target_grade == 4
    assert by_name(o)["四级·" + REQ_SERVICE].required == "≥1年（逐级累计：五级1年（本科及以上））"
    assert not by_name(o)["三级·" + REQ_SERVICE].met
    assert grade_of(record(education="bachelor", hire_date=date(2022, 3, 1))) == 3   # 1 + 3
    assert grade_of(record(education="bachelor", hire_date=date(2015, 3, 1))) == 1   # 1 + 3 + 3 + 4


def test_high_school_stops_below_the_college_grades():
    o = initial_grade(record(education="high_school"), AS_OF)
    assert o.target_grade == 3
    edu = by_name(o)["二级·学历"]
    assert not edu.met and edu.required == "大专及以上" and edu.actual == "高中"


def test_below_the_entry_education_still_holds_five_with_the_reason():
    o = initial_grade(record(education="junior_high"), AS_OF)
    assert o.target_grade == 5
    assert not by_name(o)["五级·学历"].met
    summary = by_name(o)[REQ_INITIAL]
    assert not summary.met and "§4.3" in summary.required
    assert steps_judged(o) == {"五级"}


def test_a_recent_sanction_caps_the_climb_at_five_with_its_reason():
    o = initial_grade(record(sanctions=[date(2025, 9, 1)]), AS_OF)
    assert o.target_grade == 5
    sanction = by_name(o)["五级·处分"]
    assert not sanction.met and sanction.actual == "处分 2025-09-01"
    assert steps_judged(o) == {"五级"}
    # Outside the 12-month look-back it no longer counts.
    assert grade_of(record(sanctions=[date(2025, 3, 1)])) == 1


@pytest.mark.parametrize("flag", ["health_check_failed", "politics_failed", "conduct_failed"])
def test_a_negative_basic_requirement_keeps_five(flag):
    o = initial_grade(record(**{flag: True}), AS_OF)
    assert o.target_grade == 5 and not by_name(o)[REQ_INITIAL].met


def test_near_retirement_keeps_five():
    o = initial_grade(record(birth_date=date(1966, 1, 1)), AS_OF)  # 60 + 4 months of delay: 2026-05
    assert o.target_grade == 5
    assert not by_name(o)["四级·年龄（距法定退休）"].met


def test_missing_years_of_points_stop_the_climb():
    points = {y: 95 for y in YEARS if y != 2023}
    o = initial_grade(record(annual_points=points), AS_OF)
    assert o.target_grade == 4  # 四级 looks at 2024–2025 only; 三级 needs 2023–2025
    assert by_name(o)["三级·年度积分（近3年平均）"].actual == "缺 2023 年记录"
    assert grade_of(record(annual_points={})) == 5


def test_the_first_step_not_supported_ends_the_climb_even_if_later_ones_would_pass():
    # 2-year average 82 < 85 fails 四级; the 4-year average would satisfy more, but steps are not skipped.
    points = {**{y: 95 for y in YEARS}, 2024: 84, 2025: 80}
    o = initial_grade(record(annual_points=points), AS_OF)
    assert o.target_grade == 5
    assert by_name(o)["四级·年度积分（近2年平均）"].actual == "82"
    assert steps_judged(o) == {"五级", "四级"}


def test_results_and_excellent_count_per_step():
    results = {y: (PASS, 80.0) for y in YEARS}
    o = initial_grade(record(annual_results=results), AS_OF)
    assert o.target_grade == 4  # 三级 needs one 优秀 in 2023–2025
    assert by_name(o)["三级·优秀次数"].actual == "0次"
    results[2024] = (EXCELLENT, 91.0)
    assert grade_of(record(annual_results=results)) == 2  # 一级 needs two 优秀 in 2022–2025
    results[2022] = (EXCELLENT, 91.0)
    assert grade_of(record(annual_results=results)) == 1
    results[2025] = (BASIC, 65.0)
    assert grade_of(record(annual_results=results)) == 5  # 四级 needs all ≥ 合格 in 2024–2025


def test_skills_score_per_step():
    assert grade_of(record(skills_scores={2025: [82.0]})) == 2  # 一级 needs ≥ 85
    assert grade_of(record(skills_scores={2025: [72.0]})) == 4
    assert grade_of(record(skills_scores={2024: [99.0]})) == 5  # only the last complete year counts


def test_the_imported_grade_is_disregarded_but_shown():
    weak = record(grade=2, grade_effective_date=date(2019, 7, 1), hire_date=date(2025, 1, 1))
    o = initial_grade(weak, AS_OF)
    assert (o.grade, o.target_grade) == (2, 5)
    assert by_name(o)["原等级"].actual == "二级（自 2019-07-01）"
    strong = initial_grade(record(grade=5), AS_OF)
    assert (strong.grade, strong.target_grade) == (5, 1)


def test_a_city_commendation_waives_one_year_once():
    city = [(date(2025, 10, 1), "city")]
    hired = date(2024, 9, 1)  # 1 year 6 months of service
    assert grade_of(record(hire_date=hired)) == 5
    o = initial_grade(record(hire_date=hired, commendation_levels=city), AS_OF)
    assert o.target_grade == 4
    years = by_name(o)["四级·" + REQ_SERVICE]
    assert years.required.startswith("≥1年") and "市级表彰 2025-10-01 减免1年，原≥2年" in years.required
    assert by_name(o)["四级·年度积分（近2年平均）"].met  # the table's window is met: shown
    # Only 2025 on record: the table's 2-year window fails, the window shortened by the waiver is met.
    short = record(hire_date=hired, commendation_levels=city, annual_points={2025: 95},
                   annual_results={2025: (EXCELLENT, 92.0)})
    o = initial_grade(short, AS_OF)
    assert o.target_grade == 4 and by_name(o)["四级·年度积分（近1年平均）"].met
    assert grade_of(replace(short, commendation_levels=[])) == 5
    # Once: 三级 needs 2 + 3 − 1 = 4 years, not 2 + 3 − 2.
    assert grade_of(record(hire_date=date(2022, 3, 1), commendation_levels=city)) == 3
    assert grade_of(record(hire_date=date(2022, 3, 2), commendation_levels=city)) == 4
    # A district-level commendation, or one before the evaluation year, waives nothing.
    assert grade_of(record(hire_date=hired, commendation_levels=[(date(2025, 10, 1), "district")])) == 5
    assert grade_of(record(hire_date=hired, commendation_levels=[(date(2024, 10, 1), "city")])) == 5
    no_waiver = replace(WENJIANG_DEFAULT, early_promotion_allowed=False)
    assert initial_grade(record(hire_date=hired, commendation_levels=city), AS_OF, no_waiver).target_grade == 5


def test_policy_values_are_used():
    easy = replace(WENJIANG_DEFAULT, requirements=tuple(
        replace(r, years_in_grade=1, shortcut_years=None, excellent_needed=min(r.excellent_needed, 1))
        for r in WENJIANG_DEFAULT.requirements))
    assert initial_grade(record(hire_date=date(2022, 3, 1)), AS_OF, easy).target_grade == 1  # 4 × 1 year
    assert initial_grade(record(hire_date=date(2022, 3, 1)), AS_OF).target_grade == 4


def test_refuses_a_grade_outside_the_scale():
    with pytest.raises(ValueError, match="UNGRADED"):
        initial_grade(record(grade=6), AS_OF)


# --- quotas ------------------------------------------------------------------------------------


def ranked(targets_and_composites, headcount):
    """Members with the given supported targets and last-year composites, quota applied."""
    items = []
    for i, (target, composite) in enumerate(targets_and_composites):
        rec = record(annual_results={**record().annual_results, 2025: (EXCELLENT, composite)})
        o = Outcome(outcome=INITIAL, grade=None, target_grade=target, reasons=(), policy_version="1",
                    decided_by=WENJIANG_DEFAULT.decided_by(target))
        items.append((f"m{i}", rec, o))
    return rank_initial_for_quota(items, headcount=headcount, as_of=AS_OF)


def test_quota_for_one_then_two_with_the_overflow():
    # headcount 10: 二级+一级 ≤ 3, 一级 ≤ 1.
    out = ranked([(1, 95), (1, 99), (1, 93), (2, 97), (2, 91), (3, 90), (5, 10)], headcount=10)
    finals = {k: o.target_grade for k, o in out.items()}
    assert finals == {"m1": 1, "m3": 2, "m0": 2, "m2": 3, "m4": 3, "m5": 3, "m6": 5}
    assert out["m1"].quota_rank == 1 and out["m1"].reasons[-1].actual == "名额内（排名第1）"
    # m0 lost 一级 (rank 2), then ranked in the 二级 pool: m3 97, m0 95, m2 93, m4 91.
    assert [r.actual for r in out["m0"].reasons] == ["名额已满（排名第2），按二级参加排名", "名额内（排名第2）"]
    assert out["m0"].quota_rank == 2 and out["m0"].decided_by == "区委编办"
    assert out["m2"].reasons[-1].actual == "名额已满（排名第3），定三级" and out["m2"].quota_rank == 3
    assert out["m4"].quota_rank == 4 and not out["m4"].reasons[-1].met
    assert out["m5"].quota_rank is None and out["m5"].reasons == () and out["m6"].quota_rank is None


def test_quota_of_zero_gives_three_to_every_supported_two_and_one():
    out = ranked([(1, 99), (2, 98), (4, 80)], headcount=3)  # 30% of 3 = 0
    assert {k: o.target_grade for k, o in out.items()} == {"m0": 3, "m1": 3, "m2": 4}


def test_quota_ties_fall_to_points_then_hire_date_then_input_order():
    def item(key, points, hired):
        rec = record(hire_date=hired, annual_points={**record().annual_points, 2025: points})
        return key, rec, Outcome(outcome=INITIAL, grade=None, target_grade=2, reasons=(), policy_version="1",
                                 decided_by="区委编办")

    out = rank_initial_for_quota([item("a", 90, date(2010, 1, 1)), item("b", 96, date(2012, 1, 1)),
                                  item("c", 90, date(2009, 1, 1)), item("d", 90, date(2009, 1, 1))],
                                 headcount=10, as_of=AS_OF)
    assert {k: o.quota_rank for k, o in out.items()} == {"b": 1, "c": 2, "d": 3, "a": 4}
    assert {k: o.target_grade for k, o in out.items()} == {"b": 2, "c": 2, "d": 2, "a": 3}


def test_quota_accepts_a_mapping():
    rec = record()
    o = initial_grade(rec, AS_OF)
    out = rank_initial_for_quota({7: (rec, o)}, headcount=10, as_of=AS_OF)
    assert out[7].target_grade == 1 and out[7].quota_rank == 1
    assert out[7].reasons[:-1] == o.reasons


def test_a_degree_or_a_commendation_never_lowers_the_grade():
    # 2024–2025 average 85 meets 四级 over the table's window; 2025 alone (74) would not. (三级: 88.67 ≥ 88.)
    points = {**{y: 96 for y in YEARS}, 2025: 74}
    assert grade_of(record(annual_points=points)) == 3
    o = initial_grade(record(annual_points=points, education="bachelor"), AS_OF)
    assert o.target_grade == 3 and by_name(o)["四级·年度积分（近2年平均）"].actual == "85"
    assert grade_of(record(annual_points=points, commendation_levels=[(date(2025, 1, 1), "city")])) == 3
    # Neither window met: both are named.
    o = initial_grade(record(annual_points={**points, 2024: 80}, education="bachelor"), AS_OF)
    assert o.target_grade == 5
    shorter = by_name(o)["四级·缩短的考察期"]
    assert not shorter.met and shorter.required == "或近1年记录符合条件（年限减免）"
