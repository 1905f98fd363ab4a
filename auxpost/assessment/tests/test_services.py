"""§7 assessment services: scorecards, rounds, scores, annual results."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from auxpost.assessment.models import AnnualResult, MonthlyScore, SkillsRound, SkillsScore
from auxpost.assessment.services import (
    annual_result_review,
    annual_results_compute,
    annual_results_confirm,
    annual_results_record,
    monthly_score_save,
    skills_round_close,
    skills_round_create,
    skills_score_enter,
)
from auxpost.assessment.tests.conftest import AT, FULL, MARCH, add_entry
from auxpost.audit.models import AuditEntry
from auxpost.testing import make_member

pytestmark = pytest.mark.django_db


def save(d, member=None, scores=None, reasons=None, scorer=None, month=MARCH, at=AT):
    return monthly_score_save(member=member or d.m1, month=month, scores=scores or dict(FULL), reasons=reasons or {},
                              scorer=scorer or d.squadron1, at=at)


# --- monthly -----------------------------------------------------------------------------------


def test_full_marks_without_ledger_events(district):
    s = save(district)
    assert s.total == 100 and s.policy_version == "1" and s.source == "entered"
    assert s.prefill == {"attendance": "20", "discipline": "20", "uniform": "10", "duty_performance": "40",
                         "public_feedback": "10"}
    a = AuditEntry.objects.filter(object_type="assessment.monthlyscore").latest("seq")
    assert a.action == "create" and a.after["total"] == "100.00"


def test_prefill_from_the_ledger_and_reason_needed_only_where_different(district):
    d = district
    add_entry(d.m1, dt.date(2026, 3, 5), "late", -1, approver=d.squadron2)
    add_entry(d.m1, dt.date(2026, 3, 6), "uniform_fail", -2, approver=d.squadron2)
    add_entry(d.m1, dt.date(2026, 3, 7), "late", -1, status="pending")  # not approved: ignored
    add_entry(d.m1, dt.date(2026, 2, 7), "late", -1, approver=d.squadron2)  # other month
    scores = dict(FULL, attendance=19, uniform=8)
    s = save(d, scores=scores)
    assert s.total == 97 and s.prefill["attendance"] == "19" and s.adjustments == {}
    with pytest.raises(ValidationError) as exc:
        save(d, scores=dict(scores, attendance=20, duty_performance=35))
    errs = exc.value.message_dict
    assert set(errs) == {"reason_attendance", "reason_duty_performance"}
    assert "出勤" in errs["reason_attendance"][0] and "19" in errs["reason_attendance"][0]
    s = save(d, scores=dict(scores, attendance=20), reasons={"attendance": "迟到系公务", "uniform": "ignored"})
    assert s.total == 98 and s.adjustments == {"attendance": "迟到系公务"}


def test_out_of_range_missing_and_unknown_indicators(district):
    with pytest.raises(ValidationError) as exc:
        save(district, scores={"attendance": 21, "discipline": "x", "uniform": 10, "duty_performance": 40.555,
                               "bogus": 1})
    errs = exc.value.message_dict
    assert "出勤" in errs["score_attendance"][0] and "20" in errs["score_attendance"][0]
    assert "纪律" in errs["score_discipline"][0]
    assert "score_public_feedback" in errs and "score_duty_performance" in errs and "scores" in errs
    assert not MonthlyScore.objects.exists()


def test_scorer_rules(district):
    d = district
    with pytest.raises(PermissionDenied):
        save(d, scorer=d.squadron2)  # other squadron
    with pytest.raises(PermissionDenied):
        save(d, scorer=d.member1)  # the member themself
    with pytest.raises(PermissionDenied):
        save(d, scorer=d.assessor)
    assert save(d, scorer=d.bureau_user).total == 100
    assert save(d, member=d.m2, scorer=d.admin).total == 100


def test_line_manager_who_is_also_the_member_cannot_score_themself(district):
    from auxpost.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=district.member1, role=Role.LINE_MANAGER, scope="unit", unit=district.sq1)
    with pytest.raises(PermissionDenied):
        save(district, scorer=district.member1)


def test_month_checks(district):
    d = district
    with pytest.raises(ValidationError) as exc:
        save(d, month=dt.date(2026, 5, 1))
    assert "month" in exc.value.message_dict
    with pytest.raises(ValidationError):
        save(d, month=dt.date(2026, 3, 2))
    with pytest.raises(ValidationError) as exc:
        save(d, month=dt.date(2019, 1, 1))  # before hire (2020-03-01)
    assert "李一" in exc.value.message_dict["month"][0]


def test_resave_replaces_with_audit_before_after(district):
    save(district)
    s = save(district, scores=dict(FULL, duty_performance=30), reasons={"duty_performance": "巡查不到位"})
    assert MonthlyScore.objects.count() == 1 and s.total == 90
    a = AuditEntry.objects.filter(object_type="assessment.monthlyscore").latest("seq")
    assert a.action == "update" and a.before["total"] == "100.00" and a.after["total"] == "90.00"


def test_confirmed_year_refuses_resave(district):
    save(district)
    AnnualResult.objects.create(member=district.m1, year=2026, composite=80, band="pass", status="confirmed",
                                computed_at=AT)
    with pytest.raises(ValidationError) as exc:
        save(district)
    assert "2026" in exc.value.message_dict["month"][0]


# --- rounds ------------------------------------------------------------------------------------


def test_round_create_candidates_and_scoring(district, other_assessor):
    d = district
    make_member(d.sq1_t2, name="赵三")
    make_member(d.sq1_t2, name="离职", status="separated", grade=None)
    rnd = skills_round_create(year=2026, batch=1, name="2026年第一次集中考核", assessor=d.assessor_org, unit=d.sq1,
                              by=d.bureau_user, at=AT)
    assert rnd.status == "open" and rnd.policy_version == "1"
    names = set(rnd.scores.values_list("member__name", flat=True))
    assert names == {"李一", "赵三"}
    score = rnd.scores.get(member=d.m1)
    assert score.composite is None and score.year == 2026
    with pytest.raises(PermissionDenied):
        skills_score_enter(score=score, components={}, by=other_assessor, at=AT)
    with pytest.raises(ValidationError) as exc:
        skills_score_enter(score=score, components={"law": 101, "practical": 80, "fitness": 90}, by=d.assessor, at=AT)
    assert "法律法规" in exc.value.message_dict["law"][0] and "peer_rating" in exc.value.message_dict
    s = skills_score_enter(score=score, components={"law": 90, "practical": 80, "fitness": 70, "peer_rating": 100},
                           by=d.assessor, at=AT)
    assert s.composite == Decimal("85.00")  # 27 + 24 + 14 + 20
    assert AuditEntry.objects.filter(object_type="assessment.skillsscore", action="update").exists()
    with pytest.raises(PermissionDenied):
        skills_round_close(round=rnd, by=d.assessor, at=AT)
    skills_round_close(round=rnd, by=d.bureau_user, at=AT)
    with pytest.raises(ValidationError):
        skills_score_enter(score=score, components={"law": 1, "practical": 1, "fitness": 1, "peer_rating": 1},
                           by=d.bureau_user, at=AT)


def test_round_create_checks(district):
    d = district
    with pytest.raises(PermissionDenied):
        skills_round_create(year=2026, batch=1, name="x", assessor=d.assessor_org, by=d.squadron1, at=AT)
    with pytest.raises(ValidationError) as exc:
        skills_round_create(year=1999, batch=3, name="", assessor=d.hr, by=d.bureau_user, at=AT)
    assert set(exc.value.message_dict) == {"year", "batch", "name", "assessor"}
    skills_round_create(year=2026, batch=2, name="x", assessor=d.assessor_org, by=d.bureau_user, at=AT)
    with pytest.raises(ValidationError) as exc:
        skills_round_create(year=2026, batch=2, name="y", assessor=d.assessor_org, by=d.bureau_user, at=AT)
    assert "batch" in exc.value.message_dict
    assert SkillsScore.objects.filter(round__year=2026).count() == 2  # all on-roster members


# --- annual results ----------------------------------------------------------------------------


def _year_of_scores(member, total, year=2025, months=range(1, 13)):
    for m in months:
        MonthlyScore.objects.create(member=member, month=dt.date(year, m, 1), total=total, scored_at=AT)


def _skills(member, composite, year=2025, batch=1):
    rnd, _ = SkillsRound.objects.get_or_create(year=year, batch=batch, assessor=None,
                                               defaults={"name": f"{year}-{batch}", "created_at": AT})
    return SkillsScore.objects.create(round=rnd, member=member, year=year, composite=composite)


def test_compute_composite_band_and_explanation(district):
    d = district
    _year_of_scores(d.m1, 95)
    _skills(d.m1, 90)
    _skills(d.m1, 94, batch=2)
    add_entry(d.m1, dt.date(2025, 6, 1), "commendation_city", 10)
    results = {c.member_id: c for c in annual_results_compute(year=2025)}
    c = results[d.m1.pk]
    # 0.4*95 + 0.4*92 + 0.2*min(110,100) = 38 + 36.8 + 20
    assert c.composite == Decimal("94.80") and c.annual_points == 110
    assert c.cap_unit_id == d.sq1.pk and c.cap_unit_name == "综合行政执法大队/第一中队"
    assert c.unit_size == 1 and c.rank == 1
    # One member in the squadron: floor(15% × 1) = 0 places → 合格 with a reason.
    assert c.band == "pass" and any("超出优秀名额" in r for r in c.reasons)
    assert "台账" in c.explanation and c.policy_version == "1"
    m2 = results[d.m2.pk]
    assert m2.composite == Decimal("20.00") and m2.band == "fail"  # no scores: 0 + 0 + 0.2*100
    assert "缺少月度考核" in m2.explanation


def test_compute_roster_of_the_year_months_expected_and_vetoes(district):
    d = district
    late = make_member(d.sq1_t1, name="新人", hire_date=dt.date(2025, 7, 15))
    gone = make_member(d.sq1_t1, name="早走", status="separated", grade=None, separated_on=dt.date(2024, 12, 31))
    left = make_member(d.sq1_t1, name="年中走", status="separated", grade=None, separated_on=dt.date(2025, 3, 20))
    future = make_member(d.sq1_t1, name="明年来", hire_date=dt.date(2026, 1, 5))
    _year_of_scores(late, 90, months=range(7, 13))  # July … December: 6 months expected
    _year_of_scores(left, 80, months=[1, 2])  # March missing → counts 0
    add_entry(d.m1, dt.date(2025, 5, 1), "absence", -50, quantity=5, approver=d.squadron2)
    from auxpost.grading.models import BasicRecord

    BasicRecord.objects.create(member=late, kind="sanction", date=dt.date(2025, 9, 1), passed=False,
                               description="警告", recorded_at=AT)
    results = {c.member_id: c for c in annual_results_compute(year=2025)}
    assert gone.pk not in results and future.pk not in results
    assert results[late.pk].monthly_mean == Decimal("90.00")
    assert results[left.pk].monthly_mean == Decimal("53.33")
    assert results[d.m1.pk].band == "fail" and any("旷工5" in r for r in results[d.m1.pk].reasons)
    assert any("纪律处分" in r for r in results[late.pk].reasons)


def test_settled_points_win_over_the_ledger_and_cap_unit_level(district):
    from auxpost.points.models import AnnualPoints

    d = district
    AnnualPoints.objects.create(member=d.m1, year=2025, total=Decimal("105"), source="imported", recorded_at=AT)
    add_entry(d.m1, dt.date(2025, 5, 1), "late", -1, approver=d.squadron2)
    c = next(c for c in annual_results_compute(year=2025) if c.member_id == d.m1.pk)
    assert c.annual_points == 105 and "台账" not in c.explanation


def test_excellent_cap_per_squadron(district):
    d = district
    members = [d.m1] + [make_member(d.sq1_t2, name=f"队员{i}") for i in range(12)]  # 13 in squadron 1
    for i, m in enumerate(members):
        _year_of_scores(m, 100 - i * Decimal("0.5"))
        _skills(m, 100 - i)
    results = {c.member_id: c for c in annual_results_compute(year=2025)}
    sq1 = [results[m.pk] for m in members]
    assert [c.rank for c in sq1] == list(range(1, 14))
    assert [c.band for c in sq1].count("excellent") == 1  # floor(0.15 × 13) = 1
    assert sq1[0].band == "excellent" and sq1[1].band == "pass" and sq1[1].composite >= 90


def test_record_recompute_review_confirm(district):
    d = district
    _year_of_scores(d.m1, 90)
    with pytest.raises(PermissionDenied):
        annual_results_record(year=2025, by=d.squadron1, at=AT)
    counts = annual_results_record(year=2025, by=d.bureau_user, at=AT)
    assert counts == {"created": 2, "updated": 0, "kept": 0, "removed": 0}
    r1 = AnnualResult.objects.get(member=d.m1, year=2025)
    assert r1.status == "computed" and r1.policy_version == "1" and r1.cap_unit_id == d.sq1.pk
    assert r1.monthly_mean == 90 and r1.explanation
    with pytest.raises(PermissionDenied):
        annual_result_review(result=r1, by=d.squadron2, at=AT)
    with pytest.raises(PermissionDenied):
        annual_result_review(result=r1, by=d.member1, at=AT)
    r1 = annual_result_review(result=r1, by=d.squadron1, at=AT)
    assert r1.status == "reviewed"
    with pytest.raises(ValidationError):
        annual_result_review(result=r1, by=d.squadron1, at=AT)
    n = annual_results_confirm(year=2025, unit=d.sq1, by=d.bureau_user, at=AT)
    assert n == 1
    r1.refresh_from_db()
    assert r1.status == "confirmed" and r1.confirmed_by == d.bureau_user
    MonthlyScore.objects.filter(member=d.m1).update(total=50)
    counts = annual_results_record(year=2025, by=d.bureau_user, at=AT)
    assert counts == {"created": 0, "updated": 1, "kept": 1, "removed": 0}
    r1.refresh_from_db()
    assert r1.monthly_mean == 90  # frozen
    with pytest.raises(PermissionDenied):
        annual_results_confirm(year=2025, by=d.squadron1, at=AT)
    assert annual_results_confirm(year=2025, by=d.admin, at=AT) == 1
    with pytest.raises(ValidationError):
        annual_results_confirm(year=2025, by=d.admin, at=AT)
    assert AuditEntry.objects.filter(object_type="assessment.annualresult", action="transition").count() == 3


def test_recompute_removes_members_no_longer_on_that_years_roster(district):
    d = district
    annual_results_record(year=2025, by=d.bureau_user, at=AT)
    type(d.m2).objects.filter(pk=d.m2.pk).update(status="separated", grade=None, separated_on=dt.date(2024, 6, 1))
    counts = annual_results_record(year=2025, by=d.bureau_user, at=AT)
    assert counts["removed"] == 1 and not AnnualResult.objects.filter(member=d.m2).exists()


def test_new_policy_version_changes_later_results_and_leaves_confirmed_ones(district):
    from auxpost.policy.models import PolicyVersion
    from auxpost.policy.rules import default_documents

    d = district
    for year in (2025, 2026):
        _year_of_scores(d.m1, 80, year=year)
        _skills(d.m1, 60, year=year)
    annual_results_record(year=2025, by=d.bureau_user, at=AT)
    annual_results_confirm(year=2025, by=d.bureau_user, at=AT)
    before = AnnualResult.objects.get(member=d.m1, year=2025)
    assert before.composite == Decimal("76.00")  # 32 + 24 + 20
    docs = default_documents()
    docs["assessment"]["weight_monthly"] = "0.6"
    docs["assessment"]["weight_skills"] = "0.2"
    PolicyVersion.objects.create(version="2", name="2026版", effective_from=dt.date(2026, 1, 1), status="published",
                                 created_at=AT, published_at=AT, **docs)
    annual_results_record(year=2025, by=d.bureau_user, at=AT)
    annual_results_record(year=2026, by=d.bureau_user, at=AT)
    after = AnnualResult.objects.get(member=d.m1, year=2025)
    assert (after.composite, after.policy_version, after.status) == (Decimal("76.00"), "1", "confirmed")
    new = AnnualResult.objects.get(member=d.m1, year=2026)
    assert (new.composite, new.policy_version) == (Decimal("80.00"), "2")  # 48 + 12 + 20
    # The 2025 computation still uses version 1 (in force on 31 Dec 2025).
    assert next(c for c in annual_results_compute(year=2025) if c.member_id == d.m1.pk).policy_version == "1"


def test_compute_query_count_does_not_grow_with_members(district, django_assert_max_num_queries):
    d = district
    for i in range(30):
        m = make_member(d.sq2_t1, name=f"人{i}")
        _year_of_scores(m, 90)
        add_entry(m, dt.date(2025, 3, 3), "late", -1, approver=d.squadron1)
    with django_assert_max_num_queries(10):
        results = annual_results_compute(year=2025)
    assert len(results) == 32


@settings(max_examples=200, deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), max_size=12),
       st.lists(st.decimals(min_value=0, max_value=100, places=2), max_size=2), st.integers(min_value=0, max_value=3),
       st.integers(min_value=0, max_value=1))
def test_rule_parts_give_the_same_composite_and_explanation(monthly, skills, missing, missing_rounds):
    """The computation hands the rule each part's mean (all there) or a tuple with the real scores'
    count and sum (some missing): the composite and the explanation are those of the real scores."""
    from auxpost.assessment.rules import WENJIANG_DEFAULT, annual_composite
    from auxpost.assessment.services import _equivalent_scores, _rule_part

    eq = _equivalent_scores(len(monthly), sum(monthly, Decimal(0)))
    assert len(eq) == len(monthly) and all(0 <= v <= 100 for v in eq) and sum(eq, Decimal(0)) == sum(monthly, Decimal(0))
    m_expected = len(monthly) + missing
    s_expected = (len(skills) + missing_rounds) or None
    real = annual_composite(monthly, skills, 90, WENJIANG_DEFAULT, months_expected=m_expected,
                            rounds_expected=s_expected)
    m_part, m_exp = _rule_part(len(monthly), sum(monthly, Decimal(0)), m_expected)
    s_part, s_exp = _rule_part(len(skills), sum(skills, Decimal(0)), s_expected)
    assert annual_composite(m_part, s_part, 90, WENJIANG_DEFAULT, months_expected=m_exp,
                            rounds_expected=s_exp) == real


def test_year_in_progress_expects_only_the_months_ended(district):
    d = district
    _year_of_scores(d.m1, 90, year=2026, months=[1, 2, 3])
    whole = next(c for c in annual_results_compute(year=2026) if c.member_id == d.m1.pk)
    now = next(c for c in annual_results_compute(year=2026, as_of=dt.date(2026, 4, 10)) if c.member_id == d.m1.pk)
    assert whole.monthly_mean == Decimal("22.50") and "应有12次" in whole.explanation
    assert now.monthly_mean == Decimal("90.00") and "应有" not in now.explanation
    early = next(c for c in annual_results_compute(year=2026, as_of=dt.date(2026, 2, 10)) if c.member_id == d.m1.pk)
    assert early.monthly_mean == Decimal("90.00")  # a month scored always counts
    annual_results_record(year=2026, by=d.bureau_user, at=AT)  # AT = 2026-04-10
    assert AnnualResult.objects.get(member=d.m1, year=2026).monthly_mean == Decimal("90.00")


def test_client_side_cursor_switch_is_restored(district):
    from django.db import connection

    from auxpost.assessment.services import _client_side_cursors

    before = connection.settings_dict
    with _client_side_cursors():
        assert connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert list(type(district.m1).objects.values_list("pk", flat=True).iterator(chunk_size=1))
    assert connection.settings_dict is before
