"""Laws of §6 checked with hypothesis: monotonicity, quotas never exceeded, complete explanations."""

from dataclasses import replace
from datetime import date

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from auxpost.grading.rules import (
    BAND_RANK,
    EDUCATION_RANK,
    OUTCOME_RANK,
    PROMOTE,
    WENJIANG_DEFAULT,
    CandidateRecord,
    evaluate,
    promotion_requirement_names,
    quota_limits,
    rank_for_quota,
    required_years,
)

AS_OF = date(2026, 3, 1)
YEARS = list(range(2019, 2026))
BANDS = sorted(BAND_RANK, key=BAND_RANK.get)
ANY_GRADE = st.integers(min_value=1, max_value=5)
BAND_FLOOR = {"fail": 0, "basic": 60, "pass": 70, "excellent": 90}


@st.composite
def results(draw):
    band = draw(st.sampled_from(BANDS))
    low = BAND_FLOOR[band]
    return band, draw(st.floats(min_value=low, max_value=min(low + 30, 100), allow_nan=False))


@st.composite
def records(draw, grades=ANY_GRADE):
    return CandidateRecord(
        grade=draw(grades),
        grade_effective_date=draw(st.dates(min_value=date(2016, 1, 1), max_value=AS_OF)),
        education=draw(st.sampled_from(sorted(EDUCATION_RANK))),
        birth_date=draw(st.dates(min_value=date(1960, 1, 1), max_value=date(2000, 12, 31))),
        sex=draw(st.sampled_from(["M", "F"])),
        hire_date=draw(st.dates(min_value=date(2005, 1, 1), max_value=date(2016, 1, 1))),
        annual_points=draw(st.dictionaries(st.sampled_from(YEARS), st.integers(min_value=40, max_value=120),
                                           min_size=4)),
        annual_results=draw(st.dictionaries(st.sampled_from(YEARS), results(), min_size=4)),
        skills_scores=draw(st.dictionaries(st.sampled_from(YEARS[-2:]),
                                           st.lists(st.floats(min_value=50, max_value=100), max_size=2))),
        sanctions=draw(st.lists(st.dates(min_value=date(2023, 1, 1), max_value=AS_OF), max_size=1)),
        health_check_failed=draw(st.sampled_from([False, False, False, True])),
        commendation_levels=draw(st.lists(st.tuples(st.dates(min_value=date(2024, 1, 1), max_value=AS_OF),
                                                    st.sampled_from(["district", "city", "province"])),
                                          max_size=1)),
    )


@st.composite
def near_passing(draw, grades=ANY_GRADE):
    """Records close to every threshold, so that promotions (and their quotas) are exercised."""
    def sometimes(usual, rare):  # hypothesis favours early elements: the usual case comes first
        return st.sampled_from([False] * 9 + [True]).flatmap(lambda r: rare if r else usual)

    points = sometimes(st.integers(min_value=92, max_value=120), st.integers(min_value=55, max_value=92))
    band = sometimes(st.sampled_from(["excellent", "excellent", "pass"]), st.sampled_from(BANDS))
    result = band.flatmap(lambda b: st.tuples(st.just(b), st.floats(min_value=BAND_FLOOR[b], max_value=BAND_FLOOR[b] + 9)))
    return CandidateRecord(
        grade=draw(grades),
        grade_effective_date=draw(st.dates(min_value=date(2016, 1, 1), max_value=date(2024, 6, 1))),
        education=draw(st.sampled_from(["vocational", "junior_college", "bachelor", "master", "doctor"])),
        birth_date=draw(st.dates(min_value=date(1975, 1, 1), max_value=date(1995, 12, 31))),
        sex=draw(st.sampled_from(["M", "F"])),
        hire_date=draw(st.dates(min_value=date(2005, 1, 1), max_value=date(2016, 1, 1))),
        annual_points={y: draw(points) for y in YEARS},
        annual_results={y: draw(result) for y in YEARS},
        skills_scores={2025: draw(st.lists(st.floats(min_value=85, max_value=100), min_size=1, max_size=2))},
        sanctions=[draw(st.dates(min_value=date(2024, 6, 1), max_value=AS_OF))] if draw(st.integers(0, 5)) == 5 else [],
        health_check_failed=draw(st.integers(0, 9)) == 9,
        commendation_levels=draw(st.lists(st.tuples(st.dates(min_value=date(2024, 6, 1), max_value=AS_OF),
                                                    st.sampled_from(["district", "city"])), max_size=1)),
    )


ANY_RECORD = st.one_of(records(), near_passing())
QUOTA_GRADES = st.sampled_from([1, 2, 2, 3, 3, 3, 4, 5])


def _rank(outcome):
    return OUTCOME_RANK[outcome.outcome]


@settings(max_examples=300, deadline=None)
@given(ANY_RECORD, st.sampled_from(YEARS), st.integers(min_value=1, max_value=60))
def test_raising_points_never_worsens_the_outcome(rec, year, delta):
    before = evaluate(rec, AS_OF)
    raised = replace(rec, annual_points=rec.annual_points | {year: rec.annual_points.get(year, 40) + delta})
    if year not in rec.annual_points:  # adding a missing year is an improvement too
        raised = replace(rec, annual_points=rec.annual_points | {year: 120})
    assert _rank(evaluate(raised, AS_OF)) >= _rank(before)


@settings(max_examples=300, deadline=None)
@given(ANY_RECORD, st.sampled_from(YEARS), st.data())
def test_improving_a_result_never_worsens_the_outcome(rec, year, data):
    before = evaluate(rec, AS_OF)
    current = rec.annual_results.get(year)
    # Improving means a better band for a year on record: a missing year triggers no demotion, so
    # filling it in (even with 优秀 for one year of two needed) is not an "improvement" in this sense.
    assume(current is not None and current[0] != "excellent")
    better = [b for b in BANDS if BAND_RANK[b] > BAND_RANK[current[0]]]
    band = data.draw(st.sampled_from(better))
    improved = replace(rec, annual_results=rec.annual_results | {year: (band, float(BAND_FLOOR[band]))})
    assert _rank(evaluate(improved, AS_OF)) >= _rank(before)


@settings(max_examples=300, deadline=None)
@given(ANY_RECORD)
def test_the_explanation_carries_every_requirement_of_the_next_grade(rec):
    out = evaluate(rec, AS_OF)
    names = [r.requirement for r in out.reasons]
    assert len(names) == len(set(names))
    assert all(r.required and r.actual for r in out.reasons)
    if rec.grade > 1:
        req = WENJIANG_DEFAULT.requirement_for(rec.grade - 1)
        n = required_years(rec, req, AS_OF, WENJIANG_DEFAULT)[0]
        assert set(promotion_requirement_names(rec.grade - 1, n, WENJIANG_DEFAULT)) <= set(names)
    if out.outcome == PROMOTE:
        assert all(r.met for r in out.reasons) and out.target_grade == rec.grade - 1
    else:
        assert out.target_grade in (rec.grade, rec.grade + 1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(records(grades=QUOTA_GRADES), near_passing(grades=QUOTA_GRADES)), min_size=1, max_size=25),
       st.integers(min_value=0, max_value=15))
def test_no_quota_is_ever_exceeded_by_a_promotion(recs, extra_headcount):
    headcount = len(recs) + extra_headcount
    cap_12, cap_1 = quota_limits(headcount)
    entries = [(i, rec, evaluate(rec, AS_OF)) for i, rec in enumerate(recs)]
    out = rank_for_quota(entries, headcount=headcount, as_of=AS_OF)
    assert set(out) == set(range(len(recs)))
    final = [o.target_grade for o in out.values()]
    if any(o.outcome == PROMOTE and o.target_grade == 1 for o in out.values()):
        assert final.count(1) <= cap_1
    if any(o.outcome == PROMOTE and o.target_grade == 2 for o in out.values()):
        assert sum(g <= 2 for g in final) <= cap_12
    # Nobody outside the quota grades was touched, and ranks are 1..k per target grade.
    for target in (1, 2):
        ranks = sorted(o.quota_rank for i, o in out.items()
                       if entries[i][2].outcome == PROMOTE and entries[i][2].target_grade == target)
        assert ranks == list(range(1, len(ranks) + 1))
    for i, _rec, before in entries:
        if not (before.outcome == PROMOTE and before.target_grade <= 2):
            assert out[i] == before


RARELY = st.sampled_from([False, False, False, False, False, True])


@settings(max_examples=600, deadline=None)
@given(st.one_of(ANY_RECORD, near_passing(grades=QUOTA_GRADES)), RARELY, RARELY)
def test_deciding_without_explanation_gives_the_same_outcome(rec, politics, conduct):
    rec = replace(rec, politics_failed=politics, conduct_failed=conduct)
    full = evaluate(rec, AS_OF)
    assert evaluate(rec, AS_OF, explain=False) == replace(full, reasons=())
