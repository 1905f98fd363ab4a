"""§5.3.1 roll-call items for the to-do inbox (``auxpost.core.inbox``).

- a team leader (line manager at a team): members rostered today on a shift that has started who have
  no mark yet (the morning roll call not taken);
- the bureau, a squadron or brigade leader: proxy check-in reports waiting for their confirmation.
One COUNT query each; nothing for other roles.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.core.inbox import TodoItem
from auxpost.duty import selectors
from auxpost.duty.models import Mark, RosterAssignment
from auxpost.org.models import UnitKind


def todo(user, *, today: dt.date | None = None) -> list[TodoItem]:
    """§5.3.1 roll calls not taken today, proxy reports to confirm (see the module docstring)."""
    if not selectors.is_leader(user):
        return []
    items: list[TodoItem] = []
    teams = selectors.managed_units(user, kinds=(UnitKind.TEAM,))
    if teams:
        now = timezone.localtime().replace(tzinfo=None)
        day = today or now.date()
        started = [s.code for s in selectors.daily_policy(day).shifts
                   if s.starts_at(day) <= (now if today is None else dt.datetime.combine(day, dt.time.max))]
        if started:
            n = (RosterAssignment.objects.filter(roster__team__in=teams, day=day, shift_code__in=started)
                 .exclude(member_id__in=Mark.objects.filter(day=day, shift_code__in=started).values("member_id"))
                 .count())
            items.append(TodoItem(key="duty.rollcall", label=_("Members not yet marked in today's roll call"),
                                  count=n, url=reverse("duty:rollcall")))
    if selectors.managed_units(user, kinds=(UnitKind.BUREAU, UnitKind.BRIGADE, UnitKind.SQUADRON)) != []:
        items.append(TodoItem(key="duty.proxies", label=_("Proxy check-ins waiting for confirmation"),
                              count=selectors.proxies_to_confirm(user).count(), url=reverse("duty:proxies")))
    return items
