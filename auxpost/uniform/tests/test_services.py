"""§5.3.5 uniform services: a team inspected at once, one points entry per failing inspection, corrections."""

import pytest
from django.core.exceptions import ValidationError

from auxpost.audit.models import AuditEntry
from auxpost.people.models import MemberStatus
from auxpost.points.models import PointsEntry
from auxpost.testing import make_member
from auxpost.uniform.models import Inspection
from auxpost.uniform.services import Entry, inspection_correct, inspection_record
from auxpost.uniform.tests.conftest import AT, DAY, jpeg, local

pytestmark = pytest.mark.django_db


def test_team_inspection_writes_one_entry_per_failing_member(district, leader):
    a = make_member(district.sq1_t1, name="甲")
    rows = inspection_record(actor=leader, date=DAY, at=AT, entries=[
        Entry(district.m1, failed=["insignia", "complete"], notes={"complete": "衣领破损"}, photos=[jpeg()]),
        Entry(a)])
    assert [r.failed_count for r in rows] == [2, 0] and rows[0].batch == rows[1].batch
    assert rows[0].failed == ["complete", "insignia"]
    entry = PointsEntry.objects.get()
    assert entry.member == district.m1 and entry.rule_code == "uniform_fail" and entry.quantity == 2
    assert entry.points == -4 and entry.status == "pending" and entry.recorded_by == leader
    assert entry.origin == f"uniform.inspection:{rows[0].pk}" == rows[0].points_origin
    assert "制服整洁完整（衣领破损）" in entry.evidence and "佩戴工作证" in entry.evidence
    assert rows[0].photos.count() == 1 and rows[0].photos.get().member == district.m1
    assert AuditEntry.objects.filter(object_type="uniform.inspection").count() == 2
    with pytest.raises(ValueError):
        rows[0].delete()


def test_refusals_write_nothing(district, leader):
    me = make_member(district.sq1_t1, name="队长本人")
    me.user = leader
    me.save()
    off = make_member(district.sq1_t1, name="停岗", status=MemberStatus.SUSPENDED)
    for entries, word in ([Entry(district.m2)], "王二"), ([Entry(me)], "队长本人"), ([Entry(off)], "停岗"), \
            ([Entry(district.m1, failed=["hat"])], "hat"), ([], "检查对象"):
        with pytest.raises(ValidationError) as e:
            inspection_record(actor=leader, date=DAY, at=AT, entries=entries)
        assert word in str(e.value)
    with pytest.raises(ValidationError) as e:
        inspection_record(actor=leader, date=local(2026, 6, 16).date(), at=AT, entries=[Entry(district.m1)])
    assert "检查日期" in str(e.value)
    with pytest.raises(ValidationError):
        inspection_record(actor=district.member1, date=DAY, at=AT, entries=[Entry(district.m2)])
    assert Inspection.objects.count() == 0 and PointsEntry.objects.count() == 0


def test_correction_withdraws_and_rewrites(district, leader):
    ins = inspection_record(actor=leader, date=DAY, at=AT, entries=[Entry(district.m1, failed=["complete",
                                                                                             "grooming"])])[0]
    first = PointsEntry.objects.get()
    with pytest.raises(ValidationError) as e:
        inspection_correct(actor=leader, inspection=ins, failed=["complete"], notes={}, reason="", at=AT)
    assert "更正原因" in str(e.value)
    with pytest.raises(PermissionError):
        inspection_correct(actor=district.squadron1, inspection=ins, failed=[], notes={}, reason="x", at=AT)
    ins = inspection_correct(actor=leader, inspection=ins, failed=["complete"], notes={}, reason="仪容误判", at=AT)
    first.refresh_from_db()
    assert first.status == "rejected" and "仪容误判" in first.rejection_reason
    second = PointsEntry.objects.get(origin=f"uniform.inspection:{ins.pk}:r1")
    assert second.quantity == 1 and second.points == -2 and ins.points_origin == second.origin
    # approved, then corrected to pass: a reversing entry, nothing new
    from auxpost.points.services import points_entry_approve
    points_entry_approve(entry=second, approver=district.squadron1, at=AT)
    ins = inspection_correct(actor=leader, inspection=ins, failed=[], notes={}, reason="复核合格", at=AT)
    assert ins.points_origin == "" and ins.failed_count == 0 and ins.revision == 2
    rev = PointsEntry.objects.get(reverses=second)
    assert rev.points == 2
    with pytest.raises(ValidationError) as e:
        inspection_correct(actor=leader, inspection=ins, failed=[], notes={}, reason="again", at=AT)
    assert "没有变化" in str(e.value)
