"""§10 points API: the pages' access matrix (permitted, out of scope → 404, anonymous), one write path."""

import pytest
from rest_framework.test import APIClient

from auxpost.points.models import AppealStatus, EntryStatus, PointsAppeal, PointsEntry
from auxpost.points.services import points_appeal_submit

from .conftest import AT

BASE = "/api/v1/points/"


@pytest.fixture
def api():
    def make(user):
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c
    return make


def test_anonymous_gets_401_or_403(district, api):
    for path in ("entries/", "appeals/", "balance/"):
        assert api(None).get(BASE + path).status_code in (401, 403)
    assert api(None).post(BASE + "entries/", {}).status_code in (401, 403)


def test_entries_list_is_scoped(district, api, record, django_assert_max_num_queries):
    e1 = record(district.m1, "commendation_city")
    e2 = record(district.m2, "commendation_city", by=district.squadron2)
    with django_assert_max_num_queries(8):
        r = api(district.bureau_user).get(BASE + "entries/")
    assert {x["id"] for x in r.json()["results"]} == {e1.pk, e2.pk}
    assert [x["id"] for x in api(district.squadron1).get(BASE + "entries/").json()["results"]] == [e1.pk]
    assert [x["id"] for x in api(district.member1).get(BASE + "entries/").json()["results"]] == [e1.pk]
    assert api(district.hrco).get(BASE + "entries/").json()["results"] == []
    r = api(district.bureau_user).get(BASE + "entries/", {"status": "approved", "q": "王二"})
    assert [x["id"] for x in r.json()["results"]] == [e2.pk]


def test_create_entry(district, api):
    c = api(district.squadron1)
    r = c.post(BASE + "entries/", {"member": district.m1.pk, "rule_code": "late", "date": "2026-03-01"},
               format="json")
    assert r.status_code == 201 and r.json()["status"] == "pending" and r.json()["points"] == -1
    r = c.post(BASE + "entries/", {"member": district.m2.pk, "rule_code": "late", "date": "2026-03-01"},
               format="json")
    assert r.status_code == 400 and "member" in r.json()
    r = c.post(BASE + "entries/", {"member": district.m1.pk, "rule_code": "nope", "date": "2026-03-01"},
               format="json")
    assert r.status_code == 400 and "rule_code" in r.json()
    assert api(district.member1).post(BASE + "entries/", {"member": district.m1.pk, "rule_code": "late",
                                                           "date": "2026-03-01"}, format="json").status_code == 403
    assert PointsEntry.objects.count() == 1


def test_approve_and_reject(district, api, record):
    e = record(district.m1, "late")
    assert api(district.squadron2).post(BASE + f"entries/{e.pk}/approve/").status_code == 404
    assert api(district.member1).post(BASE + f"entries/{e.pk}/approve/").status_code == 404
    assert api(district.bureau_user).post(BASE + "entries/999999/approve/").status_code == 404
    r = api(district.squadron1).post(BASE + f"entries/{e.pk}/approve/")
    assert r.status_code == 400 and "approver" in r.json()
    r = api(district.bureau_user).post(BASE + f"entries/{e.pk}/approve/")
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["approved_by"] == "bureau"
    e2 = record(district.m1, "absence")
    r = api(district.bureau_user).post(BASE + f"entries/{e2.pk}/reject/", {"reason": ""}, format="json")
    assert r.status_code == 400
    r = api(district.bureau_user).post(BASE + f"entries/{e2.pk}/reject/", {"reason": "不实"}, format="json")
    assert r.status_code == 200 and PointsEntry.objects.get(pk=e2.pk).status == EntryStatus.REJECTED


def test_appeal_create_list_and_decide(district, api, approved_deduction, record):
    other = record(district.m2, "commendation_city", by=district.squadron2)
    m = api(district.member1)
    r = m.post(BASE + "appeals/", {"entry": other.pk, "reason": "x"}, format="json")
    assert r.status_code == 400 and "entry" in r.json()
    r = m.post(BASE + "appeals/", {"entry": approved_deduction.pk, "reason": "当天在岗"}, format="json")
    assert r.status_code == 201
    appeal_id = r.json()["id"]
    assert [a["id"] for a in m.get(BASE + "appeals/").json()["results"]] == [appeal_id]
    assert api(district.squadron2).get(BASE + "appeals/").json()["results"] == []
    assert api(district.squadron1).post(BASE + "appeals/", {"entry": approved_deduction.pk, "reason": "x"},
                                        format="json").status_code == 403
    assert api(district.squadron2).post(BASE + f"appeals/{appeal_id}/decide/", {"upheld": True},
                                        format="json").status_code == 404
    assert m.post(BASE + f"appeals/{appeal_id}/decide/", {"upheld": True}, format="json").status_code == 404
    r = api(district.squadron1).post(BASE + f"appeals/{appeal_id}/decide/", {"upheld": True}, format="json")
    assert r.status_code == 400  # the recorder
    r = api(district.bureau_user).post(BASE + f"appeals/{appeal_id}/decide/", {"upheld": True, "note": "核实"},
                                       format="json")
    assert r.status_code == 200 and r.json()["status"] == "upheld" and r.json()["reversing_entry"]
    assert PointsAppeal.objects.get().status == AppealStatus.UPHELD


def test_balance(district, api, approved_deduction):
    r = api(district.member1).get(BASE + "balance/", {"year": 2026})
    assert r.status_code == 200 and float(r.json()["total"]) == 99 and r.json()["minus"] == -1
    r = api(district.squadron1).get(BASE + "balance/", {"member": district.m1.pk, "year": 2026})
    assert r.status_code == 200 and "基础分100" in r.json()["explanation"]
    assert api(district.squadron2).get(BASE + "balance/", {"member": district.m1.pk}).status_code == 404
    assert api(district.member1).get(BASE + "balance/", {"member": district.m2.pk}).status_code == 404
    assert api(district.squadron1).get(BASE + "balance/").status_code == 404  # no own member record
    assert api(district.member1).get(BASE + "balance/", {"year": 1900}).status_code == 400


def test_appeal_list_for_manager(district, api, approved_deduction):
    points_appeal_submit(entry=approved_deduction, user=district.member1, reason="x", at=AT)
    assert len(api(district.bureau_user).get(BASE + "appeals/", {"status": "open"}).json()["results"]) == 1
