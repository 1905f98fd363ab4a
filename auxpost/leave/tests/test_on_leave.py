"""§5.3.4 on_leave_ids: approved leave covers its days (half days too) and the days past its end until 销假."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from auxpost.leave.models import LeaveRequest, LeaveStatus
from auxpost.leave.selectors import on_leave_ids

D = dt.date


def _leave(member, start, end, status, **extra):
    return LeaveRequest.objects.create(
        member=member, type_code="personal", type_name="事假", start=start, end=end, reason="家事",
        days=Decimal("1"), counting="working", policy_version="1", status=status, approver_level="squadron",
        created_at=timezone.now(), **extra)


def test_covers_days_of_taken_leave_only(district):
    m1, m2 = district.m1, district.m2
    _leave(m1, D(2026, 6, 1), D(2026, 6, 2), LeaveStatus.APPROVED, start_half="pm")
    _leave(m2, D(2026, 6, 1), D(2026, 6, 2), LeaveStatus.SUBMITTED)
    assert on_leave_ids(D(2026, 5, 31)) == set()
    assert on_leave_ids(D(2026, 6, 1)) == {m1.pk}  # the afternoon counts
    assert on_leave_ids(D(2026, 6, 2), member_ids=[m2.pk]) == set()
    assert on_leave_ids(D(2026, 6, 2), member_ids=[]) == set()


def test_overdue_days_until_reported_back(district):
    m1, m2 = district.m1, district.m2
    _leave(m1, D(2026, 6, 1), D(2026, 6, 2), LeaveStatus.OVERDUE)
    _leave(m2, D(2026, 6, 1), D(2026, 6, 2), LeaveStatus.RETURNED, returned_on=D(2026, 6, 4))
    assert on_leave_ids(D(2026, 6, 3)) == {m1.pk, m2.pk}
    assert on_leave_ids(D(2026, 6, 4)) == {m1.pk}  # m2 reported back that day: the sweep counts it
    assert on_leave_ids(D(2026, 6, 20)) == {m1.pk}


def test_cancelled_and_rejected_do_not_cover(district):
    _leave(district.m1, D(2026, 6, 1), D(2026, 6, 2), LeaveStatus.CANCELLED)
    _leave(district.m2, D(2026, 6, 1), D(2026, 6, 2), LeaveStatus.REJECTED)
    assert on_leave_ids(D(2026, 6, 1)) == set()
