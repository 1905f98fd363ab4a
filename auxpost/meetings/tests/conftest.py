"""Shared helpers for the meetings tests: a team leader, a meeting factory, aware local datetimes."""

import datetime as dt

import pytest
from django.utils import timezone

from auxpost.accounts.models import Role
from auxpost.meetings.services import meeting_schedule
from auxpost.testing import make_user


def local(y, mo, d, h=0, mi=0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=timezone.get_current_timezone())


#: A Monday; the meeting below runs 08:00–08:30 on the next day.
NOW = local(2026, 6, 15, 10, 0)
START = local(2026, 6, 16, 8, 0)
END = local(2026, 6, 16, 8, 30)


@pytest.fixture
def leader(district):
    """The team leader of squadron 1, team 1 (a line manager at the team)."""
    return make_user("team11", Role.LINE_MANAGER, unit=district.sq1_t1)


def schedule(actor, unit, *, start=START, end=END, kind="weekly", title="周例会", host=None, at=NOW):
    return meeting_schedule(actor=actor, unit=unit, title=title, kind=kind, starts_at=start, ends_at=end,
                            place="一小队值班室", host=host, agenda="1. 上周工作\n2. 本周安排", at=at)
