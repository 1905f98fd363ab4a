"""§8 the rest of the services: 首次定级 (§8.4a) end to end, materials, objections during the 公示,
separation proposals (§7.4), the ``evaluation-effect`` command, the inbox provider and the selectors'
scope."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404

from auxpost.audit.models import AuditEntry
from auxpost.evaluation import rules, selectors
from auxpost.evaluation.models import (
    Candidate,
    EvaluationRound,
    Material,
    Objection,
    SeparationProposal,
    Transition,
)
from auxpost.evaluation.services import (
    candidate_act,
    material_add,
    objection_decide,
    objection_record,
    round_move,
)
from auxpost.people.models import GradeHistory
from auxpost.testing import make_member, make_user

from .flow import EFFECTIVE, PUBLICITY_END, PUBLICITY_START, Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(district):
    return Cast(district)


def _refused(code, fn, **kw):
    with pytest.raises(rules.MoveRefused) as exc:
        fn(**kw)
    assert exc.value.code == code, exc.value.message
    return exc.value.message


# --- 首次定级 ----------------------------------------------------------------------------------------


def test_initial_grading_round_end_to_end(cast):
    d = cast.d
    newcomer = make_member(d.sq1_t1, name="未定级", grade=None)
    rnd = cast.to(rules.APPLICATIONS, kind="initial")
    rows = {c.member_id: c for c in Candidate.objects.filter(round=rnd)}
    assert newcomer.pk in rows and len(rows) == 5
    assert {c.outcome for c in rows.values()} == {rules.INITIAL}
    assert rows[newcomer.pk].from_grade is None and 1 <= rows[newcomer.pk].target_grade <= 5
    assert rows[newcomer.pk].reasons
    # No application in a 首次定级: the bureau cannot record one either.
    _refused("out_of_order", candidate_act, actor=d.member1, candidate=cast.cand(rnd, d.m1), action="apply")
    rnd = cast.move(rnd, "close_applications")
    # Everyone goes through the unit's recommendation: closing waits for all five.
    assert "5" in _refused("out_of_order", cast.move, rnd=rnd, action="close_recommendation")
    cast.finish(rnd)
    rnd = cast.move(rnd, "close_recommendation")
    cast.finish(rnd)
    rnd = cast.move(rnd, "close_review")
    c = cast.cand(rnd, newcomer)
    assert (c.decision, c.decision_grade) == (rules.INITIAL, rows[newcomer.pk].target_grade)
    cast.finish(rnd)
    assert not Candidate.objects.filter(round=rnd, status=rules.PENDING_APPROVAL).exists()
    rnd = cast.move(rnd, "start_publicity", start=PUBLICITY_START, today=PUBLICITY_START)
    # The notice lists every 首次定级 grade, even one unchanged.
    assert set(selectors.notice_rows(rnd).values_list("member_id", flat=True)) == set(rows)
    rnd = cast.move(rnd, "decide", decision_number="温执法〔2026〕1号", decided_on=dt.date(2026, 3, 16),
                    today=dt.date(2026, 3, 16))
    rnd = cast.move(rnd, "make_effective", today=EFFECTIVE)
    newcomer.refresh_from_db()
    assert (newcomer.grade, newcomer.grade_effective_date) == (c.decision_grade, EFFECTIVE)
    h = GradeHistory.objects.get(member=newcomer)
    assert h.source == GradeHistory.Source.INITIAL and h.reference.startswith(f"职级评定#{rnd.pk}")
    # Done once: a second 首次定级 is refused after this one was decided.
    cast.move(rnd, "archive")
    assert "§8.4a" in _refused("out_of_order", cast.open, kind="initial", name="再次首次定级")
    assert cast.open(kind="annual", name="年度").kind == "annual"


def test_a_cancelled_initial_grading_may_be_opened_again(cast):
    rnd = cast.open(kind="initial")
    cast.move(rnd, "cancel", reason="名单有误")
    assert cast.open(kind="initial", name="首次定级（重开）").status == rules.OPEN


# --- materials -----------------------------------------------------------------------------------


def test_material_by_the_member_or_the_bureau_during_the_flow(cast):
    d = cast.d
    rnd = cast.open()
    rnd = cast.move(rnd, "compute")
    c = cast.cand(rnd, d.m1)
    m = material_add(actor=d.member1, candidate=c, text="2025年获市级表彰，附证书复印件")
    assert m.by == d.member1 and AuditEntry.objects.filter(object_type="evaluation.material",
                                                            object_id=str(m.pk)).exists()
    material_add(actor=d.bureau_user, candidate=c, text="补充：年度考核表")
    with pytest.raises(ValidationError) as exc:
        material_add(actor=d.member1, candidate=c, text="  ")
    assert set(exc.value.message_dict) == {"text"}
    for user in (d.squadron1, d.hrco, d.bianban, d.admin, d.nobody, AnonymousUser()):
        _refused("forbidden", material_add, actor=user, candidate=c, text="x")
    other = make_user("member2", "member", member=d.m2)
    _refused("forbidden", material_add, actor=other, candidate=c, text="x")
    assert Material.objects.count() == 2


def test_material_refused_before_and_after_the_flow(cast):
    d = cast.d
    rnd = cast.to(rules.PUBLICITY)
    _refused("out_of_order", material_add, actor=d.member1, candidate=cast.cand(rnd, d.m1), text="迟到的材料")


# --- objections ----------------------------------------------------------------------------------


def test_objection_recorded_by_the_bureau_and_upheld_withdraws_the_candidate(cast):
    d = cast.d
    rnd = cast.to(rules.PUBLICITY)
    c = cast.cand(rnd, d.m1)
    o = objection_record(actor=d.bureau_user, candidate=c, text="反映其2025年有违纪行为", objector="群众来信",
                         received_on=PUBLICITY_START)
    assert (o.status, o.objector, o.recorded_by) == ("pending", "群众来信", d.bureau_user)
    for user in (d.member1, d.squadron1, d.hrco, d.bianban, d.admin, d.nobody, AnonymousUser()):
        _refused("forbidden", objection_decide, actor=user, objection=o, upheld=True, note="x")
    with pytest.raises(ValidationError) as exc:
        objection_decide(actor=d.bureau_user, objection=o, upheld=True, note=" ")
    assert set(exc.value.message_dict) == {"note"}
    o = objection_decide(actor=d.bureau_user, objection=o, upheld=True, note="经核实属实")
    assert o.status == "upheld" and o.decided_by == d.bureau_user
    c.refresh_from_db()
    assert c.status == rules.WITHDRAWN
    t = Transition.objects.get(candidate=c, action="uphold_objection")
    assert (t.from_status, t.to_status, t.reason) == (rules.APPROVED, rules.WITHDRAWN, "经核实属实")
    _refused("out_of_order", objection_decide, actor=d.bureau_user, objection=o, upheld=False, note="再议")
    assert c.pk not in set(selectors.notice_rows(rnd).values_list("pk", flat=True))
    # Withdrawn: the decision does not make it final, the grade stays.
    rnd = cast.move(rnd, "decide", decision_number="温执法〔2026〕8号", decided_on=dt.date(2026, 3, 16),
                    today=dt.date(2026, 3, 16))
    cast.move(rnd, "make_effective", today=EFFECTIVE)
    d.m1.refresh_from_db()
    assert d.m1.grade == 5 and cast.cand(rnd, d.m1).status == rules.WITHDRAWN


def test_objection_filed_by_a_member_from_the_notice(cast, monkeypatch):
    d = cast.d
    rnd = cast.to(rules.PUBLICITY)
    other = make_user("member2", "member", member=d.m2)
    c = selectors.notice_candidate_for(other, cast.cand(rnd, d.m1).pk)
    with pytest.raises(Http404):
        selectors.candidate_for(other, c.pk)  # not theirs to see in full
    import auxpost.evaluation.services as services

    monkeypatch.setattr(services.timezone, "localdate", lambda *a: dt.date(2026, 3, 10))
    o = objection_record(actor=other, candidate=c, text="其学历材料存疑", objector="冒名", received_on=dt.date(2026, 1, 1))
    assert (o.objector, o.received_on) == ("王二", dt.date(2026, 3, 10))
    dismissed = objection_decide(actor=d.bureau_user, objection=o, upheld=False, note="学历经核验属实")
    assert dismissed.status == "dismissed"
    c.refresh_from_db()
    assert c.status == rules.APPROVED
    monkeypatch.setattr(services.timezone, "localdate", lambda *a: PUBLICITY_END + dt.timedelta(days=3))
    with pytest.raises(ValidationError) as exc:
        objection_record(actor=other, candidate=c, text="公示期后再提")
    assert set(exc.value.message_dict) == {"received_on"}


def test_objection_only_during_the_publicity_and_against_an_approved_case(cast):
    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    _refused("out_of_order", objection_record, actor=d.bureau_user, candidate=cast.cand(rnd, d.m1), text="x")
    cast.approve_all(rnd)
    rnd = cast.move(rnd, "start_publicity", start=PUBLICITY_START, today=PUBLICITY_START)
    for user in (d.squadron1, d.hrco, d.bianban, d.admin, d.nobody, AnonymousUser()):
        _refused("forbidden", objection_record, actor=user, candidate=cast.cand(rnd, d.m1), text="x")
    with pytest.raises(ValidationError) as exc:
        objection_record(actor=d.bureau_user, candidate=cast.cand(rnd, d.m1), text="", received_on=dt.date(2026, 1, 1))
    assert set(exc.value.message_dict) == {"text", "received_on"}
    assert not Objection.objects.exists()


def test_objection_against_a_rejected_case_is_refused(cast):
    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    candidate_act(actor=d.bianban, candidate=cast.cand(rnd, d.m1), action="reject", reason="名额")
    cast.approve_all(rnd)
    rnd = cast.move(rnd, "start_publicity", start=PUBLICITY_START, today=PUBLICITY_START)
    _refused("out_of_order", objection_record, actor=d.bureau_user, candidate=cast.cand(rnd, d.m1), text="x",
             received_on=PUBLICITY_START)


# --- separation proposals --------------------------------------------------------------------------


def test_final_separation_proposal_creates_a_row_seen_by_bureau_and_hr(cast):
    d = cast.d
    cast.to(rules.DECIDED)
    p = SeparationProposal.objects.get()
    assert p.member == cast.m4 and p.candidate.decision == rules.SEPARATION and p.taken_up_at is None
    assert AuditEntry.objects.filter(object_type="evaluation.separationproposal", object_id=str(p.pk)).exists()
    for user in (d.bureau_user, d.hrco, d.admin):
        assert list(selectors.separation_proposals_for(user)) == [p]
    for user in (d.bianban, d.squadron1, d.member1, d.nobody, AnonymousUser()):
        assert not selectors.separation_proposals_for(user).exists()


# --- the command -------------------------------------------------------------------------------------


def test_evaluation_effect_command(cast):
    d = cast.d
    rnd = cast.to(rules.DECIDED)
    out = StringIO()
    call_command("evaluation-effect", "--today", "2026-03-31", stdout=out)
    assert EvaluationRound.objects.get(pk=rnd.pk).status == rules.DECIDED
    call_command("evaluation-effect", "--today", "2026-04-01", stdout=out)
    assert EvaluationRound.objects.get(pk=rnd.pk).status == rules.EFFECTIVE
    assert rnd.name in out.getvalue()
    d.m1.refresh_from_db()
    assert d.m1.grade == 4
    t = Transition.objects.filter(round=rnd, candidate=None).last()
    assert (t.action, t.acting_as, t.actor) == ("make_effective", "system", None)
    with pytest.raises(CommandError):
        call_command("evaluation-effect", "--today", "明天")


def test_evaluation_effect_command_reports_a_refusal_with_exit_1(cast, monkeypatch):
    import auxpost.evaluation.services as services

    rnd = cast.to(rules.DECIDED)

    def refuse(**_kw):
        raise rules.MoveRefused("人为拒绝")

    monkeypatch.setitem(services._ROUND_HANDLERS, "make_effective", refuse)
    with pytest.raises(CommandError) as exc:
        call_command("evaluation-effect", "--today", "2026-04-01", stdout=StringIO())
    assert rnd.name in str(exc.value) and "人为拒绝" in str(exc.value)
    assert EvaluationRound.objects.get(pk=rnd.pk).status == rules.DECIDED


def test_make_effective_skips_a_grade_dated_before_the_hire(cast):
    from auxpost.people.models import Member

    rnd = cast.to(rules.DECIDED)
    Member.objects.filter(pk=cast.d.m1.pk).update(hire_date=dt.date(2026, 5, 1))
    cast.move(rnd, "make_effective", today=EFFECTIVE)
    assert not GradeHistory.objects.filter(member=cast.d.m1, effective_date=EFFECTIVE).exists()
    assert Transition.objects.get(candidate__member=cast.d.m1, action="take_effect").reason


def test_evaluation_effect_console_exit_codes(cast, capsys):
    from auxpost.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["evaluation-effect", "--today", "not-a-date"])
    assert exc.value.code == 1
    assert "Traceback" not in capsys.readouterr().err


# --- selectors ---------------------------------------------------------------------------------------


def test_scope_of_rounds_and_candidates(cast):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    for user in (d.bureau_user, d.bianban, d.hrco, d.admin, d.squadron1):
        assert selectors.round_for(user, rnd.pk) == rnd
    assert selectors.round_for(d.member1, rnd.pk) == rnd  # a candidate in it
    outsider = make_user("newmember", "member", member=make_member(d.sq1_t1, name="新人", grade=None))
    for user in (outsider, d.nobody, d.assessor, AnonymousUser()):
        with pytest.raises(Http404):
            selectors.round_for(user, rnd.pk)
    with pytest.raises(Http404):
        selectors.round_for(d.bureau_user, 999999)
    everyone = {d.m1.pk, d.m2.pk, cast.m3.pk, cast.m4.pk}
    for user in (d.bureau_user, d.bianban, d.hrco, d.admin):
        assert set(selectors.candidates_for(user, rnd).values_list("member_id", flat=True)) == everyone
    assert set(selectors.candidates_for(d.squadron1, rnd).values_list("member_id", flat=True)) == {d.m1.pk, cast.m3.pk}
    assert set(selectors.candidates_for(d.member1, rnd).values_list("member_id", flat=True)) == {d.m1.pk}
    assert not selectors.candidates_for(d.nobody, rnd).exists()
    c2 = cast.cand(rnd, d.m2)
    for user in (d.squadron1, d.member1, d.nobody, AnonymousUser()):
        with pytest.raises(Http404):
            selectors.candidate_for(user, c2.pk)
    assert selectors.candidate_for(d.squadron2, c2.pk) == c2
    assert selectors.counts_by_status(rnd, d.squadron1) == {rules.COMPUTED: 2}
    assert selectors.my_candidacy(d.member1) == cast.cand(rnd, d.m1)
    assert selectors.my_candidacy(d.bureau_user) is None


def test_actions_offered_match_the_services(cast):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    assert [a for a, _l in selectors.round_actions(d.bureau_user, rnd)] == ["close_applications", "cancel"]
    assert selectors.round_actions(d.squadron1, rnd) == []
    c1 = cast.cand(rnd, d.m1)
    assert [a for a, _l in selectors.candidate_actions(d.member1, c1)] == ["apply"]
    assert [a for a, _l in selectors.candidate_actions(d.bureau_user, c1)] == ["apply"]
    assert selectors.candidate_actions(d.squadron1, c1) == []
    assert selectors.candidate_actions(d.member1, cast.cand(rnd, d.m2)) == []
    round_move(actor=d.bureau_user, round=rnd, action="cancel", reason="重来")
    rnd = cast.to(rules.APPROVAL)
    c2 = cast.cand(rnd, d.m2)
    assert [a for a, _l in selectors.candidate_actions(d.hrco, c2)] == ["approve", "reject"]
    assert selectors.candidate_actions(d.bianban, c2) == []
    assert selectors.approval_bodies_for(d.bureau_user, c2) == ["bureau"]
    assert [a for a, _l in selectors.candidate_actions(d.bianban, cast.cand(rnd, d.m1))] == ["approve", "reject"]


def test_history_of_a_candidate_and_a_round(cast):
    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    assert [t.action for t in selectors.history(cast.cand(rnd, d.m1))] == ["apply", "recommend", "qualify", "submit"]
    assert [t.action for t in selectors.history(rnd)] == ["open", "compute", "close_applications",
                                                          "close_recommendation", "close_review"]


# --- the inbox ---------------------------------------------------------------------------------------


def _todo(user):
    from auxpost.evaluation.inbox import todo

    return {i.key: i.count for i in todo(user) if i.count}


def test_inbox_follows_the_round(cast, monkeypatch):
    d = cast.d
    assert _todo(d.bureau_user) == {}
    rnd = cast.open()
    assert _todo(d.bureau_user) == {"evaluation.round": 1}
    rnd = cast.move(rnd, "compute")
    assert _todo(d.member1) == {"evaluation.apply": 1}
    assert _todo(d.bureau_user) == {}
    cast.finish(rnd)
    assert _todo(d.member1) == {}
    rnd = cast.move(rnd, "close_applications")
    assert _todo(d.squadron1) == {"evaluation.recommend": 1}
    assert _todo(d.squadron2) == {}
    assert _todo(d.bureau_user) == {}
    cast.finish(rnd)
    assert _todo(d.bureau_user) == {"evaluation.round": 1}
    rnd = cast.move(rnd, "close_recommendation")
    assert _todo(d.bureau_user) == {"evaluation.review": 1}
    cast.finish(rnd)
    rnd = cast.move(rnd, "close_review")
    assert _todo(d.bureau_user) == {"evaluation.approve.bureau": 3}
    assert _todo(d.hrco) == {"evaluation.approve.hr_company": 3}
    assert _todo(d.bianban) == {"evaluation.approve.staffing_office": 1}
    cast.finish(rnd)
    assert _todo(d.bureau_user) == {"evaluation.round": 1}
    assert _todo(d.hrco) == {}
    rnd = cast.move(rnd, "start_publicity", start=PUBLICITY_START, today=PUBLICITY_START)
    import auxpost.evaluation.inbox as inbox

    monkeypatch.setattr(inbox.timezone, "localdate", lambda *a: PUBLICITY_END)
    objection_record(actor=d.bureau_user, candidate=cast.cand(rnd, d.m1), text="x", received_on=PUBLICITY_START)
    assert _todo(d.bureau_user) == {"evaluation.objections": 1}
    items = {i.key: i for i in inbox.todo(d.bureau_user)}
    assert items["evaluation.objections"].url == f"/evaluation/{rnd.pk}/objections/"
    assert _todo(d.nobody) == {} and _todo(AnonymousUser()) == {}


def test_initial_grading_not_recommended_gives_the_entry_grade(cast):
    d = cast.d
    newcomer = make_member(d.sq1_t1, name="未定级", grade=None)
    rnd = cast.to(rules.RECOMMENDATION, kind="initial")
    candidate_act(actor=d.squadron1, candidate=cast.cand(rnd, newcomer), action="not_recommend", reason="试用期未满")
    cast.finish(rnd)
    rnd = cast.move(rnd, "close_recommendation")
    cast.finish(rnd)
    rnd = cast.move(rnd, "close_review")
    c = cast.cand(rnd, newcomer)
    assert (c.status, c.decision, c.decision_grade) == (rules.PENDING_APPROVAL, rules.INITIAL, 5)
    assert "试用期未满" in c.decision_note
    assert rules.approving_bodies(c.decision, c.decision_grade) == {rules.BUREAU, rules.HR_COMPANY}


def test_inbox_provider_is_registered(cast):
    from auxpost.core.inbox import PROVIDERS, todo_for

    assert "auxpost.evaluation.inbox.todo" in PROVIDERS
    cast.open()
    assert [i.key for i in todo_for(cast.d.bureau_user) if i.key.startswith("evaluation.")] == ["evaluation.round"]
