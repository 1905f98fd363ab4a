"""§8.4 the whole flow through the services: every round move in order, with its effects."""

from __future__ import annotations

import datetime as dt

import pytest

from auxpost.audit.models import AuditEntry
from auxpost.audit.services import audit_verify
from auxpost.evaluation import rules
from auxpost.evaluation.models import Approval, Candidate, SeparationProposal, Transition
from auxpost.people.models import GradeHistory

from .flow import EFFECTIVE, PUBLICITY_END, PUBLICITY_START, Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(district):
    return Cast(district)


def _status(rnd, member):
    return Candidate.objects.get(round=rnd, member=member).status


def test_compute_stores_every_outcome_with_reasons(cast):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    assert rnd.status == rules.APPLICATIONS and rnd.policy_version == "1" and rnd.headcount == 4
    rows = {c.member_id: c for c in Candidate.objects.filter(round=rnd)}
    assert {m: (c.outcome, c.from_grade, c.target_grade) for m, c in rows.items()} == {
        d.m1.pk: ("promote", 5, 4), d.m2.pk: ("keep", 5, 5), cast.m3.pk: ("demote", 4, 5),
        cast.m4.pk: ("separation_proposal", 5, 5)}
    assert all(c.status == rules.COMPUTED for c in rows.values())
    assert rows[d.m1.pk].unit_id == d.m1.unit_id
    reasons = rows[d.m1.pk].reasons
    assert reasons and set(reasons[0]) == {"requirement", "required", "actual", "met"}
    assert all(r["met"] for r in reasons if r["requirement"].startswith("晋升"))
    assert AuditEntry.objects.filter(object_type="evaluation.candidate", action="create").count() == 4
    assert list(Transition.objects.filter(round=rnd).values_list("action", flat=True)) == ["open", "compute"]


def test_not_applied_lapses_when_applications_close(cast):
    d = cast.d
    rnd = cast.open()
    rnd = cast.move(rnd, "compute")
    rnd = cast.move(rnd, "close_applications")
    assert _status(rnd, d.m1) == rules.NOT_APPLIED
    assert _status(rnd, d.m2) == rules.COMPUTED  # a keep needs no application
    t = Transition.objects.get(candidate__member=d.m1, action="lapse")
    assert t.from_status == rules.COMPUTED and t.acting_as == "bureau"
    rnd = cast.move(rnd, "close_recommendation")  # nobody applied: nothing waits
    rnd = cast.move(rnd, "close_review")
    c = Candidate.objects.get(round=rnd, member=d.m1)
    assert (c.status, c.decision, c.decision_grade) == (rules.PENDING_APPROVAL, "keep", 5)
    assert "keeps the current grade" in c.decision_note or "维持" in c.decision_note


def test_full_flow_to_archive(cast):
    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    decisions = {c.member_id: (c.status, c.decision, c.decision_grade) for c in Candidate.objects.filter(round=rnd)}
    assert decisions == {d.m1.pk: (rules.PENDING_APPROVAL, "promote", 4), d.m2.pk: (rules.PENDING_APPROVAL, "keep", 5),
                         cast.m3.pk: (rules.PENDING_APPROVAL, "demote", 5),
                         cast.m4.pk: (rules.PENDING_APPROVAL, "separation_proposal", 5)}
    cast.approve_all(rnd)
    assert set(Approval.objects.filter(candidate__member=d.m1).values_list("body", flat=True)) == {"staffing_office"}
    assert set(Approval.objects.filter(candidate__member=d.m2).values_list("body", flat=True)) == {"bureau",
                                                                                                  "hr_company"}
    rnd = cast.move(rnd, "start_publicity", start=PUBLICITY_START, today=PUBLICITY_START)
    assert (rnd.publicity_start, rnd.publicity_end, rnd.publicity_days) == (PUBLICITY_START, PUBLICITY_END, 5)
    rnd = cast.move(rnd, "decide", decision_number="温执法〔2026〕8号", decided_on=dt.date(2026, 3, 16),
                    today=dt.date(2026, 3, 16))
    assert rnd.status == rules.DECIDED and rnd.decision_number == "温执法〔2026〕8号"
    assert set(Candidate.objects.filter(round=rnd).values_list("status", flat=True)) == {rules.FINAL}
    p = SeparationProposal.objects.get()
    assert p.member == cast.m4 and p.proposed_on == dt.date(2026, 3, 16) and "不合格" in p.reason
    rnd = cast.move(rnd, "make_effective", today=EFFECTIVE)
    d.m1.refresh_from_db()
    cast.m3.refresh_from_db()
    assert (d.m1.grade, d.m1.grade_effective_date) == (4, EFFECTIVE)
    assert (cast.m3.grade, cast.m3.grade_effective_date) == (5, EFFECTIVE)
    h = GradeHistory.objects.get(member=d.m1, effective_date=EFFECTIVE)
    assert h.source == "round" and h.reference == f"职级评定#{rnd.pk} 温执法〔2026〕8号" and "晋级" in h.reason
    assert not GradeHistory.objects.filter(member=d.m2, effective_date=EFFECTIVE).exists()
    assert not GradeHistory.objects.filter(member=cast.m4, effective_date=EFFECTIVE).exists()
    assert set(Candidate.objects.filter(round=rnd).values_list("status", flat=True)) == {rules.CANDIDATE_EFFECTIVE}
    rnd = cast.move(rnd, "archive")
    assert rnd.status == rules.ARCHIVED
    actions = list(Transition.objects.filter(round=rnd, candidate=None).values_list("action", flat=True))
    assert actions == ["open", "compute", "close_applications", "close_recommendation", "close_review",
                       "start_publicity", "decide", "make_effective", "archive"]
    assert AuditEntry.objects.filter(object_type="evaluation.evaluationround", action="transition").count() == 8
    assert AuditEntry.objects.filter(object_type="people.gradehistory", object_id=str(h.pk)).exists()
    assert audit_verify().ok
