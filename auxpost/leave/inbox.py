"""§5.3.4 leave in the to-do inbox (``auxpost.core.inbox``). Counts only.

- an approver (中队长, 大队长, 局领导): requests waiting for their decision, including those of an approver
  on leave who named them deputy;
- a member: their approved leave that has ended and waits for 销假 (or is overdue);
- a leader (line manager, bureau, administrator): leave not reported back in time in their scope.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.core.inbox import TodoItem
from auxpost.leave import selectors
from auxpost.leave.models import OUT, LeaveRequest
from auxpost.people.selectors import own_member


def todo(user, *, today: dt.date | None = None) -> list[TodoItem]:
    """§5.3.4 waiting approvals, my leave awaiting 销假, overdue leave (see the module docstring)."""
    roles = scope.roles(user)
    leader = roles & {Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER}
    if not leader and Role.MEMBER not in roles:
        return []
    today = today or timezone.localdate()
    items: list[TodoItem] = []
    if roles & {Role.BUREAU, Role.LINE_MANAGER}:
        n = selectors.queue(user, today=today).count()
        items.append(TodoItem(key="leave.queue", label=_("Leave requests awaiting your approval"), count=n,
                              url=reverse("leave:queue")))
    if leader:
        items.append(TodoItem(key="leave.overdue", label=_("Leave not reported back in time"),
                              count=selectors.overdue(user).count(), url=reverse("leave:overdue")))
    if Role.MEMBER in roles:
        me = own_member(user)
        if me is not None:
            n = LeaveRequest.objects.filter(member=me, status__in=OUT, end__lte=today).count()
            items.append(TodoItem(key="leave.report_back", label=_("Your leave has ended: report back"), count=n,
                                  url=reverse("leave:mine")))
    return items
