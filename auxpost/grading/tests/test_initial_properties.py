"""§8.4a 首次定级 laws checked with hypothesis: the result is exactly what the annual rule supports step
by step, a better record never gives a lower grade, quotas are never exceeded, results are deterministic."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from auxpost.grading.rules import (
    BAND_RANK,
    EDUCATION_RANK,
    GRADE_LABEL,
    INITIAL,
    PROMOTE,
    UNGRADED,
    WENJIANG_DEFAULT,
    CandidateRecord,
    Outcome,
    add_months,
    evaluate,
    initial_grade,
    quota_limits,
    rank_initial_for_quota,
    step_years,
)

AS_OF = date(2026, 3, 1)
YEARS = list(range(2018, 2026))
BANDS = sorted(BAND_RANK, key=BAND_RANK.get)
BAND_FLOOR = {"fail": 0, "basic": 60, "pass": 70, "excellent": 90}
POLICY = WENJIANG_DEFAULT


@st.composite
def results(draw):
    band = draw(st.sampled_from(BANDS))
    low = BAND_FLOOR[band]
    return band, draw(st.floats(min_value=low, max_value=min(low + 30, 100), allow_nan=False))


@st.composite
def records(draw, commendations: bool = True):
    """Records from weak to strong, skewed towards good values so that every step is reached: each
    value is mostly a good one, sometimes anything, and a year is sometimes missing."""
    def maybe(good, anything):
        return draw(st.one_of(st.just(good), st.just(good), st.just(good), anything))

    missing = draw(st.sets(st.sampled_from(YEARS), max_size=2)) if draw(st.integers(0, 3)) == 0 else set()
    points = {y: maybe(96, st.integers(min_value=60, max_value=100)) for y in YEARS if y not in missing}
    missing = draw(st.sets(st.sampled_from(YEARS), max_size=2)) if draw(st.integers(0, 3)) == 0 else set()
    bands = {y: maybe(("excellent", 93.0), st.one_of(st.just(("pass", 80.0)), results()))
             for y in YEARS if y not in missing}
    skills = {y: maybe([90.0], st.lists(st.floats(min_value=60, max_value=100), max_size=2)) for y in YEARS[-2:]}
    comms = []
    if commendations:
        comms = draw(st.lists(st.tuples(st.dates(min_value=date(2023, 1, 1), max_value=AS_OF),
                                        st.sampled_from(["district", "city", "province"])), max_size=1))
    return CandidateRecord(
        grade=draw(st.sampled_from([UNGRADED, 1, 2, 3, 4, 5])),
        grade_effective_date=draw(st.dates(min_value=date(2005, 1, 1), max_value=AS_OF)),
        education=maybe("junior_college", st.sampled_from(sorted(EDUCATION_RANK))),
        birth_date=maybe(date(1985, 6, 1), st.dates(min_value=date(1962, 1, 1), max_value=date(2003, 12, 31))),
        sex=draw(st.sampled_from(["M", "F"])),
        hire_date=draw(st.dates(min_value=date(2005, 1, 1), max_value=AS_OF)),
        annual_points=points,
        annual_results=bands,
        skills_scores=skills,
        sanctions=draw(st.lists(st.dates(min_value=date(2024, 1, 1), max_value=AS_OF), max_size=1)
                       if draw(st.integers(0, 6)) == 0 else st.just([])),
        health_check_failed=draw(st.sampled_from([False] * 9 + [True])),
        politics_failed=draw(st.sampled_from([False] * 19 + [True])),
        conduct_failed=draw(st.sampled_from([False] * 19 + [True])),
        commendation_levels=comms,
    )


def entry_ok(rec: CandidateRecord) -> bool:
    since = add_months(AS_OF, -POLICY.sanction_lookback_months)
    return (EDUCATION_RANK[rec.education] >= EDUCATION_RANK[POLICY.entry_min_education]
            and not any(since < d <= AS_OF for d in rec.sanctions)
            and not (rec.health_check_failed or rec.politics_failed or rec.conduct_failed))


def supported_by_annual_rule(rec: CandidateRecord) -> int:
    """The grade reached by asking the annual rule (``evaluate``) for each step in turn, as if the
    member had spent long enough in the grade below, plus the cumulative years since hire. A 本科+
    member may also be judged on the table's window (as a 大专 member, who has no shortcut)."""
    if not entry_ok(rec):
        return 5
    grade, cumulative = 5, 0
    for target in (4, 3, 2, 1):
        cumulative += step_years(rec, POLICY.requirement_for(target))
        as_if = replace(rec, grade=target + 1, grade_effective_date=date(1990, 1, 1), commendation_levels=[])
        standard = replace(as_if, education="junior_college")  # meets every education minimum, no shortcut
        if add_months(rec.hire_date, 12 * cumulative) > AS_OF:
            break
        if evaluate(as_if, AS_OF, POLICY).outcome != PROMOTE and not (
                EDUCATION_RANK[rec.education] >= EDUCATION_RANK["bachelor"]
                and evaluate(standard, AS_OF, POLICY).outcome == PROMOTE):
            break
        grade = target
    return grade


@settings(max_examples=400, deadline=None)
@given(records(commendations=False))
def test_the_result_is_exactly_what_the_record_supports_step_by_step(rec):
    o = initial_grade(rec, AS_OF, POLICY)
    assert o.outcome == INITIAL and o.quota_rank is None
    assert o.grade == (None if rec.grade == UNGRADED else rec.grade)
    assert o.target_grade == supported_by_annual_rule(rec)
    assert o.decided_by == POLICY.decided_by(o.target_grade)


@settings(max_examples=300, deadline=None)
@given(records())
def test_the_explanation_supports_the_result(rec):
    o = initial_grade(rec, AS_OF, POLICY)
    steps: dict[str, list[bool]] = {}
    for r in o.reasons:
        if "·" in r.requirement:
            steps.setdefault(r.requirement.split("·")[0], []).append(r.met)
    labels = [GRADE_LABEL[g] for g in range(5, 0, -1)]
    judged = [label for label in labels if label in steps]
    assert judged == labels[:len(judged)]  # from 五级 upwards, none skipped
    reached = [label for label in judged if all(steps[label])]
    assert reached == judged[:len(reached)]
    if reached:  # every step up to the result is met; the next one judged is not
        assert reached[-1] == GRADE_LABEL[o.target_grade]
        assert len(judged) == len(reached) or not all(steps[judged[len(reached)]])
    else:
        assert o.target_grade == 5 and judged == ["五级"]  # entry missed: still 五级 (§4.3)
    assert sum(1 for r in o.reasons if r.requirement == "首次定级") == 1


@st.composite
def improvements(draw, rec: CandidateRecord):
    """``rec`` with a record at least as good in every respect."""
    bump = draw(st.integers(min_value=0, max_value=20))
    points = {y: v + bump for y, v in rec.annual_points.items()}
    for y in draw(st.sets(st.sampled_from(YEARS))):
        points.setdefault(y, draw(st.integers(min_value=0, max_value=100)))
    bands = dict(rec.annual_results)
    for y in draw(st.sets(st.sampled_from(YEARS))):
        old = BAND_RANK[bands[y][0]] if y in bands else -1
        better = [b for b in BANDS if BAND_RANK[b] >= old]
        bands[y] = (draw(st.sampled_from(better)), 80.0)
    skills = {y: [s + draw(st.floats(min_value=0, max_value=10)) for s in v] for y, v in rec.skills_scores.items()}
    for y in YEARS[-2:]:
        if not skills.get(y) and draw(st.booleans()):
            skills[y] = [draw(st.floats(min_value=0, max_value=100))]
    hire = rec.hire_date if not draw(st.booleans()) else draw(st.dates(min_value=date(2000, 1, 1),
                                                                         max_value=rec.hire_date))
    education = rec.education
    if draw(st.booleans()):
        education = draw(st.sampled_from([e for e in EDUCATION_RANK
                                          if EDUCATION_RANK[e] >= EDUCATION_RANK[rec.education]]))
    return replace(rec, annual_points=points, annual_results=bands, skills_scores=skills, hire_date=hire,
                   education=education,
                   sanctions=[] if draw(st.booleans()) else rec.sanctions,
                   health_check_failed=rec.health_check_failed and draw(st.booleans()),
                   commendation_levels=rec.commendation_levels + draw(st.lists(st.tuples(
                       st.dates(min_value=date(2025, 1, 1), max_value=AS_OF), st.just("city")), max_size=1)))


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_better_record_never_gives_a_lower_grade(data):
    rec = data.draw(records())
    better = data.draw(improvements(rec))
    assert initial_grade(better, AS_OF, POLICY).target_grade <= initial_grade(rec, AS_OF, POLICY).target_grade


@settings(max_examples=200, deadline=None)
@given(records())
def test_deterministic(rec):
    assert initial_grade(rec, AS_OF, POLICY) == initial_grade(replace(rec), AS_OF, POLICY)


@st.composite
def rounds(draw):
    n = draw(st.integers(min_value=1, max_value=40))
    items = []
    for i in range(n):
        composite = draw(st.sampled_from([70.0, 85.0, 90.0, 95.0]))
        rec = CandidateRecord(grade=UNGRADED, grade_effective_date=date(2015, 1, 1), education="junior_college",
                              birth_date=date(1985, 1, 1), sex="M",
                              hire_date=draw(st.sampled_from([date(2010, 1, 1), date(2012, 1, 1)])),
                              annual_points={2025: draw(st.sampled_from([88, 92, 96]))},
                              annual_results={2025: ("excellent", composite)})
        target = draw(st.sampled_from([1, 1, 2, 2, 3, 4, 5]))
        items.append((i, rec, Outcome(outcome=INITIAL, grade=None, target_grade=target, reasons=(),
                                      policy_version="1", decided_by=POLICY.decided_by(target))))
    headcount = n + draw(st.integers(min_value=0, max_value=60))
    percent_12 = draw(st.integers(min_value=0, max_value=50))
    policy = replace(POLICY, quota_grades_2_and_1_percent=percent_12,
                     quota_grade_1_percent=draw(st.integers(min_value=0, max_value=percent_12)))
    return items, headcount, policy


@settings(max_examples=400, deadline=None)
@given(rounds())
def test_quota_limits_never_exceeded_and_never_wasted(args):
    items, headcount, policy = args
    out = rank_initial_for_quota(items, headcount=headcount, as_of=AS_OF, policy=policy)
    cap_12, cap_1 = quota_limits(headcount, policy)
    supported = {k: o.target_grade for k, _r, o in items}
    final = {k: o.target_grade for k, o in out.items()}
    ones = sum(1 for g in final.values() if g == 1)
    top = sum(1 for g in final.values() if g <= 2)
    assert ones <= cap_1 and top <= cap_12
    for k, s in supported.items():
        assert final[k] >= s  # never above what the record supports
        assert final[k] == s if s >= 3 else final[k] <= 3  # over quota: the highest grade below within quota
        assert (out[k].quota_rank is not None) == (s <= 2)
        assert out[k].decided_by == policy.decided_by(final[k])
    if any(supported[k] == 1 and final[k] > 1 for k in final):
        assert ones == cap_1
    if any(supported[k] <= 2 and final[k] == 3 for k in final):
        assert top == cap_12
    # Deterministic.
    assert rank_initial_for_quota(items, headcount=headcount, as_of=AS_OF, policy=policy) == out


@settings(max_examples=500, deadline=None)
@given(records(), st.sampled_from([POLICY, replace(POLICY, promotion_age_margin_months=60,
                                                   early_promotion_min_level="district")]))
def test_deciding_without_the_explanation_gives_the_same_grade(rec, policy):
    full = initial_grade(rec, AS_OF, policy)
    quick = initial_grade(rec, AS_OF, policy, explain=False)
    assert quick.reasons == ()
    assert replace(full, reasons=()) == quick
