"""§5.3.3 会议: the pure rules (no Django, no clock): when a member may sign in, what an attendee's
outcome is when the meeting is closed, which follow-ups are overdue, the evidence of a points entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SCHEDULED, CLOSED, CANCELLED = "scheduled", "closed", "cancelled"
EXPECTED, PRESENT, EXCUSED, ABSENT = "expected", "present", "excused", "absent"
EXCUSE_NONE, EXCUSE_PENDING, EXCUSE_ACCEPTED, EXCUSE_REFUSED = "none", "pending", "accepted", "refused"
EXCUSE_LEAVE, EXCUSE_LATER = "leave", "later"
#: Excuse states that make an absence excused.
EXCUSING = frozenset({EXCUSE_ACCEPTED, EXCUSE_LEAVE, EXCUSE_LATER})

#: A member's own sign-in button opens this many minutes before the start (cfg candidate:
#: ``daily.meetings.signin_opens_minutes_before``) and closes at the meeting's end.
SIGNIN_OPENS_MINUTES = 30


def signin_window(starts_at: dt.datetime, ends_at: dt.datetime,
                  opens_minutes: int = SIGNIN_OPENS_MINUTES) -> tuple[dt.datetime, dt.datetime]:
    """(first, last) moment a member may sign in themself: ``opens_minutes`` before the start to the end."""
    return starts_at - dt.timedelta(minutes=opens_minutes), ends_at


def signin_refusal(*, now: dt.datetime, starts_at: dt.datetime, ends_at: dt.datetime, status: str,
                   opens_minutes: int = SIGNIN_OPENS_MINUTES) -> str | None:
    """Why a member may not sign in themself now (Chinese), or None when they may."""
    if status == CANCELLED:
        return "会议已取消，无需签到"
    if status == CLOSED:
        return "会议已结束并关闭，不能再签到"
    first, last = signin_window(starts_at, ends_at, opens_minutes)
    if now < first:
        return f"签到在会议开始前{opens_minutes}分钟（{first:%m-%d %H:%M}）开放"
    if now > last:
        return f"会议已于{last:%m-%d %H:%M}结束，签到已关闭；请联系主持人"
    return None


def excuse_refusal(*, now: dt.datetime, starts_at: dt.datetime, status: str, signed_in: bool) -> str | None:
    """Why a member may not send an excuse now (Chinese), or None: only before the meeting starts."""
    if status != SCHEDULED:
        return "会议已结束或已取消，不能再请假"
    if signed_in:
        return "已签到，无需请假"
    if now >= starts_at:
        return "会议已开始，不能再请假；请联系主持人"
    return None


def outcome_at_close(*, signed_in: bool, excuse_state: str, on_leave: bool) -> str:
    """§5.3.3 an attendee's outcome when the host closes the meeting: signed in → present; an accepted
    excuse or approved leave → excused; anything else (no excuse, a refused one) → absent."""
    if signed_in:
        return PRESENT
    if on_leave or excuse_state in EXCUSING:
        return EXCUSED
    return ABSENT


@dataclass(frozen=True)
class Tally:
    expected: int
    present: int
    excused: int
    absent: int

    @property
    def rate(self) -> int | None:
        """Attendance rate in percent of those expected (None when nobody was expected)."""
        return round(100 * self.present / self.expected) if self.expected else None


def tally(outcomes) -> Tally:
    outcomes = list(outcomes)
    return Tally(len(outcomes), outcomes.count(PRESENT), outcomes.count(EXCUSED), outcomes.count(ABSENT))


def is_overdue(due: dt.date, done: bool, today: dt.date) -> bool:
    """A follow-up not done is overdue from the day after its due date."""
    return not done and due < today


def absence_evidence(*, starts_at: dt.datetime, kind_name: str, title: str, excuse_state: str) -> str:
    """The Chinese evidence of a ``meeting_absence`` points entry, so the member sees why it exists."""
    why = "请假未获批准" if excuse_state == EXCUSE_REFUSED else "未请假"
    return f"{starts_at:%Y-%m-%d %H:%M} {kind_name}《{title}》未到会，{why}（无故缺席）"
