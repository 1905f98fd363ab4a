"""Shared fixtures for the duty tests: a work line, a squadron's duty area with a GCJ-02 circle site in
温江, certified members in squadron 1 team 1 and a team leader."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from auxpost.accounts.models import Role
from auxpost.duties.models import WorkLine
from auxpost.duty import geo
from auxpost.duty.models import DutyArea, GeofenceSite
from auxpost.duty.selectors import clear_caches
from auxpost.testing import make_member, make_user

DAY = dt.date(2026, 6, 1)  # a Monday
CENTER_GCJ = (30.6800, 103.8400)
CENTER_WGS = geo.gcj02_to_wgs84(*CENTER_GCJ)


def aware(day: dt.date, hh: int, mm: int, ss: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hh, mm, ss)))


@dataclass
class Duty:
    line: WorkLine
    area: DutyArea
    site: GeofenceSite
    team: object
    a: object
    b: object
    c: object
    leader: object  # line manager at sq1 team 1
    m1_user: object


@pytest.fixture(autouse=True)
def _fresh_duty_caches():
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def duty(district):
    line = WorkLine.objects.create(name="市容市貌", code="city")
    now = aware(DAY, 7, 0)
    area = DutyArea.objects.create(unit=district.sq1, work_line=line, name="光华大道片区", created_at=now)
    site = GeofenceSite.objects.create(area=area, name="光华广场", kind="circle", coord_system="gcj02",
                                       center_lat=CENTER_GCJ[0], center_lng=CENTER_GCJ[1], radius_m=300,
                                       created_at=now)
    certs = {"cert_number": "WJ-2026-001", "cert_valid_until": dt.date(2028, 12, 31)}
    for k, v in certs.items():
        setattr(district.m1, k, v)
    district.m1.save()
    team = district.sq1_t1
    a = make_member(team, name="赵甲", cert_number="WJ-2026-002", cert_valid_until=dt.date(2028, 12, 31))
    b = make_member(team, name="钱乙", cert_number="WJ-2026-003", cert_valid_until=dt.date(2028, 12, 31))
    c = make_member(team, name="孙丙", cert_number="WJ-2026-004", cert_valid_until=dt.date(2028, 12, 31))
    leader = make_user("leader1", Role.LINE_MANAGER, unit=team)
    return Duty(line=line, area=area, site=site, team=team, a=a, b=b, c=c, leader=leader,
                m1_user=district.member1)


def make_roster(duty, members, day=DAY, shift="day", actor=None):
    from auxpost.duty.services import roster_save

    roster, _warnings = roster_save(actor=actor or duty.leader, team=duty.team, day=day, shift_code=shift,
                                    area=duty.area, members=[(m, 1) for m in members], at=aware(day, 6, 0))
    return roster
