"""§9 Incentives — reading: the incentives policy of a version, and the pay sheet of a year.

Who sees pay (§3, §9): the administrator, the bureau and the HR company (the employer, which pays)
see the pay sheet of every member in their scope, ID numbers in full; a member sees their own
allowance and bonus. Line managers, the staffing office and assessors do not see pay: pay is a
matter between the employer, the bureau and the member, and a squadron leader needs no one's salary
to manage the work.

The pay sheet is read in a fixed number of queries whatever the district's size: the published
policy versions, the members, their grade history rows, the year's annual results and the unit names.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.assessment.models import AnnualResult
from auxpost.incentives.rules import (
    HistoryRow,
    IncentivesPolicy,
    MemberFacts,
    PayRow,
    SummaryRow,
    incentives_from_dict,
    pay_row,
    summarise,
    totals,
)
from auxpost.org.selectors import unit_full_names
from auxpost.people.models import GradeHistory, Member, MemberStatus
from auxpost.people.selectors import own_member
from auxpost.policy.models import PolicyStatus, PolicyVersion
from auxpost.policy.rules import PolicyBundle
from auxpost.policy.selectors import IN_FORCE_ORDER, PolicyNotFound

#: Roles that see the pay sheet of every member in their scope.
PAY_ROLES = (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)
MIN_YEAR = 2000


def incentives_policy(bundle_or_version: PolicyBundle | PolicyVersion) -> IncentivesPolicy:
    """§9 the incentives policy of a decoded bundle or a stored version (an empty document — version 1 —
    is the SPEC defaults)."""
    if isinstance(bundle_or_version, PolicyBundle):
        return bundle_or_version.incentives
    return incentives_from_dict(bundle_or_version.incentives, version=bundle_or_version.version)


def can_see_all_pay(user) -> bool:
    return scope.has_role(user, *PAY_ROLES)


def pay_members_for(user) -> QuerySet[Member] | None:
    """The members whose pay the user may see: everyone in a pay role's scope, else only oneself (a
    member), else None (no pay at all: line managers, the staffing office, assessors, no role)."""
    q = scope.member_q(user, roles_allowed=PAY_ROLES)
    if q is not None:
        return Member.objects.filter(q)
    me = own_member(user)
    if me is not None:
        return Member.objects.filter(pk=me.pk)
    return None


@dataclass(frozen=True)
class PaySheet:
    """§9 one year's pay sheet (months 1…``last_month``; the bonus only when the sheet covers the year)."""

    year: int
    last_month: int
    rows: list[PayRow]
    summary: list[SummaryRow]
    total: SummaryRow
    #: month → the policy version in force on its first day; and the one in force on 31 December.
    month_versions: dict[int, str]
    year_end_version: str
    year_end_policy: IncentivesPolicy

    @property
    def full_year(self) -> bool:
        return self.last_month == 12

    def versions_text(self) -> str:
        """"1–6月：1；7–12月：2027.1；年终奖金：2027.1" — which version priced which months."""
        parts = []
        start = 1
        months = sorted(self.month_versions)
        for i, m in enumerate(months):
            nxt = months[i + 1] if i + 1 < len(months) else None
            if nxt is None or self.month_versions[nxt] != self.month_versions[m]:
                span = f"{start}月" if start == m else f"{start}–{m}月"
                parts.append(f"{span}：{self.month_versions[m]}")
                start = m + 1
        if self.full_year:
            parts.append(f"年终奖金：{self.year_end_version}")
        return "；".join(parts)


class PeriodError(ValueError):
    """A bad year or month; ``field`` is "year" or "month"."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def check_period(year, month=None, *, today: dt.date) -> tuple[int, int]:
    """The (year, last month) of a request, or a PeriodError with a Chinese message naming the field."""
    try:
        y = int(str(year).strip())
    except (TypeError, ValueError):
        raise PeriodError(_("Year: “%(value)s” is not a year; enter four digits, e.g. %(example)s.") % {
            "value": year, "example": today.year - 1}, "year") from None
    if not MIN_YEAR <= y <= today.year:
        raise PeriodError(_("Year: %(year)s is outside %(low)s–%(high)s.") % {
            "year": y, "low": MIN_YEAR, "high": today.year}, "year")
    if month in (None, ""):
        return y, 12
    try:
        m = int(str(month).strip())
    except (TypeError, ValueError):
        m = 0
    if not 1 <= m <= 12:
        raise PeriodError(_("Month: “%(value)s” is not a month from 1 to 12.") % {"value": month}, "month")
    return y, m


def _policies(year: int, last_month: int) -> tuple[dict[int, tuple[str, IncentivesPolicy]], tuple]:
    """Month → (version, policy) in force on the month's first day, and the one in force on 31 December —
    one query over the published versions."""
    rows = list(PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED, effective_from__lte=dt.date(year, 12, 31))
                .order_by(*IN_FORCE_ORDER).only("pk", "version", "effective_from", "published_at", "incentives"))
    decoded: dict[int, IncentivesPolicy] = {}

    def on(day: dt.date) -> tuple[str, IncentivesPolicy]:
        for pv in rows:  # newest effective date first
            if pv.effective_from <= day:
                if pv.pk not in decoded:
                    decoded[pv.pk] = incentives_from_dict(pv.incentives, version=pv.version)
                return pv.version, decoded[pv.pk]
        raise PolicyNotFound(_("No published policy version is in force on %(date)s.") % {"date": day.isoformat()})

    per_month = {m: on(dt.date(year, m, 1)) for m in range(1, last_month + 1)}
    return per_month, on(dt.date(year, 12, 31))


def paysheet_compute(*, year: int, last_month: int = 12, members: QuerySet[Member] | None = None) -> PaySheet:
    """§9 the pay sheet of ``year`` up to ``last_month`` for ``members`` (default: everyone).

    Rows: every member employed at some time between 1 January and the end of ``last_month`` (hired by
    then and not separated before the year began), by unit and name. Raises PolicyNotFound when no
    published version is in force on a month's first day."""
    first = dt.date(year, 1, 1)
    period_end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
    per_month, (year_end_version, year_end_policy) = _policies(year, last_month)
    qs = Member.objects.all() if members is None else members
    qs = qs.filter(hire_date__lte=period_end).filter(
        Q(separated_on__gte=first) | (Q(separated_on__isnull=True) & ~Q(status=MemberStatus.SEPARATED)))
    member_rows = list(qs.order_by("unit__path", "name", "id").values_list(
        "id", "name", "id_number", "unit_id", "hire_date", "separated_on"))
    ids = [r[0] for r in member_rows]
    ids_q = qs.values("pk")
    history: dict[int, list[HistoryRow]] = {}
    for member_id, eff, grade in (GradeHistory.objects.filter(member__in=ids_q, effective_date__lte=period_end)
                                  .order_by("member_id", "effective_date", "id")
                                  .values_list("member_id", "effective_date", "grade")):
        history.setdefault(member_id, []).append(HistoryRow(eff, grade))
    bands = dict(AnnualResult.objects.filter(year=year, member__in=ids_q).values_list("member_id", "band"))
    names = unit_full_names() if ids else {}
    policy_for_month = {m: p for m, (_v, p) in per_month.items()}
    rows = [
        pay_row(MemberFacts(member_id=mid, name=name, id_number=idn, unit=names.get(unit_id, ""), hire_date=hire,
                            separated_on=sep, history=tuple(history.get(mid, ())), band=bands.get(mid)),
                year=year, last_month=last_month, policy_for_month=policy_for_month,
                year_end_policy=year_end_policy)
        for mid, name, idn, unit_id, hire, sep in member_rows
    ]
    summary = summarise(rows)
    return PaySheet(year=year, last_month=last_month, rows=rows, summary=summary, total=totals(summary),
                    month_versions={m: v for m, (v, _p) in per_month.items()}, year_end_version=year_end_version,
                    year_end_policy=year_end_policy)
