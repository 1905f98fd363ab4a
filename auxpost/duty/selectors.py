"""§5.3.1 / §5.3.6 reads, scoped to the caller.

Who does what:
- duty areas and their sites: the bureau (局领导) everywhere, a brigade or squadron leader for the
  areas their unit (subtree) owns; a team leader reads the areas of the units above the team;
- rosters and roll calls: the leader of the team or of any unit above it, and the bureau;
- proxy check-ins: reported by a leader of the member's team (or above), confirmed by the bureau or a
  squadron (or brigade) leader above the member;
- marks: whoever sees the member (``member_q``), the member their own.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.db.models import Q

from auxpost.accounts import scope
from auxpost.accounts.models import Role, Scope
from auxpost.duty.models import (
    DutyArea,
    GeofenceSite,
    Mark,
    ProxyReport,
    ProxyStatus,
    Roster,
    RosterAssignment,
)
from auxpost.org.models import Unit, UnitKind

ALL_ROLES = (Role.ADMIN, Role.BUREAU)


def rostered(member, day: dt.date) -> list[RosterAssignment]:
    """§5.3.6 the member's roster assignments on ``day`` (one per shift), with roster, area and work line."""
    member_id = getattr(member, "pk", member)
    return list(RosterAssignment.objects.filter(member_id=member_id, day=day)
                .select_related("roster", "roster__area", "roster__work_line", "roster__team")
                .order_by("shift_code", "pk"))


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def managed_units(user, *, kinds: tuple[str, ...] | None = None) -> list[Unit] | None:
    """The units the user leads (line-manager assignments at a unit), optionally only of ``kinds``;
    None = everything (the bureau, the administrator)."""
    if scope.has_role(user, *ALL_ROLES):
        return None
    out = []
    for ra in scope.role_assignments(user):
        if ra.role == Role.LINE_MANAGER and ra.unit is not None and ra.scope in (Scope.UNIT, Scope.ALL):
            if kinds is None or ra.unit.kind in kinds:
                out.append(ra.unit)
    return out


def is_leader(user) -> bool:
    units = managed_units(user)
    return units is None or bool(units)


def leads(user, unit: Unit, *, kinds: tuple[str, ...] | None = None) -> bool:
    """Does the user lead ``unit`` (a unit at or above it), or is the bureau?"""
    units = managed_units(user, kinds=kinds)
    return units is None or any(unit.path.startswith(u.path) for u in units)


def _subtree_q(units: list[Unit], prefix: str) -> Q:
    q = Q(pk__in=[])
    for u in units:
        q |= Q(**{f"{prefix}path__startswith": u.path})
    return q


def manageable_areas_q(user) -> Q | None:
    """Q over DutyArea the user may edit (None = none)."""
    units = managed_units(user, kinds=(UnitKind.BUREAU, UnitKind.BRIGADE, UnitKind.SQUADRON))
    if units is None:
        return Q()
    return _subtree_q(units, "unit__") if units else None


def can_manage_area(user, area: DutyArea) -> bool:
    return leads(user, area.unit, kinds=(UnitKind.BUREAU, UnitKind.BRIGADE, UnitKind.SQUADRON))


def visible_areas(user):
    """Duty areas the user may read: manageable ones, plus those of the units above the teams they lead."""
    units = managed_units(user)
    qs = DutyArea.objects.select_related("unit", "work_line")
    if units is None:
        return qs
    if not units:
        return qs.none()
    q = _subtree_q(units, "unit__")
    ancestors = {p for u in units for p in _ancestor_paths(u.path)}
    return qs.filter(q | Q(unit__path__in=ancestors))


def areas_for_team(team: Unit):
    """Active areas a roster of ``team`` may use: owned by the team's squadron, brigade or bureau."""
    return (DutyArea.objects.filter(active=True, unit__path__in=_ancestor_paths(team.path))
            .select_related("unit", "work_line").order_by("name", "pk"))


def teams_for(user):
    """Teams the user may roster and take the roll call of."""
    units = managed_units(user)
    qs = Unit.objects.filter(kind=UnitKind.TEAM)
    if units is None:
        return qs
    if not units:
        return qs.none()
    return qs.filter(_subtree_q(units, ""))


def rosters_for(user):
    return Roster.objects.filter(team__in=teams_for(user)).select_related("team", "area", "work_line")


def marks_for(user):
    q = scope.member_q(user, prefix="member__")
    if q is None:
        return Mark.objects.none()
    return Mark.objects.filter(q).select_related("member", "member__unit", "site")


def can_confirm_proxy(user, report: ProxyReport) -> bool:
    """The bureau, or a squadron/brigade leader above the member, and not the person who reported it."""
    if report.reported_by_id == user.pk:
        return False
    return leads(user, report.mark.member.unit, kinds=(UnitKind.BUREAU, UnitKind.BRIGADE, UnitKind.SQUADRON))


def proxies_to_confirm(user):
    units = managed_units(user, kinds=(UnitKind.BUREAU, UnitKind.BRIGADE, UnitKind.SQUADRON))
    qs = (ProxyReport.objects.filter(status=ProxyStatus.REPORTED).exclude(reported_by=user)
          .select_related("mark", "mark__member", "mark__member__unit", "by_member", "reported_by"))
    if units is None:
        return qs
    if not units:
        return qs.none()
    return qs.filter(_subtree_q(units, "mark__member__unit__"))


def proxies_for(user):
    """Proxy reports about members the user leads (reported or decided)."""
    units = managed_units(user)
    qs = ProxyReport.objects.select_related("mark", "mark__member", "by_member", "reported_by", "decided_by")
    if units is None:
        return qs
    if not units:
        return qs.none()
    return qs.filter(_subtree_q(units, "mark__member__unit__"))


# --- §5.3.1 the phone check-in's caches (a morning burst reads the same few rows thousands of times) ---

#: Seconds a cached area's sites (and the day's policy) are reused. A site edited on the areas page is
#: seen by every server process within this time; the editing process drops it at once.
CACHE_SECONDS = 60
_cache_lock = threading.Lock()
_fences: dict[int, tuple[float, list]] = {}
_daily: dict[dt.date, tuple[float, object]] = {}


def fences_for_area(area_id: int) -> list:
    """The area's sites as WGS-84 fences (``geo.Fence``), cached per area for CACHE_SECONDS."""
    from auxpost.duty import geo

    now = time.monotonic()
    hit = _fences.get(area_id)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    fences = [geo.fence_of(s) for s in GeofenceSite.objects.filter(area_id=area_id).order_by("pk")]
    with _cache_lock:
        _fences[area_id] = (now, fences)
    return fences


def daily_policy(day: dt.date):
    """The daily-links policy in force on ``day`` (cached for CACHE_SECONDS)."""
    from auxpost.policy.selectors import policy_in_force

    now = time.monotonic()
    hit = _daily.get(day)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    daily = policy_in_force(day).daily
    with _cache_lock:
        _daily[day] = (now, daily)
    return daily


def clear_caches(area_id: int | None = None) -> None:
    with _cache_lock:
        if area_id is None:
            _fences.clear()
            _daily.clear()
        else:
            _fences.pop(area_id, None)


def team_day(team: Unit, day: dt.date, shift_code: str):
    """(assignments of the team's rosters on day/shift with members, {member_id: Mark})."""
    assignments = list(RosterAssignment.objects.filter(roster__team=team, day=day, shift_code=shift_code)
                       .select_related("member", "roster", "roster__area").order_by("group", "member__name", "pk"))
    marks = {m.member_id: m for m in Mark.objects.filter(
        day=day, shift_code=shift_code, member_id__in=[a.member_id for a in assignments])}
    return assignments, marks
