"""§5.3.4 Reading leave: who is on leave on a day, the approval queue (with deputies), scoped lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.leave.models import OUT, TAKEN, ApproverLevel, LeaveRequest, LeaveStatus


def _covering_q(day: dt.date) -> Q:
    """Leave that covers ``day``: taken leave whose days include it (any part of the day, half days
    too), or leave past its end not yet reported back on ``day`` (overdue days run until 销假)."""
    inside = Q(status__in=TAKEN, start__lte=day, end__gte=day)
    past_end_out = Q(status__in=OUT, end__lt=day)
    past_end_returned_late = Q(status=LeaveStatus.RETURNED, end__lt=day, returned_on__gt=day)
    return inside | past_end_out | past_end_returned_late


def covers(req: LeaveRequest, day: dt.date) -> bool:
    """The same test as ``on_leave_ids`` for one request already loaded."""
    if req.start > day:
        return False
    if req.status in TAKEN and req.end >= day:
        return True
    if req.status in OUT and req.end < day:
        return True
    return req.status == LeaveStatus.RETURNED and req.end < day and req.returned_on is not None \
        and req.returned_on > day


def on_leave_ids(day: dt.date, member_ids=None) -> set[int]:
    """§5.3.4 the members on leave on ``day``, for the roll-call sweep (no 旷工) and rosters (warn).

    A member counts when an approved leave covers ``day`` (any part of it: a half day counts), and also
    on the days after the leave's end until they report back (销假). Those overdue days are this app's
    business, not the sweep's: once the report-back deadline passes, ``auxpost leave-overdue`` writes one
    ``absence`` (旷工) points entry per working day past the end (origin ``leave.request:<pk>:<date>``),
    so the sweep must skip the members returned here or they would be counted twice. ``member_ids``
    narrows the query to those members (one indexed query either way).
    """
    qs = LeaveRequest.objects.filter(_covering_q(day), start__lte=day)
    if member_ids is not None:
        member_ids = list(member_ids)
        if not member_ids:
            return set()
        qs = qs.filter(member_id__in=member_ids)
    return set(qs.values_list("member_id", flat=True).distinct())


# --- scoped reading ----------------------------------------------------------------------------------

#: Roles reading leave of the members in their scope (the member reads their own).
READER_ROLES = (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER, Role.STAFFING_OFFICE, Role.MEMBER)
#: Leaders who see the unit leave calendar and the overdue list.
LEADER_ROLES = (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)


def visible_q(user, *, today: dt.date | None = None) -> Q | None:
    """Q over LeaveRequest for what ``user`` may read: members in their scope (leaders, the bureau, the
    member themself), requests longer than the HR-copy threshold for the HR company (read-only), and the
    requests waiting in their queue as a deputy. None = nothing."""
    q = scope.member_q(user, roles_allowed=READER_ROLES, prefix="member__")
    hr = scope.member_q(user, roles_allowed=(Role.HR_COMPANY,), prefix="member__")
    if hr is not None:
        part = hr & Q(hr_copy=True)
        q = part if q is None else q | part
    if scope.has_role(user, Role.BUREAU, Role.LINE_MANAGER):  # only they can be named deputies
        dq = _deputy_queue_q(user, today or timezone.localdate())
        if dq is not None:
            q = dq if q is None else q | dq
    return q


def visible(user, *, today: dt.date | None = None):
    q = visible_q(user, today=today)
    if q is None:
        return LeaveRequest.objects.none()
    return LeaveRequest.objects.filter(q).select_related("member", "member__unit", "approval_unit")


def get_visible(user, pk, *, today: dt.date | None = None) -> LeaveRequest:
    """One request within the user's reach; "not found" and "not yours" are the same 404."""
    try:
        return visible(user, today=today).get(pk=int(pk))
    except (LeaveRequest.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _principal_q(user) -> Q | None:
    from auxpost.leave.services import principal_q_parts

    bureau, units = principal_q_parts(user)
    q = None
    if bureau:
        q = Q(approver_level=ApproverLevel.BUREAU)
    if units:
        part = Q(approval_unit_id__in=units) & ~Q(approver_level=ApproverLevel.BUREAU)
        q = part if q is None else q | part
    return q


def _deputy_queue_q(user, today: dt.date) -> Q | None:
    from auxpost.leave.services import absent_principals

    q = None
    for principal in absent_principals(user, today):
        part = _principal_q(principal)
        if part is not None:
            q = part if q is None else q | part
    return None if q is None else q & Q(status=LeaveStatus.SUBMITTED)


def queue(user, *, today: dt.date | None = None):
    """§5.3.4 the requests waiting for ``user``'s decision: as the approver the length requires, and as the
    deputy of an approver on leave today; never the user's own."""
    today = today or timezone.localdate()
    q = _principal_q(user)
    dq = _deputy_queue_q(user, today)
    if q is not None:
        q = q & Q(status=LeaveStatus.SUBMITTED)
    q = dq if q is None else (q if dq is None else q | dq)
    if q is None:
        return LeaveRequest.objects.none()
    return (LeaveRequest.objects.filter(q).exclude(member__user=user)
            .select_related("member", "member__unit", "approval_unit").order_by("start", "pk"))


def is_approver(user) -> bool:
    bureau_or_units = _principal_q(user)
    return bureau_or_units is not None


def mine(member):
    return LeaveRequest.objects.filter(member=member).select_related("approval_unit").order_by("-start", "-pk")


def annual_balance(member, year: int, on: dt.date) -> dict:
    """年休假 of ``year``: entitlement by total years of service on ``on``, taken or asked for, left."""
    from auxpost.leave import rules
    from auxpost.leave.services import annual_taken, service_start
    from auxpost.policy.selectors import PolicyNotFound, policy_in_force

    years = rules.service_years(service_start(member), on)
    try:
        entitled = Decimal(policy_in_force(on).daily.leave.annual_entitlement(years))
    except PolicyNotFound:
        entitled = Decimal(0)
    taken = annual_taken(member, year)
    return {"year": year, "service_years": years, "entitled": entitled, "taken": taken,
            "left": max(entitled - taken, Decimal(0))}


def unit_leave(user, start: dt.date, end: dt.date, unit=None):
    """§5.3.4 leave in the leader's scope that touches [start, end] (taken, waiting or overdue)."""
    q = scope.member_q(user, roles_allowed=LEADER_ROLES, prefix="member__")
    if q is None:
        return LeaveRequest.objects.none()
    qs = LeaveRequest.objects.filter(q, start__lte=end).filter(
        Q(end__gte=start) | Q(status__in=OUT)).filter(
        status__in=(LeaveStatus.SUBMITTED,) + tuple(TAKEN))
    if unit is not None:
        qs = qs.filter(member__unit__path__startswith=unit.path)
    return qs.select_related("member", "member__unit").order_by("start", "member__name")


def overdue(user):
    """§5.3.4 leave not reported back by its deadline, in the leader's scope."""
    q = scope.member_q(user, roles_allowed=LEADER_ROLES, prefix="member__")
    if q is None:
        return LeaveRequest.objects.none()
    return (LeaveRequest.objects.filter(q, status=LeaveStatus.OVERDUE)
            .select_related("member", "member__unit").order_by("report_back_due", "pk"))


def hr_copies(user):
    """§5.3.4 the HR company's read-only list: leave longer than the HR-copy threshold in its scope."""
    q = scope.member_q(user, roles_allowed=(Role.HR_COMPANY,), prefix="member__")
    if q is None:
        return LeaveRequest.objects.none()
    return (LeaveRequest.objects.filter(q, hr_copy=True).exclude(status=LeaveStatus.DRAFT)
            .select_related("member", "member__unit").order_by("-start", "-pk"))
