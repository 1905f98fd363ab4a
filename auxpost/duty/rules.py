"""§5.3.1 点名 rules (pure, no Django): the status of a roll-call mark from the time of the check-in.

A check-in at or before the shift start + ``grace_minutes`` is on time; later, up to
``late_minor_minutes`` it is 迟到 (≤15 min); up to ``late_major_minutes`` 迟到 (15–30 min); later than
that counts ``late_over_absence_days`` (half a day) of 旷工; no mark by the shift end counts
``no_mark_absence_days`` of 旷工 unless the member is on approved leave or not rostered (off duty).
All numbers come from the policy in force (``RollCallPolicy``).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

# Mark statuses (stored values).
ON_TIME = "on_time"
LATE_MINOR = "late_minor"  # 迟到 ≤15 分钟
LATE_MAJOR = "late_major"  # 迟到 15–30 分钟
LATE_ABSENT = "late_absent"  # 迟到超过 30 分钟 = 旷工半天
ABSENT = "absent"  # 旷工 (no mark by shift end, or a leader's mark)
ON_LEAVE = "on_leave"  # 请假 (a leader's roll call shows it; no points)
OFF_DUTY = "off_duty"  # 不在班 (not rostered)

STATUSES = (ON_TIME, LATE_MINOR, LATE_MAJOR, LATE_ABSENT, ABSENT, ON_LEAVE, OFF_DUTY)
LATE_STATUSES = (LATE_MINOR, LATE_MAJOR)
PRESENT_STATUSES = (ON_TIME, LATE_MINOR, LATE_MAJOR, LATE_ABSENT)

ZERO = Decimal("0")


class RollCallError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def minutes_late(shift_start: dt.datetime, checked_in_at: dt.datetime) -> int:
    """Whole minutes after the shift start, rounded up (08:30:01 is one minute late); 0 if not late."""
    seconds = (checked_in_at - shift_start).total_seconds()
    return max(0, math.ceil(seconds / 60))


def status_for_lateness(late: int, roll_call) -> tuple[str, Decimal]:
    """(status, 旷工 days) for a check-in ``late`` minutes after the start (§5.3.1, cfg thresholds)."""
    if late < 0:
        raise RollCallError("迟到分钟数不能为负数")
    if late <= roll_call.grace_minutes:
        return ON_TIME, ZERO
    if late <= roll_call.late_minor_minutes:
        return LATE_MINOR, ZERO
    if late <= roll_call.late_major_minutes:
        return LATE_MAJOR, ZERO
    return LATE_ABSENT, Decimal(roll_call.late_over_absence_days)


def mark_for(shift, day: dt.date, checked_in_at: dt.datetime | None, roll_call, *,
             on_leave: bool = False, rostered: bool = True) -> tuple[str, int, Decimal]:
    """§5.3.1 (status, minutes_late, absence_days) of ``shift`` on ``day`` for a check-in at
    ``checked_in_at`` (naive local time) or None when there is no mark by the shift end.

    Off duty (not rostered) and on approved leave take precedence over a missing mark; a check-in
    after the shift end is refused (the sweep has marked 旷工 by then).
    """
    if checked_in_at is None:
        if not rostered:
            return OFF_DUTY, 0, ZERO
        if on_leave:
            return ON_LEAVE, 0, ZERO
        return ABSENT, 0, Decimal(roll_call.no_mark_absence_days)
    if checked_in_at >= shift.ends_at(day):
        raise RollCallError(f"{shift.name}已于 {shift.ends_at(day):%H:%M} 结束，不能再签到")
    late = minutes_late(shift.starts_at(day), checked_in_at)
    status, days = status_for_lateness(late, roll_call)
    return status, late, days


def opens_at(shift, day: dt.date, roll_call) -> dt.datetime:
    """When the phone check-in opens for ``shift`` on ``day``."""
    return shift.starts_at(day) - dt.timedelta(minutes=roll_call.opens_minutes_before)


def points_for_mark(status: str, absence_days: Decimal) -> tuple[str, Decimal] | None:
    """§10 the (rule_code, quantity) a mark produces, or None: late → ``late`` ×1; >30 min late and
    旷工 → ``absence`` × absence days."""
    if status in LATE_STATUSES:
        return "late", Decimal("1")
    if status in (LATE_ABSENT, ABSENT) and absence_days > 0:
        return "absence", Decimal(absence_days)
    return None
