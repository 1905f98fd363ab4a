"""§7 to-do items of assessment: last month's 日常考核 scorecards a line manager still has to fill,
and the 集中考核 scores an assessor still has to enter (the dashboard's assessor figures)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.assessment.models import AnnualResult, MonthlyScore, RoundStatus, SkillsScore
from auxpost.assessment.selectors import month_bounds, previous_month
from auxpost.assessment.services import FROZEN
from auxpost.core.inbox import TodoItem
from auxpost.people.models import ON_ROSTER, Member
from auxpost.people.selectors import own_member


def monthly_to_score(user, month: dt.date) -> int:
    """§7.1/§7.2 members in a line manager's units employed during ``month`` without a scorecard
    for it, leaving out the manager themself and years frozen by a confirmed annual result (one query)."""
    q = scope.member_q(user, roles_allowed=(Role.LINE_MANAGER,))
    if q is None:
        return 0
    first, last = month_bounds(month)
    qs = (Member.objects.filter(q, hire_date__lte=last)
          .filter(Q(status__in=ON_ROSTER) | Q(separated_on__gte=first))
          .exclude(pk__in=MonthlyScore.objects.filter(month=first).values("member_id"))
          .exclude(pk__in=AnnualResult.objects.filter(year=first.year, status__in=FROZEN).values("member_id")))
    own = own_member(user)
    if own is not None:
        qs = qs.exclude(pk=own.pk)
    return qs.order_by().count()


def skills_to_enter(user) -> int:
    """§7.1/§7.2 candidates without scores in the open rounds commissioned from the assessor's
    organisation (one query)."""
    org_id = getattr(user, "organisation_id", None)
    if not org_id:
        return 0
    return SkillsScore.objects.filter(round__assessor_id=org_id, round__status=RoundStatus.OPEN,
                                      composite__isnull=True).count()


def todo(user, *, today: dt.date | None = None) -> list[TodoItem]:
    """§7 a line manager's unscored members of last month; an assessor's scores to enter."""
    items = []
    if scope.has_role(user, Role.LINE_MANAGER):
        month = previous_month(today or timezone.localdate())
        items.append(TodoItem(
            "assessment.monthly", _("Monthly scorecards of %(month)s to fill") % {"month": f"{month:%Y-%m}"},
            monthly_to_score(user, month), f"{reverse('assessment:monthly')}?month={month:%Y-%m}"))
    if scope.has_role(user, Role.ASSESSOR):
        items.append(TodoItem("assessment.skills", _("Centralised assessment scores to enter"),
                              skills_to_enter(user), reverse("assessment:rounds")))
    return items

