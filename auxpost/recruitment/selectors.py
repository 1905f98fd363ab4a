"""§5.2.1 reading the hiring campaign, scoped to the caller (§3).

Who sees what:
- plans and their applications: the administrator, the bureau, the staffing office and the HR company
  (within their role's scope, normally the whole district); a line manager the plans of units in their
  subtree (read only); members and assessors nothing;
- probation reviews: the administrator, the bureau and the HR company.

"Not found" and "not yours" are the same 404. ID and phone numbers of applicants are masked for the roles
that do not see personal data (§11 个人信息保护法: the staffing office and line managers).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from auxpost.accounts import scope
from auxpost.accounts.models import Role, Scope
from auxpost.org.models import Unit
from auxpost.people.rules import mask_id_number, mask_phone
from auxpost.recruitment import rules
from auxpost.recruitment.models import Application, HiringPlan, Move, Objection, ProbationReview

PLAN_ROLES = (Role.ADMIN, Role.BUREAU, Role.STAFFING_OFFICE, Role.HR_COMPANY, Role.LINE_MANAGER)
REVIEW_ROLES = (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)


def _q(user, roles_allowed, field: str) -> Q | None:
    q = None
    for ra in scope.role_assignments(user):
        if ra.role not in roles_allowed:
            continue
        if ra.scope == Scope.ALL:
            return Q()
        if ra.scope == Scope.UNIT and ra.unit is not None:
            part = Q(**{f"{field}__in": Unit.objects.filter(path__startswith=ra.unit.path).values("pk")})
        else:
            continue
        q = part if q is None else q | part
    return q


def sees_plans(user) -> bool:
    return _q(user, PLAN_ROLES, "unit") is not None


def sees_reviews(user) -> bool:
    return _q(user, REVIEW_ROLES, "member__unit") is not None


def plans_for(user) -> QuerySet[HiringPlan]:
    """The plans the user may see, newest year first, with their unit and application counts."""
    q = _q(user, PLAN_ROLES, "unit")
    if q is None:
        return HiringPlan.objects.none()
    return (HiringPlan.objects.filter(q).select_related("unit", "work_line")
            .annotate(n_applications=Count("applications"),
                      n_hired=Count("applications", filter=Q(applications__status=rules.HIRED))))


def plan_for(user, pk) -> HiringPlan:
    try:
        return plans_for(user).get(pk=pk)
    except (HiringPlan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def applications_for(user, plan: HiringPlan | None = None) -> QuerySet[Application]:
    q = _q(user, PLAN_ROLES, "plan__unit")
    if q is None:
        return Application.objects.none()
    qs = Application.objects.filter(q).select_related("plan", "plan__unit", "member")
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs


def application_for(user, pk) -> Application:
    try:
        return applications_for(user).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def objection_for(user, pk) -> Objection:
    q = _q(user, PLAN_ROLES, "application__plan__unit")
    if q is None:
        raise Http404
    try:
        return Objection.objects.select_related("application", "application__plan").get(q, pk=pk)
    except (Objection.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def reviews_for(user) -> QuerySet[ProbationReview]:
    q = _q(user, REVIEW_ROLES, "member__unit")
    if q is None:
        return ProbationReview.objects.none()
    return ProbationReview.objects.filter(q).select_related("member", "member__unit", "contract",
                                                            "contract__employer", "bureau_signed_by",
                                                            "hr_signed_by")


def review_for(user, pk) -> ProbationReview:
    try:
        return reviews_for(user).get(pk=pk)
    except (ProbationReview.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def moves_of(*, plan: HiringPlan | None = None, application: Application | None = None,
             review: ProbationReview | None = None) -> QuerySet[Move]:
    qs = Move.objects.select_related("actor")
    if application is not None:
        return qs.filter(application=application)
    if review is not None:
        return qs.filter(review=review)
    return qs.filter(plan=plan, application__isnull=True)


class ApplicantView:
    """§11 what of an applicant's personal data this user sees: the full ID and phone numbers for the
    roles that see personal data (administrator, bureau, HR company), masked for the others."""

    def __init__(self, user):
        self.all = scope.sees_personal_data(user)

    def id_number(self, a: Application) -> str:
        return a.id_number if self.all else mask_id_number(a.id_number)

    def phone(self, a: Application) -> str:
        return a.phone if self.all else mask_phone(a.phone)


def is_bureau(user) -> bool:
    return scope.has_role(user, Role.BUREAU)


def is_staffing(user) -> bool:
    return scope.has_role(user, Role.STAFFING_OFFICE)


def is_hr(user) -> bool:
    return scope.has_role(user, Role.HR_COMPANY)
