"""§8.1/§8.4 the pure transition tables and who decides what (no database)."""

from __future__ import annotations

import pytest

from auxpost.evaluation import rules


def test_round_flow_is_one_line_and_cancel_only_before_the_decision():
    state, seen = rules.OPEN, [rules.OPEN]
    for action in ("compute", "close_applications", "close_recommendation", "close_review", "start_publicity",
                   "decide", "make_effective", "archive"):
        state = rules.round_move(state, action)
        seen.append(state)
    assert seen == [rules.OPEN, rules.APPLICATIONS, rules.RECOMMENDATION, rules.REVIEW, rules.APPROVAL,
                    rules.PUBLICITY, rules.DECIDED, rules.EFFECTIVE, rules.ARCHIVED]
    for s in rules.ROUND_STATES:
        allowed = (s, "cancel") in rules.ROUND_FLOW
        assert allowed == (s in (rules.OPEN, rules.APPLICATIONS, rules.RECOMMENDATION, rules.REVIEW, rules.APPROVAL,
                                 rules.PUBLICITY))


@pytest.mark.parametrize("state", rules.ROUND_STATES)
def test_every_other_round_move_refused_with_both_names(state):
    for action in rules.ROUND_ACTION_LABEL:
        if (state, action) in rules.ROUND_FLOW:
            continue
        with pytest.raises(rules.MoveRefused) as exc:
            rules.round_move(state, action)
        assert exc.value.code == "out_of_order"
        assert rules.ROUND_LABEL[state] in exc.value.message
        assert rules.ROUND_ACTION_LABEL[action] in exc.value.message


def test_candidate_flow_refuses_what_is_not_in_the_table():
    assert rules.candidate_move(rules.COMPUTED, "apply") == rules.APPLIED
    assert rules.candidate_move(rules.PENDING_APPROVAL, "reject") == rules.REJECTED
    for state in rules.CANDIDATE_STATES:
        for action in rules.CANDIDATE_ACTION_LABEL:
            if (state, action) not in rules.CANDIDATE_FLOW:
                with pytest.raises(rules.MoveRefused):
                    rules.candidate_move(state, action)
    with pytest.raises(rules.MoveRefused) as exc:
        rules.candidate_move(rules.CANDIDATE_EFFECTIVE, "approve")
    assert "不能再进行任何操作" in exc.value.message


def test_parties():
    for action in rules.ROUND_ACTION_LABEL:
        assert rules.authorised(action, {rules.BUREAU})
        assert not rules.authorised(action, {rules.HR_COMPANY, rules.STAFFING_OFFICE, rules.LINE_MANAGER,
                                             rules.MEMBER, "admin"})
    assert rules.authorised("apply", {rules.MEMBER}) and rules.authorised("apply", {rules.BUREAU})
    assert rules.authorised("recommend", {rules.LINE_MANAGER}) and not rules.authorised("recommend", {rules.BUREAU})
    assert not rules.authorised("approve", {rules.LINE_MANAGER})
    assert not rules.authorised("anything", {rules.BUREAU})


@pytest.mark.parametrize("decision,grade,bodies", [
    (rules.KEEP, 5, {rules.BUREAU, rules.HR_COMPANY}),
    (rules.DEMOTE, 5, {rules.BUREAU, rules.HR_COMPANY}),
    (rules.INITIAL, 5, {rules.BUREAU, rules.HR_COMPANY}),
    (rules.SEPARATION, 3, {rules.BUREAU, rules.HR_COMPANY}),
    (rules.PROMOTE, 4, {rules.STAFFING_OFFICE}),
    (rules.KEEP, 2, {rules.STAFFING_OFFICE}),
    (rules.INITIAL, 1, {rules.STAFFING_OFFICE}),
])
def test_approving_bodies(decision, grade, bodies):
    assert rules.approving_bodies(decision, grade) == bodies


def test_tracks_and_decisions_at_submit():
    assert rules.on_promotion_track(rules.ANNUAL, rules.PROMOTE)
    assert not rules.on_promotion_track(rules.ANNUAL, rules.DEMOTE)
    assert rules.on_promotion_track(rules.INITIAL_ROUND, rules.INITIAL)
    assert rules.needs_application(rules.ANNUAL, rules.PROMOTE)
    assert not rules.needs_application(rules.INITIAL_ROUND, rules.INITIAL)
    assert rules.decision_at_submit(state=rules.QUALIFIED, outcome=rules.PROMOTE, target_grade=4,
                                    current_grade=5) == rules.Decision(rules.PROMOTE, 4)
    assert rules.decision_at_submit(state=rules.COMPUTED, outcome=rules.DEMOTE, target_grade=5,
                                    current_grade=4) == rules.Decision(rules.DEMOTE, 5)
    for state in (rules.NOT_APPLIED, rules.NOT_RECOMMENDED, rules.DISQUALIFIED):
        assert rules.decision_at_submit(state=state, outcome=rules.PROMOTE, target_grade=4,
                                        current_grade=5) == rules.Decision(rules.KEEP, 5)
    # A member without a grade whose 首次定级 was stopped gets the entry grade.
    assert rules.decision_at_submit(state=rules.NOT_RECOMMENDED, outcome=rules.INITIAL, target_grade=3,
                                    current_grade=None) == rules.Decision(rules.INITIAL, 5)
    assert rules.changes_grade(rules.PROMOTE, 5, 4) and not rules.changes_grade(rules.KEEP, 5, 5)
    assert rules.changes_grade(rules.INITIAL, None, 5) and not rules.changes_grade(rules.SEPARATION, 5, 5)


@pytest.mark.django_db
def test_transitions_approvals_and_materials_are_append_only(district):
    """§4.4 every trace kept: a recorded move, signature or statement is never changed nor deleted."""
    import datetime as dt

    from django.utils import timezone

    from auxpost.evaluation.models import Approval, Candidate, EvaluationRound, Material, Transition

    now = timezone.now()
    rnd = EvaluationRound.objects.create(name="r", as_of=dt.date(2026, 3, 1), effective_date=dt.date(2026, 4, 1),
                                         created_by=district.bureau_user, created_at=now)
    c = Candidate.objects.create(round=rnd, member=district.m1, unit=district.m1.unit, outcome="keep",
                                 target_grade=5, updated_at=now)
    rows = [Transition.objects.create(round=rnd, action="open", from_status="", to_status="open", at=now),
            Approval.objects.create(candidate=c, body="bureau", approved=True, by=district.bureau_user, at=now),
            Material.objects.create(candidate=c, text="statement", by=district.member1, at=now)]
    for row in rows:
        with pytest.raises(ValueError, match="append-only"):
            row.save()
        with pytest.raises(ValueError, match="append-only"):
            row.delete()
