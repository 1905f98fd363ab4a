"""§5.3.5 着装 reads, scoped to the caller (§3). Every list here is the set its detail page allows.

- inspectors: a line manager (their unit subtree) or the bureau (all); never of themself;
- who sees inspections: the administrator and the bureau (all), line managers (their subtree), a member
  (their own);
- the checklist is the one of the policy in force on the inspection's date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.org.models import Unit
from auxpost.org.selectors import unit_full_names, units_visible_to
from auxpost.people.models import Member, MemberStatus
from auxpost.people.selectors import own_member
from auxpost.policy.daily import DEFAULT as DAILY_DEFAULT
from auxpost.policy.selectors import PolicyNotFound, policy_in_force
from auxpost.uniform import rules
from auxpost.uniform.models import Inspection

INSPECT_ROLES = (Role.BUREAU, Role.LINE_MANAGER)
VIEW_ROLES = (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER, Role.MEMBER)
STAFF_ROLES = (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)
#: Members inspected: on the roster and at work (停岗 members are not on duty).
AT_WORK = (MemberStatus.PROBATION, MemberStatus.ACTIVE)


def checklist(on: dt.date) -> list[tuple[str, str]]:
    """§5.3.5 the checklist (code, name) of the policy in force on ``on``."""
    try:
        items = policy_in_force(on).daily.uniform.checklist
    except PolicyNotFound:
        items = DAILY_DEFAULT.uniform.checklist
    return [(i.code, i.name) for i in items]


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


# ------------------------------------------------------------------------------------------- access

def can_inspect(user) -> bool:
    return scope.has_role(user, *INSPECT_ROLES)


def can_view_units(user) -> bool:
    return scope.has_role(user, *STAFF_ROLES)


def inspectable_members(user) -> QuerySet[Member]:
    """Members ``user`` may inspect: on the roster and at work, in a leader's scope, never themself."""
    q = scope.member_q(user, roles_allowed=INSPECT_ROLES)
    if q is None:
        return Member.objects.none()
    qs = Member.objects.filter(q, status__in=AT_WORK)
    me = own_member(user)
    if me is not None:
        qs = qs.exclude(pk=me.pk)
    return qs


def inspector_units(user) -> QuerySet[Unit]:
    return units_visible_to(user, roles_allowed=INSPECT_ROLES)


def inspections_visible_to(user) -> QuerySet[Inspection]:
    q = scope.member_q(user, roles_allowed=VIEW_ROLES, prefix="member__")
    if q is None:
        return Inspection.objects.none()
    return Inspection.objects.filter(q)


def inspection_for(user, pk) -> Inspection:
    try:
        return (inspections_visible_to(user).select_related("member", "unit", "inspector")
                .prefetch_related("photos").get(pk=int(pk)))
    except (Inspection.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def can_correct(user, inspection: Inspection) -> bool:
    """Only the inspector corrects their inspection (and only while it is still in their scope)."""
    return (user is not None and user.is_authenticated and inspection.inspector_id == user.pk
            and inspectable_members(user).filter(pk=inspection.member_id).exists())


# -------------------------------------------------------------------------------------------- lists

def inspection_list(user, *, month: dt.date | None = None, unit: Unit | None = None, member: Member | None = None,
                    failed_only: bool = False) -> QuerySet[Inspection]:
    qs = inspections_visible_to(user).select_related("member", "unit", "inspector")
    if month is not None:
        first, last = month_bounds(month)
        qs = qs.filter(date__gte=first, date__lte=last)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if member is not None:
        qs = qs.filter(member=member)
    if failed_only:
        qs = qs.filter(failed_count__gt=0)
    return qs.order_by("-date", "-inspected_at", "-pk")


@dataclass
class UnitStat:
    unit_id: int
    name: str
    rate: rules.PassRate


def unit_stats(user, *, month: dt.date, unit: Unit | None = None) -> tuple[list[UnitStat], rules.PassRate]:
    """§5.3.5 pass rate per unit (the member's unit when inspected) in ``month``, in the caller's scope,
    and the total. One query for the counts, one for the unit names."""
    first, last = month_bounds(month)
    qs = inspections_visible_to(user).filter(date__gte=first, date__lte=last)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    rows = (qs.order_by().values("unit_id")
            .annotate(n=Count("id"), passed=Count("id", filter=Q(failed_count=0)), items=Sum("failed_count")))
    names = unit_full_names()
    stats = [UnitStat(r["unit_id"], names.get(r["unit_id"], ""),
                      rules.PassRate(r["n"], r["passed"], r["items"] or 0)) for r in rows]
    stats.sort(key=lambda s: s.name)
    total = rules.PassRate(sum(s.rate.inspections for s in stats), sum(s.rate.passed for s in stats),
                           sum(s.rate.failed_items for s in stats))
    return stats, total

