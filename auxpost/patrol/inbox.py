"""§5.3.2 handovers waiting on a user, for the to-do inbox (``auxpost.core.inbox``).

- a member on the roster, or a line manager assigned at a team: handovers coming into their team that
  are not acknowledged yet (and that they did not record themselves) — one COUNT;
- the administrator, the bureau and line managers: unacknowledged handovers coming into the teams they
  lead that are past ``handover_ack_hours`` — one COUNT.
Users without any of these roles get [] without a query.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.core.inbox import TodoItem
from auxpost.patrol import selectors


def todo(user, *, today: dt.date | None = None, now: dt.datetime | None = None) -> list[TodoItem]:
    """§5.3.2 handovers to acknowledge, overdue handovers (see the module docstring)."""
    roles = scope.roles(user)
    if not roles & {Role.MEMBER, *selectors.LEADER_ROLES}:
        return []
    now = now or timezone.now()
    url = reverse("patrol:handovers")
    items = []
    waiting = selectors.awaiting_my_ack(user)
    if waiting.query.is_empty() is False:
        items.append(TodoItem(key="patrol.handover_ack", label=_("Handovers waiting for your acknowledgement"),
                              count=waiting.count(), url=f"{url}?show=mine"))
    if roles & set(selectors.LEADER_ROLES):
        items.append(TodoItem(key="patrol.handover_overdue", label=_("Handovers not acknowledged in time"),
                              count=selectors.overdue_handovers(user, now).count(), url=f"{url}?show=overdue"))
    return items
