"""§5.3.1 / §5.3.6 pages: permitted, out of scope (404), anonymous (login); list query counts."""

import datetime as dt

import pytest

from auxpost.duty import services
from auxpost.duty.models import DutyArea, GeofenceSite, Mark, ProxyReport, Roster
from auxpost.duty.tests.conftest import CENTER_WGS, DAY, aware, make_roster
from auxpost.testing import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_8(time_machine):
    time_machine.move_to(aware(DAY, 8, 20), tick=False)


def test_anonymous_goes_to_login(client_for, duty):
    for url in ("/duty/", "/duty/checkin/", "/duty/me/", "/duty/rollcall/", "/duty/marks/", "/duty/areas/",
                "/duty/rosters/", "/duty/rosters/new/", "/duty/proxies/", f"/duty/areas/{duty.area.pk}/"):
        r = client_for(None).get(url)
        assert r.status_code == 302 and "login" in r["Location"], url


def test_leader_pages_404_for_members_and_nobody(client_for, duty, district):
    for user in (district.member1, district.nobody, district.hrco):
        for url in ("/duty/rollcall/", "/duty/marks/", "/duty/areas/", "/duty/rosters/", "/duty/proxies/",
                    f"/duty/areas/{duty.area.pk}/"):
            assert client_for(user).get(url).status_code == 404, (user, url)
    assert client_for(district.nobody).get("/duty/checkin/").status_code == 404


def test_checkin_page_shows_shift_and_posts(client_for, duty, district, at_8):
    make_roster(duty, [district.m1, duty.a])
    c = client_for(district.member1)
    r = c.get("/duty/checkin/")
    assert r.status_code == 200 and "光华大道片区" in r.content.decode() and "checkin.js" in r.content.decode()
    r = c.post("/duty/checkin/", {"lat": CENTER_WGS[0] + 0.02, "lng": CENTER_WGS[1], "accuracy": 15}, follow=True)
    assert "不在执勤区域内" in r.content.decode()
    r = c.post("/duty/checkin/", {"lat": CENTER_WGS[0], "lng": CENTER_WGS[1], "accuracy": 15}, follow=True)
    assert "签到成功" in r.content.decode()
    assert Mark.objects.get().status == "on_time"
    r = c.get("/duty/me/")
    assert r.status_code == 200 and "准时" in r.content.decode()


def test_checkin_page_without_roster(client_for, duty, district, at_8):
    r = client_for(district.member1).get("/duty/checkin/")
    assert "没有执勤排班" in r.content.decode()


def test_rollcall_page_marks_the_team(client_for, duty, district, time_machine):
    make_roster(duty, [district.m1, duty.a, duty.b, duty.c])
    time_machine.move_to(aware(DAY, 8, 45), tick=False)
    c = client_for(duty.leader)
    r = c.get(f"/duty/rollcall/?team={duty.team.pk}")
    assert r.status_code == 200 and "赵甲" in r.content.decode()
    r = c.post("/duty/rollcall/", {"team": duty.team.pk, "day": DAY.isoformat(), "shift": "day",
                                   f"m-{duty.a.pk}": "late", f"min-{duty.a.pk}": "12",
                                   f"m-{duty.b.pk}": "absent"}, follow=True)
    assert "点名已保存" in r.content.decode()
    assert {m.member_id: m.status for m in Mark.objects.all()} == {
        district.m1.pk: "on_time", duty.a.pk: "late_minor", duty.b.pk: "absent", duty.c.pk: "on_time"}
    assert client_for(district.squadron2).get(f"/duty/rollcall/?team={duty.team.pk}").status_code == 404


def test_marks_list_query_count_and_scope(client_for, duty, district, at_8, django_assert_max_num_queries):
    others = [make_member(duty.team, name=f"队员{i}", cert_number=f"C{i}", cert_valid_until=dt.date(2030, 1, 1))
              for i in range(8)]
    make_roster(duty, [district.m1, duty.a, duty.b, duty.c, *others])
    services.rollcall_take(actor=duty.leader, team=duty.team, day=DAY, shift_code="day", exceptions={},
                           at=aware(DAY, 8, 40))
    c = client_for(district.squadron1)
    with django_assert_max_num_queries(14):
        r = c.get(f"/duty/marks/?day={DAY.isoformat()}")
    assert r.status_code == 200 and r.content.decode().count("/duty/marks/") >= 12
    r = client_for(district.squadron2).get(f"/duty/marks/?day={DAY.isoformat()}")
    assert "赵甲" not in r.content.decode()
    mark = Mark.objects.get(member=duty.a)
    assert client_for(district.squadron2).get(f"/duty/marks/{mark.pk}/").status_code == 404
    assert client_for(district.squadron1).get(f"/duty/marks/{mark.pk}/").status_code == 200


def test_mark_page_corrects_and_reports_proxy_then_confirmed(client_for, duty, district, at_8):
    make_roster(duty, [district.m1, duty.a])
    mark = services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=10,
                            at=aware(DAY, 8, 20))
    c = client_for(duty.leader)
    r = c.post(f"/duty/marks/{mark.pk}/", {"action": "correct", "status": "late", "minutes_late": "5",
                                           "reason": "核对监控"}, follow=True)
    assert "考勤已更正" in r.content.decode()
    r = c.post(f"/duty/marks/{mark.pk}/", {"action": "proxy", "by_member": duty.a.pk, "reason": "监控显示代签"},
               follow=True)
    assert ProxyReport.objects.count() == 1
    r = client_for(district.squadron1).get("/duty/proxies/")
    assert r.status_code == 200 and "赵甲" in r.content.decode()
    report = ProxyReport.objects.get()
    assert client_for(district.squadron2).post("/duty/proxies/", {"report": report.pk,
                                                                 "decision": "confirm"}).status_code == 404
    client_for(district.squadron1).post("/duty/proxies/", {"report": report.pk, "decision": "confirm"})
    assert ProxyReport.objects.get().status == "confirmed"


def test_areas_pages_create_area_and_sites(client_for, duty, district, at_8, django_assert_max_num_queries):
    c = client_for(district.squadron1)
    with django_assert_max_num_queries(10):
        r = c.get("/duty/areas/")
    assert r.status_code == 200 and "光华大道片区" in r.content.decode()
    r = c.post("/duty/areas/", {"unit": district.sq1.pk, "work_line": duty.line.pk, "name": "新区"})
    area = DutyArea.objects.get(name="新区")
    assert r.status_code == 302
    c.post(f"/duty/areas/{area.pk}/", {"action": "add_site", "name": "A", "kind": "circle", "coord_system": "gcj02",
                                       "center_lat": "30.68", "center_lng": "103.84", "radius_m": "150"})
    r = c.post(f"/duty/areas/{area.pk}/", {"action": "add_site", "name": "B", "kind": "polygon",
                                           "coord_system": "wgs84", "polygon": "30.1,104.0\n30.1"}, follow=True)
    assert "第2个顶点" in r.content.decode()
    c.post(f"/duty/areas/{area.pk}/", {"action": "add_site", "name": "B", "kind": "polygon", "coord_system": "wgs84",
                                       "polygon": "30.1,104.0\n30.1,104.01\n30.11,104.01"})
    assert GeofenceSite.objects.filter(area=area).count() == 2
    # squadron 2 neither sees nor edits squadron 1's area; a team leader reads it
    assert client_for(district.squadron2).get(f"/duty/areas/{area.pk}/").status_code == 404
    assert client_for(duty.leader).get(f"/duty/areas/{area.pk}/").status_code == 200
    assert client_for(duty.leader).post(f"/duty/areas/{area.pk}/", {"action": "delete_site",
                                                                    "site": 1}).status_code == 404


def test_rosters_pages_create_copy_and_week(client_for, duty, district, at_8, django_assert_max_num_queries):
    c = client_for(duty.leader)
    r = c.get(f"/duty/rosters/new/?team={duty.team.pk}&day={DAY.isoformat()}")
    assert r.status_code == 200 and "赵甲" in r.content.decode()
    r = c.post("/duty/rosters/new/", {"team": duty.team.pk, "day": DAY.isoformat(), "shift": "day",
                                      "area": duty.area.pk, "member": [duty.a.pk],
                                      f"group-{duty.a.pk}": "1"}, follow=True)
    assert "巡查组" in r.content.decode() and not Roster.objects.exists()
    r = c.post("/duty/rosters/new/", {"team": duty.team.pk, "day": DAY.isoformat(), "shift": "day",
                                      "area": duty.area.pk, "member": [duty.a.pk, duty.b.pk]})
    roster = Roster.objects.get()
    assert r.status_code == 302
    c.post(f"/duty/rosters/{roster.pk}/", {"action": "copy", "n_days": "6"})
    assert Roster.objects.count() == 7
    with django_assert_max_num_queries(12):
        r = c.get(f"/duty/rosters/?team={duty.team.pk}&week={DAY.isoformat()}")
    assert r.status_code == 200 and r.content.decode().count("赵甲") == 7
    assert client_for(district.squadron2).get(f"/duty/rosters/{roster.pk}/").status_code == 404
    assert client_for(district.squadron2).get(f"/duty/rosters/?team={duty.team.pk}").status_code == 404


def test_home_redirects_by_role(client_for, duty, district):
    assert client_for(duty.leader).get("/duty/")["Location"].endswith("/duty/rollcall/")
    assert client_for(district.member1).get("/duty/")["Location"].endswith("/duty/checkin/")
