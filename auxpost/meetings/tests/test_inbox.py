"""§5.3.3 the inbox provider: excuses to decide, meetings to close, my overdue follow-ups."""

import datetime as dt

import pytest

from auxpost.meetings import services
from auxpost.meetings.inbox import todo
from auxpost.meetings.tests.conftest import NOW, START, local, schedule

pytestmark = pytest.mark.django_db


def _counts(user, today) -> dict:
    return {i.key: i.count for i in todo(user, today=today)}


def test_counts(district, leader, django_assert_max_num_queries):
    m = schedule(leader, district.sq1_t1)
    services.excuse_send(actor=district.member1, meeting=m, reason="外出", at=NOW)
    past = schedule(leader, district.sq1_t1, title="上周例会", start=local(2026, 6, 8, 8), end=local(2026, 6, 8, 9),
                    at=local(2026, 6, 1))
    services.follow_up_add(actor=leader, meeting=past, title="整改", owner=district.m1, due_date=dt.date(2026, 6, 10),
                           at=START)
    today = dt.date(2026, 6, 15)
    leader.refresh_from_db()
    assert _counts(leader, today) == {"meetings.excuses": 1, "meetings.to_close": 1}
    assert _counts(district.squadron1, today) == {"meetings.excuses": 0, "meetings.to_close": 0}
    assert _counts(district.member1, today) == {"meetings.my_overdue": 1}
    assert _counts(district.member1, dt.date(2026, 6, 10)) == {"meetings.my_overdue": 0}
    assert todo(district.hrco) == [] and todo(district.nobody) == [] and todo(district.assessor) == []
    with django_assert_max_num_queries(3):
        todo(leader, today=today)
