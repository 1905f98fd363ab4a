"""§5.3.2 the inbox provider (counts, query budget) and the demo loader."""

import datetime as dt

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auxpost.patrol import services
from auxpost.patrol.demo import load
from auxpost.patrol.inbox import todo
from auxpost.patrol.models import Handover, PatrolLog
from auxpost.patrol.tests.conftest import NOW, TODAY


def _counts(user, now) -> dict:
    return {i.key: i.count for i in todo(user, now=now)}


def test_inbox_counts_per_party(world):
    d = world.district
    h = services.handover_create(actor=d.member1, from_team=d.sq1_t1, day=TODAY, shift_code="day",
                                 to_team=d.sq1_t2, open_issues="无", at=NOW)
    later = h.ack_due_at + dt.timedelta(minutes=1)
    assert _counts(world.member4, NOW) == {"patrol.handover_ack": 1}
    assert _counts(world.leader2, NOW) == {"patrol.handover_ack": 1, "patrol.handover_overdue": 0}
    assert _counts(world.leader2, later)["patrol.handover_overdue"] == 1
    assert _counts(d.squadron1, later) == {"patrol.handover_overdue": 1}
    assert _counts(d.squadron2, later) == {"patrol.handover_overdue": 0}
    assert _counts(d.member1, later) == {"patrol.handover_ack": 0}
    assert todo(d.hrco) == [] and todo(d.nobody) == []
    user = world.leader2
    user.refresh_from_db()  # no cached roles
    from auxpost.accounts import scope

    scope.role_assignments(user)
    with CaptureQueriesContext(connection) as q:
        todo(user, now=later)
    assert len(q) <= 2
    services.handover_acknowledge(actor=world.member4, handover=h, at=later)
    assert _counts(world.leader2, later) == {"patrol.handover_ack": 0, "patrol.handover_overdue": 0}


def test_demo_week_of_logs_and_handovers(world):
    d = world.district
    from auxpost.accounts.models import Role
    from auxpost.testing import make_user

    make_user("bureau_demo", Role.BUREAU, unit=d.bureau)
    counts = load(today=TODAY)
    assert counts["patrol_logs"] == 7 * 2 * 2  # two teams of 第一中队 with members, 7 days, 2 a day
    assert counts["patrol_photos"] > 0 and PatrolLog.objects.filter(photos__isnull=False).exists()
    assert counts["handovers"] == 2 * 6 * 2 and counts["handovers_unacknowledged"] == 2
    assert Handover.objects.filter(acknowledged_at__isnull=True).count() == 2
    assert Handover.objects.filter(discrepancy=True).count() == 2 and counts["handover_notes"] == 2
    assert not PatrolLog.objects.exclude(dissuaded=True).exclude(informed=True).exclude(reported=True).exists()
    assert PatrolLog.objects.filter(assignment__isnull=False).exists()  # today's roster of 第一小队
    assert PatrolLog.objects.filter(follow_up="handled").exists()
    call_command("audit", "verify")
