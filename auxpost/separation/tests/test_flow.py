"""§5.2.4 every move of a case: review, execution, the effect on the last day, returned items, archive,
cancel — in and out of order, with and without authority — and the archive test (records kept)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from auxpost.people.models import GradeHistory, Member
from auxpost.separation import rules
from auxpost.separation.models import ReturnedItem, SeparationCase, Transition
from auxpost.separation.services import (
    case_approve,
    case_archive,
    case_cancel,
    case_execute,
    case_refuse,
    item_return,
    proposal_create,
    protection_record,
    separations_make_due_effective,
)
from auxpost.testing import make_member

pytestmark = pytest.mark.django_db


def _case(d, today, ground="art39_breach", member=None):
    return proposal_create(actor=d.bureau_user, member=member or d.m1, ground=ground, reason="多次旷工", today=today)


def _return_all(d, case, today, by=None):
    for item in rules.ITEMS:
        item_return(actor=by or d.hrco, case=case, item=item, today=today)
    return SeparationCase.objects.get(pk=case.pk)


def test_full_flow_with_effect_at_once(district, today, contract):
    d = district
    case = _case(d, today)
    case = case_approve(actor=d.bureau_user, case=case, note="同意", today=today)
    assert case.status == "reviewed" and case.reviewed_by == d.bureau_user
    case = case_execute(actor=d.hrco, case=case, last_day=today, today=today)
    assert case.status == "executed" and case.effect_applied_at is not None
    m = Member.objects.get(pk=d.m1.pk)
    assert (m.status, m.separated_on, m.grade) == ("separated", today, None)
    assert GradeHistory.objects.filter(member=m, grade=None, effective_date=today, source="separation").exists()
    d.member1.refresh_from_db()
    assert d.member1.is_active is False
    contract.refresh_from_db()
    assert contract.ended_on == today and "第三十九条" in contract.end_reason
    item_return(actor=d.hrco, case=case, item="uniform", today=today)
    item_return(actor=d.squadron1, case=case, item="badge", today=today)
    row = item_return(actor=d.hrco, case=case, item="certificate", returned_on=today, note="原件", today=today)
    assert row.received_by == d.hrco
    case.refresh_from_db()
    assert case.status == "returned"
    case = case_archive(actor=d.bureau_user, case=case, today=today)
    assert case.status == "archived"
    assert [t.action for t in Transition.objects.filter(case=case)] == [
        "propose", "approve", "execute", "return_items", "archive"]
    assert [(t.from_status, t.to_status) for t in case.transitions.all()][-1] == ("returned", "archived")


def test_future_last_day_applied_by_the_command_once(district, today):
    d = district
    case = case_approve(actor=d.bureau_user, case=_case(d, today), today=today)
    last = today + dt.timedelta(days=10)
    case = case_execute(actor=d.hrco, case=case, last_day=last, today=today)
    assert case.effect_applied_at is None and Member.objects.get(pk=d.m1.pk).status == "active"
    assert separations_make_due_effective(last - dt.timedelta(days=1)) == 0
    call_command("separation-effect", "--date", last.isoformat())
    assert Member.objects.get(pk=d.m1.pk).separated_on == last
    assert separations_make_due_effective(last + dt.timedelta(days=5)) == 0  # idempotent
    assert GradeHistory.objects.filter(member=d.m1, grade=None).count() == 1


def test_archive_refused_before_the_effect(district, today):
    d = district
    case = case_approve(actor=d.bureau_user, case=_case(d, today), today=today)
    case = case_execute(actor=d.hrco, case=case, last_day=today + dt.timedelta(days=3), today=today)
    case = _return_all(d, case, today)
    with pytest.raises(rules.MoveRefused) as exc:
        case_archive(actor=d.bureau_user, case=case, today=today)
    assert "尚未到" in exc.value.message


@pytest.mark.parametrize(("step", "state"), [
    ("execute", "proposed"), ("archive", "proposed"), ("approve", "reviewed"), ("return", "proposed"),
    ("archive", "executed"), ("cancel", "executed"), ("approve", "refused"),
])
def test_out_of_order_names_current_and_required_step(district, today, step, state):
    d = district
    case = _case(d, today)
    if state in ("reviewed", "executed"):
        case = case_approve(actor=d.bureau_user, case=case, today=today)
    if state == "executed":
        case = case_execute(actor=d.hrco, case=case, last_day=today, today=today)
    if state == "refused":
        case = case_refuse(actor=d.bureau_user, case=case, reason="证据不足", today=today)
    calls = {
        "execute": lambda: case_execute(actor=d.hrco, case=case, last_day=today, today=today),
        "archive": lambda: case_archive(actor=d.bureau_user, case=case, today=today),
        "approve": lambda: case_approve(actor=d.bureau_user, case=case, today=today),
        "return": lambda: item_return(actor=d.hrco, case=case, item="uniform", today=today),
        "cancel": lambda: case_cancel(actor=d.bureau_user, case=case, reason="x", today=today),
    }
    with pytest.raises(rules.MoveRefused) as exc:
        calls[step]()
    assert exc.value.code == "out_of_order"
    assert rules.STATE_LABEL[state] in exc.value.message


@pytest.mark.parametrize(("step", "who"), [
    ("approve", "hrco"), ("approve", "squadron1"), ("approve", "member1"), ("refuse", "hrco"),
    ("execute", "bureau_user"), ("execute", "squadron1"), ("archive", "hrco"), ("cancel", "hrco"),
    ("return", "bureau_user"), ("return", "squadron2"), ("return", "member1"), ("approve", "nobody"),
])
def test_without_authority_forbidden(district, today, step, who):
    d = district
    case = _case(d, today)
    if step in ("execute", "return"):
        case = case_approve(actor=d.bureau_user, case=case, today=today)
    if step == "return":
        case = case_execute(actor=d.hrco, case=case, last_day=today, today=today)
    user = getattr(d, who)
    calls = {
        "approve": lambda: case_approve(actor=user, case=case, today=today),
        "refuse": lambda: case_refuse(actor=user, case=case, reason="x", today=today),
        "execute": lambda: case_execute(actor=user, case=case, last_day=today, today=today),
        "archive": lambda: case_archive(actor=user, case=case, today=today),
        "cancel": lambda: case_cancel(actor=user, case=case, reason="x", today=today),
        "return": lambda: item_return(actor=user, case=case, item="uniform", today=today),
    }
    with pytest.raises(rules.MoveRefused) as exc:
        calls[step]()
    assert exc.value.code == "forbidden"


def test_refuse_needs_a_reason_and_ends_the_case(district, today):
    d = district
    case = _case(d, today)
    with pytest.raises(ValidationError):
        case_refuse(actor=d.bureau_user, case=case, reason="", today=today)
    case = case_refuse(actor=d.bureau_user, case=case, reason="证据不足", today=today)
    assert case.status == "refused" and case.review_note == "证据不足"
    # The member may be proposed again.
    assert _case(d, today).status == "proposed"


def test_art42_at_review_refuses_art40_with_the_reason(district, today):
    d = district
    f = make_member(d.sq1_t1, name="孙丽", male=False, birth=dt.date(1994, 2, 2))
    case = _case(d, today, ground="art40_unfit", member=f)
    protection_record(actor=d.hrco, member=f, kind="maternity", start=today - dt.timedelta(days=5),
                      end=today + dt.timedelta(days=93))
    with pytest.raises(rules.MoveRefused) as exc:
        case_approve(actor=d.bureau_user, case=case, today=today)
    assert "产期" in exc.value.message and "第四十二条" in exc.value.message
    assert SeparationCase.objects.get(pk=case.pk).status == "proposed"
    case = case_refuse(actor=d.bureau_user, case=case, reason=exc.value.message, today=today)
    assert "第四十二条" in case.review_note


def test_long_service_protection_refuses_art40(district, today):
    d = district
    # Hired 2008, born 1968-03 (man): retirement 60y… in 2028/29 → fewer than 5 years, 18 years' service.
    old = make_member(d.sq1_t1, name="老赵", birth=dt.date(1968, 3, 1), hire_date=dt.date(2008, 1, 1))
    with pytest.raises(ValidationError) as exc:
        _case(d, today, ground="art40_unfit", member=old)
    assert "连续工作满十五年" in exc.value.message_dict["ground"][0]


def test_art40_notice_or_pay_in_lieu(district, today):
    d = district
    case = case_approve(actor=d.bureau_user, case=_case(d, today, ground="art40_unfit"), today=today)
    with pytest.raises(ValidationError) as exc:
        case_execute(actor=d.hrco, case=case, last_day=today + dt.timedelta(days=10), today=today)
    assert "第四十条" in exc.value.message_dict["last_day"][0]
    case = case_execute(actor=d.hrco, case=case, last_day=today + dt.timedelta(days=10), pay_in_lieu=True,
                        today=today)
    assert case.pay_in_lieu is True


def test_execute_needs_a_last_day_not_before_hire(district, today):
    d = district
    case = case_approve(actor=d.bureau_user, case=_case(d, today), today=today)
    with pytest.raises(ValidationError) as exc:
        case_execute(actor=d.hrco, case=case, today=today)
    assert "last_day" in exc.value.message_dict
    with pytest.raises(ValidationError):
        case_execute(actor=d.hrco, case=case, last_day=dt.date(2019, 1, 1), today=today)


def test_item_twice_and_bad_item(district, today):
    d = district
    case = case_approve(actor=d.bureau_user, case=_case(d, today), today=today)
    case = case_execute(actor=d.hrco, case=case, last_day=today, today=today)
    item_return(actor=d.hrco, case=case, item="uniform", today=today)
    with pytest.raises(rules.MoveRefused):
        item_return(actor=d.squadron1, case=case, item="uniform", today=today)
    with pytest.raises(ValidationError):
        item_return(actor=d.hrco, case=case, item="car", today=today)
    with pytest.raises(ValidationError):
        item_return(actor=d.hrco, case=case, item="badge", returned_on=today + dt.timedelta(days=1), today=today)
    assert ReturnedItem.objects.filter(case=case).count() == 1


def test_member_withdraws_own_resignation_only_before_review(district, today):
    d = district
    case = proposal_create(actor=d.member1, member=d.m1, ground="resignation", reason="个人原因", today=today)
    assert case_cancel(actor=d.member1, case=case, reason="改变主意", today=today).status == "cancelled"
    case = proposal_create(actor=d.member1, member=d.m1, ground="resignation", reason="个人原因", today=today)
    case = case_approve(actor=d.bureau_user, case=case, today=today)
    with pytest.raises(rules.MoveRefused):
        case_cancel(actor=d.member1, case=case, reason="x", today=today)
    assert case_cancel(actor=d.bureau_user, case=case, reason="本人撤回", today=today).status == "cancelled"


def test_records_kept_and_readable_after_separation(district, today, client_for, contract):
    """Archive test: grade history, points ledger, audit entries and the member page stay complete."""
    from auxpost.audit.models import AuditEntry
    from auxpost.points.services import points_entry_record

    d = district
    at = dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    entry = points_entry_record(member=d.m1, rule_code="late", date=dt.date(2026, 4, 1), recorded_by=d.squadron1,
                                at=at)
    audit_before = AuditEntry.objects.filter(object_type="people.member", object_id=str(d.m1.pk)).count()
    history_before = list(GradeHistory.objects.filter(member=d.m1).values_list("pk", flat=True))
    case = case_approve(actor=d.bureau_user, case=_case(d, today), today=today)
    case = case_execute(actor=d.hrco, case=case, last_day=today, today=today)
    case = case_archive(actor=d.bureau_user, case=_return_all(d, case, today), today=today)
    # Grade history: every earlier row plus the dated cancellation.
    rows = list(GradeHistory.objects.filter(member=d.m1).order_by("pk"))
    assert [r.pk for r in rows[:-1]] == history_before and rows[-1].grade is None
    # Points ledger untouched.
    assert d.m1.points_entries.filter(pk=entry.pk).exists()
    # Audit: earlier entries kept, the separation recorded, and the chain verifies.
    assert AuditEntry.objects.filter(object_type="people.member", object_id=str(d.m1.pk)).count() > audit_before
    assert AuditEntry.objects.filter(object_type="separation.separationcase", object_id=str(case.pk)).count() >= 5
    call_command("audit", "verify")
    # The member page is complete and readable by the bureau.
    from django.urls import reverse

    r = client_for(d.bureau_user).get(reverse("people:detail", args=[d.m1.pk]))
    assert r.status_code == 200
    body = r.content.decode()
    assert "李一" in body and "2026-06-01" in body
    # Nothing can be deleted.
    with pytest.raises(ValueError):
        case.delete()
    with pytest.raises(ValueError):
        case.transitions.first().delete()


def test_effect_closes_the_certificate(district, today):
    from django.utils import timezone

    from auxpost.training.models import Certificate

    d = district
    Member.objects.filter(pk=d.m1.pk).update(cert_number="WJ-2025-0001", cert_valid_until=dt.date(2028, 1, 1))
    cert = Certificate.objects.create(member=d.m1, number="WJ-2025-0001", issued_on=dt.date(2025, 1, 2),
                                      valid_until=dt.date(2028, 1, 1), source="import", recorded_at=timezone.now())
    case = case_approve(actor=d.bureau_user, case=_case(d, today), today=today)
    case_execute(actor=d.hrco, case=case, last_day=today, today=today)
    cert.refresh_from_db()
    assert (cert.status, cert.closed_on) == ("returned", today) and "第三十九条" in cert.close_reason
    m = Member.objects.get(pk=d.m1.pk)
    assert m.cert_number == "" and m.cert_valid_until is None


def test_effect_command_reports_a_refusal_and_does_the_others(district, today):
    from django.core.management.base import CommandError

    d = district
    last = today + dt.timedelta(days=2)
    cases = []
    for m in (d.m1, d.m2):
        c = case_approve(actor=d.bureau_user, case=_case(d, today, member=m), today=today)
        cases.append(case_execute(actor=d.hrco, case=c, last_day=last, today=today))
    Member.objects.filter(pk=d.m2.pk).update(hire_date=last + dt.timedelta(days=1))  # a data error on the roster
    with pytest.raises(CommandError) as exc:
        call_command("separation-effect", "--date", last.isoformat())
    assert "王二" in str(exc.value)
    assert Member.objects.get(pk=d.m1.pk).status == "separated"
    assert Member.objects.get(pk=d.m2.pk).status == "active"
    assert SeparationCase.objects.get(pk=cases[1].pk).effect_applied_at is None
