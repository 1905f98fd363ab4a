"""§8.4 every transition through the services: allowed from its state by the right party, refused out of
order (code out_of_order), refused for each party without authority (code forbidden) and for an
anonymous user; the guards that need data; transitions and audit recorded."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from auxpost.audit.models import AuditEntry
from auxpost.evaluation import rules
from auxpost.evaluation.models import Approval, Candidate, EvaluationRound, Transition
from auxpost.evaluation.services import candidate_act, candidates_act, round_move, round_open

from .flow import AS_OF, EFFECTIVE, PUBLICITY_END, PUBLICITY_START, Cast

pytestmark = pytest.mark.django_db

#: Every round move: the state it is taken from and the keyword arguments it needs.
ROUND_MOVES = {
    "compute": (rules.OPEN, {}),
    "close_applications": (rules.APPLICATIONS, {}),
    "close_recommendation": (rules.RECOMMENDATION, {}),
    "close_review": (rules.REVIEW, {}),
    "start_publicity": (rules.APPROVAL, {"start": PUBLICITY_START, "today": PUBLICITY_START}),
    "decide": (rules.PUBLICITY, {"decision_number": "温执法〔2026〕8号", "decided_on": dt.date(2026, 3, 16),
                                 "today": dt.date(2026, 3, 16)}),
    "make_effective": (rules.DECIDED, {"today": EFFECTIVE}),
    "archive": (rules.EFFECTIVE, {}),
    "cancel": (rules.REVIEW, {"reason": "政策调整，重新组织"}),
}
#: A state each move may not be taken from.
OUT_OF_ORDER = {
    "compute": rules.APPLICATIONS, "close_applications": rules.OPEN, "close_recommendation": rules.APPLICATIONS,
    "close_review": rules.RECOMMENDATION, "start_publicity": rules.REVIEW, "decide": rules.APPROVAL,
    "make_effective": rules.PUBLICITY, "archive": rules.DECIDED, "cancel": rules.DECIDED,
}
OTHER_PARTIES = ("admin", "bianban", "squadron1", "hrco", "assessor", "member1", "nobody")


@pytest.fixture
def cast(district):
    return Cast(district)


def _refused(code, fn, **kw):
    with pytest.raises(rules.MoveRefused) as exc:
        fn(**kw)
    assert exc.value.code == code, exc.value.message
    return exc.value.message


# --- round moves -----------------------------------------------------------------------------


@pytest.mark.parametrize("action", list(ROUND_MOVES))
def test_round_move_allowed_from_its_state(cast, action):
    state, kw = ROUND_MOVES[action]
    rnd = cast.to(state, finished=True)
    before_audit = AuditEntry.objects.filter(action="transition", object_type="evaluation.evaluationround").count()
    rnd = round_move(actor=cast.d.bureau_user, round=rnd, action=action, **kw)
    assert rnd.status == rules.ROUND_FLOW[(state, action)]
    assert EvaluationRound.objects.get(pk=rnd.pk).status == rnd.status
    t = Transition.objects.filter(round=rnd, candidate=None).last()
    assert (t.action, t.from_status, t.to_status, t.actor, t.acting_as) == (
        action, state, rnd.status, cast.d.bureau_user, "bureau")
    after_audit = AuditEntry.objects.filter(action="transition", object_type="evaluation.evaluationround").count()
    assert after_audit == before_audit + 1


@pytest.mark.parametrize("action", list(ROUND_MOVES))
def test_round_move_out_of_order(cast, action):
    rnd = cast.to(OUT_OF_ORDER[action])
    state = rnd.status
    message = _refused("out_of_order", round_move, actor=cast.d.bureau_user, round=rnd, action=action,
                       **ROUND_MOVES[action][1])
    assert rules.ROUND_LABEL[state] in message and rules.ROUND_ACTION_LABEL[action] in message
    assert EvaluationRound.objects.get(pk=rnd.pk).status == state


@pytest.mark.parametrize("action", list(ROUND_MOVES))
def test_round_move_refused_for_every_other_party(cast, action):
    state, kw = ROUND_MOVES[action]
    rnd = cast.to(state)
    n = Transition.objects.count()
    for username in OTHER_PARTIES:
        message = _refused("forbidden", round_move, actor=getattr(cast.d, username),
                           round=rnd, action=action, **kw)
        assert "区综合行政执法局" in message or "bureau" in message
    _refused("forbidden", round_move, actor=AnonymousUser(), round=rnd, action=action, **kw)
    _refused("forbidden", round_move, actor=None, round=rnd, action=action, **kw)
    assert EvaluationRound.objects.get(pk=rnd.pk).status == state and Transition.objects.count() == n


def test_unknown_round_action_is_bad_input(cast):
    rnd = cast.open()
    with pytest.raises(ValidationError) as exc:
        round_move(actor=cast.d.bureau_user, round=rnd, action="publish")
    assert "action" in exc.value.message_dict


# --- opening -----------------------------------------------------------------------------------


def test_open_round_only_by_the_bureau_and_one_at_a_time(cast):
    d = cast.d
    for user in (d.admin, d.bianban, d.squadron1, d.hrco, d.member1, d.nobody, AnonymousUser()):
        _refused("forbidden", round_open, actor=user, name="x", kind="annual", as_of=AS_OF, effective_date=EFFECTIVE)
    rnd = cast.open()
    assert rnd.status == rules.OPEN and rnd.created_by == d.bureau_user
    assert Transition.objects.get(round=rnd).action == "open"
    assert AuditEntry.objects.filter(object_type="evaluation.evaluationround", object_id=str(rnd.pk),
                                     action="create").exists()
    message = _refused("out_of_order", cast.open, name="另一轮")
    assert "2026年度职级评定" in message
    round_move(actor=d.bureau_user, round=rnd, action="cancel", reason="重开")
    assert cast.open(name="重新评定").status == rules.OPEN


def test_open_round_bad_input_names_each_field(cast):
    with pytest.raises(ValidationError) as exc:
        round_open(actor=cast.d.bureau_user, name=" ", kind="yearly", as_of=AS_OF,
                   effective_date=AS_OF - dt.timedelta(days=1), objection_contact="x" * 300)
    assert set(exc.value.message_dict) == {"name", "kind", "effective_date", "objection_contact"}
    with pytest.raises(ValidationError) as exc:
        round_open(actor=cast.d.bureau_user, name="早", kind="annual", as_of=dt.date(1999, 1, 1),
                   effective_date=dt.date(1999, 2, 1))
    assert set(exc.value.message_dict) == {"as_of"}
    assert not EvaluationRound.objects.exists()


# --- guards that need data -----------------------------------------------------------------------


def test_close_recommendation_waits_for_every_applicant(cast):
    d = cast.d
    rnd = cast.open()
    rnd = cast.move(rnd, "compute")
    candidate_act(actor=d.member1, candidate=cast.cand(rnd, d.m1), action="apply")
    rnd = cast.move(rnd, "close_applications")
    message = _refused("out_of_order", cast.move, rnd=rnd, action="close_recommendation")
    assert "1" in message
    candidate_act(actor=d.squadron1, candidate=cast.cand(rnd, d.m1), action="not_recommend", reason="群众评议较差")
    rnd = cast.move(rnd, "close_recommendation")
    assert rnd.status == rules.REVIEW


def test_close_review_waits_for_every_recommended_then_submits_with_decisions(cast):
    d = cast.d
    rnd = cast.to(rules.RECOMMENDATION)
    candidate_act(actor=d.squadron1, candidate=cast.cand(rnd, d.m1), action="recommend")
    rnd = cast.move(rnd, "close_recommendation")
    _refused("out_of_order", cast.move, rnd=rnd, action="close_review")
    candidate_act(actor=d.bureau_user, candidate=cast.cand(rnd, d.m1), action="disqualify", reason="学历证明不全")
    rnd = cast.move(rnd, "close_review")
    c = cast.cand(rnd, d.m1)
    assert (c.status, c.decision, c.decision_grade) == (rules.PENDING_APPROVAL, "keep", 5)
    assert "学历证明不全" in c.decision_note
    assert Transition.objects.filter(candidate=c, action="submit").exists()


def test_start_publicity_waits_for_approvals_and_counts_working_days(cast):
    rnd = cast.to(rules.APPROVAL)
    message = _refused("out_of_order", cast.move, rnd=rnd, action="start_publicity", start=PUBLICITY_START)
    assert "4" in message
    cast.approve_all(rnd)
    # Five working days from Wednesday 2026-09-30 run across the National Day holiday (1–7 October)
    # and its make-up Saturday 10 October: checked against the calendar package's own data (§11).
    import chinese_calendar

    expected, day, counted = None, dt.date(2026, 9, 30), 0
    while expected is None:
        counted += chinese_calendar.is_workday(day)
        expected = day if counted == 5 else None
        day += dt.timedelta(days=1)
    assert expected == dt.date(2026, 10, 12)  # 9-30, 10-8, 10-9, 10-10 (调休上班), 10-12
    rnd = cast.move(rnd, "start_publicity", start=dt.date(2026, 9, 30))
    assert (rnd.publicity_start, rnd.publicity_end, rnd.publicity_days) == (dt.date(2026, 9, 30), expected, 5)
    with time_machine.travel(dt.datetime(2026, 10, 12, 8, 0, tzinfo=dt.UTC), tick=False):
        message = _refused("out_of_order", cast.move, rnd=rnd, action="decide",
                           decision_number="温执法〔2026〕30号", decided_on=dt.date(2026, 10, 12))
    assert "2026-10-12" in message


def test_start_publicity_in_a_year_without_calendar_is_refused_plainly(cast):
    rnd = cast.to(rules.APPROVAL)
    cast.approve_all(rnd)
    with pytest.raises(ValidationError) as exc:
        cast.move(rnd, "start_publicity", start=dt.date(2031, 3, 3))
    assert "2031" in " ".join(exc.value.message_dict["start"])
    assert EvaluationRound.objects.get(pk=rnd.pk).status == rules.APPROVAL


def test_decide_refused_until_the_publicity_has_ended(cast):
    rnd = cast.to(rules.PUBLICITY)
    kw = {"decision_number": "温执法〔2026〕8号", "decided_on": PUBLICITY_END}
    with time_machine.travel(dt.datetime(2026, 3, 13, 8, 0, tzinfo=dt.UTC), tick=False):
        message = _refused("out_of_order", cast.move, rnd=rnd, action="decide", **kw)
    assert "2026-03-13" in message
    with time_machine.travel(dt.datetime(2026, 3, 16, 2, 0, tzinfo=dt.UTC), tick=False):
        with pytest.raises(ValidationError) as exc:
            cast.move(rnd, "decide", decision_number=" ", decided_on=None)
        assert set(exc.value.message_dict) == {"decision_number", "decided_on"}
        with pytest.raises(ValidationError) as exc:
            cast.move(rnd, "decide", decision_number="x", decided_on=PUBLICITY_END)
        assert set(exc.value.message_dict) == {"decided_on"}
        rnd = cast.move(rnd, "decide", decision_number="温执法〔2026〕8号", decided_on=dt.date(2026, 3, 16))
    assert rnd.status == rules.DECIDED and rnd.decided_on == dt.date(2026, 3, 16)


def test_decide_refused_while_an_objection_waits(cast):
    from auxpost.evaluation.services import objection_decide, objection_record

    d = cast.d
    rnd = cast.to(rules.PUBLICITY)
    o = objection_record(actor=d.bureau_user, candidate=cast.cand(rnd, d.m1), text="其去年曾被投诉", objector="匿名",
                         received_on=PUBLICITY_START)
    kw = {"decision_number": "温执法〔2026〕8号", "decided_on": dt.date(2026, 3, 16), "today": dt.date(2026, 3, 16)}
    assert "1" in _refused("out_of_order", cast.move, rnd=rnd, action="decide", **kw)
    objection_decide(actor=d.bureau_user, objection=o, upheld=False, note="经核实投诉不成立")
    assert cast.move(rnd, "decide", **kw).status == rules.DECIDED


def test_make_effective_not_before_the_effective_date(cast):
    d = cast.d
    rnd = cast.to(rules.DECIDED)
    message = _refused("out_of_order", cast.move, rnd=rnd, action="make_effective", today=EFFECTIVE - dt.timedelta(1))
    assert EFFECTIVE.isoformat() in message
    d.m1.refresh_from_db()
    assert d.m1.grade == 5
    cast.move(rnd, "make_effective", today=EFFECTIVE)
    d.m1.refresh_from_db()
    assert d.m1.grade == 4


def test_make_effective_keeps_a_later_grade_and_skips_members_who_left(cast):
    from auxpost.people.models import GradeHistory, MemberStatus

    d = cast.d
    rnd = cast.to(rules.DECIDED)
    # m3 got a (back-office) grade dated after the round's effective date: it stays current.
    GradeHistory.objects.create(member=cast.m3, grade=3, effective_date=dt.date(2026, 6, 1), source="manual",
                                recorded_at=rnd.created_at)
    cast.m3.grade, cast.m3.grade_effective_date = 3, dt.date(2026, 6, 1)
    cast.m3.save()
    d.m1.status, d.m1.grade, d.m1.separated_on = MemberStatus.SEPARATED, None, dt.date(2026, 3, 20)
    d.m1.save()
    cast.move(rnd, "make_effective", today=EFFECTIVE)
    cast.m3.refresh_from_db()
    assert (cast.m3.grade, cast.m3.grade_effective_date) == (3, dt.date(2026, 6, 1))
    assert GradeHistory.objects.filter(member=cast.m3, effective_date=EFFECTIVE, grade=5).exists()
    assert not GradeHistory.objects.filter(member=d.m1, effective_date=EFFECTIVE).exists()
    t = Transition.objects.get(candidate__member=d.m1, action="take_effect")
    assert t.reason


def test_cancel_needs_a_reason_and_is_possible_before_the_decision(cast):
    rnd = cast.open()
    with pytest.raises(ValidationError) as exc:
        cast.move(rnd, "cancel", reason="  ")
    assert set(exc.value.message_dict) == {"reason"}
    for state in (rules.OPEN, rules.APPLICATIONS, rules.RECOMMENDATION, rules.REVIEW, rules.APPROVAL, rules.PUBLICITY):
        assert (state, "cancel") in rules.ROUND_FLOW
    rnd = cast.move(rnd, "cancel", reason="重新组织")
    assert rnd.status == rules.CANCELLED
    assert Transition.objects.filter(round=rnd, action="cancel").get().reason == "重新组织"


# --- candidate steps ------------------------------------------------------------------------------


def test_apply_by_the_member_or_the_bureau_for_them(cast):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    c = candidate_act(actor=d.member1, candidate=cast.cand(rnd, d.m1), action="apply")
    assert c.status == rules.APPLIED
    t = Transition.objects.get(candidate=c)
    assert (t.action, t.from_status, t.to_status, t.acting_as) == ("apply", "computed", "applied", "member")
    assert AuditEntry.objects.filter(object_type="evaluation.candidate", object_id=str(c.pk),
                                     action="transition").exists()
    _refused("out_of_order", candidate_act, actor=d.member1, candidate=cast.cand(rnd, d.m1), action="apply")
    # The bureau records a paper application (none needed for a keep: refused as out of order).
    _refused("out_of_order", candidate_act, actor=d.bureau_user, candidate=cast.cand(rnd, d.m2), action="apply")


def test_apply_bureau_on_behalf(cast):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    c = candidate_act(actor=d.bureau_user, candidate=cast.cand(rnd, d.m1), action="apply")
    assert c.status == rules.APPLIED and Transition.objects.get(candidate=c).acting_as == "bureau"


def test_apply_refused_for_other_parties_and_out_of_stage(cast):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    c = cast.cand(rnd, d.m1)
    for user in (d.admin, d.bianban, d.squadron1, d.hrco, d.nobody, AnonymousUser()):
        _refused("forbidden", candidate_act, actor=user, candidate=c, action="apply")
    # Another member may not apply for m1.
    from auxpost.testing import make_user

    other = make_user("member2", "member", member=d.m2)
    _refused("forbidden", candidate_act, actor=other, candidate=c, action="apply")
    rnd = cast.move(rnd, "close_applications")
    assert "申请中" in _refused("out_of_order", candidate_act, actor=d.member1, candidate=cast.cand(rnd, d.m1),
                              action="apply")


@pytest.mark.parametrize("action", ["recommend", "not_recommend"])
def test_recommendation_by_the_units_line_manager(cast, action):
    d = cast.d
    rnd = cast.to(rules.RECOMMENDATION)
    c = cast.cand(rnd, d.m1)
    for user in (d.squadron2, d.bureau_user, d.admin, d.bianban, d.hrco, d.member1, d.nobody, AnonymousUser()):
        _refused("forbidden", candidate_act, actor=user, candidate=c, action=action, reason="理由")
    if action == "not_recommend":
        with pytest.raises(ValidationError) as exc:
            candidate_act(actor=d.squadron1, candidate=c, action=action)
        assert set(exc.value.message_dict) == {"reason"}
    c = candidate_act(actor=d.squadron1, candidate=c, action=action, reason="理由")
    assert c.status == rules.CANDIDATE_FLOW[(rules.APPLIED, action)]
    assert Transition.objects.get(candidate=c, action=action).acting_as == "line_manager"
    _refused("out_of_order", candidate_act, actor=d.squadron1, candidate=c, action=action, reason="理由")


def test_recommendation_refused_for_non_applicants_direct_track_and_wrong_stage(cast):
    d = cast.d
    rnd = cast.open()
    rnd = cast.move(rnd, "compute")
    assert "单位推荐" in _refused("out_of_order", candidate_act, actor=d.squadron1, candidate=cast.cand(rnd, d.m1),
                              action="recommend")
    rnd = cast.move(rnd, "close_applications")  # m1 did not apply
    _refused("out_of_order", candidate_act, actor=d.squadron1, candidate=cast.cand(rnd, d.m1), action="recommend")
    # m3 (sq1) is a demotion: straight to approval.
    _refused("out_of_order", candidate_act, actor=d.squadron1, candidate=cast.cand(rnd, cast.m3), action="recommend")


@pytest.mark.parametrize("action", ["qualify", "disqualify"])
def test_review_by_the_bureau(cast, action):
    d = cast.d
    rnd = cast.to(rules.REVIEW)
    c = cast.cand(rnd, d.m1)
    assert c.status == rules.RECOMMENDED
    for user in (d.squadron1, d.admin, d.bianban, d.hrco, d.member1, d.nobody, AnonymousUser()):
        _refused("forbidden", candidate_act, actor=user, candidate=c, action=action, reason="理由")
    if action == "disqualify":
        with pytest.raises(ValidationError):
            candidate_act(actor=d.bureau_user, candidate=c, action=action)
    c = candidate_act(actor=d.bureau_user, candidate=c, action=action, reason="理由")
    assert c.status == rules.CANDIDATE_FLOW[(rules.RECOMMENDED, action)]
    _refused("out_of_order", candidate_act, actor=d.bureau_user, candidate=c, action=action, reason="理由")
    _refused("out_of_order", candidate_act, actor=d.bureau_user, candidate=cast.cand(rnd, d.m2), action=action,
             reason="理由")


def test_five_needs_both_the_bureau_and_the_hr_company(cast):
    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    c = cast.cand(rnd, d.m2)  # keep 五级
    _refused("forbidden", candidate_act, actor=d.bianban, candidate=c, action="approve")
    for user in (d.squadron1, d.admin, d.member1, d.nobody, AnonymousUser()):
        _refused("forbidden", candidate_act, actor=user, candidate=c, action="approve")
    c = candidate_act(actor=d.hrco, candidate=c, action="approve")
    assert c.status == rules.PENDING_APPROVAL
    assert "人力资源公司" in _refused("out_of_order", candidate_act, actor=d.hrco, candidate=c, action="approve")
    c = candidate_act(actor=d.bureau_user, candidate=c, action="approve")
    assert c.status == rules.APPROVED
    assert set(Approval.objects.filter(candidate=c).values_list("body", "approved")) == {
        ("hr_company", True), ("bureau", True)}
    assert [t.to_status for t in Transition.objects.filter(candidate=c, action="approve")] == [
        rules.PENDING_APPROVAL, rules.APPROVED]
    _refused("out_of_order", candidate_act, actor=d.bureau_user, candidate=c, action="reject", reason="x")


def test_grade_four_and_above_by_the_staffing_office(cast):
    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    c = cast.cand(rnd, d.m1)  # promote to 四级
    for user in (d.bureau_user, d.hrco):
        assert "区委编办" in _refused("forbidden", candidate_act, actor=user, candidate=c, action="approve")
    with pytest.raises(ValidationError) as exc:
        candidate_act(actor=d.bianban, candidate=c, action="reject")
    assert set(exc.value.message_dict) == {"reason"}
    c = candidate_act(actor=d.bianban, candidate=c, action="reject", reason="名额调整")
    assert c.status == rules.REJECTED
    a = Approval.objects.get(candidate=c)
    assert (a.body, a.approved, a.note, a.by) == ("staffing_office", False, "名额调整", d.bianban)


def test_a_rejection_by_one_of_two_bodies_ends_the_case(cast):
    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    c = candidate_act(actor=d.bureau_user, candidate=cast.cand(rnd, cast.m4), action="approve")
    c = candidate_act(actor=d.hrco, candidate=c, action="reject", reason="拟安排转岗培训")
    assert c.status == rules.REJECTED


def test_a_user_of_two_bodies_names_the_body(cast):
    from auxpost.accounts.models import RoleAssignment

    d = cast.d
    RoleAssignment.objects.create(user=d.bureau_user, role="hr_company", scope="all")
    rnd = cast.to(rules.APPROVAL)
    c = cast.cand(rnd, d.m2)
    with pytest.raises(ValidationError) as exc:
        candidate_act(actor=d.bureau_user, candidate=c, action="approve")
    assert set(exc.value.message_dict) == {"body"}
    c = candidate_act(actor=d.bureau_user, candidate=c, action="approve", body="bureau")
    c = candidate_act(actor=d.bureau_user, candidate=c, action="approve")  # only HR left: inferred
    assert c.status == rules.APPROVED
    _refused("forbidden", candidate_act, actor=d.bureau_user, candidate=cast.cand(rnd, d.m1), action="approve",
             body="bureau")


def test_approval_refused_outside_the_approval_stage(cast):
    d = cast.d
    rnd = cast.to(rules.REVIEW)
    _refused("out_of_order", candidate_act, actor=d.bianban, candidate=cast.cand(rnd, d.m1), action="approve")


def test_quota_rechecked_at_approval(cast):
    from auxpost.testing import make_member

    from .flow import promotable

    d = cast.d
    # Ten on the roster: 30% → 3 places in 二级+一级; two hold 二级 already, two are promoted into it.
    for i in range(2):
        make_member(d.sq1_t1, name=f"二级{i}", grade=2, hire_date=dt.date(2010, 1, 1))
    a = promotable(d.sq1_t1, name="三升二甲", grade=3, since=dt.date(2022, 1, 1))
    b = promotable(d.sq2_t1, name="三升二乙", grade=3, since=dt.date(2022, 1, 1))
    for i in range(2):
        make_member(d.sq2_t1, name=f"五级{i}")
    rnd = cast.open()
    rnd = cast.move(rnd, "compute")
    assert rnd.headcount == 10
    ca, cb = cast.cand(rnd, a), cast.cand(rnd, b)
    # Both put to approval as promotions into 二级 (as if recomputed later): the approval checks again.
    Candidate.objects.filter(pk__in=[ca.pk, cb.pk]).update(outcome=rules.PROMOTE, target_grade=2)
    rnd.status = rules.APPROVAL
    rnd.save()
    Candidate.objects.filter(pk__in=[ca.pk, cb.pk]).update(status=rules.PENDING_APPROVAL, decision=rules.PROMOTE,
                                                           decision_grade=2)
    candidate_act(actor=d.bianban, candidate=cast.cand(rnd, a), action="approve")
    message = _refused("out_of_order", candidate_act, actor=d.bianban, candidate=cast.cand(rnd, b), action="approve")
    assert "二级" in message and "3" in message
    assert cast.cand(rnd, b).status == rules.PENDING_APPROVAL


def test_bulk_step_moves_the_good_ones_and_lists_the_rest(cast):
    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    ids = list(Candidate.objects.filter(round=rnd).values_list("pk", flat=True))
    res = candidates_act(actor=d.hrco, round=rnd, candidate_ids=[*ids, 999999], action="approve")
    # HR signs the three 五级 / separation cases; the 四级 promotion is the staffing office's.
    assert res.done == 3 and res.missing == 1
    assert [c.member_id for c, _m in res.refused] == [d.m1.pk]
    assert Approval.objects.filter(body="hr_company").count() == 3
    _refused("forbidden", candidates_act, actor=d.squadron1, round=rnd, candidate_ids=ids, action="approve")
    _refused("out_of_order", candidates_act, actor=d.bureau_user, round=rnd, candidate_ids=ids, action="qualify")
    with pytest.raises(ValidationError):
        candidates_act(actor=d.bureau_user, round=rnd, candidate_ids=[], action="approve")


def test_bulk_recommendation_stays_in_the_managers_units(cast):
    d = cast.d
    rnd = cast.open()
    rnd = cast.move(rnd, "compute")
    candidate_act(actor=d.member1, candidate=cast.cand(rnd, d.m1), action="apply")
    rnd = cast.move(rnd, "close_applications")
    ids = list(Candidate.objects.filter(round=rnd).values_list("pk", flat=True))
    res = candidates_act(actor=d.squadron2, round=rnd, candidate_ids=ids, action="recommend")
    # squadron2 sees m2 and m4 (its unit), neither of them on the promotion track; m1 and m3 are out of scope.
    assert res.done == 0 and res.missing == 2 and len(res.refused) == 2
    res = candidates_act(actor=d.squadron1, round=rnd, candidate_ids=ids, action="recommend")
    assert res.done == 1 and cast.cand(rnd, d.m1).status == rules.RECOMMENDED


def test_the_database_holds_one_active_round(cast, monkeypatch):
    from django.db import IntegrityError, transaction

    rnd = cast.open()
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationRound.objects.create(name="并发", kind="annual", as_of=AS_OF, effective_date=EFFECTIVE,
                                       created_by=cast.d.bureau_user, created_at=rnd.created_at)

    # Two openings racing past the check: the second is refused, not an error.
    class NoneActive:
        def filter(self, **_kw):
            return []

    monkeypatch.setattr(EvaluationRound.objects, "select_for_update", lambda: NoneActive())
    _refused("out_of_order", cast.open, name="并发")
    assert EvaluationRound.objects.count() == 1


def test_a_demotion_out_of_the_band_frees_its_place_for_a_promotion_in_the_same_bulk_approval(cast):
    """§6.2 the quota at approval counts moves out as well as in, within one bulk call and whatever the
    order of the ticked cases (the benchmark found promotions refused until a second call)."""
    from auxpost.testing import make_member

    from .flow import promotable

    d = cast.d
    # Ten on the roster: 30% → 3 places in 二级+一级. Three hold 二级; one of them is demoted to 三级,
    # one 三级 member is promoted into 二级: 3 − 1 + 1 = 3 holders, within the quota.
    holders = [make_member(d.sq1_t1, name=f"二级{i}", grade=2, hire_date=dt.date(2010, 1, 1)) for i in range(3)]
    riser = promotable(d.sq2_t1, name="三升二", grade=3, since=dt.date(2022, 1, 1))
    for i in range(2):
        make_member(d.sq2_t1, name=f"五级{i}")
    rnd = cast.open()
    rnd = cast.move(rnd, "compute")
    assert rnd.headcount == 10
    up, down = cast.cand(rnd, riser), cast.cand(rnd, holders[0])
    Candidate.objects.filter(pk=up.pk).update(outcome=rules.PROMOTE, target_grade=2, status=rules.PENDING_APPROVAL,
                                              decision=rules.PROMOTE, decision_grade=2)
    Candidate.objects.filter(pk=down.pk).update(outcome=rules.DEMOTE, target_grade=3, status=rules.PENDING_APPROVAL,
                                                decision=rules.DEMOTE, decision_grade=3)
    rnd.status = rules.APPROVAL
    rnd.save()
    res = candidates_act(actor=d.bianban, round=rnd, candidate_ids=[up.pk, down.pk], action="approve")
    assert (res.done, res.refused) == (2, [])
    assert cast.cand(rnd, riser).status == cast.cand(rnd, holders[0]).status == rules.APPROVED
    # The band is now full: another promotion into 二级 is refused, naming the quota.
    other = cast.cand(rnd, holders[1])
    Candidate.objects.filter(pk=other.pk).update(status=rules.PENDING_APPROVAL, decision=rules.KEEP, decision_grade=2)
    late = promotable(d.sq2_t1, name="三升二晚", grade=3, since=dt.date(2022, 1, 1))
    c_late = Candidate.objects.create(round=rnd, member=late, unit=late.unit, from_grade=3, outcome=rules.PROMOTE,
                                      target_grade=2, status=rules.PENDING_APPROVAL, decision=rules.PROMOTE,
                                      decision_grade=2, updated_at=up.updated_at)
    message = _refused("out_of_order", candidate_act, actor=d.bianban, candidate=c_late, action="approve")
    assert "二级" in message
