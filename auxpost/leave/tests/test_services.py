"""§5.3.4 leave services: counting on the §11 calendar, approval chain, deputies, cancel, 销假, overdue."""

import datetime as dt
from decimal import Decimal

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError

from auxpost.audit.models import AuditEntry
from auxpost.leave import services as sv
from auxpost.leave.models import Deputy, LeaveRequest, LeaveStatus, LeaveTransition
from auxpost.leave.selectors import on_leave_ids, queue
from auxpost.leave.tests.conftest import at
from auxpost.points.models import PointsEntry

D = dt.date
pytestmark = pytest.mark.django_db


def ask(c, start, end, type_code="personal", member=None, user=None, **kw):
    member = member or c.m1
    user = user or c.member1
    kw.setdefault("reason", "家中有事")
    return sv.leave_create(member=member, by=user, type_code=type_code, start=start, end=end,
                           at=kw.pop("when", at(2026, 1, 5)), **kw)


def expected_workdays(a, b):
    return sum(1 for i in range((b - a).days + 1) if chinese_calendar.is_workday(a + dt.timedelta(days=i)))


@pytest.mark.parametrize("a,b,days", [
    (D(2026, 2, 14), D(2026, 2, 24), 2),     # 春节 2026: Sat 14th is a make-up workday, 15th–23rd off
    (D(2025, 9, 28), D(2025, 10, 10), 5),    # 国庆 2025: Sun 28th and Sat 11th make-up, 1st–8th off
    (D(2026, 9, 28), D(2026, 10, 10), None),  # 国庆 2026 as the package has it
])
def test_working_days_across_holidays_match_the_calendar_package(leave_cast, a, b, days):
    quote = sv.leave_quote(member=leave_cast.m1, type_code="personal", start=a, end=b)
    assert quote["errors"] == {} or days is None
    assert quote["days"] == expected_workdays(a, b)
    if days is not None:
        assert quote["days"] == days
    cal = sv.leave_quote(member=leave_cast.m1, type_code="marriage", start=a, end=b)
    assert cal["days"] == (b - a).days + 1 and cal["counting"] == "calendar"


def test_year_without_schedule_is_the_field_error(leave_cast):
    quote = sv.leave_quote(member=leave_cast.m1, type_code="personal", start=D(2031, 3, 3), end=D(2031, 3, 4))
    assert quote["errors"]["end"].startswith("2031年") or "2031" in quote["errors"]["end"]
    with pytest.raises(ValidationError) as exc:
        ask(leave_cast, D(2031, 3, 3), D(2031, 3, 4))
    assert "2031" in exc.value.message_dict["end"][0]
    assert not LeaveRequest.objects.exists()


def test_create_stores_count_mode_version_approver_and_audit(leave_cast):
    req = ask(leave_cast, D(2026, 6, 5), D(2026, 6, 8))  # Friday + Monday
    assert req.status == LeaveStatus.SUBMITTED and req.days == 2 and req.counting == "working"
    assert req.policy_version and req.approver_level == "brigade" and req.approval_unit == leave_cast.brigade
    assert req.hr_copy is False
    assert list(req.transitions.values_list("from_status", "to_status")) == [("", "draft"), ("draft", "submitted")]
    assert AuditEntry.objects.filter(object_type="leave.leaverequest", object_id=str(req.pk)).count() == 2


@pytest.mark.parametrize("end,level,unit,hr", [
    (D(2026, 6, 1), "squadron", "sq1", False),
    (D(2026, 6, 3), "brigade", "brigade", False),
    (D(2026, 6, 4), "bureau", None, True),
])
def test_approval_chain_by_length(leave_cast, end, level, unit, hr):
    req = ask(leave_cast, D(2026, 6, 1), end)
    assert req.approver_level == level
    assert req.approval_unit == (getattr(leave_cast, unit) if unit else None)
    assert req.hr_copy is hr


def test_only_the_right_approver_decides(leave_cast):
    c = leave_cast
    req = ask(c, D(2026, 6, 5), D(2026, 6, 8))
    for wrong in (c.squadron1, c.squadron2, c.bureau_user, c.hrco, c.admin, c.member1):
        with pytest.raises(sv.Refused) as exc:
            sv.leave_decide(request=req, by=wrong, approve=True, at=at(2026, 6, 1))
        assert exc.value.code == "forbidden" and "综合行政执法大队" in exc.value.message
    assert list(queue(c.brigade_user, today=D(2026, 6, 1))) == [req]
    assert list(queue(c.squadron1, today=D(2026, 6, 1))) == []
    req = sv.leave_decide(request=req, by=c.brigade_user, approve=True, at=at(2026, 6, 1))
    assert req.status == LeaveStatus.APPROVED and req.report_back_due == D(2026, 6, 9)
    with pytest.raises(sv.Refused) as exc:
        sv.leave_decide(request=req, by=c.brigade_user, approve=True, at=at(2026, 6, 1))
    assert exc.value.code == "out_of_order"


def test_reject_needs_a_reason(leave_cast):
    req = ask(leave_cast, D(2026, 6, 1), D(2026, 6, 1))
    with pytest.raises(ValidationError) as exc:
        sv.leave_decide(request=req, by=leave_cast.squadron1, approve=False, at=at(2026, 5, 28))
    assert "note" in exc.value.message_dict
    req = sv.leave_decide(request=req, by=leave_cast.squadron1, approve=False, note="人手不足", at=at(2026, 5, 28))
    assert req.status == LeaveStatus.REJECTED
    assert on_leave_ids(D(2026, 6, 1)) == set()


def test_a_leader_never_approves_their_own_leave(leave_cast):
    from auxpost.testing import make_member

    c = leave_cast
    boss = make_member(c.sq1, name="赵队")
    boss.user = c.squadron1
    boss.save()
    c.squadron1.refresh_from_db()
    req = ask(c, D(2026, 6, 1), D(2026, 6, 1), member=boss, user=c.squadron1)
    assert list(queue(c.squadron1, today=D(2026, 6, 1))) == []
    with pytest.raises(sv.Refused) as exc:
        sv.leave_decide(request=req, by=c.squadron1, approve=True, at=at(2026, 5, 28))
    assert exc.value.code == "forbidden"


def test_clash_with_own_submitted_or_approved_leave(leave_cast):
    c = leave_cast
    ask(c, D(2026, 6, 1), D(2026, 6, 2), end_half="am")
    with pytest.raises(ValidationError) as exc:
        ask(c, D(2026, 6, 2), D(2026, 6, 3))
    assert "重叠" in exc.value.message_dict["start"][0]
    ok = ask(c, D(2026, 6, 2), D(2026, 6, 3), start_half="pm")  # the afternoon is free
    assert ok.days == Decimal("1.5")
    ask(c, D(2026, 6, 2), D(2026, 6, 2), member=c.m2, user=c.member2)  # another member: no clash


def test_annual_balance_refuses_more(leave_cast):
    c = leave_cast
    c.m1.work_start_date = D(2014, 1, 1)  # 12 years: 10 days
    c.m1.save()
    ask(c, D(2026, 6, 1), D(2026, 6, 5), type_code="annual")
    ask(c, D(2026, 6, 8), D(2026, 6, 12), type_code="annual")
    with pytest.raises(ValidationError) as exc:
        ask(c, D(2026, 6, 15), D(2026, 6, 15), type_code="annual")
    assert "剩余0天" in exc.value.message_dict["end"][0]


def test_sick_leave_needs_a_note(leave_cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = leave_cast
    with pytest.raises(ValidationError) as exc:
        ask(c, D(2026, 6, 1), D(2026, 6, 2), type_code="sick")
    assert "病历" in exc.value.message_dict["notes"][0]
    pdf = SimpleUploadedFile("诊断证明.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")
    req = ask(c, D(2026, 6, 1), D(2026, 6, 2), type_code="sick", notes=[pdf])
    assert req.medical_notes.count() == 1


def test_cancel_rules(leave_cast):
    c = leave_cast
    req = ask(c, D(2026, 6, 1), D(2026, 6, 1))
    with pytest.raises(sv.Refused):
        sv.leave_cancel(request=req, by=c.squadron1, reason="x", at=at(2026, 5, 28))  # not approved yet
    req = sv.leave_decide(request=req, by=c.squadron1, approve=True, at=at(2026, 5, 28))
    with pytest.raises(ValidationError):
        sv.leave_cancel(request=req, by=c.squadron1, at=at(2026, 5, 28))
    with pytest.raises(sv.Refused):
        sv.leave_cancel(request=req, by=c.member1, at=at(2026, 6, 1))  # begun
    req = sv.leave_cancel(request=req, by=c.squadron1, reason="任务调整", at=at(2026, 5, 29))
    assert req.status == LeaveStatus.CANCELLED
    own = ask(c, D(2026, 6, 3), D(2026, 6, 3))
    assert sv.leave_cancel(request=own, by=c.member1, at=at(2026, 6, 2)).status == LeaveStatus.CANCELLED


def test_report_back_closes_in_time(leave_cast):
    c = leave_cast
    req = ask(c, D(2026, 6, 5), D(2026, 6, 8))
    req = sv.leave_decide(request=req, by=c.brigade_user, approve=True, at=at(2026, 6, 1))
    with pytest.raises(sv.Refused):
        sv.leave_report_back(request=req, by=c.member1, at=at(2026, 6, 5))
    with pytest.raises(sv.Refused):
        sv.leave_report_back(request=req, by=c.squadron1, at=at(2026, 6, 9))
    req = sv.leave_report_back(request=req, by=c.member1, at=at(2026, 6, 9, 8))
    assert req.status == LeaveStatus.RETURNED and req.returned_on == D(2026, 6, 9)
    assert sv.leave_overdue_run(day=D(2026, 6, 20), at=at(2026, 6, 20))["overdue"] == 0
    assert not PointsEntry.objects.exists()


def test_overdue_writes_absence_per_working_day_idempotently(leave_cast):
    c = leave_cast
    req = ask(c, D(2026, 6, 17), D(2026, 6, 18))  # Wed–Thu; Fri 19th is 端午
    req = sv.leave_decide(request=req, by=c.brigade_user, approve=True, at=at(2026, 6, 1))
    assert req.report_back_due == D(2026, 6, 22)
    assert sv.leave_overdue_run(day=D(2026, 6, 22), at=at(2026, 6, 22))["overdue"] == 0
    counts = sv.leave_overdue_run(day=D(2026, 6, 24), at=at(2026, 6, 24))
    assert counts == {"flagged": 1, "absence_entries": 2, "overdue": 1}
    assert sv.leave_overdue_run(day=D(2026, 6, 24), at=at(2026, 6, 24))["absence_entries"] == 0
    entries = PointsEntry.objects.order_by("date")
    assert [(e.date, e.rule_code, e.origin) for e in entries] == [
        (D(2026, 6, 22), "absence", f"leave.request:{req.pk}:2026-06-22"),
        (D(2026, 6, 23), "absence", f"leave.request:{req.pk}:2026-06-23")]
    assert "未按时销假" in entries[0].evidence
    req.refresh_from_db()
    assert req.status == LeaveStatus.OVERDUE and req.overdue_since == D(2026, 6, 23)
    assert c.m1.pk in on_leave_ids(D(2026, 6, 24))  # the sweep skips them: this app counts the day
    # reported back on the 25th: the 24th is written too, then the count stops
    req = sv.leave_report_back(request=req, by=c.member1, at=at(2026, 6, 25, 8))
    assert PointsEntry.objects.count() == 3
    assert sv.leave_overdue_run(day=D(2026, 6, 30), at=at(2026, 6, 30))["overdue"] == 0
    assert c.m1.pk not in on_leave_ids(D(2026, 6, 25))
    assert LeaveTransition.objects.filter(request=req).count() == 5


def test_deputy_takes_the_queue_while_the_approver_is_on_leave(leave_cast):
    from auxpost.accounts.models import Role
    from auxpost.testing import make_member, make_user

    c = leave_cast
    boss_member = make_member(c.brigade, name="孙大队")
    boss_member.user = c.brigade_user
    boss_member.save()
    other_sq_leader = c.squadron2
    with pytest.raises(ValidationError):  # a 中队长 has less authority than the 大队长
        sv.deputy_set(principal=c.brigade_user, deputy=other_sq_leader, by=c.brigade_user, at=at(2026, 5, 1))
    deputy_user = make_user("deputy_leader", Role.BUREAU, unit=c.bureau)  # a 局领导 stands in
    with pytest.raises(sv.Refused):
        sv.deputy_set(principal=c.brigade_user, deputy=deputy_user, by=deputy_user, at=at(2026, 5, 1))
    sv.deputy_set(principal=c.brigade_user, deputy=deputy_user, by=c.brigade_user, at=at(2026, 5, 1))
    assert Deputy.objects.get().deputy == deputy_user
    # the 大队长 is on approved leave 2–5 June (4 days: approved by the bureau)
    own = ask(c, D(2026, 6, 2), D(2026, 6, 5), member=boss_member, user=c.brigade_user)
    sv.leave_decide(request=own, by=c.bureau_user, approve=True, at=at(2026, 6, 1))
    req = ask(c, D(2026, 6, 8), D(2026, 6, 9))
    assert list(queue(deputy_user, today=D(2026, 6, 1))) == []
    with pytest.raises(sv.Refused):
        sv.leave_decide(request=req, by=deputy_user, approve=True, at=at(2026, 6, 1))
    assert list(queue(deputy_user, today=D(2026, 6, 3))) == [req]
    done = sv.leave_decide(request=req, by=deputy_user, approve=True, at=at(2026, 6, 3))
    assert done.status == LeaveStatus.APPROVED and done.decided_by == deputy_user


def test_draft_then_submit_and_transitions_append_only(leave_cast):
    c = leave_cast
    req = ask(c, D(2026, 6, 1), D(2026, 6, 1), submit=False)
    assert req.status == LeaveStatus.DRAFT and list(queue(c.squadron1, today=D(2026, 5, 29))) == []
    with pytest.raises(sv.Refused):
        sv.leave_submit(request=req, by=c.squadron1, at=at(2026, 5, 29))
    req = sv.leave_submit(request=req, by=c.member1, at=at(2026, 5, 29))
    assert req.status == LeaveStatus.SUBMITTED and list(queue(c.squadron1, today=D(2026, 5, 29))) == [req]
    t = req.transitions.first()
    t.note = "changed"
    with pytest.raises(ValueError):
        t.save()
    with pytest.raises(ValueError):
        t.delete()


def test_only_the_member_asks(leave_cast):
    with pytest.raises(sv.Refused) as exc:
        ask(leave_cast, D(2026, 6, 1), D(2026, 6, 1), user=leave_cast.squadron1)
    assert exc.value.code == "forbidden"
