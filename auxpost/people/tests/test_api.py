"""REST API /api/v1/members/ (and the token login, schema): scope, masking, the same services."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from auxpost.accounts.models import LoginLog
from auxpost.audit.models import AuditEntry
from auxpost.org.services import unit_set_quota
from auxpost.people.models import Member
from auxpost.people.rules import mask_id_number
from auxpost.testing import PASSWORD, make_id_number, make_member

LIST = "/api/v1/members/"


def detail(pk):
    return f"/api/v1/members/{pk}/"


def post(c, url, data):
    return c.post(url, json.dumps(data, default=str), content_type="application/json")


def patch(c, url, data):
    return c.patch(url, json.dumps(data, default=str), content_type="application/json")


def names(r):
    return [m["name"] for m in r.json()["results"]]


def test_routes_have_stable_names():
    assert reverse("member-list") == LIST
    assert reverse("member-detail", args=[1]) == detail(1)
    assert reverse("member-grade-history", args=[1]) == "/api/v1/members/1/grade-history/"
    assert reverse("api-token") == "/api/v1/auth/token/"


# --- list ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, expected", [
    ("admin", {"李一", "王二"}), ("bianban", {"李一", "王二"}), ("bureau_user", {"李一", "王二"}),
    ("hrco", {"李一", "王二"}), ("squadron1", {"李一"}), ("squadron2", {"王二"}), ("member1", {"李一"}),
    ("assessor", set()), ("nobody", set()),
])
def test_list_is_scoped(district, client_for, who, expected):
    r = client_for(getattr(district, who)).get(LIST)
    assert r.status_code == 200
    assert set(names(r)) == expected


def test_list_anonymous_is_refused(district, client_for):
    assert client_for(None).get(LIST).status_code in (401, 403)


def test_list_line_manager_never_gets_other_squadron_via_filters(district, client_for):
    c = client_for(district.squadron1)
    for params in ({"status": "all"}, {"unit": district.sq2.pk}, {"q": district.m2.id_number}, {"q": "王二"}):
        assert "王二" not in names(c.get(LIST, params))


def test_list_filters_like_the_page(district, client_for):
    make_member(district.sq1_t2, name="张伟", grade=3, cert_valid_until=dt.date(2020, 1, 1))
    c = client_for(district.admin)
    assert names(c.get(LIST, {"grade": 3})) == ["张伟"]
    assert names(c.get(LIST, {"cert": "expired"})) == ["张伟"]
    assert names(c.get(LIST, {"unit": district.sq1_t2.pk})) == ["张伟"]
    assert names(c.get(LIST, {"q": "张"})) == ["张伟"]
    assert names(c.get(LIST, {"sort": "grade"}))[0] == "张伟"


def test_list_masks_numbers_per_role(district, client_for):
    row = client_for(district.squadron1).get(LIST).json()["results"][0]
    assert row["id_number"] == mask_id_number(district.m1.id_number)
    assert row["phone"] == "138****2222" and row["birth_date"] is None and row["personal_data_masked"] is True
    assert row["age"] >= 30
    row = next(m for m in client_for(district.bureau_user).get(LIST).json()["results"] if m["name"] == "李一")
    assert row["id_number"] == district.m1.id_number and row["phone"] == "13811112222"
    assert row["birth_date"] == "1990-05-17" and row["personal_data_masked"] is False
    assert row["unit"]["full_name"] == "综合行政执法大队/第一中队/第一小队"


def test_list_query_count(district, client_for, django_assert_max_num_queries):
    for i in range(60):
        make_member(district.sq1_t2, name=f"队员{i:02d}")
    c = client_for(district.squadron1)
    # 11 with the policy version in force (§5.2.3 the certificate reminder window), read once.
    with django_assert_max_num_queries(11):
        r = c.get(LIST, {"cert": "missing"})
    assert r.status_code == 200 and r.json()["count"] == 61 and len(r.json()["results"]) == 50


# --- detail and grade history -------------------------------------------------------------------

def test_detail_permitted_out_of_scope_and_anonymous(district, client_for):
    c = client_for(district.squadron1)
    assert c.get(detail(district.m1.pk)).json()["name"] == "李一"
    out_of_scope, missing = c.get(detail(district.m2.pk)), c.get(detail(999999))
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()
    assert client_for(None).get(detail(district.m1.pk)).status_code in (401, 403)
    assert client_for(district.member1).get(detail(district.m2.pk)).status_code == 404
    own = client_for(district.member1).get(detail(district.m1.pk)).json()
    assert own["id_number"] == district.m1.id_number  # one's own record in full


def test_grade_history(district, client_for):
    c = client_for(district.hrco)
    patch(c, detail(district.m1.pk), {"grade": 4, "grade_effective_date": "2024-01-01", "grade_reason": "评定"})
    r = c.get(f"{detail(district.m1.pk)}grade-history/")
    assert r.status_code == 200
    assert [(h["grade"], h["effective_date"], h["source"]) for h in r.json()] == [
        (5, "2020-03-01", "manual"), (4, "2024-01-01", "manual")]
    assert r.json()[1]["reason"] == "评定" and r.json()[1]["recorded_by"] == "hrco"
    sq = client_for(district.squadron1)
    assert sq.get(f"{detail(district.m1.pk)}grade-history/").status_code == 200
    assert sq.get(f"{detail(district.m2.pk)}grade-history/").status_code == 404
    assert client_for(None).get(f"{detail(district.m1.pk)}grade-history/").status_code in (401, 403)


# --- create -------------------------------------------------------------------------------------

def new_member(district, **over):
    data = {"name": "赵六", "id_number": make_id_number(dt.date(1995, 2, 3), male=False), "phone": "13912345678",
            "education": "bachelor", "hire_date": "2021-03-01", "unit": district.sq1_t2.pk, "grade": 5}
    return data | over


@pytest.mark.parametrize("who", ["admin", "bureau_user", "hrco"])
def test_create_permitted(district, client_for, who):
    r = post(client_for(getattr(district, who)), LIST, new_member(district))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["name"] == "赵六" and body["sex"] == "F" and body["grade"] == 5 and body["status"] == "active"
    assert Member.objects.filter(pk=body["id"]).exists()
    assert AuditEntry.objects.filter(action="create", object_type="people.member", object_id=str(body["id"])).exists()


@pytest.mark.parametrize("who", ["squadron1", "bianban", "assessor", "member1", "nobody"])
def test_create_refused(district, client_for, who):
    assert post(client_for(getattr(district, who)), LIST, new_member(district)).status_code == 403
    assert not Member.objects.filter(name="赵六").exists()


def test_create_anonymous(district, client_for):
    assert post(client_for(None), LIST, new_member(district)).status_code in (401, 403)


def test_create_400_with_chinese_field_errors(district, client_for):
    r = post(client_for(district.hrco), LIST, new_member(district, id_number="510115199502030021", phone="123",
                                                          education="小学", unit=999999))
    assert r.status_code == 400
    errors = r.json()
    assert "校验位" in errors["id_number"][0]
    assert errors["phone"][0].startswith("手机号：")
    assert errors["education"][0].startswith("学历：")
    assert errors["unit"][0].startswith("所属单位：")


def test_create_missing_fields_and_bad_types(district, client_for):
    r = post(client_for(district.hrco), LIST, {"name": "赵六", "hire_date": "not a date"})
    assert r.status_code == 400
    assert {"id_number", "education", "hire_date", "unit", "grade"} <= set(r.json())


def test_create_over_quota(district, client_for):
    unit_set_quota(actor=None, unit=district.sq1, quota=1)
    r = post(client_for(district.hrco), LIST, new_member(district))
    assert r.status_code == 400
    assert "超出编制限额" in r.json()["non_field_errors"][0]


def test_create_duplicate_id(district, client_for):
    r = post(client_for(district.hrco), LIST, new_member(district, id_number=district.m2.id_number))
    assert r.status_code == 400 and "已在花名册中" in r.json()["id_number"][0]


# --- partial update -----------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["admin", "bureau_user", "hrco"])
def test_patch_permitted_and_audited(district, client_for, who):
    r = patch(client_for(getattr(district, who)), detail(district.m2.pk), {"phone": "13700001111"})
    assert r.status_code == 200 and r.json()["phone"] == "13700001111"
    e = AuditEntry.objects.get(action="update", object_type="people.member")
    assert e.before == {"phone": "13933334444"} and e.after == {"phone": "13700001111"}


def test_patch_out_of_scope_is_404_and_in_scope_reader_is_403(district, client_for):
    sq = client_for(district.squadron1)
    assert patch(sq, detail(district.m2.pk), {"phone": "13700001111"}).status_code == 404
    assert patch(sq, detail(999999), {"phone": "13700001111"}).status_code == 404
    assert patch(sq, detail(district.m1.pk), {"phone": "13700001111"}).status_code == 403
    assert patch(client_for(None), detail(district.m1.pk), {"phone": "13700001111"}).status_code in (401, 403)
    district.m1.refresh_from_db()
    assert district.m1.phone == "13811112222"


def test_patch_validation_status_and_no_put_or_delete(district, client_for):
    c = client_for(district.hrco)
    r = patch(c, detail(district.m1.pk), {"hire_date": "2099-01-01"})
    assert r.status_code == 400 and "晚于今天" in r.json()["hire_date"][0]
    r = patch(c, detail(district.m1.pk), {"status": "probation"})
    assert r.status_code == 400 and "不能从" in r.json()["status"][0]
    r = patch(c, detail(district.m1.pk), {"status": "separated", "status_on": "2026-01-31"})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["separated_on"], r.json()["grade"]) == ("separated", "2026-01-31", None)
    assert c.put(detail(district.m2.pk), "{}", content_type="application/json").status_code == 405
    assert c.delete(detail(district.m2.pk)).status_code == 405


# --- token login and schema ---------------------------------------------------------------------

def test_token_login_and_use(district):
    c = Client()
    r = c.post("/api/v1/auth/token/", {"username": "squadron1", "password": PASSWORD})
    assert r.status_code == 200
    token = r.json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert names(api.get(LIST)) == ["李一"]
    assert api.get(detail(district.m2.pk)).status_code == 404
    assert LoginLog.objects.filter(username="squadron1", event="success").exists()
    # Same token on the next login.
    assert c.post("/api/v1/auth/token/", {"username": "squadron1", "password": PASSWORD}).json()["token"] == token


def test_token_wrong_password_counts_towards_lockout(district, settings):
    settings.LOGIN_MAX_FAILURES = 2
    c = Client()
    r = c.post("/api/v1/auth/token/", {"username": "hrco", "password": "wrong"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["non_field_errors"] == ["用户名或密码错误。"]
    r = c.post("/api/v1/auth/token/", {"username": "hrco", "password": "wrong"})
    assert r.status_code == 400 and "锁定" in r.json()["non_field_errors"][0]
    r = c.post("/api/v1/auth/token/", {"username": "hrco", "password": PASSWORD})  # locked even with the password
    assert r.status_code == 400
    assert LoginLog.objects.filter(username="hrco", event="failure").count() == 2
    assert LoginLog.objects.filter(username="hrco", event="locked").exists()


def test_token_requires_both_fields(db):
    r = Client().post("/api/v1/auth/token/", {"username": "x"})
    assert r.status_code == 400 and "password" in r.json()


def test_schema_includes_the_roster_api(db):
    r = Client().get("/api/schema/", {"format": "json"})
    assert r.status_code == 200
    paths = json.loads(r.content)["paths"]
    for p in ("/api/v1/members/", "/api/v1/members/{id}/", "/api/v1/members/{id}/grade-history/",
              "/api/v1/units/", "/api/v1/units/{id}/", "/api/v1/auth/token/"):
        assert p in paths
    params = {p["name"] for p in paths["/api/v1/members/"]["get"]["parameters"]}
    assert {"q", "unit", "grade", "work_line", "status", "cert", "sort", "page"} <= params


def test_schema_generates_without_warnings(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, GENERATOR_STATS


def test_editor_with_a_unit_scope_writes_only_inside_it(district, client_for):
    from auxpost.accounts.models import Role, Scope
    from auxpost.testing import make_user

    hr_sq2 = make_user("hr-sq2", Role.HR_COMPANY, unit=district.sq2, scope=Scope.UNIT)
    c = client_for(hr_sq2)
    r = post(c, LIST, new_member(district, phone="123"))  # into squadron 1: outside the scope
    assert r.status_code == 400
    assert r.json()["unit"][0].startswith("所属单位：") and r.json()["phone"][0].startswith("手机号：")
    assert post(c, LIST, new_member(district, unit=district.sq2_t1.pk)).status_code == 201
    assert patch(c, detail(district.m1.pk), {"phone": "13700001111"}).status_code == 404
    assert patch(c, detail(district.m2.pk), {"unit": district.sq1_t1.pk}).status_code == 400
    assert patch(c, detail(district.m2.pk), {"phone": "13700001111"}).status_code == 200
