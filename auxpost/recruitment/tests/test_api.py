"""§5.2.1 recruitment API: permitted / out-of-scope / anonymous, 409 out of order, 403 not this party, 400
with Chinese messages per field, masking of personal data."""

from __future__ import annotations

import datetime as dt

import pytest

from auxpost.people.models import Member
from auxpost.recruitment import rules
from auxpost.recruitment.models import ProbationReview

from .flow import FIXED_ID, add, applicant, hired, posted_plan, to_publicity

pytestmark = pytest.mark.django_db
API = "/api/v1/recruitment"


def test_plans_list_create_and_scope(d, client_for, django_assert_max_num_queries):
    plan = posted_plan(d)
    posted_plan(d, unit=d.sq2_t1)
    c = client_for(d.bureau_user)
    with django_assert_max_num_queries(8):
        r = c.get(f"{API}/plans/")
    assert r.status_code == 200 and r.json()["count"] == 2
    r = client_for(d.squadron1).get(f"{API}/plans/")
    assert [p["id"] for p in r.json()["results"]] == [plan.pk]
    assert client_for(d.squadron2).get(f"{API}/plans/{plan.pk}/").status_code == 404
    assert client_for(d.member1).get(f"{API}/plans/").status_code == 403
    assert client_for(None).get(f"{API}/plans/").status_code in (401, 403)
    r = c.post(f"{API}/plans/", {"unit": d.sq1.pk, "year": 2026, "title": "", "positions": 0},
               content_type="application/json")
    assert r.status_code == 400 and "标题：必须填写。" in r.json()["title"]
    r = c.post(f"{API}/plans/", {"unit": d.sq1.pk, "year": 2026, "title": "API计划", "positions": 1},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "draft"
    r = client_for(d.hrco).post(f"{API}/plans/", {"unit": d.sq1.pk, "year": 2026, "title": "x", "positions": 1},
                                content_type="application/json")
    assert r.status_code == 403


def test_plan_moves_403_409(d, client_for):
    c = client_for(d.bureau_user)
    pk = c.post(f"{API}/plans/", {"unit": d.sq1.pk, "year": 2026, "title": "API计划", "positions": 60},
                content_type="application/json").json()["id"]
    assert c.post(f"{API}/plans/{pk}/move/", {"action": "submit"}, content_type="application/json").status_code == 200
    r = c.post(f"{API}/plans/{pk}/move/", {"action": "approve"}, content_type="application/json")
    assert r.status_code == 403
    r = client_for(d.bianban).post(f"{API}/plans/{pk}/move/", {"action": "approve"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["detail"].startswith("超出编制：")
    r = client_for(d.bianban).post(f"{API}/plans/{pk}/move/", {"action": "return"}, content_type="application/json")
    assert r.status_code == 400 and "理由" in r.json()["reason"][0]


def test_applications_scores_masking(d, client_for):
    plan = posted_plan(d)
    c = client_for(d.bureau_user)
    data = applicant(id_number=FIXED_ID) | {"applied_on": "2026-03-05"}
    r = c.post(f"{API}/plans/{plan.pk}/applications/", data, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "qualified" and r.json()["id_number"] == FIXED_ID
    app_id = r.json()["id"]
    r = c.post(f"{API}/plans/{plan.pk}/applications/", data | {"education": "初中"}, content_type="application/json")
    assert r.json()["status"] == "rejected" and any(x.startswith("重复报名") for x in r.json()["reasons"])
    r = client_for(d.bianban).get(f"{API}/plans/{plan.pk}/applications/")
    assert r.status_code == 200 and FIXED_ID not in r.content.decode() and r.json()["count"] == 2
    assert client_for(d.squadron2).get(f"{API}/applications/{app_id}/").status_code == 404
    assert client_for(None).get(f"{API}/applications/{app_id}/").status_code in (401, 403)
    r = c.post(f"{API}/applications/{app_id}/scores/", {"exam": "80", "interview": "75", "fitness": "70"},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["total_score"] == "76.50" and r.json()["rank"] == 1
    r = c.post(f"{API}/applications/{app_id}/scores/", {"exam": "x", "interview": "75", "fitness": "70"},
               content_type="application/json")
    assert r.status_code == 400 and "笔试" in r.json()["exam_score"][0]
    r = c.post(f"{API}/applications/{app_id}/checks/", {"health": "pass"}, content_type="application/json")
    assert r.status_code == 409
    r = c.post(f"{API}/plans/{plan.pk}/propose/", content_type="application/json")
    assert r.status_code == 200 and [a["id"] for a in r.json()] == [app_id]
    r = c.post(f"{API}/applications/{app_id}/checks/", {"health": "pass", "background": "pass"},
               content_type="application/json")
    assert r.status_code == 200
    r = c.post(f"{API}/plans/{plan.pk}/publicity/", {"start": "2026-04-13"}, content_type="application/json")
    assert r.status_code == 200 and r.json()[0]["publicity_end"] == "2026-04-17"


def test_hire_and_probation_over_the_api(d, client_for):
    import time_machine

    plan = posted_plan(d)
    app = to_publicity(d, plan, add(d, plan))
    contract = {"number": "HX-9", "start_date": "2026-04-20", "end_date": "2028-04-19", "probation_end": "2026-06-19"}
    with time_machine.travel(dt.datetime(2026, 4, 17, 10, tzinfo=dt.UTC), tick=False):
        r = client_for(d.hrco).post(f"{API}/applications/{app.pk}/hire/", contract, content_type="application/json")
        assert r.status_code == 409 and "2026-04-17" in r.json()["detail"]
    with time_machine.travel(dt.datetime(2026, 4, 20, 10, tzinfo=dt.UTC), tick=False):
        r = client_for(d.bureau_user).post(f"{API}/applications/{app.pk}/hire/", contract,
                                           content_type="application/json")
        assert r.status_code == 403
        r = client_for(d.hrco).post(f"{API}/applications/{app.pk}/hire/", contract | {"probation_end": "2026-07-01"},
                                    content_type="application/json")
        assert r.status_code == 400 and "第十九条" in r.json()["probation_end"][0]
        r = client_for(d.hrco).post(f"{API}/applications/{app.pk}/hire/", contract, content_type="application/json")
        assert r.status_code == 200 and r.json()["status"] == "hired"
    review = ProbationReview.objects.get()
    with time_machine.travel(dt.datetime(2026, 6, 19, 10, tzinfo=dt.UTC), tick=False):
        h, b = client_for(d.hrco), client_for(d.bureau_user)
        assert client_for(d.bianban).get(f"{API}/probation-reviews/").status_code == 403
        assert client_for(d.bianban).get(f"{API}/probation-reviews/{review.pk}/").status_code == 404
        r = h.post(f"{API}/probation-reviews/{review.pk}/sign/")
        assert r.status_code == 409 and "上岗证" in r.json()["detail"]
        Member.objects.filter(pk=review.member_id).update(cert_number="SZ-2", cert_valid_until=dt.date(2029, 1, 1))
        assert h.post(f"{API}/probation-reviews/{review.pk}/sign/").json()["hr_signed"] == "hrco"
        r = b.post(f"{API}/probation-reviews/{review.pk}/sign/")
        assert r.status_code == 200 and r.json()["status"] == rules.CONFIRMED
        assert b.get(f"{API}/probation-reviews/").json()["count"] == 1


def test_probation_fail_over_the_api(d, client_for):
    import time_machine

    _plan, app, _c = hired(d)
    review = ProbationReview.objects.get()
    with time_machine.travel(dt.datetime(2026, 5, 6, 10, tzinfo=dt.UTC), tick=False):
        r = client_for(d.bureau_user).post(f"{API}/probation-reviews/{review.pk}/fail/", {"reason": ""},
                                           content_type="application/json")
        assert r.status_code == 400
        r = client_for(d.hrco).post(f"{API}/probation-reviews/{review.pk}/fail/", {"reason": "x"},
                                    content_type="application/json")
        assert r.status_code == 403
        r = client_for(d.squadron1).post(f"{API}/probation-reviews/{review.pk}/fail/", {"reason": "x"},
                                         content_type="application/json")
        assert r.status_code == 404
        r = client_for(d.bureau_user).post(f"{API}/probation-reviews/{review.pk}/fail/",
                                           {"reason": "试用期内多次违反工作纪律"}, content_type="application/json")
        assert r.status_code == 200 and r.json()["status"] == rules.PROBATION_FAILED


def test_schema_lists_the_recruitment_api_without_warnings(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/recruitment/plans/", "/api/v1/recruitment/plans/{id}/move/",
                 "/api/v1/recruitment/plans/{id}/applications/", "/api/v1/recruitment/applications/{id}/hire/",
                 "/api/v1/recruitment/probation-reviews/{id}/sign/"):
        assert path in schema["paths"], path
    warnings = [w for w in str(GENERATOR_STATS).splitlines() if "recruitment" in w.lower()]
    assert not warnings, warnings
