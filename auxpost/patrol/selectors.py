"""§5.3.6 patrol logs, §5.3.2 handover and a team's day: reads scoped to the caller (§3).

Who sees what:
- patrol logs: the administrator and the bureau all; a line manager those of the teams in their
  subtree; a member the logs they wrote or were part of (a patrol group member);
- handovers: the administrator and the bureau all; a line manager those going out of or coming into a
  team of their subtree; a member those of their own team (out or in);
- a team's day: the administrator, the bureau and line managers, for the teams they may see.
The HR company, the staffing office and assessors have no part in the daily duty records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import import_module

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from auxpost.accounts import scope
from auxpost.accounts.models import Role, Scope
from auxpost.org.models import Unit, UnitKind
from auxpost.patrol.models import Handover, PatrolLog
from auxpost.people.models import ON_ROSTER, Member
from auxpost.people.selectors import own_member
from auxpost.policy.daily import DEFAULT_SHIFTS, DailyPolicy
from auxpost.policy.selectors import PolicyNotFound, policy_in_force

LEADER_ROLES = (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)
DUTY_ROLES = LEADER_ROLES + (Role.MEMBER,)


def daily_policy(on: dt.date) -> DailyPolicy:
    """The daily-links policy in force on ``on`` (the SPEC defaults before any version is published)."""
    try:
        return policy_in_force(on).daily
    except PolicyNotFound:
        return DailyPolicy()


def shifts_on(on: dt.date):
    shifts = daily_policy(on).shifts
    return shifts or DEFAULT_SHIFTS


def shift_name(on: dt.date, code: str) -> str:
    return next((s.name for s in shifts_on(on) if s.code == code), code)


# ------------------------------------------------------------------------------------------- scope

def _unit_parts(user) -> tuple[bool, list[str], Member | None]:
    """(sees all, subtree paths of line-manager scopes, own member if the user holds the member role)."""
    everything = False
    paths: list[str] = []
    me = None
    for ra in scope.role_assignments(user):
        if ra.role not in DUTY_ROLES:
            continue
        if ra.scope == Scope.ALL and ra.role in LEADER_ROLES:
            everything = True
        elif ra.scope == Scope.UNIT and ra.unit is not None and ra.role in LEADER_ROLES:
            paths.append(ra.unit.path)
        elif ra.role == Role.MEMBER:
            me = own_member(user)
    return everything, paths, me


def _subtree(paths: list[str]) -> QuerySet[Unit]:
    q = Q()
    for p in paths:
        q |= Q(path__startswith=p)
    return Unit.objects.filter(q).values("pk")


def is_leader(user) -> bool:
    return scope.has_role(user, *LEADER_ROLES)


def leader_units(user) -> QuerySet[Unit]:
    """The units whose duty records the user may see as a leader (administrator, bureau: all)."""
    everything, paths, _me = _unit_parts(user)
    if everything:
        return Unit.objects.all()
    if not paths:
        return Unit.objects.none()
    q = Q()
    for p in paths:
        q |= Q(path__startswith=p)
    return Unit.objects.filter(q)


def leads_unit(user, unit: Unit) -> bool:
    """Whether the user is a leader of ``unit`` (its own or an upper unit's line manager, the bureau,
    the administrator)."""
    everything, paths, _me = _unit_parts(user)
    return everything or any(unit.path.startswith(p) for p in paths)


def logs_visible_to(user) -> QuerySet[PatrolLog]:
    """§3 the patrol logs the user may see (see the module docstring); none() when nothing."""
    everything, paths, me = _unit_parts(user)
    if everything:
        return PatrolLog.objects.all()
    q = None
    if paths:
        q = Q(team__in=_subtree(paths))
    if me is not None:
        part = Q(pk__in=PatrolLog.members.through.objects.filter(member_id=me.pk).values("patrollog_id"))
        q = part if q is None else q | part
    return PatrolLog.objects.filter(q) if q is not None else PatrolLog.objects.none()


def log_list(qs: QuerySet[PatrolLog]) -> QuerySet[PatrolLog]:
    """A log queryset ready for a list: writer, team, category, area joined; group and photos prefetched."""
    return (qs.select_related("member", "team", "category", "area")
            .prefetch_related(Prefetch("members", queryset=Member.objects.order_by("name", "pk")),
                              "photos")
            .order_by("-observed_at", "-pk"))


def log_get_for(user, pk) -> PatrolLog:
    try:
        return log_list(logs_visible_to(user)).get(pk=int(pk))
    except (PatrolLog.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def can_follow_up(user, log: PatrolLog) -> bool:
    """§5.3.6 the officers' handling of a 上报 item is recorded by the team's leaders."""
    return log.reported and leads_unit(user, log.team)


def handovers_visible_to(user) -> QuerySet[Handover]:
    """§3 the handovers the user may see (see the module docstring); none() when nothing."""
    everything, paths, me = _unit_parts(user)
    if everything:
        return Handover.objects.all()
    q = None
    if paths:
        sub = _subtree(paths)
        q = Q(from_team__in=sub) | Q(to_team__in=sub)
    if me is not None:
        part = Q(from_team_id=me.unit_id) | Q(to_team_id=me.unit_id)
        q = part if q is None else q | part
    return Handover.objects.filter(q) if q is not None else Handover.objects.none()


def handover_list(qs: QuerySet[Handover]) -> QuerySet[Handover]:
    return (qs.select_related("from_team", "to_team", "member", "ack_member", "recorded_by", "acknowledged_by")
            .order_by("-recorded_at", "-pk"))


def handover_get_for(user, pk) -> Handover:
    try:
        return handover_list(handovers_visible_to(user)).prefetch_related("notes__written_by").get(pk=int(pk))
    except (Handover.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def can_record_handover(user, team: Unit) -> bool:
    """§5.3.2 the outgoing member (of ``team``) or a leader of ``team`` records its handover."""
    if leads_unit(user, team):
        return True
    me = own_member(user) if scope.has_role(user, Role.MEMBER) else None
    return me is not None and me.unit_id == team.pk and me.status in ON_ROSTER


def handover_teams_from(user) -> QuerySet[Unit]:
    """The teams the user may record a handover for: their own team, or the teams they lead."""
    everything, paths, me = _unit_parts(user)
    q = Q(pk=me.unit_id) if me is not None and me.status in ON_ROSTER else None
    if everything:
        q = Q(kind=UnitKind.TEAM)
    elif paths:
        part = Q(kind=UnitKind.TEAM, pk__in=_subtree(paths))
        q = part if q is None else q | part
    return Unit.objects.filter(q).order_by("path") if q is not None else Unit.objects.none()


def incoming_teams(team: Unit) -> QuerySet[Unit]:
    """§5.3.2 the teams a handover from ``team`` may go to: itself (the next shift of the same team) and
    the other teams of its squadron."""
    if team.parent_id is None:
        return Unit.objects.filter(pk=team.pk)
    return Unit.objects.filter(Q(pk=team.pk) | Q(parent_id=team.parent_id, kind=team.kind)).order_by("path")


def incoming_teams_for(teams: list[Unit]) -> QuerySet[Unit]:
    """The union of ``incoming_teams`` over several outgoing teams, in one query."""
    q = Q(pk__in=[t.pk for t in teams])
    for kind in {t.kind for t in teams}:
        q |= Q(kind=kind, parent_id__in=[t.parent_id for t in teams if t.kind == kind and t.parent_id])
    return Unit.objects.filter(q).order_by("path")


def can_acknowledge(user, handover: Handover) -> bool:
    """§5.3.2 the incoming side acknowledges: a leader of the incoming team or one of its members, never
    the person who recorded it; once only."""
    if handover.acknowledged or handover.recorded_by_id == getattr(user, "pk", None):
        return False
    if leads_unit(user, handover.to_team):
        return True
    me = own_member(user) if scope.has_role(user, Role.MEMBER) else None
    return me is not None and me.unit_id == handover.to_team_id and me.status in ON_ROSTER


def can_add_note(user, handover: Handover) -> bool:
    """A correction note: the outgoing or incoming side (whoever may see the handover and is part of it)."""
    if leads_unit(user, handover.from_team) or leads_unit(user, handover.to_team):
        return True
    me = own_member(user) if scope.has_role(user, Role.MEMBER) else None
    return me is not None and me.unit_id in (handover.from_team_id, handover.to_team_id)


def awaiting_my_ack(user) -> QuerySet[Handover]:
    """§5.3.2 handovers waiting for the user's acknowledgement: coming into their own team (a member) or
    into a team they lead directly (a line manager assigned at a team), not recorded by themself."""
    q = None
    me = own_member(user) if scope.has_role(user, Role.MEMBER) else None
    if me is not None and me.status in ON_ROSTER:
        q = Q(to_team_id=me.unit_id)
    team_ids = [ra.unit_id for ra in scope.role_assignments(user)
                if ra.role == Role.LINE_MANAGER and ra.unit is not None and ra.unit.kind == UnitKind.TEAM]
    if team_ids:
        part = Q(to_team_id__in=team_ids)
        q = part if q is None else q | part
    if q is None:
        return Handover.objects.none()
    return Handover.objects.filter(q, acknowledged_at__isnull=True).exclude(recorded_by_id=user.pk)


def overdue_handovers(user, now: dt.datetime) -> QuerySet[Handover]:
    """§5.3.2 unacknowledged handovers past their due time (recorded + ``handover_ack_hours``) coming into
    the teams the user leads (administrator and bureau: all) or into their own team."""
    everything, paths, me = _unit_parts(user)
    base = Handover.objects.filter(acknowledged_at__isnull=True, ack_due_at__lt=now)
    if everything:
        return base
    q = None
    if paths:
        q = Q(to_team__in=_subtree(paths))
    if me is not None:
        part = Q(to_team_id=me.unit_id)
        q = part if q is None else q | part
    return base.filter(q) if q is not None else Handover.objects.none()


# ------------------------------------------------------------------------------------------- the day

def team_day_teams(user) -> QuerySet[Unit]:
    """The teams whose day the user may open (leaders only), in tree order."""
    return leader_units(user).filter(kind=UnitKind.TEAM).order_by("path")


def default_team(user) -> Unit | None:
    """The leader's own team: the team they are line manager of, else the first team they may see."""
    for ra in scope.role_assignments(user):
        if ra.role == Role.LINE_MANAGER and ra.unit is not None and ra.unit.kind == UnitKind.TEAM:
            return ra.unit
    return team_day_teams(user).first()


def team_day_unit(user, unit_id) -> Unit:
    try:
        return team_day_teams(user).get(pk=int(unit_id))
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def on_leave_ids(day: dt.date, member_ids: list[int]) -> set[int] | None:
    """Members on approved leave on ``day`` (the leave app's selector); None while the leave app does not
    provide it."""
    try:
        fn = import_module("auxpost.leave.selectors").on_leave_ids
    except (ImportError, AttributeError):
        return None
    return set(fn(day, member_ids=member_ids))


@dataclass
class TeamDay:
    """§5.3 a team's day on one page: rosters with assignments and marks, patrol logs, handovers out and
    in, who is on leave."""

    team: Unit
    day: dt.date
    shifts: list = field(default_factory=list)
    rosters: list = field(default_factory=list)
    members: list = field(default_factory=list)
    marks: dict = field(default_factory=dict)  # (member_id, shift_code) → Mark
    unrostered: list = field(default_factory=list)
    logs: list = field(default_factory=list)
    handovers_out: list = field(default_factory=list)
    handovers_in: list = field(default_factory=list)
    on_leave: set | None = None


def team_day(team: Unit, day: dt.date) -> TeamDay:
    """§5.3 everything of ``team`` on ``day``, in a fixed number of queries (about a dozen)."""
    from auxpost.duty.models import Mark, Roster, RosterAssignment

    members = list(Member.objects.filter(unit=team, status__in=ON_ROSTER).order_by("name", "pk"))
    rosters = list(Roster.objects.filter(team=team, day=day).select_related("area", "work_line")
                   .prefetch_related(Prefetch("assignments", queryset=RosterAssignment.objects
                                              .select_related("member").order_by("group", "member__name", "pk")))
                   .order_by("shift_code", "area__name", "pk"))
    rostered_ids = {a.member_id for r in rosters for a in r.assignments.all()}
    ids = sorted({m.pk for m in members} | rostered_ids)
    marks = {(mk.member_id, mk.shift_code): mk for mk in Mark.objects.filter(day=day, member_id__in=ids)}
    shifts = list(shifts_on(day))
    names = {s.code: s.name for s in shifts}
    for r in rosters:
        r.shift_name = names.get(r.shift_code, r.shift_code)
        for a in r.assignments.all():
            a.mark = marks.get((a.member_id, a.shift_code))
    logs = list(log_list(PatrolLog.objects.filter(team=team, day=day)))
    out = list(handover_list(Handover.objects.filter(from_team=team, day=day)))
    inc = list(handover_list(Handover.objects.filter(to_team=team, to_day=day)))
    for h in out + inc:
        h.shift_name = names.get(h.shift_code, h.shift_code)
        h.to_shift_name = names.get(h.to_shift_code, h.to_shift_code)
    return TeamDay(team=team, day=day, shifts=shifts, rosters=rosters, members=members, marks=marks,
                   unrostered=[m for m in members if m.pk not in rostered_ids], logs=logs,
                   handovers_out=out, handovers_in=inc, on_leave=on_leave_ids(day, ids))
