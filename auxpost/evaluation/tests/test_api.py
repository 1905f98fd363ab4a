"""§8 REST API /api/v1/evaluation/: every move allowed (200), out of order (409 with the message), for a
party without authority (403), outside the caller's scope (404) and anonymous (401/403); bad input 400
with Chinese messages per field; lists scoped; the schema generated without warnings."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from auxpost.evaluation import rules
from auxpost.evaluation.models import Candidate, EvaluationRound, Objection, SeparationProposal
from auxpost.testing import make_user

from .flow import AS_OF, EFFECTIVE, PUBLICITY_START, Cast
from .test_services_moves import OUT_OF_ORDER, ROUND_MOVES

pytestmark = pytest.mark.django_db

API = "/api/v1/evaluation"
#: Server time for the API tests: after the 公示 and on/after the effective date (Asia/Shanghai).
NOW = dt.datetime(2026, 4, 2, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def cast(district):
    return Cast(district)


@pytest.fixture
def later():
    with time_machine.travel(NOW, tick=False):
        yield


def _chinese(text) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def _body(kw):
    out = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in kw.items() if k != "today"}
    return out


# --- rounds ------------------------------------------------------------------------------------------


def test_round_list_is_scoped(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    for user in (d.bureau_user, d.bianban, d.hrco, d.admin, d.squadron1, d.member1):
        r = client_for(user).get(f"{API}/rounds/")
        assert r.status_code == 200 and [x["id"] for x in r.json()["results"]] == [rnd.pk], user
    for user in (d.nobody, d.assessor):
        assert client_for(user).get(f"{API}/rounds/").json()["results"] == []
    assert client_for(None).get(f"{API}/rounds/").status_code in (401, 403)


def test_round_retrieve_with_counts_and_actions(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    r = client_for(d.bureau_user).get(f"{API}/rounds/{rnd.pk}/")
    body = r.json()
    assert r.status_code == 200 and body["status"] == "applications" and body["status_label"] == "申请中"
    assert body["counts"] == {"computed": 4}
    assert [a["action"] for a in body["actions"]] == ["close_applications", "cancel"]
    assert client_for(d.squadron1).get(f"{API}/rounds/{rnd.pk}/").json()["counts"] == {"computed": 2}
    assert client_for(d.squadron1).get(f"{API}/rounds/{rnd.pk}/").json()["actions"] == []
    for user in (d.nobody, d.assessor):
        assert client_for(user).get(f"{API}/rounds/{rnd.pk}/").status_code == 404
    assert client_for(d.bureau_user).get(f"{API}/rounds/999999/").status_code == 404
    assert client_for(None).get(f"{API}/rounds/{rnd.pk}/").status_code in (401, 403)


def test_open_round(cast, client_for):
    d = cast.d
    data = {"name": "2026年度职级评定", "kind": "annual", "as_of": AS_OF.isoformat(),
            "effective_date": EFFECTIVE.isoformat(), "objection_contact": "人事科"}
    for user in (d.admin, d.bianban, d.squadron1, d.hrco, d.member1, d.nobody):
        r = client_for(user).post(f"{API}/rounds/", data, content_type="application/json")
        assert r.status_code == 403 and _chinese(r.json()["detail"]), user
    assert client_for(None).post(f"{API}/rounds/", data, content_type="application/json").status_code in (401, 403)
    r = client_for(d.bureau_user).post(f"{API}/rounds/", {**data, "name": "", "kind": "yearly"},
                                       content_type="application/json")
    assert r.status_code == 400 and set(r.json()) == {"name", "kind"}
    assert all(_chinese(m) for msgs in r.json().values() for m in msgs)
    r = client_for(d.bureau_user).post(f"{API}/rounds/", data, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "open"
    r = client_for(d.bureau_user).post(f"{API}/rounds/", data, content_type="application/json")
    assert r.status_code == 409 and "2026年度职级评定" in r.json()["detail"]
    assert EvaluationRound.objects.count() == 1


@pytest.mark.parametrize("action", list(ROUND_MOVES))
def test_round_move_allowed(cast, client_for, later, action):
    state, kw = ROUND_MOVES[action]
    rnd = cast.to(state, finished=True)
    r = client_for(cast.d.bureau_user).post(f"{API}/rounds/{rnd.pk}/move/", {"action": action, **_body(kw)},
                                            content_type="application/json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == rules.ROUND_FLOW[(state, action)]


@pytest.mark.parametrize("action", list(ROUND_MOVES))
def test_round_move_out_of_order_is_409(cast, client_for, later, action):
    rnd = cast.to(OUT_OF_ORDER[action])
    r = client_for(cast.d.bureau_user).post(f"{API}/rounds/{rnd.pk}/move/",
                                            {"action": action, **_body(ROUND_MOVES[action][1])},
                                            content_type="application/json")
    assert r.status_code == 409 and rules.ROUND_ACTION_LABEL[action] in r.json()["detail"]


@pytest.mark.parametrize("action", list(ROUND_MOVES))
def test_round_move_by_another_party_is_403_or_404(cast, client_for, later, action):
    d = cast.d
    state, kw = ROUND_MOVES[action]
    rnd = cast.to(state, finished=True)
    url = f"{API}/rounds/{rnd.pk}/move/"
    body = {"action": action, **_body(kw)}
    # member1 sees the round once computed (a candidate in it); before that it is not theirs.
    seeing = (d.admin, d.bianban, d.squadron1, d.hrco) + ((d.member1,) if state != rules.OPEN else ())
    for user in seeing:
        r = client_for(user).post(url, body, content_type="application/json")
        assert r.status_code == 403 and _chinese(r.json()["detail"]), user
    for user in (d.nobody, d.assessor) + ((d.member1,) if state == rules.OPEN else ()):  # cannot see the round
        assert client_for(user).post(url, body, content_type="application/json").status_code == 404
    assert client_for(None).post(url, body, content_type="application/json").status_code in (401, 403)
    assert EvaluationRound.objects.get(pk=rnd.pk).status == state


def test_round_move_bad_input_is_400(cast, client_for, later):
    d = cast.d
    rnd = cast.to(rules.APPROVAL, finished=True)
    c = client_for(d.bureau_user)
    r = c.post(f"{API}/rounds/{rnd.pk}/move/", {"action": "start_publicity", "start": "2031-03-03"},
               content_type="application/json")
    assert r.status_code == 400 and "2031" in r.json()["start"][0]
    r = c.post(f"{API}/rounds/{rnd.pk}/move/", {"action": "start_publicity", "start": "三月"},
               content_type="application/json")
    assert r.status_code == 400 and "start" in r.json()
    r = c.post(f"{API}/rounds/{rnd.pk}/move/", {"action": "fly"}, content_type="application/json")
    assert r.status_code == 400 and _chinese(r.json()["action"][0])
    r = c.post(f"{API}/rounds/{rnd.pk}/move/", {"action": "start_publicity", "start": PUBLICITY_START.isoformat()},
               content_type="application/json")
    assert r.status_code == 200
    r = c.post(f"{API}/rounds/{rnd.pk}/move/", {"action": "decide", "decision_number": ""},
               content_type="application/json")
    assert r.status_code == 400 and set(r.json()) == {"decision_number", "decided_on"}
    assert _chinese(r.json()["decision_number"][0])


# --- candidates --------------------------------------------------------------------------------------

#: Each candidate step: the round stage, the member whose case it is (attribute of Cast / district),
#: who takes it, and the request body.
CANDIDATE_STEPS = {
    "apply": (rules.APPLICATIONS, "m1", "member1", {}),
    "recommend": (rules.RECOMMENDATION, "m1", "squadron1", {}),
    "not_recommend": (rules.RECOMMENDATION, "m1", "squadron1", {"reason": "评议较差"}),
    "qualify": (rules.REVIEW, "m1", "bureau_user", {}),
    "disqualify": (rules.REVIEW, "m1", "bureau_user", {"reason": "材料不全"}),
    "approve": (rules.APPROVAL, "m1", "bianban", {}),
    "reject": (rules.APPROVAL, "m1", "bianban", {"reason": "名额调整"}),
}
#: Parties who see the candidate but may not take the step (→ 403).
WRONG_PARTY = {
    "apply": ("squadron1", "hrco", "bianban", "admin"),
    "recommend": ("bureau_user", "hrco", "bianban", "admin", "member1"),
    "not_recommend": ("bureau_user", "hrco", "bianban", "admin", "member1"),
    "qualify": ("squadron1", "hrco", "bianban", "admin", "member1"),
    "disqualify": ("squadron1", "hrco", "bianban", "admin", "member1"),
    "approve": ("bureau_user", "hrco", "squadron1", "admin", "member1"),
    "reject": ("bureau_user", "hrco", "squadron1", "admin", "member1"),
}


def _who(cast, name):
    return getattr(cast.d, name)


@pytest.mark.parametrize("action", list(CANDIDATE_STEPS))
def test_candidate_step_allowed(cast, client_for, action):
    stage, member, user, body = CANDIDATE_STEPS[action]
    rnd = cast.to(stage)
    c = cast.cand(rnd, getattr(cast.d, member))
    r = client_for(_who(cast, user)).post(f"{API}/candidates/{c.pk}/move/", {"action": action, **body},
                                          content_type="application/json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == rules.CANDIDATE_FLOW[(c.status, action)]
    assert r.json()["history"][-1]["action"] == action


@pytest.mark.parametrize("action", list(CANDIDATE_STEPS))
def test_candidate_step_out_of_order_is_409(cast, client_for, action):
    stage, member, user, body = CANDIDATE_STEPS[action]
    rnd = cast.to(stage, finished=True)  # already taken (or, for apply, the stage still open but done)
    c = cast.cand(rnd, getattr(cast.d, member))
    r = client_for(_who(cast, user)).post(f"{API}/candidates/{c.pk}/move/", {"action": action, **body},
                                          content_type="application/json")
    assert r.status_code == 409 and _chinese(r.json()["detail"])
    assert Candidate.objects.get(pk=c.pk).status == c.status


@pytest.mark.parametrize("action", list(CANDIDATE_STEPS))
def test_candidate_step_by_another_party_is_403(cast, client_for, action):
    stage, member, _user, body = CANDIDATE_STEPS[action]
    rnd = cast.to(stage)
    c = cast.cand(rnd, getattr(cast.d, member))
    for name in WRONG_PARTY[action]:
        r = client_for(_who(cast, name)).post(f"{API}/candidates/{c.pk}/move/", {"action": action, **body},
                                              content_type="application/json")
        assert r.status_code == 403 and _chinese(r.json()["detail"]), name
    assert Candidate.objects.get(pk=c.pk).status == c.status


@pytest.mark.parametrize("action", list(CANDIDATE_STEPS))
def test_candidate_step_out_of_scope_is_404_and_anonymous_refused(cast, client_for, action):
    d = cast.d
    stage, member, _user, body = CANDIDATE_STEPS[action]
    rnd = cast.to(stage)
    c = cast.cand(rnd, getattr(d, member))
    member2 = make_user("member2", "member", member=d.m2)
    for user in (d.squadron2, member2, d.nobody, d.assessor):
        r = client_for(user).post(f"{API}/candidates/{c.pk}/move/", {"action": action, **body},
                                  content_type="application/json")
        assert r.status_code == 404, user
    r = client_for(None).post(f"{API}/candidates/{c.pk}/move/", {"action": action, **body},
                              content_type="application/json")
    assert r.status_code in (401, 403)
    assert client_for(d.bureau_user).post(f"{API}/candidates/999999/move/", {"action": action},
                                          content_type="application/json").status_code == 404


def test_candidate_step_bad_input_is_400(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.RECOMMENDATION)
    c = cast.cand(rnd, d.m1)
    r = client_for(d.squadron1).post(f"{API}/candidates/{c.pk}/move/", {"action": "not_recommend"},
                                     content_type="application/json")
    assert r.status_code == 400 and set(r.json()) == {"reason"} and _chinese(r.json()["reason"][0])
    r = client_for(d.squadron1).post(f"{API}/candidates/{c.pk}/move/", {"action": "promote"},
                                     content_type="application/json")
    assert r.status_code == 400 and "action" in r.json()


def test_candidate_detail_and_list(cast, client_for, django_assert_max_num_queries):
    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    c = cast.cand(rnd, d.m1)
    r = client_for(d.member1).get(f"{API}/candidates/{c.pk}/")
    body = r.json()
    assert r.status_code == 200 and body["member"] == {"id": d.m1.pk, "name": d.m1.name}
    assert body["outcome"] == "promote" and body["decision_grade"] == 4 and body["required_bodies"] == [
        "staffing_office"]
    assert body["reasons"] and [h["action"] for h in body["history"]] == ["apply", "recommend", "qualify", "submit"]
    assert body["actions"] == []
    assert [a["action"] for a in client_for(d.bianban).get(f"{API}/candidates/{c.pk}/").json()["actions"]] == [
        "approve", "reject"]
    for user in (d.squadron2, d.nobody):
        assert client_for(user).get(f"{API}/candidates/{c.pk}/").status_code == 404
    assert client_for(None).get(f"{API}/candidates/{c.pk}/").status_code in (401, 403)
    client = client_for(d.bureau_user)
    with django_assert_max_num_queries(10):
        r = client.get(f"{API}/rounds/{rnd.pk}/candidates/")
    assert r.json()["count"] == 4
    assert {x["member"]["id"] for x in client_for(d.squadron1).get(
        f"{API}/rounds/{rnd.pk}/candidates/").json()["results"]} == {d.m1.pk, cast.m3.pk}
    assert client.get(f"{API}/rounds/{rnd.pk}/candidates/?outcome=demote").json()["count"] == 1
    assert client.get(f"{API}/rounds/{rnd.pk}/candidates/?unit={d.sq2.pk}").json()["count"] == 2
    assert client.get(f"{API}/rounds/{rnd.pk}/candidates/?status=approved").json()["count"] == 0
    assert client.get(f"{API}/rounds/{rnd.pk}/candidates/?q=李").json()["count"] == 1
    assert client_for(d.nobody).get(f"{API}/rounds/{rnd.pk}/candidates/").status_code == 404


def test_bulk_step(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    ids = list(Candidate.objects.filter(round=rnd).values_list("pk", flat=True))
    r = client_for(d.hrco).post(f"{API}/rounds/{rnd.pk}/act/", {"action": "approve", "candidate_ids": ids},
                                content_type="application/json")
    assert r.status_code == 200
    body = r.json()
    assert body["done"] == 3 and body["missing"] == 0 and [x["member"] for x in body["refused"]] == [d.m1.name]
    r = client_for(d.squadron1).post(f"{API}/rounds/{rnd.pk}/act/", {"action": "approve", "candidate_ids": ids},
                                     content_type="application/json")
    assert r.status_code == 403
    r = client_for(d.bureau_user).post(f"{API}/rounds/{rnd.pk}/act/", {"action": "qualify", "candidate_ids": ids},
                                       content_type="application/json")
    assert r.status_code == 409
    r = client_for(d.bureau_user).post(f"{API}/rounds/{rnd.pk}/act/", {"action": "approve", "candidate_ids": []},
                                       content_type="application/json")
    assert r.status_code == 400 and "candidate_ids" in r.json()
    assert client_for(d.nobody).post(f"{API}/rounds/{rnd.pk}/act/", {"action": "approve", "candidate_ids": ids},
                                     content_type="application/json").status_code == 404
    assert client_for(None).post(f"{API}/rounds/{rnd.pk}/act/", {"action": "approve", "candidate_ids": ids},
                                 content_type="application/json").status_code in (401, 403)


# --- materials, objections, separation proposals ----------------------------------------------------


def test_materials(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    c = cast.cand(rnd, d.m1)
    url = f"{API}/candidates/{c.pk}/materials/"
    r = client_for(d.member1).post(url, {"text": "获市级表彰"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["text"] == "获市级表彰"
    assert client_for(d.member1).post(url, {"text": ""}, content_type="application/json").status_code == 400
    assert client_for(d.squadron1).post(url, {"text": "x"}, content_type="application/json").status_code == 403
    member2 = make_user("member2", "member", member=d.m2)
    assert client_for(member2).post(url, {"text": "x"}, content_type="application/json").status_code == 404
    assert client_for(None).post(url, {"text": "x"}, content_type="application/json").status_code in (401, 403)
    rnd = cast.move(rnd, "cancel", reason="重来")
    assert client_for(d.member1).post(url, {"text": "x"}, content_type="application/json").status_code == 409


def test_objections_filed_and_decided(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.PUBLICITY)
    c = cast.cand(rnd, d.m1)
    member2 = make_user("member2", "member", member=d.m2)
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        r = client_for(member2).post(f"{API}/candidates/{c.pk}/objections/", {"text": "学历存疑"},
                                     content_type="application/json")
        assert r.status_code == 201 and r.json()["objector"] == "王二"
        oid = r.json()["id"]
        assert client_for(member2).post(f"{API}/candidates/{c.pk}/objections/", {"text": ""},
                                        content_type="application/json").status_code == 400
        # m2's own case (keep 五级) is not on the notice: nothing to object to for another member.
        other = cast.cand(rnd, d.m2)
        assert client_for(d.member1).post(f"{API}/candidates/{other.pk}/objections/", {"text": "x"},
                                          content_type="application/json").status_code == 404
        assert client_for(d.nobody).post(f"{API}/candidates/{c.pk}/objections/", {"text": "x"},
                                         content_type="application/json").status_code == 404
        assert client_for(d.squadron1).post(f"{API}/candidates/{c.pk}/objections/", {"text": "x"},
                                            content_type="application/json").status_code == 403
        assert client_for(None).post(f"{API}/candidates/{c.pk}/objections/", {"text": "x"},
                                     content_type="application/json").status_code in (401, 403)
        assert [o["id"] for o in client_for(member2).get(f"{API}/objections/").json()["results"]] == [oid]
        assert client_for(d.member1).get(f"{API}/objections/").json()["results"] == []
        url = f"{API}/objections/{oid}/decide/"
        assert client_for(member2).post(url, {"upheld": True, "note": "x"},
                                        content_type="application/json").status_code == 403
        assert client_for(d.member1).post(url, {"upheld": True, "note": "x"},
                                          content_type="application/json").status_code == 404
        assert client_for(None).post(url, {"upheld": True, "note": "x"},
                                     content_type="application/json").status_code in (401, 403)
        r = client_for(d.bureau_user).post(url, {"upheld": True, "note": ""}, content_type="application/json")
        assert r.status_code == 400 and "note" in r.json()
        r = client_for(d.bureau_user).post(url, {"upheld": True, "note": "属实"}, content_type="application/json")
        assert r.status_code == 200 and r.json()["status"] == "upheld"
        assert client_for(d.bureau_user).post(url, {"upheld": False, "note": "再议"},
                                              content_type="application/json").status_code == 409
    assert Candidate.objects.get(pk=c.pk).status == rules.WITHDRAWN
    assert Objection.objects.count() == 1


def test_separation_proposals(cast, client_for):
    d = cast.d
    cast.to(rules.DECIDED)
    p = SeparationProposal.objects.get()
    for user in (d.bureau_user, d.hrco, d.admin):
        r = client_for(user).get(f"{API}/separation-proposals/")
        assert r.status_code == 200 and [x["id"] for x in r.json()["results"]] == [p.pk]
        assert r.json()["results"][0]["member"]["id"] == cast.m4.pk
    for user in (d.bianban, d.squadron1, d.member1, d.nobody):
        assert client_for(user).get(f"{API}/separation-proposals/").status_code == 403
    assert client_for(None).get(f"{API}/separation-proposals/").status_code in (401, 403)


def test_schema_lists_the_evaluation_api_without_warnings(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/evaluation/rounds/", "/api/v1/evaluation/rounds/{id}/move/",
                 "/api/v1/evaluation/rounds/{id}/act/", "/api/v1/evaluation/candidates/{id}/move/",
                 "/api/v1/evaluation/objections/{id}/decide/", "/api/v1/evaluation/separation-proposals/"):
        assert path in schema["paths"], path
    move = schema["paths"]["/api/v1/evaluation/rounds/{id}/move/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(move["responses"])
    warnings = [w for w in str(GENERATOR_STATS).splitlines() if "evaluation" in w.lower()]
    assert not warnings, warnings


def test_notice_for_every_role_during_and_after_the_publicity(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPROVAL, finished=True)
    url = f"{API}/rounds/{rnd.pk}/notice/"
    assert client_for(d.bureau_user).get(url).status_code == 404  # no notice before the publicity
    cast.move(rnd, "start_publicity", start=PUBLICITY_START)
    member2 = make_user("member2", "member", member=d.m2)
    for user in (d.bureau_user, d.squadron2, d.hrco, d.bianban, d.admin, member2, d.assessor):
        r = client_for(user).get(url)
        assert r.status_code == 200, user
        body = r.json()
        # Grade changes only: m1 (五级 → 四级) and m3 (四级 → 五级); no keep, no separation proposal.
        assert {row["member"] for row in body["rows"]} == {d.m1.name, cast.m3.name}
        assert body["publicity_start"] == PUBLICITY_START.isoformat() and body["objection_contact"]
    assert client_for(d.nobody).get(url).status_code == 404
    assert client_for(None).get(url).status_code in (401, 403)
    r = client_for(d.bureau_user).get(f"{API}/rounds/{rnd.pk}/")
    assert [h["action"] for h in r.json()["history"]][-1] == "start_publicity"
