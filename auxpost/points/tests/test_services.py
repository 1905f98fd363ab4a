"""§10 ledger services: recording, the second-person rule, appeals and reversal, balance, settlement."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from auxpost.audit.models import AuditEntry
from auxpost.audit.services import audit_verify
from auxpost.people.models import MemberStatus
from auxpost.points.models import AnnualPoints, AppealStatus, EntryStatus, PointsAppeal, PointsEntry, Source
from auxpost.points.selectors import (
    appeal_queue,
    approval_queue,
    entries_visible_to,
    ledger_year_aggregates,
    points_balance,
)
from auxpost.points.services import (
    points_appeal_decide,
    points_appeal_submit,
    points_entry_approve,
    points_entry_record,
    points_entry_reject,
    points_settle_year,
)
from auxpost.testing import make_member, make_user

from .conftest import AT


def messages_of(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


# --- record -------------------------------------------------------------------------------------

def test_addition_is_approved_by_its_recorder(district, record):
    e = record(district.m1, "commendation_city")
    assert (e.points, e.status, e.approved_by, e.source, e.rule_name, e.policy_version) == (
        10, EntryStatus.APPROVED, district.squadron1, "commendation", "市级表彰", "1")
    assert AuditEntry.objects.filter(object_type="points.pointsentry", object_id=str(e.pk), action="create").exists()


def test_deduction_is_pending(district, record):
    e = record(district.m1, "absence", quantity=2)
    assert (e.points, e.status, e.approved_by) == (-20, EntryStatus.PENDING, None)
    assert e.source == "roll_call" and e.quantity == Decimal(2)


@pytest.mark.parametrize("kwargs, field, needle", [
    ({"rule_code": "nope"}, "rule_code", "规则"),
    ({"date": dt.date(2026, 7, 1)}, "date", "日期"),
    ({"date": dt.date(2019, 1, 1)}, "date", "入职"),
    ({"rule_code": "training_extra", "quantity": 5}, "quantity", "数量"),
    ({"quantity": Decimal("1.5")}, "quantity", "整数"),
    ({"evidence": "x" * 301}, "evidence", "300"),
])
def test_record_refuses_bad_input_naming_the_field(district, kwargs, field, needle):
    args = {"member": district.m1, "rule_code": "late", "date": dt.date(2026, 3, 1), "recorded_by": district.squadron1,
            "at": AT} | kwargs
    with pytest.raises(ValidationError) as exc:
        points_entry_record(**args)
    assert field in exc.value.message_dict
    assert needle in messages_of(exc)
    assert not PointsEntry.objects.exists()


def test_record_refuses_out_of_scope_and_off_roster(district):
    for user in (district.squadron2, district.hrco, district.member1, district.nobody):
        with pytest.raises(ValidationError) as exc:
            points_entry_record(member=district.m1, rule_code="late", date=dt.date(2026, 3, 1), recorded_by=user,
                                at=AT)
        assert "member" in exc.value.message_dict
    district.m2.status = MemberStatus.SEPARATED
    district.m2.grade = None
    district.m2.save()
    with pytest.raises(ValidationError) as exc:
        points_entry_record(member=district.m2, rule_code="late", date=dt.date(2026, 3, 1),
                            recorded_by=district.bureau_user, at=AT)
    assert "花名册" in messages_of(exc)


def test_record_refuses_a_year_that_was_imported(district, record):
    AnnualPoints.objects.create(member=district.m1, year=2025, total=100, source="imported", recorded_at=AT)
    with pytest.raises(ValidationError) as exc:
        record(district.m1, "late", date=dt.date(2025, 5, 1))
    assert "导入" in messages_of(exc)


# --- approve / reject ---------------------------------------------------------------------------

def test_second_person_rule(district, record):
    e = record(district.m1, "late")
    with pytest.raises(ValidationError) as exc:
        points_entry_approve(entry=e, approver=district.squadron1, at=AT)
    assert "approver" in exc.value.message_dict and "第二人" in messages_of(exc)
    with pytest.raises(ValidationError):  # out of scope
        points_entry_approve(entry=e, approver=district.squadron2, at=AT)
    with pytest.raises(ValidationError):  # the member themself
        points_entry_approve(entry=e, approver=district.member1, at=AT)
    e = points_entry_approve(entry=e, approver=district.bureau_user, at=AT)
    assert (e.status, e.approved_by) == (EntryStatus.APPROVED, district.bureau_user)
    with pytest.raises(ValidationError) as exc:  # only once
        points_entry_approve(entry=e, approver=district.admin, at=AT)
    assert "status" in exc.value.message_dict


def test_reject_needs_a_reason_and_never_counts(district, record):
    e = record(district.m1, "absence")
    with pytest.raises(ValidationError) as exc:
        points_entry_reject(entry=e, approver=district.bureau_user, reason=" ", at=AT)
    assert "reason" in exc.value.message_dict
    e = points_entry_reject(entry=e, approver=district.bureau_user, reason="当天有请假记录", at=AT)
    assert (e.status, e.rejection_reason) == (EntryStatus.REJECTED, "当天有请假记录")
    assert points_balance(district.m1, 2026).total == 100
    assert AuditEntry.objects.filter(object_id=str(e.pk), action="transition").count() == 1


def test_approval_queue_excludes_own_records(district, record):
    e = record(district.m1, "late")
    assert list(approval_queue(district.squadron1)) == []
    assert list(approval_queue(district.bureau_user)) == [e]
    assert list(approval_queue(district.squadron2)) == []
    assert list(approval_queue(district.member1)) == []


# --- appeals ------------------------------------------------------------------------------------

def test_appeal_flow_creates_exactly_one_reversing_entry(district, approved_deduction):
    entry = approved_deduction
    assert points_balance(district.m1, 2026).total == 99
    appeal = points_appeal_submit(entry=entry, user=district.member1, reason="当天在岗，有执勤记录", at=AT)
    assert appeal.status == AppealStatus.OPEN
    with pytest.raises(ValidationError) as exc:  # one open appeal per entry
        points_appeal_submit(entry=entry, user=district.member1, reason="再次申诉", at=AT)
    assert "已有" in messages_of(exc) or "entry" in exc.value.message_dict
    assert list(appeal_queue(district.squadron1)) == []  # squadron1 recorded the entry
    assert list(appeal_queue(district.bureau_user)) == [appeal]
    with pytest.raises(ValidationError):  # recorder may not decide
        points_appeal_decide(appeal=appeal, decider=district.squadron1, upheld=True, note="", at=AT)
    with pytest.raises(ValidationError):  # out of scope
        points_appeal_decide(appeal=appeal, decider=district.squadron2, upheld=True, note="", at=AT)
    appeal = points_appeal_decide(appeal=appeal, decider=district.bureau_user, upheld=True, note="核实属实", at=AT)
    rev = appeal.reversing_entry
    assert (appeal.status, rev.points, rev.source, rev.status, rev.reverses_id, rev.date, rev.approved_by) == (
        AppealStatus.UPHELD, 1, Source.CORRECTION, EntryStatus.APPROVED, entry.pk, entry.date, district.bureau_user)
    assert PointsEntry.objects.filter(reverses=entry).count() == 1
    assert points_balance(district.m1, 2026).total == 100
    with pytest.raises(ValidationError):  # decided once
        points_appeal_decide(appeal=appeal, decider=district.bureau_user, upheld=True, note="", at=AT)
    with pytest.raises(ValidationError):  # a reversed entry cannot be appealed again
        points_appeal_submit(entry=entry, user=district.member1, reason="再次", at=AT)
    with pytest.raises(ValidationError):  # nor the correction itself
        points_appeal_submit(entry=rev, user=district.member1, reason="再次", at=AT)
    assert PointsEntry.objects.filter(reverses=entry).count() == 1
    assert audit_verify().ok


def test_appeal_only_by_the_member_on_approved_entries(district, record, approved_deduction):
    with pytest.raises(ValidationError) as exc:
        points_appeal_submit(entry=approved_deduction, user=district.squadron1, reason="x", at=AT)
    assert "entry" in exc.value.message_dict
    pending = record(district.m1, "absence")
    with pytest.raises(ValidationError):
        points_appeal_submit(entry=pending, user=district.member1, reason="x", at=AT)
    with pytest.raises(ValidationError) as exc:
        points_appeal_submit(entry=approved_deduction, user=district.member1, reason="", at=AT)
    assert "reason" in exc.value.message_dict


def test_dismissal_needs_a_note(district, approved_deduction):
    appeal = points_appeal_submit(entry=approved_deduction, user=district.member1, reason="不服", at=AT)
    with pytest.raises(ValidationError) as exc:
        points_appeal_decide(appeal=appeal, decider=district.bureau_user, upheld=False, note="", at=AT)
    assert "note" in exc.value.message_dict
    appeal = points_appeal_decide(appeal=appeal, decider=district.bureau_user, upheld=False, note="证据充分", at=AT)
    assert appeal.status == AppealStatus.DISMISSED and appeal.reversing_entry is None
    assert points_balance(district.m1, 2026).total == 99
    assert PointsAppeal.objects.filter(status="open").count() == 0


# --- balance and visibility ---------------------------------------------------------------------

def test_balance_clamps_and_explains(district, record):
    for _i in range(3):
        record(district.m1, "commendation_province", by=district.bureau_user)  # +60
    b = points_balance(district.m1, 2026)
    assert (b.total, b.raw, b.base, b.plus) == (120, 160, 100, 60)
    assert "上限" in b.explanation


def test_members_see_only_their_own_entries(district, record):
    e1 = record(district.m1, "commendation_city")
    e2 = record(district.m2, "commendation_city", by=district.squadron2)
    assert list(entries_visible_to(district.member1)) == [e1]
    assert set(entries_visible_to(district.bureau_user)) == {e1, e2}
    assert list(entries_visible_to(district.squadron2)) == [e2]
    for user in (district.nobody, district.hrco, district.assessor, district.bianban):
        assert list(entries_visible_to(user)) == []


# --- settlement ---------------------------------------------------------------------------------

def test_settlement_clamps_and_keeps_imported(district, record):
    for _i in range(6):
        e = record(district.m1, "discipline_breach", by=district.squadron1)  # −120 → 0 after approval
        points_entry_approve(entry=e, approver=district.bureau_user, at=AT)
    for _i in range(3):
        record(district.m2, "commendation_province", by=district.bureau_user)  # +60 → 120
    m3 = make_member(district.sq1_t2, name="张三")
    AnnualPoints.objects.create(member=m3, year=2026, total=88, source="imported", recorded_at=AT)
    r = points_settle_year(year=2026, by=district.bureau_user, at=AT)
    assert (r.created, r.updated, r.unchanged, r.imported_kept) == (2, 0, 0, [m3.pk])
    rows = {a.member_id: a for a in AnnualPoints.objects.filter(year=2026)}
    assert rows[district.m1.pk].total == 0 and "下限" in rows[district.m1.pk].explanation
    assert rows[district.m2.pk].total == 120 and rows[district.m2.pk].source == "settled"
    assert rows[m3.pk].total == 88 and rows[m3.pk].source == "imported"
    assert rows[district.m1.pk].policy_version == "1"


def test_resettlement_updates_changed_totals_with_audit(district, record):
    r = points_settle_year(year=2026, by=district.admin, at=AT)
    assert r.created == 2
    record(district.m1, "commendation_city")
    r = points_settle_year(year=2026, by=district.admin, at=AT)
    assert (r.created, r.updated, r.unchanged) == (0, 1, 1)
    row = AnnualPoints.objects.get(member=district.m1, year=2026)
    assert row.total == 110
    link = AuditEntry.objects.filter(object_type="points.annualpoints", object_id=str(row.pk),
                                     action="update").get()
    assert link.before["total"] == "100.00" or Decimal(link.before["total"]) == 100
    assert Decimal(link.after["total"]) == 110
    assert audit_verify().ok


def test_settlement_refuses_bad_year_and_roles(district):
    for year in (1999, 2027):
        with pytest.raises(ValidationError) as exc:
            points_settle_year(year=year, by=district.bureau_user, at=AT)
        assert "year" in exc.value.message_dict
    for user in (district.squadron1, district.member1, district.hrco):
        with pytest.raises(ValidationError):
            points_settle_year(year=2026, by=user, at=AT)


def test_settlement_covers_members_separated_during_the_year(district, record):
    gone = make_member(district.sq1_t1, name="赵离", status=MemberStatus.SEPARATED, grade=None,
                       separated_on=dt.date(2026, 2, 1))
    old = make_member(district.sq1_t1, name="钱旧", status=MemberStatus.SEPARATED, grade=None,
                      separated_on=dt.date(2024, 2, 1))
    points_settle_year(year=2026, by=None, at=AT)
    settled = set(AnnualPoints.objects.filter(year=2026).values_list("member_id", flat=True))
    assert gone.pk in settled and old.pk not in settled


def test_bulk_settlement_issues_a_bounded_number_of_queries(district, record, django_assert_max_num_queries):
    for i in range(30):
        make_member(district.sq1_t2, name=f"成员{i}")
    record(district.m1, "commendation_city")
    with django_assert_max_num_queries(20) as small:
        points_settle_year(year=2026, by=district.bureau_user, at=AT)
    for i in range(60):
        make_member(district.sq2_t1, name=f"新员{i}")
    record(district.m2, "commendation_city", by=district.squadron2)
    with django_assert_max_num_queries(20) as big:
        r = points_settle_year(year=2026, by=district.bureau_user, at=AT)
    assert r.created == 60 and r.updated == 1
    assert len(big.captured_queries) <= len(small.captured_queries) + 2


def test_aggregates_split_by_sign(district, record, approved_deduction):
    record(district.m1, "commendation_city")
    agg = ledger_year_aggregates(2026)[district.m1.pk]
    assert (agg.points_sum, agg.plus, agg.minus, agg.n_plus, agg.n_minus, agg.lates) == (9, 10, -1, 1, 1, 1)


def test_user_helper(district):
    assert make_user("extra").pk
