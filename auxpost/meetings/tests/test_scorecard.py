"""§5.3.3 → §10 → §7.2 end to end: an unexcused meeting absence is a pending ``meeting_absence`` entry; once
a second person approves it, it lowers the month's pre-filled "discipline" indicator; excused afterwards,
the reversing entry gives the points back."""

import pytest
from django.core.exceptions import ValidationError

from auxpost.assessment.services import monthly_scorecard
from auxpost.meetings import services
from auxpost.meetings.tests.conftest import END, schedule
from auxpost.points.models import PointsEntry
from auxpost.points.services import points_entry_approve

pytestmark = pytest.mark.django_db


def test_absence_to_scorecard(district, leader, monkeypatch):
    monkeypatch.setattr(services, "on_leave_ids", lambda day, ids: set())
    month = END.date().replace(day=1)
    full = monthly_scorecard(member=district.m1, month=month).prefill.scores["discipline"]
    m = schedule(leader, district.sq1_t1)
    services.meeting_close(actor=leader, meeting=m, at=END)
    entry = PointsEntry.objects.get(member=district.m1)
    assert entry.status == "pending" and entry.rule_code == "meeting_absence"
    assert monthly_scorecard(member=district.m1, month=month).prefill.scores["discipline"] == full  # not yet
    with pytest.raises(ValidationError):
        points_entry_approve(entry=entry, approver=leader, at=END)  # the host recorded it: a second person decides
    points_entry_approve(entry=entry, approver=district.squadron1, at=END)
    card = monthly_scorecard(member=district.m1, month=month).prefill
    assert card.scores["discipline"] == full - 2
    assert "会议" in card.reasons["discipline"] or "缺席" in card.reasons["discipline"]
    services.absence_excuse(actor=district.squadron1, attendee=m.attendees.get(member=district.m1),
                            reason="当日执行专项任务", at=END)
    assert monthly_scorecard(member=district.m1, month=month).prefill.scores["discipline"] == full
