"""Grading API: outcomes (same objects as `evaluate --format json`) and basic records; access matrix."""

from __future__ import annotations

import datetime as dt

import pytest

from auxpost.grading.models import BasicRecord

from .conftest import add_record, make_promotable

pytestmark = pytest.mark.django_db
OUTCOMES = "/api/v1/grading/outcomes/"
ME = "/api/v1/grading/outcomes/me/"
RECORDS = "/api/v1/grading/records/"
KEYS = {"id_number", "name", "unit", "grade", "outcome", "target_grade", "quota_rank", "reasons"}


def test_outcomes_for_the_bureau_are_the_evaluate_objects(district, client_for):
    import io
    import json

    from django.core.management import call_command

    make_promotable(district.m1)
    r = client_for(district.bureau_user).get(OUTCOMES, {"as_of": "2026-03-01"})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2 and all(set(o) == KEYS for o in body["results"])
    out = io.StringIO()
    call_command("evaluate", "--as-of", "2026-03-01", stdout=out)
    assert sorted(body["results"], key=lambda o: o["name"]) == sorted(json.loads(out.getvalue()), key=lambda o: o["name"])


def test_outcomes_filters_and_scope(district, client_for):
    make_promotable(district.m1)
    r = client_for(district.bureau_user).get(OUTCOMES, {"as_of": "2026-03-01", "outcome": "promote"})
    assert [o["name"] for o in r.json()["results"]] == ["李一"]
    r = client_for(district.bureau_user).get(OUTCOMES, {"as_of": "2026-03-01", "unit": district.sq2.pk})
    assert [o["name"] for o in r.json()["results"]] == ["王二"]
    r = client_for(district.squadron2).get(OUTCOMES, {"as_of": "2026-03-01"})
    assert [o["name"] for o in r.json()["results"]] == ["王二"]
    assert r.json()["results"][0]["id_number"] != district.m2.id_number  # masked for a line manager
    r = client_for(district.member1).get(OUTCOMES, {"as_of": "2026-03-01"})
    assert [o["name"] for o in r.json()["results"]] == ["李一"]
    assert r.json()["results"][0]["id_number"] == district.m1.id_number  # one's own number in full


def test_outcomes_refused_for_assessor_nobody_and_anonymous(district, client_for):
    assert client_for(district.assessor).get(OUTCOMES).status_code == 403
    assert client_for(district.nobody).get(OUTCOMES).status_code == 403
    assert client_for(None).get(OUTCOMES).status_code in (401, 403)


def test_outcomes_bad_parameters_are_400_in_chinese(district, client_for):
    c = client_for(district.bureau_user)
    r = c.get(OUTCOMES, {"as_of": "2026-02-30"})
    assert r.status_code == 400 and "不是 YYYY-MM-DD 格式的日期" in r.json()["as_of"][0]
    r = c.get(OUTCOMES, {"as_of": "2026-03-01", "policy": "99"})
    assert r.status_code == 400 and "99" in r.json()["policy"][0]


def test_outcomes_with_another_policy_version(district, client_for, policy_v2):
    make_promotable(district.m1, points=90)
    c = client_for(district.bureau_user)
    assert c.get(OUTCOMES, {"as_of": "2026-03-01", "outcome": "promote"}).json()["count"] == 1
    assert c.get(OUTCOMES, {"as_of": "2026-03-01", "outcome": "promote", "policy": "2"}).json()["count"] == 0


def test_outcomes_query_count_is_constant(district, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from auxpost.testing import make_member

    c = client_for(district.bureau_user)
    with CaptureQueriesContext(connection) as few:
        c.get(OUTCOMES, {"as_of": "2026-03-01"})
    from django.core.cache import cache

    for i in range(10):
        make_promotable(make_member(district.sq1_t1, name=f"成员{i}"), grade=5 - i % 4)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(OUTCOMES, {"as_of": "2026-03-01"}).json()["count"] == 12


def test_me(district, client_for):
    make_promotable(district.m1)
    r = client_for(district.member1).get(ME, {"as_of": "2026-03-01"})
    assert r.status_code == 200 and set(r.json()) == KEYS and r.json()["outcome"] == "promote"
    assert client_for(district.bureau_user).get(ME).status_code == 404
    assert client_for(None).get(ME).status_code in (401, 403)


def test_records_list_scope(district, client_for):
    add_record(district.m1, "health", dt.date(2025, 5, 1))
    add_record(district.m2, "sanction", dt.date(2025, 5, 1), passed=False)
    r = client_for(district.bureau_user).get(RECORDS, {"member": district.m1.pk})
    assert r.status_code == 200 and [x["kind"] for x in r.json()["results"]] == ["health"]
    assert client_for(district.bureau_user).get(RECORDS).json()["count"] == 2
    assert client_for(district.squadron1).get(RECORDS).json()["count"] == 1
    assert client_for(district.squadron1).get(RECORDS, {"member": district.m2.pk}).json()["count"] == 0
    assert client_for(district.member1).get(RECORDS).json()["count"] == 1
    assert client_for(district.assessor).get(RECORDS).status_code == 403
    assert client_for(None).get(RECORDS).status_code in (401, 403)


def test_records_create(district, client_for):
    body = {"member": district.m1.pk, "kind": "commendation", "date": "2025-10-01", "level": "city",
            "description": "市级表彰"}
    r = client_for(district.hrco).post(RECORDS, body, content_type="application/json")
    assert r.status_code == 201 and r.json()["level"] == "city" and r.json()["recorded_by"] == "hrco"
    r = client_for(district.hrco).post(RECORDS, body | {"level": ""}, content_type="application/json")
    assert r.status_code == 400 and "表彰必须填写级别" in r.json()["level"][0]
    assert client_for(district.squadron1).post(RECORDS, body, content_type="application/json").status_code == 403
    assert client_for(district.member1).post(RECORDS, body, content_type="application/json").status_code == 403
    assert client_for(None).post(RECORDS, body, content_type="application/json").status_code in (401, 403)
    r = client_for(district.bureau_user).post(RECORDS, body | {"member": 999999}, content_type="application/json")
    assert r.status_code == 400 and "member" in r.json()
    assert BasicRecord.objects.count() == 1
