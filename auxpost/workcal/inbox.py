"""§11 to-do item of the calendar: the administrator enters next year's State Council notice from
1 November on (the notice is usually published in late October or November), and this year's at
once if it is somehow missing."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.core.inbox import TodoItem
from auxpost.workcal.models import CalendarYear
from auxpost.workcal.selectors import EDITOR_ROLES

#: From this day of the year on, next year's schedule is due.
DUE_FROM = (11, 1)


def years_due(today: dt.date) -> list[int]:
    """The years whose schedule should be entered by now and is not (one query)."""
    wanted = [today.year]
    if (today.month, today.day) >= DUE_FROM:
        wanted.append(today.year + 1)
    have = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [y for y in wanted if y not in have]


def todo(user, *, today: dt.date | None = None) -> list[TodoItem]:
    """§11 the administrator: each due year without a confirmed schedule. The link is the calendar's
    list (its button enters the first missing year), so the calendar's navigation entry shows the count."""
    if not scope.has_role(user, *EDITOR_ROLES):
        return []
    due = years_due(today or timezone.localdate())
    if not due:
        return []
    years = "、".join(str(y) for y in due)
    return [TodoItem("workcal.year", _("Holiday schedule to enter: %(years)s") % {"years": years}, len(due),
                     reverse("workcal:years"))]
