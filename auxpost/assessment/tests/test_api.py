"""§7 REST API: scoped lists, upsert, score entry, compute / confirm / review; access matrix."""

import datetime as dt

import pytest
import time_machine

from auxpost.assessment.models import AnnualResult, MonthlyScore
from auxpost.assessment.services import annual_results_record, skills_round_create
from auxpost.assessment.tests.conftest import AT, FULL

pytestmark = pytest.mark.django_db

BASE = "/api/v1/assessment"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 4, 10, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def upsert(client, member, **extra):
    body = {"member": member.pk, "month": "2026-03", "scores": dict(FULL), "reasons": {}}
    body.update(extra)
    return client.post(f"{BASE}/monthly/", body, content_type="application/json")


def test_monthly_upsert_and_scoped_list(district, client_for, django_assert_max_num_queries):
    d = district
    c = client_for(d.squadron1)
    r = upsert(c, d.m1)
    assert r.status_code == 201 and r.json()["total"] == "100.00"
    r = upsert(c, d.m1, scores=dict(FULL, duty_performance=30))
    assert r.status_code == 400 and "reason_duty_performance" in r.json()
    assert "履职情况" in r.json()["reason_duty_performance"][0]
    r = upsert(c, d.m1, scores=dict(FULL, duty_performance=30), reasons={"duty_performance": "未完成巡查"})
    assert r.status_code == 200 and r.json()["total"] == "90.00"
    assert upsert(c, d.m2).status_code == 404  # other squadron
    assert upsert(client_for(d.member1), d.m1).status_code == 403
    assert upsert(client_for(d.assessor), d.m1).status_code == 403
    assert upsert(client_for(None), d.m1).status_code in (401, 403)
    assert upsert(c, d.m1, month="March").status_code == 400
    upsert(client_for(d.squadron2), d.m2)
    with django_assert_max_num_queries(10):
        r = c.get(f"{BASE}/monthly/?month=2026-03")
    assert [x["member_name"] for x in r.json()["results"]] == ["李一"]
    assert len(client_for(d.bureau_user).get(f"{BASE}/monthly/").json()["results"]) == 2
    assert [x["member"] for x in client_for(d.member1).get(f"{BASE}/monthly/").json()["results"]] == [d.m1.pk]
    assert client_for(d.assessor).get(f"{BASE}/monthly/").json()["results"] == []
    assert client_for(None).get(f"{BASE}/monthly/").status_code in (401, 403)


@pytest.fixture
def rnd(district):
    return skills_round_create(year=2026, batch=1, name="第一批", assessor=district.assessor_org,
                               by=district.bureau_user, at=AT)


def test_rounds_and_scores(district, client_for, rnd, other_assessor, django_assert_max_num_queries):
    d = district
    a = client_for(d.assessor)
    with django_assert_max_num_queries(10):
        r = a.get(f"{BASE}/rounds/")
    assert [x["name"] for x in r.json()["results"]] == ["第一批"]
    o = client_for(other_assessor)
    assert o.get(f"{BASE}/rounds/").json()["results"] == []
    assert o.get(f"{BASE}/rounds/{rnd.pk}/").status_code == 404
    assert o.get(f"{BASE}/rounds/{rnd.pk}/scores/").status_code == 404
    assert o.post(f"{BASE}/rounds/{rnd.pk}/close/").status_code == 404
    assert client_for(None).get(f"{BASE}/rounds/{rnd.pk}/scores/").status_code in (401, 403)
    assert client_for(d.squadron1).get(f"{BASE}/rounds/").status_code == 403
    assert client_for(None).get(f"{BASE}/rounds/").status_code in (401, 403)
    scores = a.get(f"{BASE}/rounds/{rnd.pk}/scores/").json()["results"]
    sid = next(s["id"] for s in scores if s["member"] == d.m1.pk)
    body = {"components": {"law": 90, "practical": 80, "fitness": 70, "peer_rating": 100}}
    r = a.put(f"{BASE}/scores/{sid}/", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["composite"] == "85.00"
    assert o.put(f"{BASE}/scores/{sid}/", body, content_type="application/json").status_code == 404
    assert o.get(f"{BASE}/scores/{sid}/").status_code == 404
    assert client_for(d.squadron1).get(f"{BASE}/scores/{sid}/").status_code == 403
    assert client_for(None).get(f"{BASE}/scores/{sid}/").status_code in (401, 403)
    r = a.patch(f"{BASE}/scores/{sid}/", {"components": {"law": 90}}, content_type="application/json")
    assert r.status_code == 400 and "practical" in r.json()
    # create and close
    body = {"year": 2026, "batch": 2, "name": "第二批", "assessor": other_assessor.organisation_id}
    assert a.post(f"{BASE}/rounds/", body, content_type="application/json").status_code == 403
    b = client_for(d.bureau_user)
    r = b.post(f"{BASE}/rounds/", body, content_type="application/json")
    assert r.status_code == 201
    assert b.post(f"{BASE}/rounds/", body, content_type="application/json").status_code == 400
    assert o.get(f"{BASE}/rounds/").json()["results"][0]["name"] == "第二批"
    assert a.post(f"{BASE}/rounds/{rnd.pk}/close/").status_code == 403
    assert b.post(f"{BASE}/rounds/{rnd.pk}/close/").json()["status"] == "closed"
    r = b.put(f"{BASE}/scores/{sid}/", {"components": {"law": 1, "practical": 1, "fitness": 1, "peer_rating": 1}},
              content_type="application/json")
    assert r.status_code == 400


def test_annual_results_api(district, client_for, django_assert_max_num_queries):
    d = district
    b = client_for(d.bureau_user)
    assert client_for(d.squadron1).post(f"{BASE}/annual/compute/", {"year": 2025},
                                        content_type="application/json").status_code == 403
    r = b.post(f"{BASE}/annual/compute/", {"year": 2025}, content_type="application/json")
    assert r.status_code == 200 and r.json()["created"] == 2
    assert b.post(f"{BASE}/annual/compute/", {"year": "x"}, content_type="application/json").status_code == 400
    s1 = client_for(d.squadron1)
    with django_assert_max_num_queries(10):
        r = s1.get(f"{BASE}/annual/?year=2025")
    assert [x["member_name"] for x in r.json()["results"]] == ["李一"]
    assert len(b.get(f"{BASE}/annual/?year=2025").json()["results"]) == 2
    assert len(client_for(d.member1).get(f"{BASE}/annual/").json()["results"]) == 1
    assert client_for(d.assessor).get(f"{BASE}/annual/").json()["results"] == []
    assert client_for(None).get(f"{BASE}/annual/").status_code in (401, 403)
    res = AnnualResult.objects.get(member=d.m1)
    assert client_for(d.squadron2).post(f"{BASE}/annual/{res.pk}/review/").status_code == 404
    assert client_for(d.member1).post(f"{BASE}/annual/{res.pk}/review/").status_code == 403
    assert client_for(d.squadron1).post(f"{BASE}/annual/{res.pk}/review/").json()["status"] == "reviewed"
    assert client_for(d.squadron1).post(f"{BASE}/annual/confirm/", {"year": 2025},
                                        content_type="application/json").status_code == 403
    r = b.post(f"{BASE}/annual/confirm/", {"year": 2025, "unit": d.sq1.pk}, content_type="application/json")
    assert r.json() == {"confirmed": 1}
    r = b.post(f"{BASE}/annual/confirm/", {"year": 2024}, content_type="application/json")
    assert r.status_code == 400 and "2024" in r.json()["year"][0]


def test_confirmed_year_refuses_monthly_upsert(district, client_for):
    annual_results_record(year=2026, by=district.bureau_user, at=AT)
    AnnualResult.objects.filter(member=district.m1).update(status="confirmed")
    r = upsert(client_for(district.squadron1), district.m1)
    assert r.status_code == 400 and "已确认" in r.json()["month"][0]
    assert not MonthlyScore.objects.exists()
