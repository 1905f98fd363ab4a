"""§6.2 quotas: 二级 + 一级 ≤ 30% of headcount, 一级 ≤ 10%, ranked promotions."""

from datetime import date

from auxpost.grading.rules import (
    EXCELLENT,
    FAIL,
    KEEP,
    PROMOTE,
    REQ_QUOTA,
    WENJIANG_DEFAULT,
    evaluate,
    quota_limits,
    rank_for_quota,
)

from .builders import AS_OF, passing


def _holder(grade):
    """A member in ``grade`` who stays there (grade 1 cannot rise; others miss the skills score)."""
    return passing(grade, skills_scores={})


def _entry(rec):
    return rec, evaluate(rec, AS_OF)


def _promotee(grade, composite=92.0, points=95, eff=date(2015, 1, 1), hire=date(2012, 7, 1)):
    rec = passing(grade, grade_effective_date=eff, hire_date=hire)
    rec.annual_results[AS_OF.year - 1] = (EXCELLENT, composite)
    rec.annual_points[AS_OF.year - 1] = points
    return rec


def _quota_reason(outcome):
    hits = [r for r in outcome.reasons if r.requirement == REQ_QUOTA]
    assert len(hits) == 1
    return hits[0]


def test_limits_are_floored():
    assert quota_limits(10) == (3, 1)
    assert quota_limits(19) == (5, 1)
    assert quota_limits(9) == (2, 0)
    assert quota_limits(300, WENJIANG_DEFAULT) == (90, 30)


def test_promotions_into_two_fill_free_places_in_rank_order():
    # headcount 10 → 二级+一级 ≤ 3, 一级 ≤ 1. Holders: one 一级, one 二级 → one free place.
    people = {
        "g1": _entry(_holder(1)),
        "g2": _entry(_holder(2)),
        "a": _entry(_promotee(3, composite=91.0)),
        "b": _entry(_promotee(3, composite=95.0)),
        "c": _entry(_promotee(3, composite=93.0)),
    }
    for key in ("g1", "g2", "x1", "x2", "x3"):
        people.setdefault(key, _entry(_holder(5)))
    assert all(people[k][1].outcome == PROMOTE for k in "abc")
    out = rank_for_quota(people, headcount=10, as_of=AS_OF)
    assert out["b"].outcome == PROMOTE and out["b"].quota_rank == 1 and _quota_reason(out["b"]).met
    for key, rank in (("c", 2), ("a", 3)):
        assert (out[key].outcome, out[key].target_grade, out[key].quota_rank) == (KEEP, 3, rank)
        r = _quota_reason(out[key])
        assert not r.met and r.actual == f"名额已满（排名第{rank}）"
    # Holders and promotions into 四级/三级 have no quota rank.
    assert out["g1"].quota_rank is None and out["x1"].quota_rank is None


def test_grade_one_quota_and_no_free_place():
    people = {"g1": _entry(_holder(1)), "p": _entry(_promotee(2))}
    people |= {f"x{i}": _entry(_holder(5)) for i in range(8)}
    out = rank_for_quota(people, headcount=10, as_of=AS_OF)
    assert (out["p"].outcome, out["p"].target_grade, out["p"].quota_rank) == (KEEP, 2, 1)
    assert _quota_reason(out["p"]).actual == "名额已满（排名第1）"
    # Without the 一级 holder there is one place.
    people["g1"] = _entry(_holder(5))
    out = rank_for_quota(people, headcount=10, as_of=AS_OF)
    assert (out["p"].outcome, out["p"].target_grade) == (PROMOTE, 1)


def test_a_demotion_frees_a_place():
    demoted = passing(1)
    demoted.annual_results[2025] = (FAIL, 40.0)
    people = {"d": _entry(demoted), "p": _entry(_promotee(2))}
    people |= {f"x{i}": _entry(_holder(5)) for i in range(8)}
    out = rank_for_quota(people, headcount=10, as_of=AS_OF)
    assert out["d"].target_grade == 2
    assert out["p"].outcome == PROMOTE


def test_promotion_into_three_and_four_has_no_quota():
    people = {f"p{i}": _entry(_promotee(4)) for i in range(5)}
    out = rank_for_quota(people, headcount=5, as_of=AS_OF)
    assert all(o.outcome == PROMOTE and o.quota_rank is None for o in out.values())


def _ranks(entries, headcount=3):
    out = rank_for_quota(entries, headcount=headcount, as_of=AS_OF)
    return sorted(out, key=lambda k: out[k].quota_rank)


def test_ties_are_broken_by_points_then_years_then_hire_date_then_input_order():
    # Same composite: more points first.
    assert _ranks([("lo", *_entry(_promotee(3, points=90))), ("hi", *_entry(_promotee(3, points=99)))]) == ["hi", "lo"]
    # Same composite and points: longer in grade (earlier effective date) first.
    assert _ranks([("new", *_entry(_promotee(3, eff=date(2018, 1, 1)))),
                   ("old", *_entry(_promotee(3, eff=date(2016, 1, 1))))]) == ["old", "new"]
    # Then the earlier hire date.
    assert _ranks([("late", *_entry(_promotee(3, hire=date(2014, 1, 1)))),
                   ("early", *_entry(_promotee(3, hire=date(2013, 1, 1))))]) == ["early", "late"]
    # Full tie: input order, stable.
    assert _ranks([("first", *_entry(_promotee(3))), ("second", *_entry(_promotee(3)))]) == ["first", "second"]
    # headcount 3 → one place: only the first is promoted.
    out = rank_for_quota([("first", *_entry(_promotee(3))), ("second", *_entry(_promotee(3)))],
                         headcount=4, as_of=AS_OF)
    assert (out["first"].outcome, out["second"].outcome) == (PROMOTE, KEEP)
