"""§5.2.1 the hiring campaign through its services: every move, its refusals, audit and record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from auxpost.audit.models import AuditEntry
from auxpost.people.models import GradeHistory, Member
from auxpost.recruitment import rules, services
from auxpost.recruitment.models import Application, Contract, Move, ProbationReview

from .flow import (
    APPLIED,
    CONTRACT,
    FIXED_ID,
    HIRE_DAY,
    PUBLICITY_END,
    PUBLICITY_START,
    add,
    hired,
    posted_plan,
    score,
)

pytestmark = pytest.mark.django_db


def test_whole_flow_to_confirmed_grade_five(d):
    plan, app, contract = hired(d)
    assert app.status == rules.HIRED
    m = app.member
    assert (m.name, m.id_number, m.unit_id, m.status, m.grade, m.hire_date) == (
        app.name, app.id_number, d.sq1_t1.pk, "probation", 5, HIRE_DAY)
    assert GradeHistory.objects.get(member=m).source == "hire"
    assert (contract.employer, contract.source, contract.probation_end) == (d.hr, "hire", dt.date(2026, 6, 19))
    review = ProbationReview.objects.get(member=m)
    end = review.probation_end
    Member.objects.filter(pk=m.pk).update(cert_number="SZ-001", cert_valid_until=dt.date(2029, 6, 1))
    services.review_sign(actor=d.hrco, review=review, today=end)
    m.refresh_from_db()
    assert m.status == "probation"
    review = services.review_sign(actor=d.bureau_user, review=review, today=end)
    assert review.status == rules.CONFIRMED
    m.refresh_from_db()
    assert (m.status, m.grade) == ("active", 5)
    last = GradeHistory.objects.filter(member=m).order_by("-id").first()
    assert (last.grade, last.source, last.reason, last.effective_date) == (
        5, "hire", services.CONFIRM_REASON, end + dt.timedelta(days=1))
    assert Move.objects.filter(review=review, action="sign").count() == 2
    assert AuditEntry.objects.filter(object_type="recruitment.probationreview").count() == 2


def test_plan_approval_refused_over_quota_with_every_number(d):
    # squadron 1 quota 50 with 1 on the roster; another approved plan reserves 45
    posted_plan(d, positions=45)
    plan = services.plan_create(actor=d.bureau_user, today=APPLIED, data={
        "unit": d.sq1_t2.pk, "year": 2026, "title": "第二批", "positions": 5})
    services.plan_move(actor=d.bureau_user, plan=plan, action="submit")
    with pytest.raises(rules.MoveRefused) as exc:
        services.plan_move(actor=d.bianban, plan=plan, action="approve")
    msg = exc.value.message
    assert exc.value.code == "out_of_order"
    for part in ("第一中队", "编制50人", "在册1人", "预留45人", "拟招5人"):
        assert part in msg
    plan.refresh_from_db()
    assert plan.status == rules.SUBMITTED
    # 4 fit
    services.plan_update  # noqa: B018
    services.plan_move(actor=d.bianban, plan=plan, action="return", reason="请减少人数")
    services.plan_update(actor=d.bureau_user, plan=plan, data={"positions": 4})
    services.plan_move(actor=d.bureau_user, plan=plan, action="submit")
    assert services.plan_move(actor=d.bianban, plan=plan, action="approve").status == rules.APPROVED


def test_plan_moves_by_the_wrong_party_or_out_of_order(d):
    plan = services.plan_create(actor=d.bureau_user, data={"unit": d.sq1.pk, "year": 2026, "title": "x",
                                                          "positions": 1})
    with pytest.raises(rules.MoveRefused) as exc:
        services.plan_move(actor=d.bureau_user, plan=plan, action="approve")
    assert exc.value.code == "forbidden"
    with pytest.raises(rules.MoveRefused) as exc:
        services.plan_move(actor=d.bianban, plan=plan, action="approve")
    assert exc.value.code == "out_of_order"
    with pytest.raises(rules.MoveRefused) as exc:
        services.plan_create(actor=d.hrco, data={})
    assert exc.value.code == "forbidden"
    services.plan_move(actor=d.bureau_user, plan=plan, action="submit")
    services.plan_move(actor=d.bianban, plan=plan, action="approve")
    with pytest.raises(rules.MoveRefused) as exc:
        services.plan_move(actor=d.bureau_user, plan=plan, action="post")
    assert "发布日期" in exc.value.message


def test_plan_bad_input_names_the_fields(d):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=d.bureau_user, data={"unit": "", "year": "abc", "title": "", "positions": 0,
                                                        "publish_date": "2026-03-10", "deadline": "2026-03-01"})
    assert set(exc.value.message_dict) == {"unit", "year", "title", "positions", "deadline"}


def test_screening_each_reason_kept_and_shown(d):
    plan = posted_plan(d)
    old = add(d, plan, birth=dt.date(1980, 1, 1))
    assert old.status == rules.REJECTED and old.reasons == ["年龄：报名时46岁，超过45岁上限"]
    young = add(d, plan, birth=dt.date(2008, 6, 1))
    assert young.reasons == ["年龄：报名时17岁，未满18岁下限"]
    edu = add(d, plan, education="初中")
    assert edu.reasons[0].startswith("学历：初中")
    crime = add(d, plan, crime="否")
    assert crime.reasons == ["无犯罪记录声明：未声明无犯罪记录"]
    dismissed = add(d, plan, dismissed="否")
    assert dismissed.reasons == ["未被开除公职声明：未声明未曾被开除公职"]
    first = add(d, plan, id_number=FIXED_ID)
    assert first.status == rules.QUALIFIED and first.reasons == []
    second = add(d, plan, id_number=FIXED_ID)
    assert second.reasons == [f"重复报名：该身份证号已于{APPLIED}报名本招聘计划"]
    roster = add(d, plan, id_number=d.m1.id_number)
    assert roster.reasons[0].startswith("已在册：") and "李一" in roster.reasons[0]
    late = add(d, plan, applied=dt.date(2026, 3, 21))
    assert late.reasons == ["报名日期：2026-03-21晚于报名截止日期2026-03-20"]
    everything = add(d, plan, birth=dt.date(1970, 1, 1), education="初中", crime="否", dismissed="否")
    assert len(everything.reasons) == 4
    assert Move.objects.filter(application=everything, action="apply").get().reason == "；".join(everything.reasons)


def test_application_bad_input(d):
    plan = posted_plan(d)
    with pytest.raises(ValidationError) as exc:
        services.application_create(actor=d.bureau_user, plan=plan, today=APPLIED, data={
            "name": "", "id_number": "510115199806010012", "phone": "123", "education": "小学",
            "applied_on": "昨天", "no_criminal_record": "也许", "not_dismissed": "是"})
    assert set(exc.value.message_dict) == {"name", "id_number", "phone", "education", "applied_on",
                                           "no_criminal_record"}
    assert Application.objects.count() == 0


def test_application_normalises_full_width_and_date_forms(d):
    plan = posted_plan(d)
    app = services.application_create(actor=d.bureau_user, plan=plan, today=APPLIED, data={
        "name": "钱 多", "id_number": FIXED_ID.translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)}), "phone": "１３７ 1234 5678",
        "education": "本科", "applied_on": "2026年3月5日", "no_criminal_record": "是", "not_dismissed": "是"})
    assert (app.id_number, app.phone, app.applied_on, app.sex, app.birth_date) == (
        FIXED_ID, "13712345678", APPLIED, "M", dt.date(1998, 6, 1))


def test_applications_only_while_posted(d):
    plan = services.plan_create(actor=d.bureau_user, data={"unit": d.sq1.pk, "year": 2026, "title": "x",
                                                          "positions": 1})
    with pytest.raises(rules.MoveRefused):
        add(d, plan)


def test_scores_weighted_pass_mark_and_ranking(d):
    plan = posted_plan(d, positions=2)
    a, b, c, f = add(d, plan, name="甲"), add(d, plan, name="乙"), add(d, plan, name="丙"), add(d, plan, name="丁")
    a = score(d, a, "80", "75", "70")
    assert a.total_score == Decimal("76.50") and a.status == rules.PASSED and a.rank == 1
    score(d, b, "90", "70", "60")  # 45 + 21 + 12 = 78.00
    score(d, c, "86", "75", "70")  # 43 + 22.5 + 14 = 79.50
    f = score(d, f, "59", "100", "100")  # total 89.50 but the exam is below 60
    assert f.status == rules.FAILED and f.reasons == ["笔试：59分，未达到合格分60分"] and f.rank is None
    ranks = dict(Application.objects.filter(plan=plan).values_list("name", "rank"))
    assert ranks == {"甲": 3, "乙": 2, "丙": 1, "丁": None}
    proposed = services.plan_propose(actor=d.bureau_user, plan=plan)
    assert [p.name for p in proposed] == ["丙", "乙"]
    with pytest.raises(rules.MoveRefused):
        services.plan_propose(actor=d.bureau_user, plan=plan)
    with pytest.raises(rules.MoveRefused):
        score(d, Application.objects.get(name="丙"))
    with pytest.raises(ValidationError) as exc:
        score(d, Application.objects.get(name="甲"), "101", "x", "-1")
    assert set(exc.value.message_dict) == {"exam_score", "interview_score", "fitness_score"}


def test_failed_check_drops_and_next_in_rank_is_called_up(d):
    plan = posted_plan(d)
    a, b = add(d, plan, name="甲"), add(d, plan, name="乙")
    score(d, a, "90", "90", "90")
    score(d, b, "80", "80", "80")
    services.plan_propose(actor=d.bureau_user, plan=plan)
    with pytest.raises(ValidationError):
        services.checks_record(actor=d.bureau_user, application=a, health="fail", background="pass")
    a = services.checks_record(actor=d.bureau_user, application=a, health="fail", health_note="血压不合格",
                               background="pass")
    assert a.status == rules.DROPPED and a.reasons == ["体检不合格：血压不合格"]
    assert [x.name for x in services.plan_propose(actor=d.bureau_user, plan=plan)] == ["乙"]


def test_publicity_end_objections_and_hire_guard(d):
    plan = posted_plan(d)
    app = add(d, plan)
    from .flow import to_publicity

    app = to_publicity(d, plan, app)
    assert (app.status, app.publicity_start, app.publicity_end) == (rules.PUBLICITY, PUBLICITY_START, PUBLICITY_END)
    with pytest.raises(rules.MoveRefused) as exc:
        services.hire(actor=d.hrco, application=app, data=CONTRACT | {"start_date": "2026-04-17"},
                      today=PUBLICITY_END)
    assert "2026-04-17" in exc.value.message and exc.value.code == "out_of_order"
    with pytest.raises(rules.MoveRefused) as exc:
        services.hire(actor=d.bureau_user, application=app, data=CONTRACT, today=HIRE_DAY)
    assert exc.value.code == "forbidden"
    obj = services.objection_record(actor=d.bureau_user, application=app, text="该人曾有不良记录",
                                    received_on=dt.date(2026, 4, 15))
    with pytest.raises(rules.MoveRefused):
        services.hire(actor=d.hrco, application=app, data=CONTRACT, today=HIRE_DAY)
    services.objection_decide(actor=d.bureau_user, objection=obj, upheld=True, note="经核实属实")
    app.refresh_from_db()
    assert app.status == rules.DROPPED
    assert Member.objects.filter(id_number=app.id_number).count() == 0


def test_publicity_refused_plainly_when_the_calendar_year_is_missing(d):
    plan = posted_plan(d)
    app = add(d, plan)
    score(d, app)
    services.plan_propose(actor=d.bureau_user, plan=plan)
    services.checks_record(actor=d.bureau_user, application=app, health="pass", background="pass")
    with pytest.raises(rules.MoveRefused) as exc:
        services.publicity_start(actor=d.bureau_user, plan=plan, start=dt.date(2031, 3, 3))
    assert "2031" in exc.value.message


def test_hire_over_quota_refused_nothing_written(d):
    plan = posted_plan(d)
    from auxpost.org.services import unit_set_quota

    from .flow import to_publicity

    app = to_publicity(d, plan, add(d, plan))
    unit_set_quota(actor=None, unit=d.sq1, quota=1)  # m1 fills it
    before = (Member.objects.count(), Contract.objects.count(), AuditEntry.objects.count())
    with pytest.raises(rules.MoveRefused) as exc:
        services.hire(actor=d.hrco, application=app, data=CONTRACT, today=HIRE_DAY)
    assert "编制" in exc.value.message or "quota" in exc.value.message
    assert (Member.objects.count(), Contract.objects.count(), AuditEntry.objects.count()) == before
    app.refresh_from_db()
    assert app.status == rules.PUBLICITY


def test_contract_term_and_probation_refused_with_the_article(d):
    plan = posted_plan(d)
    from .flow import to_publicity

    app = to_publicity(d, plan, add(d, plan))
    with pytest.raises(ValidationError) as exc:
        services.hire(actor=d.hrco, application=app, data=CONTRACT | {"end_date": "2027-04-19"}, today=HIRE_DAY)
    assert "第五十八条" in exc.value.message_dict["end_date"][0]
    with pytest.raises(ValidationError) as exc:
        services.hire(actor=d.hrco, application=app, data=CONTRACT | {"probation_end": "2026-06-20"},
                      today=HIRE_DAY)
    assert "第十九条" in exc.value.message_dict["probation_end"][0]
    assert "2026-06-19" in exc.value.message_dict["probation_end"][0]


def test_probation_guards_certificate_and_date(d):
    _plan, app, _c = hired(d)
    review = ProbationReview.objects.get(member=app.member)
    with pytest.raises(rules.MoveRefused) as exc:
        services.review_sign(actor=d.bureau_user, review=review, today=dt.date(2026, 6, 18))
    assert "2026-06-19" in exc.value.message
    with pytest.raises(rules.MoveRefused) as exc:
        services.review_sign(actor=d.bureau_user, review=review, today=dt.date(2026, 6, 19))
    assert "上岗证" in exc.value.message
    with pytest.raises(rules.MoveRefused) as exc:
        services.review_sign(actor=d.bianban, review=review, today=dt.date(2026, 6, 19))
    assert exc.value.code == "forbidden"
    Member.objects.filter(pk=app.member_id).update(cert_number="SZ-9", cert_valid_until=dt.date(2029, 1, 1))
    services.review_sign(actor=d.bureau_user, review=review, today=dt.date(2026, 6, 19))
    with pytest.raises(rules.MoveRefused):
        services.review_sign(actor=d.bureau_user, review=review, today=dt.date(2026, 6, 19))


def test_failed_probation_goes_to_the_separation_flow(d):
    _plan, app, _c = hired(d)
    review = ProbationReview.objects.get(member=app.member)
    with pytest.raises(ValidationError):
        services.review_fail(actor=d.bureau_user, review=review, reason="", today=dt.date(2026, 5, 1))
    review = services.review_fail(actor=d.bureau_user, review=review, reason="多次无故缺勤，不符合录用条件",
                                  today=dt.date(2026, 5, 1))
    assert review.status == rules.PROBATION_FAILED
    from auxpost.separation.models import SeparationCase

    case = SeparationCase.objects.get(member=app.member)
    assert (case.ground, case.source, case.source_ref) == ("art39_probation", "probation", str(review.pk))
    with pytest.raises(rules.MoveRefused):
        services.review_fail(actor=d.bureau_user, review=review, reason="x", today=dt.date(2026, 5, 1))


def test_failed_probation_refused_after_probation(d):
    _plan, app, _c = hired(d)
    review = ProbationReview.objects.get(member=app.member)
    with pytest.raises(rules.MoveRefused) as exc:
        services.review_fail(actor=d.bureau_user, review=review, reason="x", today=dt.date(2026, 6, 20))
    assert "2026-06-19" in exc.value.message


def test_contract_record_for_a_member_on_probation(d):
    from auxpost.testing import make_member

    m = make_member(d.sq1_t1, name="孙试", status="probation", hire_date=dt.date(2026, 1, 5))
    c = services.contract_record(actor=d.hrco, member=m, data={
        "number": "HX-OLD-1", "start_date": "2026-01-05", "end_date": "2029-01-04", "probation_end": "2026-07-04"})
    assert c.source == "recorded" and ProbationReview.objects.get(member=m).probation_end == dt.date(2026, 7, 4)
    with pytest.raises(rules.MoveRefused):
        services.contract_record(actor=d.hrco, member=m, data={
            "number": "HX-OLD-2", "start_date": "2026-01-05", "end_date": "2029-01-04"})
    m2 = make_member(d.sq1_t1, name="孙二", status="probation", hire_date=dt.date(2026, 1, 5))
    c2 = services.contract_record(actor=d.hrco, member=m2, data={
        "number": "HX-OLD-4", "start_date": "2026-01-05", "end_date": "2028-01-04"})
    assert c2.probation_end == dt.date(2026, 3, 4)  # left empty: the Art. 19 maximum for a 2-year term
    with pytest.raises(rules.MoveRefused):
        services.contract_record(actor=d.hrco, member=d.m1, data={
            "number": "HX-OLD-3", "start_date": "2026-01-05", "end_date": "2029-01-04"})


def test_inbox_counts_per_party(d):
    import time_machine

    from auxpost.recruitment.inbox import todo

    plan = services.plan_create(actor=d.bureau_user, data={"unit": d.sq1.pk, "year": 2026, "title": "x",
                                                          "positions": 1})
    services.plan_move(actor=d.bureau_user, plan=plan, action="submit")
    assert {i.key: i.count for i in todo(d.bianban)} == {"recruitment.approve": 1}
    assert todo(d.member1) == [] and todo(d.squadron1) == []
    _plan, app, _c = hired(d)
    with time_machine.travel(dt.datetime(2026, 6, 19, 10, tzinfo=dt.UTC), tick=False):
        hr = {i.key: i.count for i in todo(d.hrco)}
        assert hr == {"recruitment.hire": 0, "recruitment.probation": 1}
        review = ProbationReview.objects.get()
        Member.objects.filter(pk=review.member_id).update(cert_number="S", cert_valid_until=dt.date(2030, 1, 1))
        services.review_sign(actor=d.hrco, review=review, today=dt.date(2026, 6, 19))
        assert {i.key: i.count for i in todo(d.hrco)}["recruitment.probation"] == 0
        assert {i.key: i.count for i in todo(d.bureau_user)}["recruitment.probation"] == 1
    plan2 = posted_plan(d, unit=d.sq1_t2)
    from .flow import to_publicity

    to_publicity(d, plan2, add(d, plan2, name="待签"))
    with time_machine.travel(dt.datetime(2026, 4, 20, 10, tzinfo=dt.UTC), tick=False):
        assert {i.key: i.count for i in todo(d.hrco)}["recruitment.hire"] == 1


def test_closing_a_plan_releases_its_reserved_places(d):
    big = posted_plan(d, positions=49)  # squadron 1: quota 50, 1 on the roster → full
    plan = services.plan_create(actor=d.bureau_user, data={"unit": d.sq1_t2.pk, "year": 2026, "title": "再招",
                                                          "positions": 1})
    services.plan_move(actor=d.bureau_user, plan=plan, action="submit")
    with pytest.raises(rules.MoveRefused):
        services.plan_move(actor=d.bianban, plan=plan, action="approve")
    services.plan_move(actor=d.bureau_user, plan=big, action="close", reason="招聘结束")
    assert services.plan_move(actor=d.bianban, plan=plan, action="approve").status == rules.APPROVED
    assert Move.objects.filter(plan=big, action="close").get().reason == "招聘结束"


def test_only_the_bureau_records_a_failed_probation(d):
    _plan, app, _c = hired(d)
    review = ProbationReview.objects.get(member=app.member)
    with pytest.raises(rules.MoveRefused) as exc:
        services.review_fail(actor=d.hrco, review=review, reason="试用期内旷工三日", today=dt.date(2026, 6, 1))
    assert exc.value.code == "forbidden"
    review.refresh_from_db()
    assert review.status == rules.PENDING
