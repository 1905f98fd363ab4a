"""§10 to-do items of the points ledger: deductions waiting for this user's approval and appeals
waiting for this user's decision — the same queues as the approvals and appeals pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.core.inbox import TodoItem
from auxpost.points.selectors import DECIDER_ROLES, MANAGER_ROLES, appeal_queue, approval_queue


def todo(user) -> list[TodoItem]:
    """§10 one count query per queue, and none for a user without the role."""
    items = []
    if scope.has_role(user, *MANAGER_ROLES):
        items.append(TodoItem("points.approvals", _("Point deductions to approve"),
                              approval_queue(user).order_by().count(), reverse("points:approvals")))
    if scope.has_role(user, *DECIDER_ROLES):
        items.append(TodoItem("points.appeals", _("Points appeals to decide"),
                              appeal_queue(user).order_by().count(), reverse("points:appeals")))
    return items
