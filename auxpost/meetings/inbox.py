"""§5.3.3 会议 steps for the to-do inbox (``auxpost.core.inbox``).

- a host (a leader or the bureau): excuses waiting for their decision, and their meetings that have ended
  but are not closed yet (closing records the absences);
- a member: their follow-ups past the due date and not done.
Counts only, one query per item; a user without those roles gets [] at once.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.core.inbox import TodoItem
from auxpost.meetings import selectors
from auxpost.people.selectors import own_member


def todo(user, *, today: dt.date | None = None) -> list[TodoItem]:
    """§5.3.3 excuses to decide, meetings to close, my overdue follow-ups (see the module docstring)."""
    roles = scope.roles(user)
    items: list[TodoItem] = []
    if roles & set(selectors.LEADER_ROLES):
        now = timezone.now() if today is None else dt.datetime.combine(today, dt.time(23, 59),
                                                                       timezone.get_current_timezone())
        url = reverse("meetings:list")
        items += [
            TodoItem(key="meetings.excuses", label=_("Meeting excuses waiting for your decision"),
                     count=selectors.pending_excuses_count(user), url=url),
            TodoItem(key="meetings.to_close", label=_("Meetings you hosted that are still to be closed"),
                     count=selectors.to_close_count(user, now=now), url=url),
        ]
    if Role.MEMBER in roles:
        me = own_member(user)
        if me is not None:
            items.append(TodoItem(key="meetings.my_overdue", label=_("Your meeting follow-ups past their due date"),
                                  count=selectors.my_overdue_count(me, today or timezone.localdate()),
                                  url=reverse("meetings:me")))
    return items
