"""§5.3.1 / §5.3.6 demo data for the demo district: duty areas with geofence sites around 温江 (entered
in GCJ-02, as a map app gives them), two weeks of day-shift rosters (last week and this week) for the
teams of the first two squadrons (only members with a valid certificate, patrols of two), and marks for
the past days with a few late and absent ones (their points entries pending approval). Today and later
are left unmarked, so the demo member can check in and a leader can take the roll call.

Runs once on a fresh demo (it returns at once when duty areas exist); it does not change any member's
status or roster.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from auxpost.audit.services import Change, audit_record_many
from auxpost.duties.models import WorkLine
from auxpost.duty import rules
from auxpost.duty.models import DutyArea, GeofenceSite, Mark, MarkMethod, Roster, RosterAssignment
from auxpost.duty.selectors import daily_policy
from auxpost.org.models import Unit, UnitKind
from auxpost.people.models import ON_ROSTER, Member
from auxpost.points.services import points_entry_automatic

#: (squadron, area, [(site, kind, data)]) — GCJ-02 coordinates around 温江 (≈30.68 N, 103.84 E).
AREAS = [
    ("第一中队", "光华大道片区", [
        ("光华广场", "circle", (30.6905, 103.8552, 300)),
        ("江安河公园", "polygon", [[30.6861, 103.8460], [30.6870, 103.8512], [30.6828, 103.8520],
                                   [30.6819, 103.8468]]),
    ]),
    ("第二中队", "柳城老城片区", [
        ("文庙广场", "circle", (30.6818, 103.8381, 250)),
        ("杨柳河步行街", "circle", (30.6765, 103.8330, 200)),
    ]),
]
TEAM_SIZE = 6


def load(*, today: dt.date) -> Counter:
    """Load the duty demo (see the module docstring); returns what was created."""
    counts: Counter = Counter()
    if DutyArea.objects.exists():
        return counts
    line = WorkLine.objects.order_by("sort_order", "pk").first()
    leader = get_user_model().objects.filter(username="squadron1").first()
    if line is None:
        return counts
    at = timezone.make_aware(dt.datetime.combine(today, dt.time(6, 30)))
    changes: list[Change] = []
    with transaction.atomic():
        for sq_name, area_name, sites in AREAS:
            squadron = Unit.objects.filter(kind=UnitKind.SQUADRON, name=sq_name).order_by("path").first()
            if squadron is None:
                continue
            area = DutyArea.objects.create(unit=squadron, work_line=line, name=area_name, created_at=at)
            counts["duty areas"] += 1
            changes.append(Change("create", "duty.dutyarea", str(area.pk), area.name, "demo data"))
            for name, kind, data in sites:
                if kind == "circle":
                    site = GeofenceSite.objects.create(area=area, name=name, kind=kind, coord_system="gcj02",
                                                       center_lat=data[0], center_lng=data[1], radius_m=data[2],
                                                       created_at=at)
                else:
                    site = GeofenceSite.objects.create(area=area, name=name, kind=kind, coord_system="gcj02",
                                                       polygon=data, created_at=at)
                counts["geofence sites"] += 1
                changes.append(Change("create", "duty.geofencesite", str(site.pk), site.name, "demo data"))
            for team in Unit.objects.filter(parent=squadron, kind=UnitKind.TEAM).order_by("path"):
                counts += _team(team, area, today, at, leader, changes)
        audit_record_many(actor=None, changes=changes, returning=False)
    return counts


def _team(team: Unit, area: DutyArea, today: dt.date, at: dt.datetime, leader, changes: list[Change]) -> Counter:
    counts: Counter = Counter()
    monday = today - dt.timedelta(days=today.weekday())
    days = [monday - dt.timedelta(days=7) + dt.timedelta(days=i) for i in range(14)]
    # The demo member first (so they can check in), then the team by name; valid certificate all fortnight.
    members = [m for m in Member.objects.filter(unit=team, status__in=ON_ROSTER, cert_valid_until__gte=days[-1])
               .exclude(cert_number="").order_by(F("user_id").desc(nulls_last=True), "name")[:TEAM_SIZE]]
    members = members[: len(members) // 2 * 2]
    if len(members) < 2:
        return counts
    shift = daily_policy(today).shifts[0]
    for n, day in enumerate(days):
        roster = Roster.objects.create(team=team, day=day, shift_code=shift.code, work_line=area.work_line, area=area,
                                       note="示例排班", created_by=leader, created_at=at)
        RosterAssignment.objects.bulk_create([
            RosterAssignment(roster=roster, member=m, day=day, shift_code=shift.code, group=i // 2 + 1)
            for i, m in enumerate(members)])
        counts["duty rosters"] += 1
        changes.append(Change("create", "duty.roster", str(roster.pk), str(roster), "demo data"))
        if day >= today:
            continue
        roll_call = daily_policy(day).roll_call
        for i, m in enumerate(members):
            salt = (m.pk * 7 + n * 3) % 37  # about 3 % absent, 8 % late
            if salt == 0:
                status, late, absence, checked = rules.ABSENT, 0, Decimal(roll_call.no_mark_absence_days), None
                method = MarkMethod.SWEEP
            else:
                late = 0 if salt > 3 else (5 + salt * 4 if salt < 3 else 20)
                status, absence = rules.status_for_lateness(late, roll_call)
                checked = timezone.make_aware(shift.starts_at(day) + dt.timedelta(minutes=late - 6 if not late else late))
                method = MarkMethod.PHONE if i % 3 else MarkMethod.TEAM
            mark = Mark.objects.create(member=m, day=day, shift_code=shift.code, status=status, checked_in_at=checked,
                                       method=method, minutes_late=late, absence_days=absence,
                                       marked_by=leader if method == MarkMethod.TEAM else None,
                                       created_at=checked or at)
            counts["roll-call marks"] += 1
            wanted = rules.points_for_mark(status, absence)
            if wanted is not None:
                ev = (f"{day.isoformat()} {shift.name} 无签到，旷工" if status == rules.ABSENT
                      else f"{day.isoformat()} {shift.name} 签到迟到{late}分钟")
                if points_entry_automatic(member=m, rule_code=wanted[0], date=day, origin=mark.origin,
                                          quantity=wanted[1], evidence=ev, recorded_by=None, at=at):
                    counts["points entries"] += 1
    return counts
