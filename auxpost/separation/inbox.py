"""§5.2.4 the separation steps waiting on a user, for the to-do inbox (``auxpost.core.inbox``).

Per role:
- the bureau: proposed cases to review; cases whose items are all returned and that took effect, to archive;
  proposals to take up (grade evaluation rounds, two consecutive 不合格 years); retirements due within
  the notice period without a case yet (the daily ``separation-propose`` will propose them);
- the HR company: approved cases to execute (end the contract); executed cases with items still out;
  retirements coming within the notice period;
- a line manager: executed cases of their units' members with items still out (the squadron receives them).
Each item is a count, never a list.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.core.inbox import TodoItem
from auxpost.separation import rules, selectors
from auxpost.separation.models import SeparationCase


def _cases_url(status: str) -> str:
    return f"{reverse('separation:cases')}?status={status}"


def _q(user, role):
    """Cases of the members ``role`` reaches for ``user`` (an empty Q is "all", so test for None)."""
    q = scope.member_q(user, roles_allowed=(role,), prefix="member__")
    return Q(pk__in=[]) if q is None else q


def _items_out(q) -> int:
    return (SeparationCase.objects.filter(q, status=rules.EXECUTED).annotate(n=Count("returned_items"))
            .filter(n__lt=len(rules.ITEMS)).count())


def todo(user) -> list[TodoItem]:
    """§5.2.4 the separation steps waiting on ``user`` (see the module docstring)."""
    roles = scope.roles(user)
    if not roles & {rules.BUREAU, rules.HR_COMPANY, rules.LINE_MANAGER}:
        return []
    items: list[TodoItem] = []
    today = timezone.localdate()
    if rules.BUREAU in roles:
        q = _q(user, rules.BUREAU)
        counts = SeparationCase.objects.filter(q).aggregate(
            review=Count("pk", filter=Q(status=rules.PROPOSED)),
            archive=Count("pk", filter=Q(status=rules.RETURNED, effect_applied_at__isnull=False)))
        items.append(TodoItem(key="separation.review", label=_("Separations: proposals to review"),
                              count=counts["review"], url=_cases_url(rules.PROPOSED)))
        items.append(TodoItem(key="separation.archive", label=_("Separations: cases to archive"),
                              count=counts["archive"], url=_cases_url(rules.RETURNED)))
        pickup = selectors.pending_evaluation_proposals(user).count() + len(selectors.annual_fail_pairs())
        items.append(TodoItem(key="separation.pickup", label=_("Separations: proposals to take up"), count=pickup,
                              url=reverse("separation:pickup")))
    if rules.HR_COMPANY in roles:
        q = _q(user, rules.HR_COMPANY)
        items.append(TodoItem(key="separation.execute", label=_("Separations: contracts to end"),
                              count=SeparationCase.objects.filter(q, status=rules.REVIEWED).count(),
                              url=_cases_url(rules.REVIEWED)))
        items.append(TodoItem(key="separation.items", label=_("Separations: uniform, badge and certificate to "
                                                               "receive"),
                              count=_items_out(q), url=_cases_url(rules.EXECUTED)))
    elif rules.LINE_MANAGER in roles:
        items.append(TodoItem(key="separation.items", label=_("Separations: uniform, badge and certificate to "
                                                               "receive"),
                              count=_items_out(_q(user, rules.LINE_MANAGER)), url=_cases_url(rules.EXECUTED)))
    if roles & {rules.BUREAU, rules.HR_COMPANY}:
        items.append(TodoItem(key="separation.retirements", label=_("Separations: retirements due to be proposed"),
                              count=len(selectors.upcoming_retirements(user, today, within_days=0)),
                              url=reverse("separation:retirements")))
    return items
