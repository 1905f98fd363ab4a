"""§5.2.1 the recruitment steps waiting on a user, for the to-do inbox (``auxpost.core.inbox``).

- the staffing office: hiring plans waiting for its approval;
- the HR company: proposed hires whose 公示 is over with no objection pending, waiting for the contract;
- the bureau and the HR company: probation reviews due (probation over) that still lack their signature;
- the bureau: objections to proposed hires to decide.
Each item is a count, never a list; scoped like the pages.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.core.inbox import TodoItem
from auxpost.recruitment import rules, selectors
from auxpost.recruitment.models import Objection as RecruitmentObjection
from auxpost.recruitment.models import ObjectionStatus


def todo(user) -> list[TodoItem]:
    """§5.2.1 the recruitment steps waiting on ``user`` (see the module docstring)."""
    bureau, staffing, hr = selectors.is_bureau(user), selectors.is_staffing(user), selectors.is_hr(user)
    if not (bureau or staffing or hr):
        return []
    today = timezone.localdate()
    plans_url = reverse("recruitment:plans")
    items: list[TodoItem] = []
    if staffing:
        n = selectors.plans_for(user).filter(status=rules.SUBMITTED).count()
        items.append(TodoItem(key="recruitment.approve", label=_("Recruitment: hiring plans to approve"), count=n,
                              url=f"{plans_url}?status={rules.SUBMITTED}"))
    if hr:
        pending = RecruitmentObjection.objects.filter(application=OuterRef("pk"), status=ObjectionStatus.PENDING)
        n = (selectors.applications_for(user).filter(status=rules.PUBLICITY, publicity_end__lt=today)
             .exclude(Exists(pending)).count())
        items.append(TodoItem(key="recruitment.hire", label=_("Recruitment: proposed hires waiting for the contract"),
                              count=n, url=f"{plans_url}?status={rules.POSTED}"))
    if bureau:
        n = RecruitmentObjection.objects.filter(
            application__in=selectors.applications_for(user), status=ObjectionStatus.PENDING).count()
        items.append(TodoItem(key="recruitment.objections", label=_("Recruitment: objections to decide"), count=n,
                              url=f"{plans_url}?status={rules.POSTED}"))
    if bureau or hr:
        unsigned = {"bureau_signed_by__isnull": True} if bureau else {"hr_signed_by__isnull": True}
        n = selectors.reviews_for(user).filter(status=rules.PENDING, probation_end__lte=today, **unsigned).count()
        items.append(TodoItem(key="recruitment.probation", label=_("Recruitment: probation reviews to sign"), count=n,
                              url=reverse("recruitment:reviews")))
    return items
