"""§5.3.4 Reading leave: who is on leave on a day, the approval queue (with deputies), scoped lists."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from auxpost.leave.models import OUT, TAKEN, LeaveRequest, LeaveStatus


def _covering_q(day: dt.date) -> Q:
    """Leave that covers ``day``: taken leave whose days include it (any part of the day, half days
    too), or leave past its end not yet reported back on ``day`` (overdue days run until 销假)."""
    inside = Q(status__in=TAKEN, start__lte=day, end__gte=day)
    past_end_out = Q(status__in=OUT, end__lt=day)
    past_end_returned_late = Q(status=LeaveStatus.RETURNED, end__lt=day, returned_on__gt=day)
    return inside | past_end_out | past_end_returned_late


def on_leave_ids(day: dt.date, member_ids=None) -> set[int]:
    """§5.3.4 the members on leave on ``day``, for the roll-call sweep (no 旷工) and rosters (warn).

    A member counts when an approved leave covers ``day`` (any part of it: a half day counts), and also
    on the days after the leave's end until they report back (销假). Those overdue days are this app's
    business, not the sweep's: once the report-back deadline passes, ``auxpost leave-overdue`` writes one
    ``absence`` (旷工) points entry per working day past the end (origin ``leave.request:<pk>:<date>``),
    so the sweep must skip the members returned here or they would be counted twice. ``member_ids``
    narrows the query to those members (one indexed query either way).
    """
    qs = LeaveRequest.objects.filter(_covering_q(day), start__lte=day)
    if member_ids is not None:
        member_ids = list(member_ids)
        if not member_ids:
            return set()
        qs = qs.filter(member_id__in=member_ids)
    return set(qs.values_list("member_id", flat=True).distinct())
