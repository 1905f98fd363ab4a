"""§7 Reading assessment data, scoped to the caller (§3): a list never shows what a detail refuses.

Who sees what:

- monthly scorecards: line managers (their unit and below), the bureau and the administrator see and
  score members; a member sees their own scores read-only;
- 集中考核 rounds: the bureau and the administrator see every round; an assessor sees only the rounds
  commissioned from its own organisation (§7.1), and only their candidates;
- annual results: the bureau and the administrator see every result; line managers those of their
  unit and below; a member their own.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.assessment.models import AnnualResult, MonthlyScore, SkillsRound, SkillsScore
from auxpost.assessment.rules import LedgerEvent
from auxpost.people.models import ON_ROSTER, Member
from auxpost.points.models import EntryStatus, PointsEntry

#: §7.1 日常考核 is scored by squadrons (line managers) for the bureau.
SCORER_ROLES = (Role.LINE_MANAGER, Role.BUREAU, Role.ADMIN)
#: Roles that run the 集中考核 rounds (create, close) and compute / confirm annual results.
BUREAU_ROLES = (Role.BUREAU, Role.ADMIN)
#: Roles that review an annual result (within their scope).
REVIEWER_ROLES = (Role.LINE_MANAGER, Role.BUREAU, Role.ADMIN)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def previous_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def parse_month(text: str) -> dt.date | None:
    """``2026-03`` → date(2026, 3, 1); None when it is not a year-month."""
    try:
        y, m = str(text).split("-")
        if len(y) != 4:
            return None
        return dt.date(int(y), int(m), 1)
    except (ValueError, TypeError):
        return None


# --- monthly --------------------------------------------------------------------------------


def scorer_members(user) -> QuerySet[Member]:
    """§7.1 the members this user may score (line manager's subtree, or all for bureau/admin)."""
    q = scope.member_q(user, roles_allowed=SCORER_ROLES)
    if q is None:
        return Member.objects.none()
    return Member.objects.filter(q)


def can_score(user, member: Member) -> bool:
    """§7.1 a scorer in scope, and never the member themself."""
    if _has_member(user) and user.member.pk == member.pk:
        return False
    return scorer_members(user).filter(pk=member.pk).exists()


def scorable_member_get(user, pk) -> Member:
    """A member this user may score; otherwise the same 404 as a member that does not exist."""
    try:
        member = scorer_members(user).select_related("unit").get(pk=int(pk))
    except (Member.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if _has_member(user) and user.member.pk == member.pk:
        raise Http404
    return member


def members_for_month(user, month: dt.date) -> QuerySet[Member]:
    """The members a scorer sees for ``month``: in scope and employed during it."""
    first, last = month_bounds(month)
    return (scorer_members(user).filter(hire_date__lte=last)
            .filter(Q(status__in=ON_ROSTER) | Q(separated_on__gte=first))
            .select_related("unit").order_by("unit__path", "name", "id"))


def monthly_scores_visible_to(user) -> QuerySet[MonthlyScore]:
    """Monthly scores of the members the user scores, plus their own."""
    q = scope.member_q(user, roles_allowed=SCORER_ROLES, prefix="member__")
    own = getattr(user.member, "pk", None) if _has_member(user) else None
    if own is not None:
        q = Q(member_id=own) if q is None else q | Q(member_id=own)
    if q is None:
        return MonthlyScore.objects.none()
    return MonthlyScore.objects.filter(q)


def ledger_events(member: Member, month: dt.date) -> list[LedgerEvent]:
    """§7.2 the approved ledger entries (§10) of the member dated in ``month``, oldest first."""
    first, last = month_bounds(month)
    rows = (PointsEntry.objects.filter(member=member, status=EntryStatus.APPROVED, date__gte=first, date__lte=last)
            .order_by("date", "pk").values_list("pk", "date", "rule_code", "rule_name", "points", "quantity"))
    return [LedgerEvent(date=d, rule_code=code, rule_name=name, points=pts, quantity=qty, entry_id=pk)
            for pk, d, code, name, pts, qty in rows]


# --- skills rounds ----------------------------------------------------------------------------


def rounds_visible_to(user) -> QuerySet[SkillsRound]:
    """§7.1 bureau/admin: every round; an assessor: the rounds of its own organisation."""
    if scope.has_role(user, *BUREAU_ROLES):
        return SkillsRound.objects.all()
    if scope.has_role(user, Role.ASSESSOR) and getattr(user, "organisation_id", None):
        return SkillsRound.objects.filter(assessor_id=user.organisation_id)
    return SkillsRound.objects.none()


def round_get_for(user, pk) -> SkillsRound:
    try:
        return rounds_visible_to(user).select_related("assessor").get(pk=int(pk))
    except (SkillsRound.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def scores_visible_to(user) -> QuerySet[SkillsScore]:
    """Candidates (and scores) of the rounds the user sees."""
    return SkillsScore.objects.filter(round__in=rounds_visible_to(user).values("pk"))


def score_get_for(user, pk) -> SkillsScore:
    """One candidate's score row; another organisation's candidate is the same 404 as none."""
    try:
        return scores_visible_to(user).select_related("round", "member").get(pk=int(pk))
    except (SkillsScore.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def can_enter_scores(user, rnd: SkillsRound) -> bool:
    """§7.2 scores are entered by the round's assessor, or by the bureau (e.g. from its sheet)."""
    if scope.has_role(user, *BUREAU_ROLES):
        return True
    return (scope.has_role(user, Role.ASSESSOR) and rnd.assessor_id is not None
            and rnd.assessor_id == getattr(user, "organisation_id", None))


# --- annual results ---------------------------------------------------------------------------


def annual_results_visible_to(user) -> QuerySet[AnnualResult]:
    """§7.3 results of the members the user may review (bureau: all; line managers: subtree), plus own."""
    q = scope.member_q(user, roles_allowed=REVIEWER_ROLES, prefix="member__")
    own = getattr(user.member, "pk", None) if _has_member(user) else None
    if own is not None:
        q = Q(member_id=own) if q is None else q | Q(member_id=own)
    if q is None:
        return AnnualResult.objects.none()
    return AnnualResult.objects.filter(q)


def can_review(user, result: AnnualResult) -> bool:
    q = scope.member_q(user, roles_allowed=REVIEWER_ROLES)
    if q is None:
        return False
    if _has_member(user) and user.member.pk == result.member_id:
        return False
    return Member.objects.filter(q, pk=result.member_id).exists()


def _has_member(user) -> bool:
    try:
        return user.member is not None
    except Exception:  # RelatedObjectDoesNotExist, AnonymousUser
        return False
