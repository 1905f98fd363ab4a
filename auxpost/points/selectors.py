"""§10 Reading the points ledger. Aggregates run in the database, so memory does not grow with
the ledger's size (a province keeps tens of millions of rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, DecimalField, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.org.models import Unit
from auxpost.people.models import ON_ROSTER, Member
from auxpost.people.selectors import own_member
from auxpost.points.models import (
    AnnualPoints,
    AnnualSource,
    AppealStatus,
    EntryStatus,
    PointsAppeal,
    PointsEntry,
)
from auxpost.points.rules import settle_sums
from auxpost.policy.selectors import policy_in_force

#: Rule codes whose counts feed the §7.3 vetoes.
ABSENCE_RULE = "absence"
LATE_RULE = "late"


@dataclass(frozen=True)
class LedgerYear:
    """One member's approved ledger entries of a year, aggregated: Σ points, 旷工 days, lates."""

    member_id: int
    points_sum: int
    entries: int
    absence_days: Decimal
    lates: int
    #: The same sum split by sign (Σ additions ≥ 0, Σ deductions ≤ 0) and the count of each, for the
    #: settlement's explanation (§10); read in the same GROUP BY.
    plus: int = 0
    minus: int = 0
    n_plus: int = 0
    n_minus: int = 0


def ledger_year_aggregates(year: int, member_ids=None) -> dict[int, LedgerYear]:
    """§10/§7.3 per member: Σ approved points dated in ``year``, 旷工 days and late count — one
    GROUP BY query. ``member_ids`` (an iterable or a queryset of ids) narrows it."""
    qs = PointsEntry.objects.filter(
        status=EntryStatus.APPROVED, date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
    )
    if member_ids is not None:
        qs = qs.filter(member_id__in=member_ids)
    # A reversing entry of an absence carries the absence rule with the opposite sign, so the day
    # count nets out by the sign of the points.
    rows = (
        qs.order_by().values("member_id")
        .annotate(
            s=Sum("points"),
            n=Count("id"),
            plus=Coalesce(Sum("points", filter=Q(points__gt=0)), Value(0), output_field=IntegerField()),
            minus=Coalesce(Sum("points", filter=Q(points__lt=0)), Value(0), output_field=IntegerField()),
            n_plus=Count("id", filter=Q(points__gt=0)),
            n_minus=Count("id", filter=Q(points__lt=0)),
            absent=Coalesce(
                Sum("quantity", filter=Q(rule_code=ABSENCE_RULE, points__lt=0)), Value(0),
                output_field=DecimalField(max_digits=9, decimal_places=2),
            )
            - Coalesce(
                Sum("quantity", filter=Q(rule_code=ABSENCE_RULE, points__gt=0)), Value(0),
                output_field=DecimalField(max_digits=9, decimal_places=2),
            ),
            late=Coalesce(Count("id", filter=Q(rule_code=LATE_RULE, points__lt=0)), Value(0),
                          output_field=IntegerField())
            - Coalesce(Count("id", filter=Q(rule_code=LATE_RULE, points__gt=0)), Value(0),
                       output_field=IntegerField()),
        )
        .values_list("member_id", "s", "n", "absent", "late", "plus", "minus", "n_plus", "n_minus")
    )
    # The grouped result has one row per member (never per ledger row), so it is fetched whole: on
    # PostgreSQL ``.iterator()`` would open a server-side cursor, whose GROUP BY is planned without
    # parallel workers (about twice as slow over a 20-million-row year).
    return {
        m: LedgerYear(member_id=m, points_sum=int(s or 0), entries=n, absence_days=Decimal(absent or 0),
                      lates=int(late or 0), plus=int(plus or 0), minus=int(minus or 0), n_plus=int(n_plus or 0),
                      n_minus=int(n_minus or 0))
        for m, s, n, absent, late, plus, minus, n_plus, n_minus in rows
    }


# --------------------------------------------------------------------------------- who sees what

#: §3/§10 who records entries and approves deductions (each within their scope).
MANAGER_ROLES = (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)
#: §10 who decides a member's appeal: the bureau or a line manager with scope over the member.
DECIDER_ROLES = (Role.BUREAU, Role.LINE_MANAGER)
#: §10 who settles a year for the whole district.
SETTLE_ROLES = (Role.ADMIN, Role.BUREAU)
#: Who reads the ledger at all: managers within their scope, a member only their own entries.
VIEW_ROLES = (*MANAGER_ROLES, Role.MEMBER)

PER_PAGE = 50


def member_in_scope(user, member: Member, roles: tuple[str, ...]) -> bool:
    """Whether ``member`` lies within the scope of one of the user's ``roles`` (§3)."""
    q = scope.member_q(user, roles_allowed=roles)
    if q is None:
        return False
    return Member.objects.filter(q, pk=member.pk).exists()


def sees_all(user, roles: tuple[str, ...]) -> bool:
    """Whether one of the user's ``roles`` carries the ALL scope (the whole district)."""
    q = scope.member_q(user, roles_allowed=roles)
    return q is not None and not q


def members_for_entry(user) -> QuerySet[Member]:
    """Members on the roster the user may record points for (line manager, bureau, admin)."""
    q = scope.member_q(user, roles_allowed=MANAGER_ROLES)
    if q is None:
        return Member.objects.none()
    return Member.objects.filter(q, status__in=ON_ROSTER)


def entries_visible_to(user, *, roles: tuple[str, ...] = VIEW_ROLES) -> QuerySet[PointsEntry]:
    """§3/§10 the ledger entries the user may see (member and unit joined); none() when nothing.
    A member sees only their own entries."""
    q = scope.member_q(user, roles_allowed=roles, prefix="member__")
    if q is None:
        return PointsEntry.objects.none()
    return (PointsEntry.objects.filter(q)
            .select_related("member", "member__unit", "recorded_by", "approved_by", "reverses", "reversed_by"))


def entry_get_for(user, pk, *, roles: tuple[str, ...] = VIEW_ROLES) -> PointsEntry:
    """One entry the user may see; a missing and an out-of-scope entry give the same 404."""
    try:
        return entries_visible_to(user, roles=roles).get(pk=int(pk))
    except (PointsEntry.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def approval_queue(user) -> QuerySet[PointsEntry]:
    """§10 pending deductions in the user's scope that someone else recorded (oldest first)."""
    qs = entries_visible_to(user, roles=MANAGER_ROLES).filter(status=EntryStatus.PENDING)
    if user is not None and user.is_authenticated:
        qs = qs.exclude(recorded_by=user)
        own = own_member(user)
        if own is not None:
            qs = qs.exclude(member_id=own.pk)
    return qs.order_by("date", "pk")


def appeals_visible_to(user, *, roles: tuple[str, ...] = (*DECIDER_ROLES, Role.ADMIN, Role.MEMBER)
                       ) -> QuerySet[PointsAppeal]:
    """§10 the appeals the user may see: a member their own, managers those of members in scope."""
    q = scope.member_q(user, roles_allowed=roles, prefix="member__")
    if q is None:
        return PointsAppeal.objects.none()
    return PointsAppeal.objects.filter(q).select_related(
        "entry", "entry__recorded_by", "member", "member__unit", "decided_by", "reversing_entry", "submitted_by")


def appeal_get_for(user, pk, *, roles=(*DECIDER_ROLES, Role.ADMIN, Role.MEMBER)) -> PointsAppeal:
    try:
        return appeals_visible_to(user, roles=roles).get(pk=int(pk))
    except (PointsAppeal.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def appeal_queue(user) -> QuerySet[PointsAppeal]:
    """§10 open appeals the user may decide: in scope of a bureau / line-manager role, not about an
    entry they recorded, not their own (oldest first)."""
    qs = appeals_visible_to(user, roles=DECIDER_ROLES).filter(status=AppealStatus.OPEN)
    if user is not None and user.is_authenticated:
        qs = qs.exclude(entry__recorded_by=user).exclude(member__user=user)
    return qs.order_by("submitted_at", "pk")


def appealable(entry: PointsEntry) -> bool:
    """§10 an approved entry that is not itself a correction and has not been reversed.
    Reads ``reversed_by`` (select it with the entry to stay at one query)."""
    if entry.status != EntryStatus.APPROVED or entry.reverses_id is not None:
        return False
    try:
        entry.reversed_by  # noqa: B018 - the reverse one-to-one raises when there is none
    except PointsEntry.DoesNotExist:
        return True
    return False


@dataclass(frozen=True)
class Balance:
    """§10 a member's points for a year: the base, the approved entries' sums, the settled total
    (clamped) with its explanation, and the stored annual row (settled or imported) if any."""

    year: int
    base: int
    plus: int
    minus: int
    n_plus: int
    n_minus: int
    total: int | Decimal
    explanation: str
    policy_version: str
    stored: AnnualPoints | None

    @property
    def imported(self) -> bool:
        return self.stored is not None and self.stored.source == AnnualSource.IMPORTED

    @property
    def raw(self) -> int:
        return self.base + self.plus + self.minus


def points_balance(member: Member, year: int) -> Balance:
    """§10 base + Σ approved entries of ``year``, clamped (policy in force on 31 December). For a
    year before the ledger, the imported total stands."""
    bundle = policy_in_force(dt.date(year, 12, 31))
    policy = bundle.points
    stored = AnnualPoints.objects.filter(member=member, year=year).first()
    agg = ledger_year_aggregates(year, member_ids=[member.pk]).get(member.pk)
    plus, minus, n_plus, n_minus = (agg.plus, agg.minus, agg.n_plus, agg.n_minus) if agg else (0, 0, 0, 0)
    if stored is not None and stored.source == AnnualSource.IMPORTED:
        total, explanation = stored.total, stored.explanation
    else:
        total, explanation = settle_sums(year, plus=plus, n_plus=n_plus, minus=minus, n_minus=n_minus, policy=policy)
    return Balance(year=year, base=policy.annual_base, plus=plus, minus=minus, n_plus=n_plus, n_minus=n_minus,
                   total=total, explanation=explanation, policy_version=bundle.version, stored=stored)


@dataclass
class LedgerParams:
    """The ledger page's filters (also the API's query parameters)."""

    unit: int | None = None
    q: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    rule: str = ""
    status: str = ""

    @classmethod
    def parse(cls, data) -> LedgerParams:
        def text(key):
            return str(data.get(key) or "").strip()

        def day(key):
            try:
                return dt.date.fromisoformat(text(key)) if text(key) else None
            except ValueError:
                return None

        try:
            unit = int(text("unit")) if text("unit") else None
        except ValueError:
            unit = None
        status = text("status")
        return cls(unit=unit, q=text("q")[:50], date_from=day("date_from"), date_to=day("date_to"),
                   rule=text("rule")[:40], status=status if status in EntryStatus.values else "")


def ledger_filter(qs: QuerySet[PointsEntry], params: LedgerParams) -> QuerySet[PointsEntry]:
    """Narrow an already scoped ledger by unit (and below), member name / ID number, dates, rule, status."""
    if params.unit is not None:
        unit = Unit.objects.filter(pk=params.unit).first()
        qs = qs.filter(member__unit__in=Unit.objects.filter(path__startswith=unit.path).values("pk")) if unit \
            else qs.none()
    if params.q:
        text = params.q
        if text[:1].isdigit():
            qs = qs.filter(member__id_number__iexact=text) if len(text) == 18 else \
                qs.filter(member__id_number__endswith=text)
        else:
            qs = qs.filter(member__name__contains=text)
    if params.date_from:
        qs = qs.filter(date__gte=params.date_from)
    if params.date_to:
        qs = qs.filter(date__lte=params.date_to)
    if params.rule:
        qs = qs.filter(rule_code=params.rule)
    if params.status:
        qs = qs.filter(status=params.status)
    return qs


def paginate(qs, number, per_page: int = PER_PAGE) -> Page:
    return Paginator(qs, per_page).get_page(number)
