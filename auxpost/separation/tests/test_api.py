"""§5.2.4 REST API /api/v1/separation/: every move (200/201), out of order (409 with the message), a party
without authority (403), outside the caller's scope (404), anonymous (401/403); bad input 400 with Chinese
messages per field; lists scoped; the schema generated without warnings."""

import datetime as dt

import pytest

from auxpost.separation.models import SeparationCase
from auxpost.separation.services import proposal_create
from auxpost.testing import make_member

pytestmark = pytest.mark.django_db
API = "/api/v1/separation"


@pytest.fixture
def case(district):
    return proposal_create(actor=district.bureau_user, member=district.m1, ground="art39_breach", reason="多次旷工")


def test_grounds_table(client_for, district):
    r = client_for(district.member1).get(f"{API}/grounds/")
    assert r.status_code == 200
    rows = {g["code"]: g for g in r.json()}
    assert len(rows) == 9 and rows["art40_unfit"]["blocked_by"] == "42"
    assert "第四十条第（二）项" in rows["art40_unfit"]["article"]
    assert client_for(None).get(f"{API}/grounds/").status_code in (401, 403)


def test_full_flow_via_api(client_for, district, case):
    d = district
    b, hr, sq = client_for(d.bureau_user), client_for(d.hrco), client_for(d.squadron1)
    url = f"{API}/cases/{case.pk}/"
    r = b.get(url)
    assert r.status_code == 200
    body = r.json()
    assert body["actions"] == ["approve", "refuse", "cancel"] and "第三十九条" in body["legal_basis"]
    assert b.post(url + "move/", {"action": "approve"}, content_type="application/json").status_code == 200
    today = dt.date.today().isoformat()
    r = hr.post(url + "move/", {"action": "execute", "last_day": today}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "executed" and r.json()["effective"] is True
    assert hr.post(url + "items/", {"item": "uniform"}, content_type="application/json").status_code == 201
    assert sq.post(url + "items/", {"item": "badge"}, content_type="application/json").status_code == 201
    r = hr.post(url + "items/", {"item": "certificate"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "returned" and r.json()["items_missing"] == []
    r = b.post(url + "move/", {"action": "archive"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "archived"
    assert [h["action"] for h in r.json()["history"]] == ["propose", "approve", "execute", "return_items", "archive"]


def test_out_of_order_409_and_forbidden_403(client_for, district, case):
    url = f"{API}/cases/{case.pk}/"
    r = client_for(district.hrco).post(url + "move/", {"action": "execute", "last_day": "2026-07-01"},
                                       content_type="application/json")
    assert r.status_code == 409 and "已提出" in r.json()["detail"]
    r = client_for(district.bureau_user).post(url + "move/", {"action": "archive"}, content_type="application/json")
    assert r.status_code == 409
    r = client_for(district.hrco).post(url + "move/", {"action": "approve"}, content_type="application/json")
    assert r.status_code == 403 and "区综合行政执法局" in r.json()["detail"]
    r = client_for(district.member1).post(url + "move/", {"action": "cancel", "reason": "x"},
                                          content_type="application/json")
    assert r.status_code == 403
    r = client_for(district.squadron1).post(url + "items/", {"item": "uniform"}, content_type="application/json")
    assert r.status_code == 409


def test_scope_404_and_anonymous(client_for, district, case):
    url = f"{API}/cases/{case.pk}/"
    for who in ("squadron2", "nobody", "bianban"):
        c = client_for(getattr(district, who))
        assert c.get(url).status_code == 404, who
        assert c.post(url + "move/", {"action": "approve"}, content_type="application/json").status_code == 404
    assert client_for(district.bureau_user).get(f"{API}/cases/abc/").status_code == 404
    anon = client_for(None)
    assert anon.get(url).status_code in (401, 403)
    assert anon.get(f"{API}/cases/").status_code in (401, 403)
    assert anon.post(url + "move/", {"action": "approve"}, content_type="application/json").status_code in (401, 403)


def test_lists_scoped(client_for, district, case, django_assert_max_num_queries):
    other = proposal_create(actor=district.bureau_user, member=district.m2, ground="death", reason="x")
    extra = {proposal_create(actor=district.bureau_user, member=make_member(district.sq2_t1, name=f"队员{i}",
                                                                            birth=dt.date(1991, 1, 1 + i)),
                             ground="art39_breach", reason="x").pk for i in range(10)}
    client = client_for(district.bureau_user)
    with django_assert_max_num_queries(8):
        r = client.get(f"{API}/cases/")
    assert {c["id"] for c in r.json()["results"]} == {case.pk, other.pk} | extra
    ids = {c["id"] for c in client_for(district.squadron1).get(f"{API}/cases/").json()["results"]}
    assert ids == {case.pk}
    ids = {c["id"] for c in client_for(district.member1).get(f"{API}/cases/").json()["results"]}
    assert ids == {case.pk}
    assert client_for(district.nobody).get(f"{API}/cases/").json()["results"] == []
    r = client.get(f"{API}/cases/", {"ground": "death"})
    assert [c["id"] for c in r.json()["results"]] == [other.pk]


def test_create_bad_input_and_art42(client_for, district):
    b = client_for(district.bureau_user)
    r = b.post(f"{API}/cases/", {"member": district.m1.pk, "ground": "art39_breach", "reason": ""},
               content_type="application/json")
    assert r.status_code == 400 and "理由" in r.json()["reason"][0]
    r = b.post(f"{API}/cases/", {"member": 99999, "ground": "death", "reason": "x"}, content_type="application/json")
    assert r.status_code == 400 and "member" in r.json()
    f = make_member(district.sq1_t1, name="孙丽", male=False, birth=dt.date(1994, 2, 2))
    r = client_for(district.hrco).post(f"{API}/protections/", {"member": f.pk, "kind": "medical_period",
                                                               "start": dt.date.today().isoformat()},
                                       content_type="application/json")
    assert r.status_code == 201
    r = b.post(f"{API}/cases/", {"member": f.pk, "ground": "art40_unfit", "reason": "不胜任"},
               content_type="application/json")
    assert r.status_code == 400 and "医疗期" in r.json()["ground"][0] and "第四十二条" in r.json()["ground"][0]
    r = b.post(f"{API}/cases/", {"member": f.pk, "ground": "art39_breach", "reason": "严重违纪"},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["protections"][0]["kind"] == "medical_period"
    r = b.post(f"{API}/cases/", {"member": f.pk, "ground": "death", "reason": "x"}, content_type="application/json")
    assert r.status_code == 409


def test_member_resigns_via_api(client_for, district):
    c = client_for(district.member1)
    r = c.post(f"{API}/cases/", {"member": district.m1.pk, "ground": "resignation", "reason": "另谋职业",
                                 "last_day": (dt.date.today() + dt.timedelta(days=2)).isoformat()},
               content_type="application/json")
    assert r.status_code == 400 and "第三十七条" in r.json()["last_day"][0]
    r = c.post(f"{API}/cases/", {"member": district.m1.pk, "ground": "resignation", "reason": "另谋职业"},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["actions"] == ["cancel"]
    r = c.post(f"{API}/cases/", {"member": district.m2.pk, "ground": "resignation", "reason": "x"},
               content_type="application/json")
    assert r.status_code == 400  # another member is not found for a member


def test_protections_api_access(client_for, district):
    url = f"{API}/protections/"
    r = client_for(district.hrco).get(url, {"member": district.m1.pk})
    assert r.status_code == 200 and r.json()["applies_today"] == []
    for who in ("squadron1", "member1", "nobody"):
        assert client_for(getattr(district, who)).get(url, {"member": district.m1.pk}).status_code == 404
    assert client_for(district.hrco).get(url).status_code == 404
    assert client_for(None).get(url, {"member": district.m1.pk}).status_code in (401, 403)
    r = client_for(district.hrco).post(url, {"member": district.m1.pk, "kind": "pregnancy", "start": "2026-01-01"},
                                       content_type="application/json")
    assert r.status_code == 400 and "女职工" in r.json()["kind"][0]


def test_pickup_and_retirements_api(client_for, district):
    from django.utils import timezone

    from auxpost.assessment.models import AnnualResult

    for year in (2024, 2025):
        AnnualResult.objects.create(member=district.m2, year=year, composite=40, band="fail", status="imported",
                                    computed_at=timezone.now())
    b = client_for(district.bureau_user)
    r = b.get(f"{API}/pickup/")
    assert r.status_code == 200 and r.json()[0]["ref"] == f"{district.m2.pk}:2024-2025"
    assert client_for(district.hrco).get(f"{API}/pickup/").status_code == 403
    assert client_for(None).get(f"{API}/pickup/").status_code in (401, 403)
    r = client_for(district.hrco).post(f"{API}/pickup/take/", {"kind": "annual_result",
                                                                "ref": f"{district.m2.pk}:2024-2025"},
                                       content_type="application/json")
    assert r.status_code == 403
    r = b.post(f"{API}/pickup/take/", {"kind": "annual_result", "ref": f"{district.m2.pk}:2024-2025",
                                       "ground": "art39_breach"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["ground"] == "art39_breach" and r.json()["source"] == "annual_result"
    assert b.get(f"{API}/pickup/").json() == []
    r = b.post(f"{API}/pickup/take/", {"kind": "annual_result", "ref": f"{district.m2.pk}:2024-2025"},
               content_type="application/json")
    assert r.status_code == 400
    today = dt.date.today()
    make_member(district.sq1_t1, name="老王", birth=today.replace(year=today.year - 60) - dt.timedelta(days=1))
    r = client_for(district.hrco).get(f"{API}/retirements/")
    assert r.status_code == 200 and [x["member"]["name"] for x in r.json()] == ["老王"]
    assert client_for(district.squadron1).get(f"{API}/retirements/").status_code == 403
    assert client_for(None).get(f"{API}/retirements/").status_code in (401, 403)


def test_schema_lists_the_separation_api_without_warnings(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/separation/cases/", "/api/v1/separation/cases/{id}/move/",
                 "/api/v1/separation/cases/{id}/items/", "/api/v1/separation/protections/",
                 "/api/v1/separation/pickup/take/", "/api/v1/separation/retirements/",
                 "/api/v1/separation/grounds/"):
        assert path in schema["paths"], path
    move = schema["paths"]["/api/v1/separation/cases/{id}/move/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(move["responses"])
    warnings = [w for w in str(GENERATOR_STATS).splitlines() if "separation" in w.lower()]
    assert not warnings, warnings
    assert SeparationCase.objects.count() == 0
