"""§5.3.6 / §5.3.2 pages: permitted, out of scope (404), anonymous (login), query counts."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from auxpost.duty.models import Mark
from auxpost.patrol import services
from auxpost.patrol.models import Handover, PatrolLog
from auxpost.patrol.tests.conftest import NOW, TODAY, png_upload


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _log(world, actor=None, **kw):
    args = {"actor": actor or world.district.member1, "category": world.cats[0], "description": "门前占道摆摊",
            "actions": ["dissuade"], "members": [world.m3], "at": NOW}
    args.update(kw)
    return services.log_create(**args)


def _handover(world, **kw):
    d = world.district
    args = {"actor": d.member1, "from_team": d.sq1_t1, "day": TODAY, "shift_code": "day", "to_team": d.sq1_t2,
            "open_issues": "光华大道摊点明早复查", "at": NOW}
    args.update(kw)
    return services.handover_create(**args)


def test_anonymous_goes_to_login(world, client_for):
    c = client_for(None)
    log = _log(world)
    h = _handover(world)
    for url in ["/patrol/", "/patrol/new/", f"/patrol/logs/{log.pk}/", "/patrol/handovers/", "/patrol/handovers/new/",
                f"/patrol/handovers/{h.pk}/", "/patrol/team/", f"/patrol/team/{world.district.sq1_t1.pk}/2026-06-01/"]:
        r = c.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r.url, url


def test_log_new_page_for_a_member_only(world, client_for):
    d = world.district
    r = client_for(d.member1).get("/patrol/new/")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'accept="image/*"' in html and 'capture="environment"' in html and "multiple" in html
    assert "劝阻" in html and "宣传" in html and "上报" in html
    for word in ("罚款", "扣押", "查封"):
        assert f'value="{word}' not in html  # never a choice, only named in the warning text
    assert 'value="fine"' not in html and "光华大道片区" in html
    assert f'value="{world.m3.pk}" checked' in html or f'value="{world.m3.pk}"\n' in html or "赵三" in html
    for u in (world.leader, d.bureau_user, d.hrco, d.nobody):
        assert client_for(u).get("/patrol/new/").status_code == 404


def test_log_new_post_with_photo_and_errors(world, client_for):
    c = client_for(world.district.member1)
    r = c.post("/patrol/new/", {"category": world.cats[1].pk, "description": "堆放建筑垃圾", "actions": ["report"],
                                "reported_to": "", "photos": [png_upload()]})
    assert r.status_code == 200 and "上报对象" in r.content.decode()
    assert not PatrolLog.objects.exists()
    r = c.post("/patrol/new/", {"category": world.cats[1].pk, "description": "堆放建筑垃圾", "actions": ["report"],
                                "reported_to": "中队执法队员", "members": [world.m3.pk], "photos": [png_upload()],
                                "lat": "30.68", "lng": "103.85", "accuracy_m": "9", "coord_system": "wgs84"})
    assert r.status_code == 302
    log = PatrolLog.objects.get()
    assert log.photos.count() == 1 and log.lat is not None and log.members.count() == 2


def test_log_detail_scope_and_follow_up(world, client_for):
    d = world.district
    log = _log(world, actions=["report"], reported_to="执法队员")
    url = f"/patrol/logs/{log.pk}/"
    for u in (d.member1, world.member3, world.leader, d.squadron1, d.bureau_user):
        assert client_for(u).get(url).status_code == 200, u
    for u in (world.member4, world.leader2, d.squadron2, d.hrco, d.nobody):
        assert client_for(u).get(url).status_code == 404, u
    assert client_for(world.member3).post(url, {"follow_up_note": "x"}).status_code == 404
    r = client_for(world.leader).post(url, {"follow_up_note": "已责令整改"})
    assert r.status_code == 302
    log.refresh_from_db()
    assert log.follow_up == "handled"


def test_logs_list_scope_and_queries(world, client_for, django_assert_max_num_queries):
    d = world.district
    for i in range(6):
        _log(world, photos=[png_upload()] if i % 2 else [])
    _log(world, actor=world.member4, members=[])
    c = client_for(world.leader)
    with django_assert_max_num_queries(14):
        r = c.get("/patrol/")
    assert r.status_code == 200 and r.content.decode().count('data-log="') == 6
    r = client_for(d.squadron1).get(f"/patrol/?team={d.sq1_t2.pk}&day=2026-06-01")
    assert r.content.decode().count('data-log="') == 1
    r = client_for(world.member4).get("/patrol/")
    assert r.content.decode().count('data-log="') == 1
    assert client_for(d.hrco).get("/patrol/").status_code == 404
    assert client_for(d.nobody).get("/patrol/").status_code == 404


def test_handover_pages(world, client_for):
    d = world.district
    c = client_for(d.member1)
    r = c.get("/patrol/handovers/new/")
    assert r.status_code == 200 and "第一中队/第二小队" in r.content.decode()
    r = c.post("/patrol/handovers/new/", {"from_team": d.sq1_t1.pk, "day": "2026-06-01", "shift_code": "day",
                                         "to_team": d.sq1_t2.pk})
    assert r.status_code == 200 and "至少填写一项" in r.content.decode()
    r = c.post("/patrol/handovers/new/", {"from_team": d.sq1_t1.pk, "day": "2026-06-01", "shift_code": "day",
                                         "to_team": d.sq1_t2.pk, "equipment": "执法记录仪2台"})
    assert r.status_code == 302
    h = Handover.objects.get()
    assert h.to_shift_code == "night"
    url = f"/patrol/handovers/{h.pk}/"
    assert "ack-form" not in c.get(url).content.decode()
    for u in (d.member1, world.member3, world.leader, world.leader2, world.member4, d.squadron1, d.bureau_user):
        assert client_for(u).get(url).status_code == 200, u
    for u in (d.squadron2, d.hrco, d.nobody):
        assert client_for(u).get(url).status_code == 404, u
    for u in (world.member4, d.squadron2):
        assert client_for(u).get("/patrol/handovers/new/").status_code == 200  # their own teams
    for u in (d.hrco, d.nobody, d.bianban):
        assert client_for(u).get("/patrol/handovers/new/").status_code == 404
    assert client_for(world.member3).post(url, {"op": "ack"}).status_code == 404  # outgoing side
    r = client_for(world.member4).post(url, {"op": "ack", "ack_remarks": "已接收"})
    assert r.status_code == 302
    h.refresh_from_db()
    assert h.acknowledged and h.ack_remarks == "已接收"
    r = client_for(world.member4).post(url, {"op": "note", "text": "补充：记录仪电量不足"})
    assert r.status_code == 302 and h.notes.count() == 1
    assert client_for(d.nobody).post(url, {"op": "note", "text": "x"}).status_code == 404


def test_handovers_list_badges_and_queries(world, client_for, django_assert_max_num_queries):
    d = world.district
    for i in range(5):
        _handover(world, open_issues=f"事项{i}", at=NOW - dt.timedelta(hours=3 * i))
    c = client_for(world.leader2)
    with django_assert_max_num_queries(12):
        r = c.get("/patrol/handovers/")
    html = r.content.decode()
    assert r.status_code == 200 and html.count('data-handover="') == 5
    assert html.count("超时未确认</span>") == 4  # recorded 3 h or more ago, 2 h to acknowledge
    r = c.get("/patrol/handovers/?show=overdue")
    assert r.content.decode().count('data-handover="') == 4
    r = client_for(world.member4).get("/patrol/handovers/?show=mine")
    assert r.content.decode().count('data-handover="') == 5
    r = client_for(d.member1).get("/patrol/handovers/?show=mine")
    assert r.content.decode().count('data-handover="') == 0
    assert client_for(d.squadron2).get("/patrol/handovers/").content.decode().count('data-handover="') == 0
    assert client_for(d.hrco).get("/patrol/handovers/").status_code == 404


def _marks(world):
    Mark.objects.create(member=world.district.m1, day=TODAY, shift_code="day", status="on_time", method="phone",
                        checked_in_at=NOW.replace(hour=8, minute=20), created_at=NOW)
    Mark.objects.create(member=world.m3, day=TODAY, shift_code="day", status="late_minor", method="phone",
                        checked_in_at=NOW.replace(hour=8, minute=40), minutes_late=10, created_at=NOW)


def test_team_day_page(world, client_for, django_assert_max_num_queries):
    d = world.district
    _marks(world)
    for i in range(4):
        _log(world, photos=[png_upload()] if i % 2 else [])
    _handover(world)
    _handover(world, from_team=d.sq1_t2, to_team=d.sq1_t1, actor=world.member4)
    url = f"/patrol/team/{d.sq1_t1.pk}/2026-06-01/"
    c = client_for(world.leader)
    with django_assert_max_num_queries(22):
        r = c.get(url)
    html = r.content.decode()
    assert r.status_code == 200
    assert "光华大道片区" in html and "准时" in html or "On time" in html
    assert html.count('data-log="') == 4 and "交出" in html and "接入" in html
    assert client_for(d.squadron1).get(url).status_code == 200
    assert client_for(d.bureau_user).get(url).status_code == 200
    for u in (world.leader2, d.squadron2, d.member1, d.hrco, d.nobody):
        assert client_for(u).get(url).status_code == 404, u
    assert client_for(world.leader).get(f"/patrol/team/{d.sq1_t1.pk}/not-a-date/").status_code == 404


def test_team_day_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    """Twice the logs, handovers and marks: the same number of queries."""
    d = world.district
    _marks(world)
    url = f"/patrol/team/{d.sq1_t1.pk}/2026-06-01/"
    for i in range(3):
        _log(world, photos=[png_upload()])
        _handover(world, open_issues=f"a{i}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(world.leader)
    c.get(url)  # warm the per-process caches (policy, calendar)
    with CaptureQueriesContext(connection) as first:
        c.get(url)
    for i in range(3):
        _log(world, photos=[png_upload()])
        _handover(world, open_issues=f"b{i}")
    with CaptureQueriesContext(connection) as second:
        c.get(url)
    assert len(second) == len(first)


def test_team_today_defaults(world, client_for):
    d = world.district
    r = client_for(world.leader).get("/patrol/team/")
    assert r.status_code == 302 and r.url == f"/patrol/team/{d.sq1_t1.pk}/{timezone.localdate().isoformat()}/"
    r = client_for(d.squadron1).get("/patrol/team/")
    assert r.status_code == 302 and f"/patrol/team/{d.sq1_t1.pk}/" in r.url
    assert client_for(d.member1).get("/patrol/team/").status_code == 404
    r = client_for(d.squadron1).get(f"/patrol/team/go/?team={d.sq1_t2.pk}&day=2026-05-30")
    assert r.url == f"/patrol/team/{d.sq1_t2.pk}/2026-05-30/"
    assert client_for(d.squadron1).get(f"/patrol/team/go/?team={d.sq2_t1.pk}").status_code == 404
