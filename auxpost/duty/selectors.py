"""§5.3.1 / §5.3.6 reads, scoped to the caller."""

from __future__ import annotations

import datetime as dt

from auxpost.duty.models import RosterAssignment


def rostered(member, day: dt.date) -> list[RosterAssignment]:
    """§5.3.6 the member's roster assignments on ``day`` (one per shift), with roster, area and work line."""
    member_id = getattr(member, "pk", member)
    return list(RosterAssignment.objects.filter(member_id=member_id, day=day)
                .select_related("roster", "roster__area", "roster__work_line", "roster__team")
                .order_by("shift_code", "pk"))
