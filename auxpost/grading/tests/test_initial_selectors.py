"""§8.4a 首次定级 computed from database rows: members without a grade included, the quota over the
whole roster, a constant number of queries, nothing written."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auxpost.assessment.models import AnnualResult
from auxpost.grading import rules
from auxpost.grading.models import BasicRecord
from auxpost.grading.selectors import (
    candidate_records,
    gather,
    initial_outcomes_compute,
    outcomes_compute,
)
from auxpost.people.models import GradeHistory, Member, MemberStatus
from auxpost.points.models import AnnualPoints
from auxpost.policy.selectors import policy_in_force
from auxpost.testing import make_member

from .conftest import AS_OF, add_points, add_record, add_result, add_skills

pytestmark = pytest.mark.django_db


def strong(member, *, hired=dt.date(2010, 1, 1), composite=95, points=96):
    """Give ``member`` (大专, hired ``hired``) a record supporting every step up to 一级 on AS_OF."""
    member.hire_date = hired
    member.education = "junior_college"
    member.save(update_fields=["hire_date", "education"])
    for y in range(2022, 2026):
        add_points(member, y, points)
        add_result(member, y, "excellent", composite)
    add_skills(member, 2025, 90, 88)
    return member


def by_id(outcomes):
    return {m.member_id: m for m in outcomes}


def test_members_without_a_grade_are_graded_and_shown_as_such(district):
    new = make_member(district.sq1_t2, name="未定级", grade=None, hire_date=dt.date(2025, 6, 1))
    trial = make_member(district.sq1_t2, name="试用", grade=None, status=MemberStatus.PROBATION)
    gone = make_member(district.sq1_t2, name="离职", grade=None, status=MemberStatus.SEPARATED)
    strong(district.m1)
    out = by_id(initial_outcomes_compute(as_of=AS_OF))
    assert set(out) == {district.m1.pk, district.m2.pk, new.pk, trial.pk}
    assert gone.pk not in out
    m = out[new.pk]
    assert (m.grade, m.grade_effective_date, m.outcome.grade) == (None, None, None)
    assert (m.outcome.outcome, m.outcome.target_grade) == (rules.INITIAL, 5)
    assert (m.name, m.unit) == ("未定级", "综合行政执法大队/第一中队/第二小队")
    assert m.outcome.decided_by == "区综合行政执法局与人力资源公司共同评定"
    # m1 held 五级 (imported): the record supports 一级; a headcount of 4 gives no 一级 place
    # (10% of 4 → 0) and one 二级+一级 place (30% of 4 → 1).
    one = out[district.m1.pk]
    assert (one.grade, one.grade_effective_date) == (5, dt.date(2020, 3, 1))  # as imported
    assert (one.outcome.grade, one.outcome.target_grade, one.outcome.quota_rank) == (5, 2, 1)
    assert [r.actual for r in one.outcome.reasons[-2:]] == ["名额已满（排名第1），按二级参加排名", "名额内（排名第1）"]
    # The annual computation and its records are unchanged: only members with a grade.
    assert set(by_id(outcomes_compute(as_of=AS_OF))) == {district.m1.pk, district.m2.pk}
    assert set(candidate_records(as_of=AS_OF, policy=rules.WENJIANG_DEFAULT)) == {district.m1.pk, district.m2.pk}


def test_an_ungraded_record_carries_the_internal_value(district):
    new = make_member(district.sq1_t2, name="未定级", grade=None, hire_date=dt.date(2025, 6, 1))
    _infos, records = gather(as_of=AS_OF, policy=rules.WENJIANG_DEFAULT, include_ungraded=True)
    assert records[new.pk].grade == rules.UNGRADED and records[new.pk].grade_effective_date == dt.date(2025, 6, 1)
    with pytest.raises(ValueError):
        rules.evaluate(records[new.pk], AS_OF)  # the annual rule refuses it
    assert new.pk not in gather(as_of=AS_OF, policy=rules.WENJIANG_DEFAULT)[1]


def test_explanation_from_the_records(district):
    strong(district.m1)
    add_record(district.m1, "sanction", dt.date(2025, 11, 1), passed=False)
    add_points(district.m2, 2025, 90)
    (m,) = initial_outcomes_compute(as_of=AS_OF, member_ids=[district.m1.pk])
    assert m.outcome.target_grade == 5
    sanction = next(r for r in m.outcome.reasons if r.requirement == "五级·处分")
    assert not sanction.met and sanction.actual == "处分 2025-11-01"
    (other,) = initial_outcomes_compute(as_of=AS_OF, member_ids=[district.m2.pk])
    assert other.outcome.target_grade == 5  # hired 2020 but no results and no skills score
    points = next(r for r in other.outcome.reasons if r.requirement == "四级·年度考核结果")
    assert not points.met and points.actual == "2024 无记录、2025 无记录"


def _roster(district, n_strong, n_weak):
    """``n_strong`` members supported up to 一级 (composites 99, 98, …) and ``n_weak`` newcomers."""
    strong_members = [strong(make_member(district.sq1_t1, name=f"骨干{i}", grade=None), composite=99 - i)
                      for i in range(n_strong)]
    for i in range(n_weak):
        make_member(district.sq2_t1, name=f"新人{i}", grade=3 if i % 2 else None, hire_date=dt.date(2025, 9, 1))
    return strong_members


def test_quota_over_the_whole_roster_also_for_a_subset(district):
    # Headcount 2 + 5 + 13 = 20: 一级 ≤ 2, 二级+一级 ≤ 6; five supported up to 一级.
    top = _roster(district, 5, 13)
    full = by_id(initial_outcomes_compute(as_of=AS_OF))
    assert [full[m.pk].outcome.target_grade for m in top] == [1, 1, 2, 2, 2]
    assert [full[m.pk].outcome.quota_rank for m in top] == [1, 2, 1, 2, 3]
    finals = [m.outcome.target_grade for m in full.values()]
    assert sum(g == 1 for g in finals) <= 2 and sum(g <= 2 for g in finals) <= 6
    # The newcomers (some with an imported 三级) are graded 五级.
    assert sorted(finals).count(5) == 15
    for m in top + [district.m2]:
        (one,) = initial_outcomes_compute(as_of=AS_OF, member_ids=[m.pk])
        assert one.outcome == full[m.pk].outcome


def test_query_count_does_not_grow_with_members(district, django_assert_num_queries):
    policy = policy_in_force(AS_OF)
    _roster(district, 2, 3)
    with CaptureQueriesContext(connection) as few:
        initial_outcomes_compute(as_of=AS_OF, policy=policy)
    assert len(few.captured_queries) <= 7  # six for the records, one for the unit names
    _roster(district, 6, 20)
    with django_assert_num_queries(len(few.captured_queries)):
        out = initial_outcomes_compute(as_of=AS_OF, policy=policy)
    assert len(out) == 33
    ids = [m.member_id for m in out]
    with CaptureQueriesContext(connection) as subset:
        initial_outcomes_compute(as_of=AS_OF, policy=policy, member_ids=ids[:3])
    assert len(subset.captured_queries) <= 13  # + six for the district-wide quota
    with django_assert_num_queries(len(subset.captured_queries)):
        initial_outcomes_compute(as_of=AS_OF, policy=policy, member_ids=ids[:20])


def test_policy_as_a_grade_policy_and_the_json_shape(district):
    make_member(district.sq1_t2, name="未定级", grade=None)
    out = initial_outcomes_compute(as_of=AS_OF, policy=rules.WENJIANG_DEFAULT)
    objs = [json.loads(json.dumps(m.as_json(), ensure_ascii=False)) for m in out]
    assert {o["name"]: o["grade"] for o in objs} == {"李一": 5, "王二": 5, "未定级": None}
    assert all(o["outcome"] == "initial" and 1 <= o["target_grade"] <= 5 and o["reasons"] for o in objs)


def test_reads_only(district):
    strong(district.m1)
    make_member(district.sq1_t2, name="未定级", grade=None)
    tables = (Member, GradeHistory, AnnualPoints, AnnualResult, BasicRecord)
    before = [list(t.objects.order_by("pk").values()) for t in tables]
    initial_outcomes_compute(as_of=AS_OF)
    assert [list(t.objects.order_by("pk").values()) for t in tables] == before


def test_empty_selection(district):
    assert initial_outcomes_compute(as_of=AS_OF, member_ids=[]) == []


def test_explained_on_read_equals_the_eager_rule_with_the_quota(district):
    _roster(district, 5, 6)
    add_record(district.m2, "sanction", dt.date(2025, 11, 1), passed=False)
    lazy = initial_outcomes_compute(as_of=AS_OF)
    _infos, records = gather(as_of=AS_OF, policy=rules.WENJIANG_DEFAULT, include_ungraded=True)
    eager = rules.rank_initial_for_quota({pk: (rec, rules.initial_grade(rec, AS_OF)) for pk, rec in records.items()},
                                         headcount=len(records), as_of=AS_OF)
    assert {m.member_id for m in lazy} == set(eager)
    for m in lazy:
        assert m.outcome == eager[m.member_id]
        assert m.outcome.reasons == eager[m.member_id].reasons
        m.outcome.forget()
        assert m.outcome._reasons is None and m.outcome.reasons == eager[m.member_id].reasons
    assert sum(1 for m in lazy if m.outcome.quota_rank is not None) == 5
