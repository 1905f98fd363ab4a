"""§5.3.5 API: list, create, detail, stats — permitted, out of scope, anonymous; query counts."""

import datetime as dt

import pytest
import time_machine

from auxpost.points.models import PointsEntry
from auxpost.testing import make_member
from auxpost.uniform.models import Inspection
from auxpost.uniform.services import Entry, inspection_record
from auxpost.uniform.tests.conftest import AT, DAY, jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_anonymous_refused(client_for):
    c = client_for(None)
    for url in ["/api/v1/uniform/inspections/", "/api/v1/uniform/stats/", "/api/v1/uniform/inspections/1/"]:
        assert c.get(url).status_code in (401, 403), url
    assert c.post("/api/v1/uniform/inspections/", {}).status_code in (401, 403)


def test_create_json_and_multipart(client_for, district, leader):
    c = client_for(leader)
    r = c.post("/api/v1/uniform/inspections/", {"member": district.m1.pk, "date": "2026-06-15",
                                                "failed": ["complete", "grooming"], "notes": {"complete": "污渍"}},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["failed_count"] == 2
    assert r.json()["failed_items"][0] == {"code": "complete", "name": "制服整洁完整", "note": "污渍"}
    assert PointsEntry.objects.get().quantity == 2
    r = c.post("/api/v1/uniform/inspections/", {"member": district.m1.pk, "failed": ["insignia"],
                                                "notes.insignia": "未戴", "photos": [jpeg()]})
    assert r.status_code == 201 and len(r.json()["photos"]) == 1
    r = c.post("/api/v1/uniform/inspections/", {"member": district.m1.pk, "failed": ["hat"]},
               content_type="application/json")
    assert r.status_code == 400 and "hat" in r.json()["failed"][0]
    assert c.post("/api/v1/uniform/inspections/", {"member": district.m2.pk},
                  content_type="application/json").status_code == 404
    assert client_for(district.member1).post("/api/v1/uniform/inspections/", {"member": district.m2.pk},
                                             content_type="application/json").status_code == 403
    assert Inspection.objects.count() == 2


def test_list_detail_stats_scoped(client_for, district, leader, django_assert_max_num_queries):
    members = [make_member(district.sq1_t1, name=f"队员{i}") for i in range(6)]
    inspection_record(actor=leader, date=DAY, at=AT, entries=[Entry(m, failed=["complete"] if i == 0 else [])
                                                              for i, m in enumerate(members)])
    inspection_record(actor=district.squadron2, date=DAY, at=AT, entries=[Entry(district.m2)])
    c = client_for(leader)
    with django_assert_max_num_queries(10):
        data = c.get("/api/v1/uniform/inspections/?month=2026-06").json()
    assert data["count"] == 6
    assert client_for(district.bureau_user).get("/api/v1/uniform/inspections/?failed=1").json()["count"] == 1
    assert client_for(district.member1).get("/api/v1/uniform/inspections/").json()["count"] == 0
    other = Inspection.objects.get(member=district.m2)
    assert c.get(f"/api/v1/uniform/inspections/{other.pk}/").status_code == 404
    assert client_for(district.squadron2).get(f"/api/v1/uniform/inspections/{other.pk}/").status_code == 200
    stats = c.get("/api/v1/uniform/stats/?month=2026-06").json()
    assert stats == [{"unit": district.sq1_t1.pk, "name": "综合行政执法大队/第一中队/第一小队", "inspections": 6,
                      "passed": 5, "failed_items": 1, "pass_rate": 83}]
    assert client_for(district.member1).get("/api/v1/uniform/stats/").status_code == 403
    assert c.get("/api/v1/uniform/stats/?month=x").status_code == 400
    assert c.get(f"/api/v1/uniform/stats/?unit={district.sq2.pk}").status_code == 404
