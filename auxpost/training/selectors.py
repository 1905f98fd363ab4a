"""§5.2.2/§5.2.3 reads, scoped to the caller (§3). Every list here is the set its detail page allows.

Who sees what:
- courses and sessions (no personal data): the administrator, the staffing office, the bureau, line
  managers and the HR company; the bureau (and the administrator) manage them;
- training records and certificates: the members in the caller's scope (``member_q``), a member only
  themself; assessors see nothing here;
- attendance and scores are entered by the bureau (all) and line managers (their subtree).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.org.models import Unit
from auxpost.people.models import ON_ROSTER, Member
from auxpost.people.selectors import cert_reminder_days
from auxpost.policy.selectors import PolicyNotFound, policy_in_force
from auxpost.policy.workforce import DEFAULT as WORKFORCE_DEFAULT
from auxpost.policy.workforce import WorkforcePolicy
from auxpost.training import rules
from auxpost.training.models import Certificate, CertStatus, Course, Session, TrainingRecord

STAFF_ROLES = (Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU, Role.LINE_MANAGER, Role.HR_COMPANY)
RECORD_ROLES = STAFF_ROLES + (Role.MEMBER,)
ENTRY_ROLES = (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)
MANAGE_ROLES = (Role.ADMIN, Role.BUREAU)
ISSUE_ROLES = (Role.BUREAU,)


def _h(value) -> Decimal:
    """Hours as one-decimal Decimals (SQLite sums come back as int or float)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.1"))


def workforce(on: dt.date) -> WorkforcePolicy:
    """The workforce policy in force on ``on`` (the SPEC defaults before any version is published)."""
    try:
        return policy_in_force(on).workforce
    except PolicyNotFound:
        return WORKFORCE_DEFAULT


# ------------------------------------------------------------------------------------------- access

def can_view_courses(user) -> bool:
    return scope.has_role(user, *STAFF_ROLES)


def can_manage_courses(user) -> bool:
    return scope.has_role(user, *MANAGE_ROLES)


def can_enter_attendance(user) -> bool:
    return scope.has_role(user, *ENTRY_ROLES)


def can_issue_certificates(user) -> bool:
    return scope.has_role(user, *ISSUE_ROLES)


def members_visible_to(user) -> QuerySet[Member]:
    """Members whose training record and certificates ``user`` may see (a member: only themself)."""
    q = scope.member_q(user, roles_allowed=RECORD_ROLES)
    if q is None:
        return Member.objects.none()
    return Member.objects.filter(q)


def staff_members_visible_to(user) -> QuerySet[Member]:
    """The same, through the staff roles only (lists of other people: shortfall, certificates)."""
    q = scope.member_q(user, roles_allowed=STAFF_ROLES)
    if q is None:
        return Member.objects.none()
    return Member.objects.filter(q)


def entry_members_for(user) -> QuerySet[Member]:
    """Members whose attendance and scores ``user`` may record."""
    q = scope.member_q(user, roles_allowed=ENTRY_ROLES)
    if q is None:
        return Member.objects.none()
    return Member.objects.filter(q)


def member_for(user, pk) -> Member:
    """One member's training page: 404 (Member.DoesNotExist) when out of scope."""
    return members_visible_to(user).select_related("unit").get(pk=pk)


def courses_for(user) -> QuerySet[Course]:
    if not can_view_courses(user):
        return Course.objects.none()
    return Course.objects.annotate(session_count=Count("sessions"))


def sessions_for(user) -> QuerySet[Session]:
    if not can_view_courses(user):
        return Session.objects.none()
    return Session.objects.select_related("course")


def units_below(units) -> QuerySet[Unit]:
    """The invited units and every unit below them."""
    q = Q(pk__in=[])
    for u in units:
        q |= Q(path__startswith=u.path)
    return Unit.objects.filter(q)


def session_members(session: Session, user) -> QuerySet[Member]:
    """The members on the roster invited to ``session`` (its units and below) that ``user`` may enter."""
    units = list(session.units.all())
    return (entry_members_for(user).filter(unit__in=units_below(units).values("pk"), status__in=ON_ROSTER)
            .select_related("unit").order_by("unit__path", "name", "pk"))


# ------------------------------------------------------------------------------------------ records

def effective_records() -> QuerySet[TrainingRecord]:
    """Rows that count: neither a reversal nor reversed."""
    return TrainingRecord.objects.filter(reverses__isnull=True, reversed_by__isnull=True)


def session_current(session: Session, member_ids) -> dict[int, TrainingRecord]:
    """member id → their effective record of ``session``."""
    return {r.member_id: r for r in effective_records().filter(session=session, member_id__in=list(member_ids))}


def records_of(member: Member) -> list[TrainingRecord]:
    """The member's ledger, newest first, reversals included (the page marks them)."""
    return list(TrainingRecord.objects.filter(member=member).select_related("course", "session", "reverses",
                                                                            "recorded_by")
                .order_by("-date", "-pk"))


def annual_hours_by_member(member_ids, year: int) -> dict[int, Decimal]:
    """member id → hours counting toward ``year``'s annual requirement (one query)."""
    rows = (effective_records().filter(member_id__in=member_ids, date__year=year,
                                       category__in=rules.ANNUAL_COUNTING)
            .order_by().values("member_id").annotate(total=Sum("hours")))
    return {r["member_id"]: _h(r["total"]) for r in rows}


@dataclass
class InductionStatus:
    hours: Decimal = Decimal(0)
    best_score: Decimal | None = None


def induction_status(member_ids) -> dict[int, InductionStatus]:
    """member id → induction hours (ever) and best induction exam score (one query)."""
    rows = (effective_records().filter(member_id__in=member_ids, category=rules.INDUCTION).order_by()
            .values("member_id").annotate(total=Sum("hours"), best=Max("score")))
    return {r["member_id"]: InductionStatus(_h(r["total"]), None if r["best"] is None else _h(r["best"]))
            for r in rows}


def hours_in_window(member: Member, first: dt.date, last: dt.date) -> Decimal:
    total = (effective_records().filter(member=member, date__gte=first, date__lte=last,
                                        category__in=rules.ANNUAL_COUNTING).aggregate(t=Sum("hours"))["t"])
    return _h(total)


@dataclass
class MemberSummary:
    """A member's training at a glance: this year's annual requirement, induction, promotion, by category."""

    requirement: rules.Requirement
    by_category: dict = field(default_factory=dict)
    induction: InductionStatus = field(default_factory=InductionStatus)
    induction_required: Decimal = Decimal(0)
    promotion_hours: Decimal = Decimal(0)
    promotion_required: Decimal = Decimal(0)
    pass_score: Decimal = Decimal(0)


def member_summary(member: Member, year: int, today: dt.date) -> MemberSummary:
    policy = workforce(today)
    recs = (effective_records().filter(member=member).order_by()
            .values("category", "date__year").annotate(total=Sum("hours")))
    by_category: dict[str, Decimal] = {}
    actual = Decimal(0)
    for r in recs:
        if r["date__year"] == year:
            by_category[r["category"]] = by_category.get(r["category"], Decimal(0)) + _h(r["total"])
            if r["category"] in rules.ANNUAL_COUNTING:
                actual += _h(r["total"])
    since = member.grade_effective_date or member.hire_date
    promo = (effective_records().filter(member=member, category=rules.PROMOTION, date__gte=since)
             .aggregate(t=Sum("hours"))["t"])
    req = rules.annual_requirement(year=year, actual=actual, required=policy.training.annual_hours,
                                   hire_date=member.hire_date)
    return MemberSummary(requirement=req, by_category=by_category,
                         induction=induction_status([member.pk]).get(member.pk, InductionStatus()),
                         induction_required=policy.training.induction_hours, promotion_hours=_h(promo),
                         promotion_required=policy.training.promotion_hours, pass_score=policy.training.pass_score)


# ---------------------------------------------------------------------------------------- shortfall

@dataclass
class ShortRow:
    member: Member
    requirement: rules.Requirement


def shortfall(user, *, year: int, unit: Unit | None = None, today: dt.date) -> list[ShortRow]:
    """§5.2.2 members on the roster (in the caller's scope, optionally under ``unit``) short of ``year``'s
    annual hours. Two queries: the members, then their hours."""
    policy = workforce(dt.date(year, 12, 31) if year < today.year else today)
    members = staff_members_visible_to(user).filter(status__in=ON_ROSTER, hire_date__lt=dt.date(year, 1, 1))
    if unit is not None:
        members = members.filter(unit__path__startswith=unit.path)
    members = list(members.select_related("unit").order_by("unit__path", "name", "pk"))
    hours = annual_hours_by_member([m.pk for m in members], year)
    out = []
    for m in members:
        req = rules.annual_requirement(year=year, actual=hours.get(m.pk, Decimal(0)),
                                       required=policy.training.annual_hours, hire_date=m.hire_date)
        if not req.met:
            out.append(ShortRow(m, req))
    return out


# ------------------------------------------------------------------------------------- certificates

def current_certificate(member: Member) -> Certificate | None:
    return Certificate.objects.filter(member=member, status=CertStatus.VALID).first()


def certificates_of(member: Member) -> list[Certificate]:
    return list(Certificate.objects.filter(member=member).order_by("-issued_on", "-pk"))


CERT_FILTERS = ("expiring", "expired", "missing", "valid")


def certificate_members(user, *, today: dt.date, state: str = "", unit: Unit | None = None,
                        days: int | None = None) -> QuerySet[Member]:
    """Members on the roster in the caller's scope with their current certificate (the mirror fields),
    filtered by state: expiring (within reminder_days), expired, missing, valid (not expired)."""
    days = cert_reminder_days(today) if days is None else days
    qs = staff_members_visible_to(user).filter(status__in=ON_ROSTER)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if state == "expiring":
        qs = qs.filter(cert_valid_until__gte=today, cert_valid_until__lte=today + dt.timedelta(days=days))
    elif state == "expired":
        qs = qs.filter(cert_valid_until__lt=today)
    elif state == "missing":
        qs = qs.filter(Q(cert_valid_until__isnull=True) | Q(cert_number=""))
    elif state == "valid":
        qs = qs.filter(cert_valid_until__gte=today).exclude(cert_number="")
    return qs.select_related("unit").order_by("cert_valid_until", "name", "pk")


@dataclass(frozen=True)
class Expiring:
    member_id: int
    name: str
    number: str
    valid_until: dt.date | None
    state: str  # expiring / expired / missing
    days_left: int | None


def expiring_certificates(user, today: dt.date, *, limit: int = 20) -> list[Expiring]:
    """§5.2.3 reminders for the home pages: certificates in ``user``'s scope (a member: their own) that
    expire within reminder_days (cfg) or have expired, soonest first; at most ``limit``. One query."""
    days = cert_reminder_days(today)
    qs = members_visible_to(user).filter(status__in=ON_ROSTER, cert_valid_until__lte=today + dt.timedelta(days=days))
    rows = qs.order_by("cert_valid_until", "name", "pk").values("id", "name", "cert_number", "cert_valid_until")
    out = []
    for r in rows[:limit]:
        until = r["cert_valid_until"]
        out.append(Expiring(r["id"], r["name"], r["cert_number"], until, rules.cert_state(until, today, days),
                            (until - today).days))
    return out


def cert_counts(user, today: dt.date, days: int | None = None) -> dict[str, int]:
    """How many members on the roster in the staff scope are expiring / expired / missing (one query)."""
    days = cert_reminder_days(today) if days is None else days
    return staff_members_visible_to(user).filter(status__in=ON_ROSTER).aggregate(
        expiring=Count("id", filter=Q(cert_valid_until__gte=today,
                                      cert_valid_until__lte=today + dt.timedelta(days=days))),
        expired=Count("id", filter=Q(cert_valid_until__lt=today)),
        missing=Count("id", filter=Q(cert_valid_until__isnull=True) | Q(cert_number="")),
    )


def cert_state_label(state: str) -> str:
    return {"missing": _("No certificate"), "expired": _("Certificate expired"),
            "expiring": _("Certificate expiring soon"), "ok": _("Certificate valid")}.get(state, state)
