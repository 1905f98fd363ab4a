"""Candidate gathering and outcome computation from database rows (§6, §8.3)."""

from __future__ import annotations

import datetime as dt

import pytest

from auxpost.grading import rules
from auxpost.grading.rules import WENJIANG_DEFAULT
from auxpost.grading.selectors import (
    OutcomeParams,
    candidate_records,
    outcome_listing,
    outcome_summary,
    outcomes_compute,
    years_needed,
)
from auxpost.people.models import MemberStatus
from auxpost.testing import make_member

from .conftest import AS_OF, add_points, add_record, add_result, add_skills, make_promotable

pytestmark = pytest.mark.django_db


def test_years_needed_cover_the_largest_window_and_the_demotion_years():
    assert years_needed(AS_OF, WENJIANG_DEFAULT) == range(2022, 2026)  # 一级 needs 4 years


def test_candidate_record_built_from_rows(district):
    m1 = district.m1
    m1.grade, m1.grade_effective_date = 4, dt.date(2021, 7, 1)
    m1.save()
    add_points(m1, 2019, 50)  # outside every window: not read
    add_points(m1, 2024, "86.50")
    add_points(m1, 2025, 91)
    add_points(m1, 2026, 99)  # the as-of year is not complete: not read
    add_result(m1, 2024, "excellent", "91.20", status="confirmed")
    add_result(m1, 2025, "pass", 80, status="computed")
    add_skills(m1, 2025, 80, 90)
    add_skills(m1, 2024, 10)  # not the last complete year
    add_record(m1, "sanction", dt.date(2025, 6, 1), passed=False)
    add_record(m1, "sanction", dt.date(2024, 6, 1), passed=False)  # outside the 12-month look-back
    add_record(m1, "health", dt.date(2024, 5, 1), passed=False)
    add_record(m1, "health", dt.date(2025, 5, 1), passed=True)  # a later passed check counters the failed one
    add_record(m1, "conduct", dt.date(2025, 5, 1), passed=True)
    add_record(m1, "conduct", dt.date(2025, 9, 1), passed=False)
    add_record(m1, "commendation", dt.date(2025, 10, 1), level="city")
    add_record(m1, "commendation", dt.date(2023, 10, 1), level="province")  # too old to waive a year

    records = candidate_records(as_of=AS_OF, policy=WENJIANG_DEFAULT)
    assert set(records) == {district.m1.pk, district.m2.pk}
    r = records[m1.pk]
    assert r.grade == 4 and r.grade_effective_date == dt.date(2021, 7, 1)
    assert r.education == m1.education and r.birth_date == m1.birth_date and r.sex == "M"
    assert r.hire_date == m1.hire_date
    assert r.annual_points == {2024: 86.5, 2025: 91.0}
    assert all(isinstance(v, float) for v in r.annual_points.values())
    assert r.annual_results == {2024: ("excellent", 91.2), 2025: ("pass", 80.0)}
    assert r.skills_scores == {2025: [85.0]}
    assert r.sanctions == [dt.date(2025, 6, 1)]
    assert r.health_check_failed is False and r.conduct_failed is True and r.politics_failed is False
    assert r.commendation_levels == [(dt.date(2025, 10, 1), "city")]
    other = records[district.m2.pk]
    assert other.annual_points == {} and other.annual_results == {} and other.skills_scores == {}


def test_only_members_on_the_roster_with_a_grade(district):
    gone = make_member(district.sq1_t1, name="离职", grade=None, status=MemberStatus.SEPARATED)
    trial = make_member(district.sq1_t1, name="试用", status=MemberStatus.PROBATION)
    records = candidate_records(as_of=AS_OF, policy=WENJIANG_DEFAULT)
    assert gone.pk not in records and trial.pk in records
    assert set(candidate_records(as_of=AS_OF, policy=WENJIANG_DEFAULT, member_ids=[trial.pk])) == {trial.pk}


def test_latest_failed_health_check_blocks(district):
    add_record(district.m1, "health", dt.date(2024, 5, 1), passed=True)
    add_record(district.m1, "health", dt.date(2025, 5, 1), passed=False)
    add_record(district.m1, "health", dt.date(2026, 5, 1), passed=True)  # after the as-of date
    assert candidate_records(as_of=AS_OF, policy=WENJIANG_DEFAULT)[district.m1.pk].health_check_failed


def _bulk(district, n):
    for i in range(n):
        m = make_member(district.sq1_t2 if i % 2 else district.sq2_t1, name=f"成员{i}")
        make_promotable(m, grade=5 - i % 4)
        add_record(m, "commendation", dt.date(2025, 10, 1), level="district")
        add_record(m, "health", dt.date(2025, 5, 1))


def test_query_count_does_not_grow_with_members(district, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _bulk(district, 3)
    with CaptureQueriesContext(connection) as few:
        outcomes_compute(as_of=AS_OF)
    _bulk(district, 12)
    with django_assert_num_queries(len(few.captured_queries)):
        out = outcomes_compute(as_of=AS_OF)
    assert len(out) == 17
    with CaptureQueriesContext(connection) as subset:
        outcomes_compute(as_of=AS_OF, member_ids=[m.member_id for m in out[:3]])
    with django_assert_num_queries(len(subset.captured_queries)):
        outcomes_compute(as_of=AS_OF, member_ids=[m.member_id for m in out[:12]])


def test_outcomes_carry_identity_unit_path_and_explanation(district):
    make_promotable(district.m1)
    out = {m.member_id: m for m in outcomes_compute(as_of=AS_OF)}
    m = out[district.m1.pk]
    assert (m.name, m.id_number, m.unit, m.grade) == ("李一", district.m1.id_number, "综合行政执法大队/第一中队/第一小队", 5)
    assert m.outcome.outcome == rules.PROMOTE and m.outcome.target_grade == 4
    assert m.outcome.policy_version == "1"
    other = out[district.m2.pk].outcome
    assert other.outcome == rules.KEEP
    assert any(r.requirement == rules.REQ_SKILLS and not r.met and "缺 2025" in r.actual for r in other.reasons)


def test_quota_is_ranked_over_the_whole_roster_also_for_a_subset(district):
    # Headcount 2 + 3 = 5 → 二级+一级 ≤ 30% = 1 place; three 三级 members eligible for 二级.
    members = []
    for i, composite in enumerate([85, 95, 90]):
        m = make_member(district.sq1_t1, name=f"候选{i}", education="junior_college")
        make_promotable(m, grade=3, since=dt.date(2020, 1, 1), points=95, band="excellent", composite=composite,
                        skills=(90,))
        members.append(m)
    full = {m.member_id: m.outcome for m in outcomes_compute(as_of=AS_OF)}
    assert [full[m.pk].quota_rank for m in members] == [3, 1, 2]
    assert [full[m.pk].outcome for m in members] == [rules.KEEP, rules.PROMOTE, rules.KEEP]
    # Computing for one member gives the same answer as computing for everyone.
    for m in members:
        (one,) = outcomes_compute(as_of=AS_OF, member_ids=[m.pk])
        assert one.outcome == full[m.pk]


def test_summary_is_cached_until_the_data_changes(district, django_assert_max_num_queries):
    make_promotable(district.m1)
    first = outcome_summary(as_of=AS_OF)
    assert first.rows[district.m1.pk][0] == rules.PROMOTE
    with django_assert_max_num_queries(6):  # policy + freshness only
        assert outcome_summary(as_of=AS_OF) is not None
    add_record(district.m1, "sanction", dt.date(2025, 12, 1), passed=False)
    assert outcome_summary(as_of=AS_OF).rows[district.m1.pk][0] == rules.KEEP


def test_listing_is_scoped_filtered_and_counted(district):
    make_promotable(district.m1)
    listing = outcome_listing(district.bureau_user, as_of=AS_OF, policy=None or _policy(), params=OutcomeParams())
    assert listing.ids == [district.m1.pk, district.m2.pk]
    assert listing.counts == {"promote": 1, "keep": 1, "demote": 0, "separation_proposal": 0}
    sq2 = outcome_listing(district.squadron2, as_of=AS_OF, policy=_policy(), params=OutcomeParams())
    assert sq2.ids == [district.m2.pk]
    only = outcome_listing(district.bureau_user, as_of=AS_OF, policy=_policy(),
                           params=OutcomeParams.parse({"outcome": "promote"}))
    assert only.ids == [district.m1.pk] and only.total == 2
    target = outcome_listing(district.bureau_user, as_of=AS_OF, policy=_policy(),
                             params=OutcomeParams.parse({"target": "4"}))
    assert target.ids == [district.m1.pk]
    by_unit = outcome_listing(district.bureau_user, as_of=AS_OF, policy=_policy(),
                              params=OutcomeParams.parse({"unit": str(district.sq2.pk)}))
    assert by_unit.ids == [district.m2.pk]
    by_name = outcome_listing(district.bureau_user, as_of=AS_OF, policy=_policy(), params=OutcomeParams.parse({"q": "王"}))
    assert by_name.ids == [district.m2.pk]
    by_id = outcome_listing(district.bureau_user, as_of=AS_OF, policy=_policy(),
                            params=OutcomeParams.parse({"q": district.m1.id_number[-6:]}))
    assert by_id.ids == [district.m1.pk]


def _policy():
    from auxpost.policy.selectors import policy_in_force

    return policy_in_force(AS_OF)
