"""§5.3.1 inbox counts and the demo loader."""

import datetime as dt

import pytest

from auxpost.duty import inbox, services
from auxpost.duty.models import DutyArea, Mark, Roster
from auxpost.duty.tests.conftest import CENTER_WGS, DAY, aware, make_roster

pytestmark = pytest.mark.django_db


def test_inbox_rollcall_and_proxies(duty, district, time_machine, django_assert_max_num_queries):
    make_roster(duty, [district.m1, duty.a, duty.b])
    time_machine.move_to(aware(DAY, 8, 40), tick=False)
    services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=10, at=aware(DAY, 8, 20))
    duty.leader.refresh_from_db()
    with django_assert_max_num_queries(3):
        items = {i.key: i.count for i in inbox.todo(duty.leader)}
    assert items == {"duty.rollcall": 2}
    mark = Mark.objects.get()
    services.proxy_report(actor=duty.leader, mark=mark, by_member=duty.a, reason="代签", at=aware(DAY, 9, 0))
    assert {i.key: i.count for i in inbox.todo(district.squadron1)}["duty.proxies"] == 1
    assert {i.key: i.count for i in inbox.todo(district.squadron2)}["duty.proxies"] == 0
    assert inbox.todo(district.member1) == [] and inbox.todo(district.nobody) == []


def test_demo_loads_areas_rosters_and_marks(district, time_machine):
    from auxpost.duties.models import WorkLine
    from auxpost.duty import demo
    from auxpost.testing import make_member

    WorkLine.objects.create(name="市容市貌", code="city")
    today = dt.date(2026, 6, 10)
    time_machine.move_to(aware(today, 6, 0), tick=False)
    for i in range(4):
        make_member(district.sq1_t1, name=f"示例{i}", cert_number=f"D{i}", cert_valid_until=dt.date(2030, 1, 1))
    make_member(district.sq1_t1, name="无证", cert_number="")
    counts = demo.load(today=today)
    assert counts["duty areas"] == 2 and counts["geofence sites"] == 4
    assert Roster.objects.filter(team=district.sq1_t1).count() == 14
    assert not Roster.objects.filter(assignments__member__name="无证").exists()
    assert Mark.objects.filter(day__lt=today).count() == 7 * 4 + (today.weekday()) * 4
    assert not Mark.objects.filter(day__gte=today).exists()
    assert DutyArea.objects.get(name="光华大道片区").sites.filter(coord_system="gcj02").count() == 2
    assert demo.load(today=today) == {}
