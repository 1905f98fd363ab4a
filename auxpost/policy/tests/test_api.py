"""/api/v1/policies/: read-only, the same readers as the pages, token and session auth."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from auxpost.policy.rules import default_documents
from auxpost.testing import PASSWORD

LIST = "/api/v1/policies/"


def detail(version):
    return f"/api/v1/policies/{version}/"


def test_routes():
    assert reverse("policy-version-list") == LIST
    assert reverse("policy-version-detail", args=["2027.1"]) == detail("2027.1")


@pytest.mark.parametrize("who, versions", [
    ("admin", {"1", "2027.1"}), ("bianban", {"1", "2027.1"}),
    ("bureau_user", {"1"}), ("squadron1", {"1"}), ("squadron2", {"1"}), ("hrco", {"1"}),
])
def test_list_for_readers(district, draft, client_for, who, versions, django_assert_max_num_queries):
    c = client_for(getattr(district, who))
    c.get(LIST)  # warm the session
    with django_assert_max_num_queries(5):
        r = c.get(LIST)
    assert r.status_code == 200
    assert {v["version"] for v in r.json()["results"]} == versions


def test_version_1_documents(district, client_for):
    body = client_for(district.bureau_user).get(detail("1")).json()
    assert body["version"] == "1" and body["status"] == "published" and body["effective_from"] == "2000-01-01"
    docs = default_documents()
    assert {k: body[k] for k in ("grade", "assessment", "points")} == docs
    assert body["assessment"]["excellent_cap"] == "0.15"
    assert body["based_on"] is None


@pytest.mark.parametrize("who", ["bureau_user", "squadron1", "hrco"])
def test_readers_do_not_see_drafts(district, draft, client_for, who):
    assert client_for(getattr(district, who)).get(detail(draft.version)).status_code == 404


def test_editors_see_drafts(district, draft, client_for):
    body = client_for(district.bianban).get(detail(draft.version)).json()
    assert body["status"] == "draft" and body["based_on"] == "1"


@pytest.mark.parametrize("who", ["member1", "assessor", "nobody"])
def test_others_are_refused(district, draft, client_for, who):
    c = client_for(getattr(district, who))
    assert c.get(LIST).status_code == 403
    assert c.get(detail("1")).status_code == 404
    assert c.get(detail(draft.version)).status_code == 404


def test_anonymous_is_refused(district, client_for):
    c = client_for(None)
    assert c.get(LIST).status_code in (401, 403)
    assert c.get(detail("1")).status_code in (401, 403)


def test_unknown_version_is_404(district, client_for):
    assert client_for(district.admin).get(detail("9.9")).status_code == 404


def test_read_only(district, client_for):
    c = client_for(district.bianban)
    assert c.post(LIST, json.dumps({"version": "x"}), content_type="application/json").status_code == 405
    assert c.put(detail("1"), json.dumps({"name": "x"}), content_type="application/json").status_code == 405
    assert c.delete(detail("1")).status_code == 405


def test_token_auth(district):
    r = Client().post("/api/v1/auth/token/", {"username": "squadron1", "password": PASSWORD})
    api = Client(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
    assert api.get(detail("1")).json()["version"] == "1"
    r = Client().post("/api/v1/auth/token/", {"username": "member1", "password": PASSWORD})
    assert Client(HTTP_AUTHORIZATION=f"Token {r.json()['token']}").get(LIST).status_code == 403


def test_schema_lists_the_policy_api_without_warnings(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/policies/" in schema["paths"] and "/api/v1/policies/{version}/" in schema["paths"]
    warnings = [w for w in str(GENERATOR_STATS).splitlines() if "polic" in w.lower()]
    assert not warnings, warnings
