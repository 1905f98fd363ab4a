"""§5.2.2/§5.2.3 API: permitted, out of scope (404), forbidden roles (403), anonymous; query counts."""

import datetime as dt

import pytest
import time_machine

from auxpost.people.models import Member
from auxpost.testing import make_member
from auxpost.training.models import Certificate, Course, Session, TrainingRecord
from auxpost.training.tests.conftest import attend, make_course, make_session, pass_induction

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


@pytest.fixture
def setup(district):
    b = district.bureau_user
    annual = make_course(b, name="年度业务培训", category="annual", hours=8, has_exam=True)
    s = make_session(b, annual, [district.brigade], start=dt.date(2026, 4, 1))
    attend(b, s, district.m1, score=80)
    attend(b, s, district.m2, "absent")
    return annual, s


def test_anonymous_refused(client_for, setup):
    c = client_for(None)
    for url in ["/api/v1/training/courses/", "/api/v1/training/sessions/", "/api/v1/training/records/",
                "/api/v1/training/certificates/", "/api/v1/training/shortfall/", "/api/v1/training/expiring/"]:
        assert c.get(url).status_code in (401, 403), url


def test_courses_and_sessions(client_for, district, setup):
    annual, s = setup
    sq = client_for(district.squadron1)
    assert [c["name"] for c in sq.get("/api/v1/training/courses/").json()] == ["年度业务培训"]
    assert sq.get(f"/api/v1/training/sessions/{s.pk}/").json()["course"]["name"] == "年度业务培训"
    assert len(sq.get("/api/v1/training/sessions/?year=2026").json()) == 1
    assert client_for(district.member1).get("/api/v1/training/courses/").status_code == 403
    assert client_for(district.member1).get(f"/api/v1/training/sessions/{s.pk}/").status_code == 404
    assert sq.get("/api/v1/training/sessions/999/").status_code == 404
    # create: the bureau only, errors in Chinese per field
    b = client_for(district.bureau_user)
    r = b.post("/api/v1/training/courses/", {"name": "岗前培训", "category": "induction", "hours": "40",
                                             "has_exam": True}, content_type="application/json")
    assert r.status_code == 201
    r = b.post("/api/v1/training/courses/", {"name": "岗前培训", "category": "induction", "hours": "40"},
               content_type="application/json")
    assert r.status_code == 400 and "已有同名同类别" in r.json()["name"][0]
    assert sq.post("/api/v1/training/courses/", {"name": "x", "category": "annual", "hours": "8"},
                   content_type="application/json").status_code == 403
    r = b.post("/api/v1/training/sessions/", {"course": r.json().get("id", Course.objects.get(name="岗前培训").pk),
                                              "start_date": "2026-05-01", "end_date": "2026-05-05",
                                              "units": [district.sq1.pk]}, content_type="application/json")
    assert r.status_code == 201 and Session.objects.count() == 2


def test_attendance_api_scope(client_for, district, setup):
    annual, s = setup
    sq = client_for(district.squadron1)
    r = sq.post(f"/api/v1/training/sessions/{s.pk}/attendance/",
                {"entries": [{"member": district.m1.pk, "attendance": "attended", "score": "95"}]},
                content_type="application/json")
    assert r.status_code == 200 and r.json() == {"recorded": 1, "corrected": 1}
    r = sq.post(f"/api/v1/training/sessions/{s.pk}/attendance/",
                {"entries": [{"member": district.m2.pk, "attendance": "attended"}]}, content_type="application/json")
    assert r.status_code == 400 and "管理范围" in r.json()["member"][0]
    assert client_for(district.hrco).post(f"/api/v1/training/sessions/{s.pk}/attendance/", {"entries": []},
                                          content_type="application/json").status_code == 403


def test_records_scoped(client_for, district, setup, django_assert_max_num_queries):
    for i in range(5):
        m = make_member(district.sq1_t1, name=f"队员{i}")
        TrainingRecord.objects.create(member=m, course=setup[0], category="annual", date=dt.date(2026, 4, 1),
                                      hours=8, source="import", recorded_at="2026-04-01T00:00Z")
    sq = client_for(district.squadron1)
    with django_assert_max_num_queries(8):
        data = sq.get("/api/v1/training/records/?year=2026").json()
    assert data["count"] == 6 and {r["member_name"] for r in data["results"]} >= {"李一", "队员4"}
    mine = client_for(district.member1).get("/api/v1/training/records/").json()
    assert {r["member"] for r in mine["results"]} == {district.m1.pk}
    assert client_for(district.member1).get(f"/api/v1/training/records/?member={district.m2.pk}").json()["count"] == 0
    other = TrainingRecord.objects.filter(member=district.m2).first()
    assert sq.get(f"/api/v1/training/records/{other.pk}/").status_code == 404
    assert client_for(district.assessor).get("/api/v1/training/records/").json()["count"] == 0


def test_certificates_issue_renew_list(client_for, district):
    b = client_for(district.bureau_user)
    r = b.post("/api/v1/training/certificates/issue/", {"member": district.m1.pk, "on": "2026-06-15"},
               content_type="application/json")
    assert r.status_code == 400 and "岗前培训学时不足" in r.json()["member"][0]
    pass_induction(district, district.m1)
    r = b.post("/api/v1/training/certificates/issue/", {"member": district.m1.pk, "on": "2026-06-15"},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["valid_until"] == "2029-06-15"
    assert Member.objects.get(pk=district.m1.pk).cert_number == r.json()["number"]
    assert client_for(district.squadron1).post("/api/v1/training/certificates/issue/", {"member": district.m1.pk},
                                               content_type="application/json").status_code == 403
    assert b.post("/api/v1/training/certificates/renew/", {"member": 99999},
                  content_type="application/json").status_code == 404
    assert client_for(district.member1).get("/api/v1/training/certificates/").json()["count"] == 1
    assert client_for(district.squadron2).get("/api/v1/training/certificates/").json()["count"] == 0
    cert = Certificate.objects.get()
    assert client_for(district.squadron2).get(f"/api/v1/training/certificates/{cert.pk}/").status_code == 404


def test_shortfall_and_expiring(client_for, district, setup):
    sq = client_for(district.squadron1)
    rows = sq.get("/api/v1/training/shortfall/?year=2026").json()
    assert [r["name"] for r in rows] == ["李一"] and rows[0]["shortfall"] == "32.0"
    assert sq.get(f"/api/v1/training/shortfall/?unit={district.sq2.pk}").status_code == 404
    assert sq.get("/api/v1/training/shortfall/?year=1999").status_code == 400
    assert client_for(district.member1).get("/api/v1/training/shortfall/").status_code == 403
    Member.objects.filter(pk=district.m1.pk).update(cert_number="A1", cert_valid_until=dt.date(2026, 7, 1))
    Member.objects.filter(pk=district.m2.pk).update(cert_number="A2", cert_valid_until=dt.date(2026, 6, 1))
    exp = sq.get("/api/v1/training/expiring/").json()
    assert [(e["name"], e["state"], e["days_left"]) for e in exp] == [("李一", "expiring", 16)]
    exp = client_for(district.bureau_user).get("/api/v1/training/expiring/").json()
    assert [e["state"] for e in exp] == ["expired", "expiring"]
    assert [e["number"] for e in client_for(district.member1).get("/api/v1/training/expiring/").json()] == ["A1"]
