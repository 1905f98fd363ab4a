"""§5.2.4 Reading separation cases, protection records and what is waiting to be proposed, scoped (§3).

Who sees what:
- cases: the administrator, the bureau and the HR company within their role's scope (normally the whole
  district); a line manager the cases of members in their units (they record returned items); a member
  only their own cases.
- protection records (personal, health-related): the administrator, the bureau and the HR company.
- the pick-up list (evaluation proposals, consecutive 不合格 years) and upcoming retirements: the bureau and
  the administrator (upcoming retirements also the HR company, who executes them).

"Not found" and "not yours" are the same 404 (``case_for``, ``member_for``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.people.models import ON_ROSTER, Member
from auxpost.separation import rules
from auxpost.separation.models import ProtectionRecord, SeparationCase

CASE_ROLES = (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY, Role.LINE_MANAGER, Role.MEMBER)
PROTECTION_ROLES = (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)
PICKUP_ROLES = (Role.ADMIN, Role.BUREAU)
RETIREMENT_ROLES = (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)
#: Roles offered the new-proposal form.
PROPOSE_ROLES = (Role.BUREAU,)


def case_q(user) -> Q | None:
    """A Q over SeparationCase for what the user may see (None: nothing)."""
    return scope.member_q(user, roles_allowed=CASE_ROLES, prefix="member__")


def cases_for(user, *, status: str = "", ground: str = "", unit_id: int | None = None) -> QuerySet[SeparationCase]:
    q = case_q(user)
    if q is None:
        return SeparationCase.objects.none()
    qs = SeparationCase.objects.filter(q).select_related("member", "member__unit")
    if status == "open":
        qs = qs.filter(status__in=rules.OPEN_STATES)
    elif status:
        qs = qs.filter(status=status)
    if ground:
        qs = qs.filter(ground=ground)
    if unit_id:
        from auxpost.org.models import Unit

        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None:
            return SeparationCase.objects.none()
        qs = qs.filter(member__unit__in=Unit.objects.filter(path__startswith=unit.path).values("pk"))
    return qs.order_by("-proposed_on", "-pk")


def case_for(user, pk) -> SeparationCase:
    q = case_q(user)
    if q is None:
        raise Http404
    case = (SeparationCase.objects.filter(q).select_related("member", "member__unit", "member__user", "proposed_by",
                                                            "reviewed_by", "executed_by").filter(pk=pk).first())
    if case is None:
        raise Http404
    return case


def own_member(user) -> Member | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.member
    except Exception:  # RelatedObjectDoesNotExist
        return None


def member_for(user, pk, *, roles_allowed=PROTECTION_ROLES) -> Member:
    """A member the user may see in one of ``roles_allowed`` (404 otherwise)."""
    q = scope.member_q(user, roles_allowed=roles_allowed)
    if q is None:
        raise Http404
    member = Member.objects.filter(q).select_related("unit").filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def protection_records(member: Member) -> list[ProtectionRecord]:
    return list(ProtectionRecord.objects.filter(member=member).select_related("recorded_by", "supersedes")
                .order_by("start", "pk"))


def members_for_select(user, *, roles_allowed=PROPOSE_ROLES, on_roster: bool = True) -> QuerySet[Member]:
    q = scope.member_q(user, roles_allowed=roles_allowed)
    if q is None:
        return Member.objects.none()
    qs = Member.objects.filter(q)
    if on_roster:
        qs = qs.filter(status__in=ON_ROSTER)
    return qs.select_related("unit").order_by("name", "pk")


# ------------------------------------------------------------------------------------ pick-up


def pending_evaluation_proposals(user):
    """§7.4 Separation proposals of grade evaluation rounds not yet taken up, members still on the roster."""
    from auxpost.evaluation.models import SeparationProposal

    if not scope.has_role(user, *PICKUP_ROLES):
        return SeparationProposal.objects.none()
    return (SeparationProposal.objects.filter(taken_up_at__isnull=True, member__status__in=ON_ROSTER)
            .exclude(member__separation_cases__status__in=rules.OPEN_STATES)
            .select_related("member", "member__unit", "candidate__round").order_by("proposed_on", "pk"))


@dataclass(frozen=True)
class FailPair:
    member: Member
    year1: int
    year2: int

    @property
    def ref(self) -> str:
        return f"{self.member.pk}:{self.year1}-{self.year2}"


def annual_fail_pairs(*, member_ids: list[int] | None = None) -> list[FailPair]:
    """§7.4 Members on the roster whose two consecutive final annual results are 不合格 (the latest such
    pair each), without an open case and not yet taken up (a case from this pair exists)."""
    from auxpost.assessment.models import AnnualResult
    from auxpost.separation.services import FINAL_RESULT_STATUSES

    rows = AnnualResult.objects.filter(band="fail", status__in=FINAL_RESULT_STATUSES, member__status__in=ON_ROSTER)
    if member_ids is not None:
        rows = rows.filter(member_id__in=member_ids)
    years: dict[int, set[int]] = {}
    for mid, year in rows.values_list("member_id", "year"):
        years.setdefault(mid, set()).add(year)
    latest: dict[int, tuple[int, int]] = {}
    for mid, ys in years.items():
        pairs = [(y - 1, y) for y in ys if y - 1 in ys]
        if pairs:
            latest[mid] = max(pairs)
    if not latest:
        return []
    taken = set(SeparationCase.objects.filter(source=rules.ANNUAL_RESULT, member_id__in=list(latest))
                .values_list("source_ref", flat=True))
    open_ids = set(SeparationCase.objects.filter(member_id__in=list(latest), status__in=rules.OPEN_STATES)
                   .values_list("member_id", flat=True))
    members = Member.objects.select_related("unit").in_bulk(list(latest))
    out = []
    for mid, (y1, y2) in sorted(latest.items()):
        if mid in open_ids or f"{mid}:{y1}-{y2}" in taken:
            continue
        out.append(FailPair(members[mid], y1, y2))
    return out


def upcoming_retirements(user, today: dt.date, *, within_days: int = 365):
    """§5.2.4 (member, RetirementDue) whose retirement proposal is due within ``within_days``, no open case."""
    from auxpost.separation.services import retirements_due

    if not scope.has_role(user, *RETIREMENT_ROLES):
        return []
    q = scope.member_q(user, roles_allowed=RETIREMENT_ROLES)
    if q is None:
        return []
    rows = retirements_due(today, within_days=within_days)
    if q == Q():
        return rows
    visible = set(Member.objects.filter(q, pk__in=[m.pk for m, _d in rows]).values_list("pk", flat=True))
    return [(m, d) for m, d in rows if m.pk in visible]


# ------------------------------------------------------------------------------------ actions

#: The case moves a person takes from the case page, in the order they are offered.
CASE_ACTIONS = ("approve", "refuse", "execute", "return_item", "archive", "cancel")


def case_actions(user, case: SeparationCase) -> list[str]:
    """The moves ``user`` may take on ``case`` now (the services check again): by state and role; the
    member only withdraws their own resignation before review; archive once the separation took effect."""
    roles = scope.roles(user)
    own = own_member(user)
    out = []
    for action in CASE_ACTIONS:
        if action == "return_item":
            if case.status != rules.EXECUTED:
                continue
        elif (case.status, action) not in rules.FLOW:
            continue
        if action == "archive" and case.effect_applied_at is None:
            continue
        allowed = roles & set(rules.ACTION_ROLES[action]) - {Role.MEMBER}
        if not allowed and Role.MEMBER in roles and rules.MEMBER in rules.ACTION_ROLES[action]:
            if own is not None and own.pk == case.member_id and case.ground == rules.RESIGNATION \
                    and case.status == rules.PROPOSED:
                allowed = {Role.MEMBER}
        if allowed:
            out.append(action)
    return out


def items_missing(case: SeparationCase) -> list[str]:
    got = {r.item for r in case.returned_items.all()}
    return [i for i in rules.ITEMS if i not in got]
