"""§5.3.5 → §10 → §7.2 end to end: a failed uniform item is a pending ``uniform_fail`` entry; once a second
person approves it, it lowers the month's pre-filled "uniform" indicator by the rule's points per item."""

import pytest

from auxpost.assessment.services import monthly_scorecard
from auxpost.points.models import PointsEntry
from auxpost.points.services import points_entry_approve
from auxpost.uniform.services import Entry, inspection_record
from auxpost.uniform.tests.conftest import AT, DAY

pytestmark = pytest.mark.django_db


def test_failed_item_to_scorecard(district, leader):
    month = DAY.replace(day=1)
    full = monthly_scorecard(member=district.m1, month=month).prefill.scores["uniform"]
    inspection_record(actor=leader, date=DAY, at=AT, entries=[Entry(district.m1, failed=["insignia"],
                                                                    notes={"insignia": "未佩戴工作证"})])
    entry = PointsEntry.objects.get(member=district.m1)
    assert entry.status == "pending" and entry.points == -2 and "未佩戴工作证" in entry.evidence
    assert monthly_scorecard(member=district.m1, month=month).prefill.scores["uniform"] == full
    points_entry_approve(entry=entry, approver=district.squadron1, at=AT)
    card = monthly_scorecard(member=district.m1, month=month).prefill
    assert card.scores["uniform"] == full - 2 and "着装" in card.reasons["uniform"]
