"""§5.2.2/§5.2.3 services: the ledger, issue refused without an induction pass, renew, close, the mirror."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from auxpost.audit.models import AuditEntry
from auxpost.people.models import Member
from auxpost.people.selectors import certificate_refusal
from auxpost.training.models import Certificate, TrainingRecord
from auxpost.training.selectors import annual_hours_by_member, effective_records
from auxpost.training.services import (
    certificate_close,
    certificate_issue,
    certificate_renew,
    record_reverse,
)
from auxpost.training.tests.conftest import D, attend, make_course, make_session, pass_induction

pytestmark = pytest.mark.django_db


def test_issue_refused_without_induction_names_what_is_missing(district, bureau):
    with pytest.raises(ValidationError) as exc:
        certificate_issue(actor=bureau, member=district.m1, on=dt.date(2026, 3, 5))
    text = str(exc.value)
    assert "岗前培训学时不足" in text and "已完成0学时" in text and "没有岗前培训考试成绩" in text
    assert not Certificate.objects.exists()


def test_issue_refused_on_failed_exam_or_short_hours(district, bureau):
    pass_induction(district, district.m1, score=55)
    with pytest.raises(ValidationError) as exc:
        certificate_issue(actor=bureau, member=district.m1, on=dt.date(2026, 3, 5))
    assert "岗前培训考试未通过：最高成绩55分，合格分60分" in str(exc.value)
    pass_induction(district, district.m2, score=90, hours=32)
    with pytest.raises(ValidationError) as exc:
        certificate_issue(actor=bureau, member=district.m2, on=dt.date(2026, 3, 5))
    assert "已完成32学时，需40学时" in str(exc.value)


def test_issue_after_induction_mirrors_and_audits(district, bureau):
    pass_induction(district, district.m1, score=60)
    cert = certificate_issue(actor=bureau, member=district.m1, on=dt.date(2026, 3, 5))
    assert cert.number == "WJ-2026-000001" and cert.valid_until == dt.date(2029, 3, 5) and cert.status == "valid"
    m = Member.objects.get(pk=district.m1.pk)
    assert (m.cert_number, m.cert_valid_until) == ("WJ-2026-000001", dt.date(2029, 3, 5))
    entry = AuditEntry.objects.filter(object_type="people.member", object_id=str(m.pk)).latest("seq")
    assert entry.before == {"cert_number": "", "cert_valid_until": None}
    assert entry.after == {"cert_number": "WJ-2026-000001", "cert_valid_until": "2029-03-05"}
    assert certificate_refusal(m, dt.date(2026, 3, 6)) is None
    # a second issue is refused: renew instead
    with pytest.raises(ValidationError, match="请办理换证"):
        certificate_issue(actor=bureau, member=m, on=dt.date(2026, 4, 1))


def test_issue_with_given_number_and_leap_day(district, bureau):
    pass_induction(district, district.m1, on=dt.date(2028, 2, 20))
    cert = certificate_issue(actor=bureau, member=district.m1, on=dt.date(2028, 2, 29), number="WJ-X-1")
    assert cert.valid_until == dt.date(2031, 2, 28)
    pass_induction(district, district.m2, on=dt.date(2028, 2, 20))
    with pytest.raises(ValidationError, match="已被使用"):
        certificate_issue(actor=bureau, member=district.m2, on=dt.date(2028, 3, 1), number="WJ-X-1")


def test_only_the_bureau_issues(district):
    pass_induction(district, district.m1)
    with pytest.raises(PermissionError):
        certificate_issue(actor=district.squadron1, member=district.m1, on=dt.date(2026, 3, 5))


def test_renew_needs_annual_hours_then_supersedes(district, bureau):
    pass_induction(district, district.m1, on=dt.date(2025, 3, 2))
    old = certificate_issue(actor=bureau, member=district.m1, on=dt.date(2025, 3, 5))
    m = Member.objects.get(pk=district.m1.pk)
    with pytest.raises(ValidationError) as exc:
        certificate_renew(actor=bureau, member=m, on=dt.date(2026, 3, 1))
    assert "近一年年度培训学时不足：已完成0学时，需40学时" in str(exc.value)
    annual = make_course(bureau, name="年度业务培训", category="annual", hours=24, has_exam=False)
    topical = make_course(bureau, name="扬尘治理专题", category="topical", hours=16, has_exam=False)
    attend(bureau, make_session(bureau, annual, [district.sq1], start=dt.date(2025, 9, 1)), m)
    attend(bureau, make_session(bureau, topical, [district.sq1], start=dt.date(2026, 1, 10)), m)
    new = certificate_renew(actor=bureau, member=m, on=dt.date(2026, 3, 1))
    old.refresh_from_db()
    assert old.status == "superseded" and old.closed_on == dt.date(2026, 3, 1)
    assert new.replaces_id == old.pk and new.source == "renewal" and new.valid_until == dt.date(2029, 3, 1)
    m.refresh_from_db()
    assert m.cert_number == new.number


def test_expired_refused_with_number_then_renewed_allowed(district, bureau):
    pass_induction(district, district.m1, on=dt.date(2022, 3, 1))
    cert = certificate_issue(actor=bureau, member=district.m1, on=dt.date(2022, 3, 5))
    m = Member.objects.get(pk=district.m1.pk)
    why = certificate_refusal(m, dt.date(2025, 3, 6))
    assert cert.number in why and "2025-03-05" in why
    annual = make_course(bureau, name="年度业务培训", category="annual", hours=40, has_exam=False)
    attend(bureau, make_session(bureau, annual, [district.sq1], start=dt.date(2025, 1, 10)), m)
    new = certificate_renew(actor=bureau, member=m, on=dt.date(2025, 3, 6))
    m.refresh_from_db()
    assert certificate_refusal(m, dt.date(2025, 3, 6)) is None and m.cert_number == new.number


def test_close_returns_certificate_and_clears_mirror(district, bureau):
    pass_induction(district, district.m1)
    cert = certificate_issue(actor=bureau, member=district.m1, on=dt.date(2026, 3, 5))
    m = Member.objects.get(pk=district.m1.pk)
    closed = certificate_close(actor=district.hrco, member=m, on=dt.date(2026, 9, 30), reason="解聘交回")
    assert closed.pk == cert.pk and closed.status == "returned" and closed.closed_on == dt.date(2026, 9, 30)
    m.refresh_from_db()
    assert m.cert_number == "" and m.cert_valid_until is None
    assert "上岗证" in certificate_refusal(m, dt.date(2026, 10, 1))
    assert certificate_close(actor=district.hrco, member=m, on=dt.date(2026, 10, 1), reason="again") is None
    assert Certificate.objects.count() == 1


def test_close_adopts_a_roster_only_certificate(district):
    Member.objects.filter(pk=district.m2.pk).update(cert_number="WJ-CG-2024-0007", cert_valid_until=dt.date(2027, 5, 1))
    m = Member.objects.get(pk=district.m2.pk)
    closed = certificate_close(actor=None, member=m, on=dt.date(2026, 7, 1), reason="辞职", status="revoked")
    assert closed.number == "WJ-CG-2024-0007" and closed.issued_on == dt.date(2024, 5, 1)
    assert closed.status == "revoked" and closed.source == "import"
    m.refresh_from_db()
    assert m.cert_number == ""


def test_attendance_ledger_corrections_and_reverse(district, bureau):
    annual = make_course(bureau, name="年度业务培训", category="annual", hours=8, has_exam=True)
    s = make_session(bureau, annual, [district.sq1], start=dt.date(2026, 4, 1))
    assert attend(district.squadron1, s, district.m1, score=70) == {"recorded": 1, "corrected": 0}
    assert attend(district.squadron1, s, district.m1, score=70) == {"recorded": 0, "corrected": 0}
    assert attend(district.squadron1, s, district.m1, "absent") == {"recorded": 1, "corrected": 1}
    assert TrainingRecord.objects.count() == 3 and effective_records().count() == 1
    assert annual_hours_by_member([district.m1.pk], 2026) == {district.m1.pk: D(0)}
    assert attend(district.squadron1, s, district.m1, score=75)["corrected"] == 1
    assert annual_hours_by_member([district.m1.pk], 2026)[district.m1.pk] == D(8)
    rec = effective_records().get()
    assert rec.passed is True
    record_reverse(actor=bureau, record=rec, reason="录入错误")
    assert effective_records().count() == 0
    with pytest.raises(ValidationError):
        record_reverse(actor=bureau, record=rec, reason="again")
    with pytest.raises(ValueError):
        rec.delete()


def test_attendance_out_of_scope_refused(district, bureau):
    annual = make_course(bureau, name="年度业务培训", category="annual", hours=8)
    s = make_session(bureau, annual, [district.brigade], start=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError, match="管理范围"):
        attend(district.squadron1, s, district.m2)
    s2 = make_session(bureau, annual, [district.sq2], start=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError):
        attend(bureau, s2, district.m1)  # not invited
    with pytest.raises(ValidationError, match="只有出勤人员"):
        attend(bureau, s, district.m1, "absent", score=80)
    assert not TrainingRecord.objects.exists()


def test_caller_instance_sees_the_mirror(district, bureau):
    m = district.m1
    Member.objects.filter(pk=m.pk).update(cert_number="WJ-OLD", cert_valid_until=dt.date(2027, 1, 1))
    m.refresh_from_db()
    certificate_close(actor=bureau, member=m, on=dt.date(2026, 6, 1), reason="解聘")
    assert (m.cert_number, m.cert_valid_until) == ("", None)
    m.save()  # a later full save by the caller keeps the cleared mirror
    assert Member.objects.get(pk=m.pk).cert_number == ""
