"""§5.3.6 / §5.3.2 API: create from a phone (multipart with photos, or JSON), list own/team, handovers."""

import datetime as dt

import pytest
import time_machine

from auxpost.patrol import services
from auxpost.patrol.models import Handover, PatrolLog
from auxpost.patrol.tests.conftest import NOW, TODAY, png_upload

LOGS = "/api/v1/patrol/logs/"
HANDOVERS = "/api/v1/patrol/handovers/"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_create_multipart_with_photos(world, client_for):
    c = client_for(world.district.member1)
    r = c.post(LOGS, {"category": world.cats[2].pk, "description": "工地出入口未冲洗车辆",
                      "actions": ["inform", "report"], "reported_to": "扬尘专班", "members": [world.m3.pk],
                      "photos": [png_upload("a.png"), png_upload("b.png")], "lat": "30.68", "lng": "103.85",
                      "accuracy_m": "8", "coord_system": "wgs84"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["actions"] == ["inform", "report"] and len(body["photos"]) == 2
    assert body["shift_code"] == "day" and body["area"] == world.area.pk and sorted(body["members"]) == sorted(
        [world.district.m1.pk, world.m3.pk])
    assert client_for(world.district.member1).get(body["photos"][0]).status_code == 200


def test_create_json_and_errors(world, client_for):
    c = client_for(world.district.member1)
    r = c.post(LOGS, {"category": world.cats[0].pk, "description": "x", "actions": ["fine"]},
               content_type="application/json")
    assert r.status_code == 400 and "actions" in r.json()
    r = c.post(LOGS, {"category": world.cats[0].pk, "description": "x", "actions": ["report"]},
               content_type="application/json")
    assert r.status_code == 400 and "上报对象" in r.json()["reported_to"][0]
    from auxpost.duties.models import Duty

    r = c.post(LOGS, {"category": Duty.objects.get(code="x1").pk, "description": "x", "actions": ["dissuade"]},
               content_type="application/json")
    assert r.status_code == 400 and "category" in r.json()
    r = c.post(LOGS, {"category": world.cats[0].pk, "description": "x", "actions": ["dissuade"],
                      "photos": [png_upload()], "members": [world.t2_member.pk]})
    assert r.status_code == 400 and "钱四" in r.json()["members"][0]
    r = c.post(LOGS, {"category": world.cats[0].pk, "description": "门口摆摊", "actions": ["dissuade"]},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["photos"] == []
    assert PatrolLog.objects.count() == 1
    assert client_for(world.leader).post(LOGS, {}, content_type="application/json").status_code == 403
    assert client_for(None).post(LOGS, {}).status_code in (401, 403)


def test_list_mine_team_and_scope(world, client_for):
    d = world.district
    log = services.log_create(actor=d.member1, category=world.cats[0], description="a", actions=["dissuade"],
                              members=[world.m3], at=NOW)
    other = services.log_create(actor=world.member4, category=world.cats[0], description="b",
                                actions=["inform"], at=NOW)
    assert [x["id"] for x in client_for(world.member3).get(LOGS + "?mine=1").json()["results"]] == [log.pk]
    assert [x["id"] for x in client_for(world.leader).get(LOGS).json()["results"]] == [log.pk]
    ids = {x["id"] for x in client_for(d.squadron1).get(LOGS + "?day=2026-06-01").json()["results"]}
    assert ids == {log.pk, other.pk}
    r = client_for(d.squadron1).get(LOGS + f"?team={d.sq1_t2.pk}")
    assert [x["id"] for x in r.json()["results"]] == [other.pk]
    assert client_for(d.squadron1).get(LOGS + "?day=bad").status_code == 400
    assert client_for(world.member4).get(f"{LOGS}{log.pk}/").status_code == 404
    assert client_for(d.squadron2).get(f"{LOGS}{log.pk}/").status_code == 404
    assert client_for(d.hrco).get(LOGS).json()["results"] == []
    assert client_for(None).get(LOGS).status_code in (401, 403)


def test_follow_up_api(world, client_for):
    d = world.district
    log = services.log_create(actor=d.member1, category=world.cats[0], description="a", actions=["report"],
                              reported_to="中队", at=NOW)
    url = f"{LOGS}{log.pk}/follow-up/"
    assert client_for(d.member1).post(url, {"note": "x"}, content_type="application/json").status_code == 403
    assert client_for(world.leader2).post(url, {"note": "x"}, content_type="application/json").status_code == 404
    r = client_for(world.leader).post(url, {"note": "执法队员已处置"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["follow_up"] == "handled"
    r = client_for(world.leader).post(url, {"note": "again"}, content_type="application/json")
    assert r.status_code == 400


def test_handover_api_flow(world, client_for):
    d = world.district
    body = {"from_team": d.sq1_t1.pk, "day": TODAY.isoformat(), "shift_code": "day", "to_team": d.sq1_t2.pk,
            "open_issues": "摊点明早复查", "vehicles": "电瓶车1辆"}
    r = client_for(d.member1).post(HANDOVERS, body, content_type="application/json")
    assert r.status_code == 201, r.content
    h = r.json()
    assert h["to_shift_code"] == "night" and h["acknowledged"] is False and h["overdue"] is False
    assert client_for(world.member4).post(HANDOVERS, body, content_type="application/json").status_code == 403
    bad = {**body, "shift_code": "late"}
    r = client_for(d.member1).post(HANDOVERS, bad, content_type="application/json")
    assert r.status_code == 400 and "shift_code" in r.json()
    assert [x["id"] for x in client_for(world.member4).get(HANDOVERS + "?show=mine").json()["results"]] == [h["id"]]
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        r = client_for(world.leader2).get(HANDOVERS + "?show=overdue")
        assert [x["id"] for x in r.json()["results"]] == [h["id"]] and r.json()["results"][0]["overdue"]
    url = f"{HANDOVERS}{h['id']}/"
    assert client_for(d.squadron2).get(url).status_code == 404
    assert client_for(world.member3).post(url + "acknowledge/", {}, content_type="application/json").status_code == 403
    r = client_for(world.member4).post(url + "acknowledge/", {"remarks": "少一部对讲机", "discrepancy": True},
                                       content_type="application/json")
    assert r.status_code == 200 and r.json()["acknowledged"] and r.json()["discrepancy"]
    r = client_for(world.leader2).post(url + "acknowledge/", {}, content_type="application/json")
    assert r.status_code == 400
    r = client_for(d.member1).post(url + "notes/", {"text": "更正：对讲机在队部"}, content_type="application/json")
    assert r.status_code == 201
    assert client_for(d.squadron2).post(url + "notes/", {"text": "x"}, content_type="application/json").status_code == 404
    detail = client_for(world.leader).get(url).json()
    assert len(detail["notes"]) == 1 and Handover.objects.get().ack_member == world.t2_member
    assert client_for(None).get(HANDOVERS).status_code in (401, 403)


def test_schema_builds(client_for, world):
    r = client_for(world.district.admin).get("/api/schema/")
    assert r.status_code == 200 and b"/api/v1/patrol/logs/" in r.content
