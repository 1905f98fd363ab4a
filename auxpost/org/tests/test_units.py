"""§5.1 units page, quota form, units API and the tree selector: permitted, out of scope, anonymous."""

import pytest
from django.urls import reverse

from auxpost.audit.models import AuditEntry
from auxpost.org.selectors import unit_full_names, unit_tree_for, units_visible_to
from auxpost.people.services import member_set_status
from auxpost.testing import make_member

UNITS = "/org/units/"


def quota_url(unit):
    return reverse("org:unit_quota", args=[unit.pk])


# --- selector -----------------------------------------------------------------------------------

def test_tree_headcounts_are_subtree_sums(district):
    make_member(district.sq1_t2, name="张伟")
    make_member(district.sq1, name="刘强")
    member_set_status(actor=None, member=make_member(district.sq1_t2, name="张离"), status="separated")
    rows = {r.unit.pk: r for r in unit_tree_for(district.admin)}
    d = district
    assert rows[d.sq1_t1.pk].headcount == 1 and rows[d.sq1_t2.pk].headcount == 1  # separated not counted
    assert rows[d.sq1.pk].headcount == 3 and rows[d.sq2.pk].headcount == 1
    assert rows[d.brigade.pk].headcount == 4 and rows[d.bureau.pk].headcount == 4
    assert rows[d.sq1.pk].usage == 6 and rows[d.sq1.pk].level == "ok"  # 3 of 50
    assert rows[d.sq1_t1.pk].usage is None  # no quota of its own
    assert rows[d.sq1_t1.pk].depth == 3 and rows[d.bureau.pk].depth == 0


def test_tree_is_scoped(district):
    names = [r.unit.name for r in unit_tree_for(district.squadron1)]
    assert names == ["第一中队", "第一小队", "第二小队"]
    assert unit_tree_for(district.squadron1)[0].depth == 0
    assert [r.unit for r in unit_tree_for(district.member1)] == [district.sq1_t1]
    assert unit_tree_for(district.assessor) == [] and unit_tree_for(district.nobody) == []


def test_usage_levels(district):
    from auxpost.org.selectors import UnitRow

    district.sq1.quota = 2
    assert UnitRow(district.sq1, 0, 2, "").level == "warn"
    assert UnitRow(district.sq1, 0, 3, "").level == "bad" and UnitRow(district.sq1, 0, 3, "").bar == 100
    assert UnitRow(district.sq1, 0, 1, "").level == "ok"


def test_full_names_below_the_bureau(district):
    names = unit_full_names()
    assert names[district.sq2_t1.pk] == "综合行政执法大队/第二中队/第一小队"
    assert names[district.bureau.pk] == "区综合行政执法局"


def test_units_visible_to_roles_allowed(district):
    assert units_visible_to(district.squadron1, roles_allowed=("admin",)).count() == 0
    assert units_visible_to(district.hrco).count() == 7


# --- page ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["admin", "bianban", "bureau_user", "hrco"])
def test_units_page_whole_tree(district, client_for, who):
    r = client_for(getattr(district, who)).get(UNITS)
    assert r.status_code == 200
    body = r.content.decode()
    assert "第一中队" in body and "第二中队" in body and "恒信人才发展有限公司" in body


def test_units_page_line_manager_sees_own_subtree(district, client_for):
    r = client_for(district.squadron1).get(UNITS)
    assert r.status_code == 200
    body = r.content.decode()
    assert "第一中队" in body and "第二中队" not in body and "综合行政执法大队" not in body
    assert 'name="quota"' not in body  # cannot set quotas


@pytest.mark.parametrize("who", ["member1", "assessor", "nobody"])
def test_units_page_refused(district, client_for, who):
    assert client_for(getattr(district, who)).get(UNITS).status_code == 404


def test_units_page_anonymous(district, client_for):
    r = client_for(None).get(UNITS)
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]


def test_units_page_query_count(district, client_for, django_assert_max_num_queries):
    for i in range(30):
        make_member(district.sq2_t1, name=f"队员{i}")
    c = client_for(district.bianban)
    with django_assert_max_num_queries(10):
        r = c.get(UNITS)
    assert r.status_code == 200 and 'name="quota"' in r.content.decode()


# --- quota form ---------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["bianban", "admin"])
def test_set_quota(district, client_for, who):
    r = client_for(getattr(district, who)).post(quota_url(district.sq2), {"quota": "12"}, follow=True)
    assert r.status_code == 200
    district.sq2.refresh_from_db()
    assert district.sq2.quota == 12
    assert "12" in r.content.decode()
    e = AuditEntry.objects.filter(object_type="org.unit", action="update").latest("seq")
    assert e.before == {"quota": 50} and e.after == {"quota": 12}


def test_clear_quota(district, client_for):
    client_for(district.bianban).post(quota_url(district.sq2), {"quota": ""})
    district.sq2.refresh_from_db()
    assert district.sq2.quota is None


def test_quota_below_headcount_is_shown(district, client_for):
    r = client_for(district.bianban).post(quota_url(district.sq1), {"quota": "0"}, follow=True)
    assert "不能低于" in r.content.decode()
    district.sq1.refresh_from_db()
    assert district.sq1.quota == 50


def test_quota_not_a_number_is_shown(district, client_for):
    r = client_for(district.bianban).post(quota_url(district.sq1), {"quota": "-3"}, follow=True)
    assert "第一中队" in r.content.decode() and 'class="msg msg-error"' in r.content.decode()
    district.sq1.refresh_from_db()
    assert district.sq1.quota == 50


@pytest.mark.parametrize("who", ["bureau_user", "hrco", "squadron1", "member1", "nobody"])
def test_set_quota_refused(district, client_for, who):
    assert client_for(getattr(district, who)).post(quota_url(district.sq1), {"quota": "99"}).status_code == 404
    district.sq1.refresh_from_db()
    assert district.sq1.quota == 50


def test_set_quota_missing_unit_and_anonymous_and_get(district, client_for):
    assert client_for(district.bianban).post("/org/units/999999/quota/", {"quota": "1"}).status_code == 404
    r = client_for(None).post(quota_url(district.sq1), {"quota": "1"})
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]
    assert client_for(district.bianban).get(quota_url(district.sq1)).status_code == 405


# --- API ----------------------------------------------------------------------------------------

def test_api_units_list_scoped(district, client_for):
    rows = client_for(district.admin).get("/api/v1/units/").json()["results"]
    assert len(rows) == 7
    sq1 = next(r for r in rows if r["id"] == district.sq1.pk)
    assert sq1 == {"id": district.sq1.pk, "name": "第一中队", "kind": "squadron", "parent": district.brigade.pk,
                   "full_name": "综合行政执法大队/第一中队", "quota": 50, "headcount": 1}
    rows = client_for(district.squadron1).get("/api/v1/units/").json()["results"]
    assert [r["name"] for r in rows] == ["第一中队", "第一小队", "第二小队"]
    assert client_for(district.nobody).get("/api/v1/units/").json()["results"] == []
    assert client_for(None).get("/api/v1/units/").status_code in (401, 403)


def test_api_unit_detail(district, client_for):
    c = client_for(district.squadron1)
    r = c.get(f"/api/v1/units/{district.sq1.pk}/")
    assert r.status_code == 200 and r.json()["headcount"] == 1
    out_of_scope, missing = c.get(f"/api/v1/units/{district.sq2.pk}/"), c.get("/api/v1/units/999999/")
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()
    assert client_for(None).get(f"/api/v1/units/{district.sq1.pk}/").status_code in (401, 403)


def test_api_units_query_count(district, client_for, django_assert_max_num_queries):
    for i in range(20):
        make_member(district.sq2_t1, name=f"队员{i}")
    c = client_for(district.admin)
    # session, user, roles, units, unit names, one grouped count, the idle-expiry session save (3)
    with django_assert_max_num_queries(9):
        assert c.get("/api/v1/units/").status_code == 200


def test_units_page_subtree(district, client_for):
    c = client_for(district.admin)
    r = c.get(UNITS, {"unit": district.sq2.pk})
    assert r.status_code == 200
    assert [row.unit for row in r.context["rows"]] == [district.sq2, district.sq2_t1]
    assert "综合行政执法大队/第二中队" in r.content.decode()
    sq = client_for(district.squadron1)
    assert sq.get(UNITS, {"unit": district.sq2.pk}).status_code == 404  # not theirs
    assert sq.get(UNITS, {"unit": 999999}).status_code == 404
    assert sq.get(UNITS, {"unit": district.sq1_t2.pk}).status_code == 200


def test_units_page_large_tree_is_cut_at_squadrons(district, client_for, monkeypatch):
    from auxpost.org import views

    monkeypatch.setattr(views, "MAX_ROWS", 5)
    r = client_for(district.admin).get(UNITS)
    assert r.context["cut"] and {row.unit.kind for row in r.context["rows"]} == {"bureau", "brigade", "squadron"}
    assert f'href="?unit={district.sq1.pk}"' in r.content.decode()


def test_set_quota_from_a_subtree_returns_there(district, client_for):
    r = client_for(district.bianban).post(quota_url(district.sq2_t1), {"quota": "5", "root": str(district.sq2.pk)})
    assert r["Location"] == f"{UNITS}?unit={district.sq2.pk}#unit-{district.sq2_t1.pk}"
