"""§5.3 / §10 entries written by the daily links: idempotent by origin, pending deductions, withdrawal."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from auxpost.audit.models import AuditEntry
from auxpost.people.models import MemberStatus
from auxpost.points.models import EntryStatus, PointsEntry, Source
from auxpost.points.services import points_entry_approve, points_entry_automatic, points_entry_withdraw

from .conftest import AT

pytestmark = pytest.mark.django_db


def auto(district, origin="duty.mark:1", rule="late", quantity=1, by=None, date=dt.date(2026, 6, 1)):
    return points_entry_automatic(member=district.m1, rule_code=rule, date=date, origin=origin, quantity=quantity,
                                  evidence="早班 08:41 签到，迟到11分钟", recorded_by=by, at=AT)


def test_a_deduction_from_a_daily_link_waits_for_approval_and_names_its_origin(district):
    e = auto(district)
    assert (e.points, e.status, e.source, e.origin) == (-1, EntryStatus.PENDING, Source.ROLL_CALL, "duty.mark:1")
    assert e.recorded_by is None
    assert AuditEntry.objects.filter(object_id=str(e.pk), action="create").exists()


def test_the_same_origin_is_written_once(district):
    assert auto(district) is not None
    assert auto(district) is None
    assert PointsEntry.objects.filter(origin="duty.mark:1").count() == 1


def test_per_day_rules_multiply(district):
    e = auto(district, origin="duty.mark:2", rule="absence", quantity=Decimal("0.5"))
    assert e.points == -5 and e.quantity == Decimal("0.5")


def test_off_roster_members_get_nothing_and_unknown_rules_are_refused(district):
    with pytest.raises(ValidationError) as exc:
        auto(district, rule="no_such_rule")
    assert "no_such_rule" in str(exc.value)
    type(district.m1).objects.filter(pk=district.m1.pk).update(status=MemberStatus.SEPARATED, grade=None)
    district.m1.refresh_from_db()
    assert auto(district, origin="duty.mark:3") is None


def test_withdraw_rejects_a_pending_entry_and_reverses_an_approved_one(district):
    pending = auto(district, origin="duty.mark:4")
    out = points_entry_withdraw(origin="duty.mark:4", reason="补批事假", at=AT)
    pending.refresh_from_db()
    assert out.pk == pending.pk and pending.status == EntryStatus.REJECTED and pending.rejection_reason == "补批事假"
    approved = points_entry_approve(entry=auto(district, origin="duty.mark:5"), approver=district.bureau_user, at=AT)
    rev = points_entry_withdraw(origin="duty.mark:5", by=district.squadron1, reason="更正点名", at=AT)
    assert rev.reverses_id == approved.pk and rev.points == 1 and rev.source == Source.CORRECTION
    assert points_entry_withdraw(origin="duty.mark:5", reason="again", at=AT) is None
    assert points_entry_withdraw(origin="nothing:1", reason="x", at=AT) is None
