"""§5.3.3 API: list, detail, sign-in, excuse — permitted, out of scope (404), anonymous; query counts."""

import datetime as dt

import pytest
import time_machine

from auxpost.meetings.tests.conftest import START, local, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def meeting(district, leader):
    return schedule(leader, district.sq1_t1)


def test_anonymous_refused(client_for, meeting):
    c = client_for(None)
    assert c.get("/api/v1/meetings/").status_code in (401, 403)
    assert c.get(f"/api/v1/meetings/{meeting.pk}/").status_code in (401, 403)
    assert c.post(f"/api/v1/meetings/{meeting.pk}/signin/").status_code in (401, 403)
    assert c.post(f"/api/v1/meetings/{meeting.pk}/excuse/", {"reason": "x"}).status_code in (401, 403)


def test_list_and_detail_scoped(client_for, district, leader, meeting, django_assert_max_num_queries):
    for i in range(5):
        schedule(leader, district.sq1_t1, title=f"班前会{i}", kind="pre_shift", start=local(2026, 6, 17 + i, 8),
                 end=local(2026, 6, 17 + i, 8, 20))
    c = client_for(leader)
    with django_assert_max_num_queries(10):
        data = c.get("/api/v1/meetings/?month=2026-06").json()
    assert data["count"] == 6
    assert client_for(district.squadron2).get("/api/v1/meetings/").json()["count"] == 0
    assert client_for(district.member1).get("/api/v1/meetings/").json()["count"] == 6
    assert c.get("/api/v1/meetings/?month=2026-13").status_code == 400
    assert c.get(f"/api/v1/meetings/?unit={district.sq2.pk}").status_code == 404
    detail = c.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert detail["kind_name"] == "小队周例会" and {a["member_name"] for a in detail["attendees"]} == {"李一"}
    mine = client_for(district.member1).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [a["member_name"] for a in mine["attendees"]] == ["李一"]
    assert client_for(district.squadron2).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert client_for(district.hrco).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404


def test_signin_and_excuse(client_for, district, meeting):
    c = client_for(district.member1)
    r = c.post(f"/api/v1/meetings/{meeting.pk}/excuse/", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400
    r = c.post(f"/api/v1/meetings/{meeting.pk}/excuse/", {"reason": "外出学习"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["excuse_state"] == "pending"
    r = c.post(f"/api/v1/meetings/{meeting.pk}/signin/")
    assert r.status_code == 400 and "开始前30分钟" in r.json()["meeting"][0]
    with time_machine.travel(START, tick=False):
        c = client_for(district.member1)
        r = c.post(f"/api/v1/meetings/{meeting.pk}/signin/")
        assert r.status_code == 200 and r.json()["signed_in_at"]
        assert client_for(district.squadron2).post(f"/api/v1/meetings/{meeting.pk}/signin/").status_code == 404
        r = client_for(district.squadron1).post(f"/api/v1/meetings/{meeting.pk}/signin/")
        assert r.status_code == 400 and "不在本次会议" in r.json()["meeting"][0]


def test_schema_lists_meeting_and_uniform_endpoints(db):
    import json

    from django.test import Client

    paths = json.loads(Client().get("/api/schema/", {"format": "json"}).content)["paths"]
    for p in ("/api/v1/meetings/", "/api/v1/meetings/{id}/", "/api/v1/meetings/{id}/signin/",
              "/api/v1/meetings/{id}/excuse/", "/api/v1/uniform/inspections/", "/api/v1/uniform/inspections/{id}/",
              "/api/v1/uniform/stats/"):
        assert p in paths, p
