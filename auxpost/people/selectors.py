"""§4.1 reads of the roster, scoped to the caller (§3 数据权限) — the list, the detail page, the API and
the export all start from ``members_visible_to`` so a list never shows what a detail page refuses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.org.models import Unit
from auxpost.people.models import ON_ROSTER, GradeHistory, Member, MemberStatus
from auxpost.people.rules import mask_id_number, mask_phone

# Who may see the roster list, and who may write to it (create / edit). Line managers read only:
# phone numbers are personal data they see masked, and the record is kept by the employer.
LIST_ROLES = (Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU, Role.LINE_MANAGER, Role.HR_COMPANY, Role.ASSESSOR)
EDITOR_ROLES = (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)

PER_PAGE = 50
CERT_EXPIRY_WARNING_DAYS = 30  # §5.2.3 (cfg) reminder window when no policy version is in force


def cert_reminder_days(on: dt.date) -> int:
    """§5.2.3 (cfg) how many days before expiry a certificate is flagged: the workforce policy in force
    on ``on`` (the SPEC default before any version is published)."""
    from auxpost.policy.selectors import PolicyNotFound, policy_in_force

    try:
        return policy_in_force(on).workforce.certificates.reminder_days
    except PolicyNotFound:
        return CERT_EXPIRY_WARNING_DAYS

SORTS: dict[str, tuple] = {
    "name": (F("name").asc(), "id"),
    "-name": (F("name").desc(), "-id"),
    "hire_date": ("hire_date", "id"),
    "-hire_date": ("-hire_date", "-id"),
    "grade": (F("grade").asc(nulls_last=True), "name", "id"),
    "-grade": (F("grade").desc(nulls_last=True), "-name", "-id"),
    "unit": ("unit__path", "name", "id"),
    "-unit": ("-unit__path", "name", "id"),
    "cert": (F("cert_valid_until").asc(nulls_last=True), "id"),
    "-cert": (F("cert_valid_until").desc(nulls_last=True), "id"),
}
DEFAULT_SORT = "unit"
STATUS_FILTERS = ("", "all", *MemberStatus.values)
CERT_FILTERS = ("", "expired", "expiring", "missing", "valid")
_NUMBER_RE = re.compile(r"^[0-9]+[0-9Xx]?$")


def members_visible_to(user, *, roles_allowed: tuple[str, ...] | None = None) -> QuerySet[Member]:
    """§3 the members the user may see (with unit and work line joined); none() when nothing."""
    q = scope.member_q(user, roles_allowed=roles_allowed)
    if q is None:
        return Member.objects.none()
    return Member.objects.filter(q).select_related("unit", "work_line")


def member_get_for(user, pk, *, roles_allowed: tuple[str, ...] | None = None) -> Member:
    """One member the user may see; a missing and an out-of-scope member give the same 404."""
    try:
        return members_visible_to(user, roles_allowed=roles_allowed).get(pk=int(pk))
    except (Member.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def own_member(user) -> Member | None:
    """The member record linked to this login, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.member
    except Member.DoesNotExist:
        return None


def can_edit(user, member: Member | None = None) -> bool:
    """Whether the user may create members (no ``member``) or edit this one (within an editor role's scope)."""
    if not scope.has_role(user, *EDITOR_ROLES):
        return False
    if member is None:
        return True
    return members_visible_to(user, roles_allowed=EDITOR_ROLES).filter(pk=member.pk).exists()


def grade_history_of(member: Member) -> QuerySet[GradeHistory]:
    """§4.3 the member's dated grade history, oldest first."""
    return member.grade_history.select_related("recorded_by").order_by("effective_date", "id")


@dataclass(frozen=True)
class RosterParams:
    """The list's filters, cleaned (unknown values are dropped, never an error)."""

    q: str = ""
    unit: int | None = None
    grade: int | None = None
    work_line: int | None = None
    status: str = ""
    cert: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def parse(cls, params: Mapping | RosterParams | None) -> RosterParams:
        if isinstance(params, RosterParams):
            return params
        params = params or {}

        def get(key):
            value = params.get(key, "")
            return (value if isinstance(value, str) else str(value)).strip()

        def as_int(key, lo=1, hi=None):
            try:
                n = int(get(key))
            except ValueError:
                return None
            if n < lo or (hi is not None and n > hi):
                return None
            return n

        status = get("status")
        cert = get("cert")
        sort = get("sort")
        return cls(
            q=get("q")[:50],
            unit=as_int("unit"),
            grade=as_int("grade", 1, 5),
            work_line=as_int("work_line"),
            status=status if status in STATUS_FILTERS else "",
            cert=cert if cert in CERT_FILTERS else "",
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )

    def active_filters(self) -> dict:
        """The filters that differ from the defaults (for the export's audit entry)."""
        default = RosterParams()
        return {k: v for k, v in asdict(self).items() if v != getattr(default, k)}


def roster_filter(qs: QuerySet[Member], params: Mapping | RosterParams | None, *, today: dt.date | None = None,
                  personal_data: bool = True) -> QuerySet[Member]:
    """§4.1 the roster list's search, filters and order, applied to an already scoped queryset.

    ``q`` matches a name (contains) or an ID / phone number (whole, or its last digits). Callers who
    only see masked numbers (``personal_data=False``) can search by the last 4 characters they see
    or by a whole number, never by a longer tail, so searching cannot uncover masked digits.
    Status defaults to "on the roster" (probation, active, suspended); "all" and each status are
    selectable. Certificates: expired / expiring within 30 days / missing / valid (not expired).
    """
    p = RosterParams.parse(params)
    today = today or timezone.localdate()
    if p.q:
        qs = qs.filter(_search_q(p.q, personal_data))
    if p.unit is not None:
        path = Unit.objects.filter(pk=p.unit).values_list("path", flat=True).first()
        # An IN over the (small) subtree's unit ids lets the database walk the member index per
        # unit instead of joining and scanning every member (bench/roster.py).
        qs = qs.filter(unit__in=Unit.objects.filter(path__startswith=path).values("pk")) if path else qs.none()
    if p.grade is not None:
        qs = qs.filter(grade=p.grade)
    if p.work_line is not None:
        qs = qs.filter(work_line_id=p.work_line)
    if p.status == "":
        qs = qs.filter(status__in=ON_ROSTER)
    elif p.status != "all":
        qs = qs.filter(status=p.status)
    if p.cert == "expired":
        qs = qs.filter(cert_valid_until__lt=today)
    elif p.cert == "expiring":
        qs = qs.filter(cert_valid_until__gte=today,
                       cert_valid_until__lte=today + dt.timedelta(days=cert_reminder_days(today)))
    elif p.cert == "missing":
        qs = qs.filter(cert_valid_until__isnull=True)
    elif p.cert == "valid":
        qs = qs.filter(cert_valid_until__gte=today)
    return qs.order_by(*SORTS[p.sort])


def _search_q(text: str, personal_data: bool) -> Q:
    if not _NUMBER_RE.match(text):
        # Chinese has no letter case: a plain LIKE spares PostgreSQL an UPPER() per row.
        return Q(name__icontains=text) if any(c.isascii() and c.isalpha() for c in text) else Q(name__contains=text)
    number = text.upper()
    if len(number) == 18:
        return Q(id_number=number)
    if len(number) == 11 and number.startswith("1"):
        tail = Q(id_number__endswith=number) if personal_data else Q(pk__in=[])
        return Q(phone=number) | tail
    if not personal_data and len(number) > 4:
        return Q(pk__in=[])
    return Q(id_number__endswith=number) | Q(phone__endswith=number)


def roster_page(qs: QuerySet[Member], number, *, per_page: int = PER_PAGE) -> Page:
    """One page of the list: a query for the page and one for the count."""
    return Paginator(qs, per_page).get_page(number)


def cert_state(member: Member, today: dt.date, reminder_days: int | None = None) -> str:
    """missing / expired / expiring / valid, for the certificate badge (§5.2.3); ``reminder_days``
    defaults to the policy's (pass it when badging many members)."""
    until = member.cert_valid_until
    if until is None:
        return "missing"
    if until < today:
        return "expired"
    if reminder_days is None:
        reminder_days = cert_reminder_days(today)
    if until <= today + dt.timedelta(days=reminder_days):
        return "expiring"
    return "valid"


def certificate_refusal(member: Member, on: dt.date) -> str | None:
    """§5.2.3 No valid certificate, no duty: why ``member`` cannot be put on duty on ``on`` (None: they
    can). The message names the member and the certificate (number and expiry date), in the user's
    language. Duty rosters and any other place that puts a member on duty call this (or
    ``certificate_refusals`` for many members)."""
    if not member.cert_number or member.cert_valid_until is None:
        return _("%(name)s has no duty certificate (上岗证) on record and cannot be put on duty.") % {
            "name": member.name}
    if member.cert_valid_until < on:
        return _("%(name)s's duty certificate %(number)s expired on %(date)s and cannot be used for duty on "
                 "%(on)s.") % {"name": member.name, "number": member.cert_number,
                               "date": member.cert_valid_until.isoformat(), "on": on.isoformat()}
    return None


def certificate_refusals(members, on: dt.date) -> dict[int, str]:
    """§5.2.3 member id → refusal, for every member of ``members`` who cannot be put on duty on ``on``."""
    out = {}
    for m in members:
        why = certificate_refusal(m, on)
        if why:
            out[m.pk] = why
    return out


class PersonalDataView:
    """§11 个人信息保护法: what of a member's personal data this user sees.

    Full ID number, phone and birth date for the roles that need them and for the member
    themself; otherwise masked numbers and the age instead of the birth date (the masked part of
    an ID number is the birth date, so showing both would undo the mask). Decided once per request.
    """

    def __init__(self, user):
        self.all = scope.sees_personal_data(user)
        own = own_member(user)
        self.own_member_id = own.pk if own is not None else None

    def reveals(self, member: Member) -> bool:
        return self.all or member.pk == self.own_member_id

    def id_number(self, member: Member) -> str:
        return member.id_number if self.reveals(member) else mask_id_number(member.id_number)

    def phone(self, member: Member) -> str:
        return member.phone if self.reveals(member) else mask_phone(member.phone)

    def birth_date(self, member: Member) -> dt.date | None:
        return member.birth_date if self.reveals(member) else None


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
