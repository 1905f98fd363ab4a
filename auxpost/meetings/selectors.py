"""§5.3.3 会议 reads, scoped to the caller (§3). Every list here is the set its detail page allows.

Who sees a meeting:
- the bureau and the administrator: every meeting;
- a line manager (大队长/中队长/小队长): the meetings of the units in their subtree;
- the host: their meetings;
- a member: the meetings they are expected at.
Who schedules: a line manager for a unit in their subtree, or the bureau (any unit). Who runs one
(sign-in marks, excuses, closing): its host. Who manages one (attendees, host, cancel, a later excuse,
minutes, follow-ups): the host or a leader whose scope holds the meeting's unit.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from auxpost.accounts import scope
from auxpost.accounts.models import Role, RoleAssignment, Scope, User
from auxpost.meetings import rules
from auxpost.meetings.models import Attendee, FollowUp, Meeting, MeetingStatus
from auxpost.org.models import Unit
from auxpost.org.selectors import units_visible_to
from auxpost.people.models import Member, MemberStatus
from auxpost.people.selectors import own_member
from auxpost.policy.daily import DEFAULT as DAILY_DEFAULT
from auxpost.policy.daily import DailyPolicy
from auxpost.policy.selectors import PolicyNotFound, policy_in_force

LEADER_ROLES = (Role.BUREAU, Role.LINE_MANAGER)
VIEW_ROLES = (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)
#: Members expected at a meeting by default: on the roster and at work (停岗 members are not).
DEFAULT_ATTENDEE_STATUSES = (MemberStatus.PROBATION, MemberStatus.ACTIVE)


def daily(on: dt.date) -> DailyPolicy:
    """The daily-links policy in force on ``on`` (the SPEC defaults before any version is published)."""
    try:
        return policy_in_force(on).daily
    except PolicyNotFound:
        return DAILY_DEFAULT


def kinds(on: dt.date) -> list[tuple[str, str]]:
    """§5.3.3 the meeting kinds (code, name) of the policy in force on ``on``."""
    return [(k.code, k.name) for k in daily(on).meetings.kinds]


def local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()


# ------------------------------------------------------------------------------------------- access

def leader_units(user) -> QuerySet[Unit]:
    """Units for which ``user`` schedules and manages meetings (a leader's subtree; the bureau: all)."""
    return units_visible_to(user, roles_allowed=LEADER_ROLES)


def can_schedule(user) -> bool:
    return scope.has_role(user, *LEADER_ROLES)


def meetings_visible_to(user) -> QuerySet[Meeting]:
    if user is None or not user.is_authenticated:
        return Meeting.objects.none()
    q = Q(host=user)
    staff = units_visible_to(user, roles_allowed=VIEW_ROLES)
    if scope.has_role(user, *VIEW_ROLES):
        q |= Q(unit__in=staff.values("pk"))
    me = own_member(user)
    if me is not None:
        q |= Q(pk__in=Attendee.objects.filter(member=me).values("meeting_id"))
    return Meeting.objects.filter(q)


def meeting_for(user, pk) -> Meeting:
    """One meeting the caller may see; "not found" and "not yours" are the same 404."""
    try:
        return meetings_visible_to(user).select_related("unit", "host").get(pk=int(pk))
    except (Meeting.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def is_host(user, meeting: Meeting) -> bool:
    return user is not None and user.is_authenticated and meeting.host_id == user.pk


def can_manage(user, meeting: Meeting) -> bool:
    """The host, or a leader whose scope holds the meeting's unit."""
    if is_host(user, meeting):
        return True
    return leader_units(user).filter(pk=meeting.unit_id).exists()


def host_candidates(unit: Unit) -> QuerySet[User]:
    """Users who may host a meeting of ``unit``: a line manager of the unit or of a unit above it, or the
    bureau."""
    prefixes = []
    parts = unit.path.rstrip("/").split("/")
    for i in range(len(parts)):
        prefixes.append("/".join(parts[: i + 1]) + "/")
    ras = RoleAssignment.objects.filter(
        Q(role=Role.LINE_MANAGER, unit__path__in=prefixes)
        | Q(role=Role.BUREAU, scope=Scope.ALL)
        | Q(role=Role.BUREAU, unit__path__in=prefixes))
    return User.objects.filter(pk__in=ras.values("user_id"), is_active=True).order_by("username")


def member_candidates(user) -> QuerySet[Member]:
    """Members a leader may add to a meeting: on the roster, in the leader's scope."""
    q = scope.member_q(user, roles_allowed=LEADER_ROLES)
    if q is None:
        return Member.objects.none()
    return Member.objects.filter(q, status__in=DEFAULT_ATTENDEE_STATUSES)


def default_attendees(unit: Unit) -> QuerySet[Member]:
    """The unit subtree's members on the roster and at work (the default attendees)."""
    return Member.objects.filter(unit__path__startswith=unit.path, status__in=DEFAULT_ATTENDEE_STATUSES)


# ------------------------------------------------------------------------------------------- lists

def meeting_list(user, *, unit: Unit | None = None, month: dt.date | None = None, status: str = "") -> QuerySet:
    """Meetings in scope (optionally a unit subtree, a month, a status), soonest first, with their tallies
    (one query)."""
    qs = meetings_visible_to(user).select_related("unit", "host")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if month is not None:
        first = month.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        tz = timezone.get_current_timezone()
        qs = qs.filter(starts_at__gte=dt.datetime.combine(first, dt.time(), tz),
                       starts_at__lt=dt.datetime.combine(nxt, dt.time(), tz))
    if status in MeetingStatus.values:
        qs = qs.filter(status=status)
    return qs.annotate(
        n_expected=Count("attendees"),
        n_present=Count("attendees", filter=Q(attendees__outcome=rules.PRESENT)
                        | Q(attendees__signed_in_at__isnull=False)),
        n_absent=Count("attendees", filter=Q(attendees__outcome=rules.ABSENT)),
        n_pending=Count("attendees", filter=Q(attendees__excuse_state=rules.EXCUSE_PENDING)),
    ).order_by("starts_at", "pk")


def attendance_sheet(meeting: Meeting) -> list[Attendee]:
    return list(meeting.attendees.select_related("member", "member__unit", "signed_in_by", "excuse_decided_by")
                .order_by("member__unit__path", "member__name", "pk"))


def my_attendances(member: Member, *, since: dt.datetime) -> list[Attendee]:
    """The member's meetings from ``since`` on (upcoming and recent), soonest first."""
    return list(Attendee.objects.filter(member=member, meeting__ends_at__gte=since)
                .select_related("meeting", "meeting__unit", "meeting__host").order_by("meeting__starts_at", "pk"))


def my_past(member: Member, *, before: dt.datetime, limit: int = 30) -> list[Attendee]:
    return list(Attendee.objects.filter(member=member, meeting__ends_at__lt=before)
                .select_related("meeting", "meeting__unit").order_by("-meeting__starts_at", "-pk")[:limit])


def follow_ups_visible_to(user) -> QuerySet[FollowUp]:
    """Follow-ups of the meetings the caller sees, and their own ones."""
    q = Q(meeting__in=meetings_visible_to(user).values("pk"))
    me = own_member(user)
    if me is not None:
        q |= Q(owner=me)
    return FollowUp.objects.filter(q)


def follow_up_list(user, *, state: str = "", today: dt.date, mine: bool = False) -> QuerySet[FollowUp]:
    qs = follow_ups_visible_to(user).select_related("meeting", "owner", "done_by")
    if mine:
        me = own_member(user)
        qs = qs.filter(owner=me) if me is not None else qs.none()
    if state == "open":
        qs = qs.filter(done_at__isnull=True)
    elif state == "overdue":
        qs = qs.filter(done_at__isnull=True, due_date__lt=today)
    elif state == "done":
        qs = qs.filter(done_at__isnull=False)
    return qs.order_by("done_at", "due_date", "pk")


def can_finish_follow_up(user, fu: FollowUp) -> bool:
    me = own_member(user)
    return (me is not None and fu.owner_id == me.pk) or can_manage(user, fu.meeting)


# ------------------------------------------------------------------------------------------- inbox

def pending_excuses_count(user) -> int:
    return Attendee.objects.filter(meeting__host=user, meeting__status=MeetingStatus.SCHEDULED,
                                   excuse_state=rules.EXCUSE_PENDING).count()


def to_close_count(user, *, now: dt.datetime) -> int:
    """The caller's meetings (as host) that have ended and are not closed yet."""
    return Meeting.objects.filter(host=user, status=MeetingStatus.SCHEDULED, ends_at__lt=now).count()


def my_overdue_count(member: Member, today: dt.date) -> int:
    return FollowUp.objects.filter(owner=member, done_at__isnull=True, due_date__lt=today).count()


def units_visible_to_staff(user) -> QuerySet[Unit]:
    """Units the list page offers as a filter (the caller's staff scope)."""
    return units_visible_to(user, roles_allowed=VIEW_ROLES)


def hosts_for(user) -> QuerySet[User]:
    """Users the scheduling form offers as host: the caller, line managers of units in the caller's scope
    and the bureau (the service checks each against the chosen unit)."""
    ras = RoleAssignment.objects.filter(Q(role=Role.LINE_MANAGER, unit__in=leader_units(user).values("pk"))
                                        | Q(role=Role.BUREAU))
    return User.objects.filter(Q(pk__in=ras.values("user_id")) | Q(pk=user.pk), is_active=True).order_by("username")


def signin_refusal(meeting: Meeting, now: dt.datetime) -> str | None:
    """Why an attendee may not sign in themself at ``now`` (times said in local time), or None."""
    return rules.signin_refusal(now=timezone.localtime(now), starts_at=timezone.localtime(meeting.starts_at),
                                ends_at=timezone.localtime(meeting.ends_at), status=meeting.status)
