"""§5.3.3/§5.3.5 the demo loaders on the demo district: past meetings closed with a few unexcused absences
(pending points entries), next week's meetings scheduled, a month of uniform inspections with a few
failures; the members' status and units are left alone; a second run adds nothing."""

from __future__ import annotations

import datetime as dt

from auxpost.meetings import demo as meetings_demo
from auxpost.meetings.models import Attendee, FollowUp, Meeting
from auxpost.people.models import Member
from auxpost.points.models import PointsEntry
from auxpost.uniform import demo as uniform_demo
from auxpost.uniform.models import Inspection

TODAY = dt.date(2026, 11, 27)


def test_demo_loads_meetings_and_inspections(db, settings):
    """The demo district loads the meetings and inspections (after the roster, the rosters and leave) and
    changes no member's status or unit; a second run of either loader writes nothing."""
    settings.DEMO_MODE = True
    from auxpost.core import demo as core_demo

    captured = {}
    real_meetings, real_uniform = meetings_demo.load, uniform_demo.load

    def spy(name, real):
        def load(*, today):
            captured[name] = list(Member.objects.order_by("pk").values_list("pk", "status", "unit_id"))
            counts = real(today=today)
            captured[name + " counts"] = counts
            captured[name + " after"] = list(Member.objects.order_by("pk").values_list("pk", "status", "unit_id"))
            return counts
        return load

    meetings_demo.load, uniform_demo.load = spy("meetings", real_meetings), spy("uniform", real_uniform)
    try:
        core_demo.load_demo(today=TODAY)
    finally:
        meetings_demo.load, uniform_demo.load = real_meetings, real_uniform
    counts, u = captured["meetings counts"], captured["uniform counts"]
    assert counts["meetings held"] >= 10 and counts["meetings scheduled"] >= 4
    assert 0 < counts["absences recorded"] < Attendee.objects.count() // 10
    absent = Attendee.objects.filter(outcome="absent")
    ours = PointsEntry.objects.filter(origin__startswith="meetings.attendance:")
    assert 0 < ours.filter(status="pending").count() == absent.exclude(points_origin="").count() <= absent.count()
    assert Attendee.objects.filter(outcome="excused").exists()
    assert Meeting.objects.filter(status="scheduled").exists()
    assert FollowUp.objects.filter(done_at__isnull=True).exists() and FollowUp.objects.filter(done_at__isnull=False)
    assert u["uniform inspections"] > 100 and 0 < u["uniform inspections failed"] < u["uniform inspections"] // 5
    assert 0 < PointsEntry.objects.filter(origin__startswith="uniform.inspection:").count() <= \
        u["uniform inspections failed"]
    assert Inspection.objects.filter(failed_count__gt=0).count() == u["uniform inspections failed"]
    assert captured["meetings"] == captured["meetings after"] and captured["uniform"] == captured["uniform after"]
    assert sum(meetings_demo.load(today=TODAY).values()) == 0 and sum(uniform_demo.load(today=TODAY).values()) == 0
