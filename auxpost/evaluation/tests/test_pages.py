"""§8 grade evaluation pages: every page with a permitted, an out-of-scope and an anonymous user; every
action refused in the pages out of order (409, message on the page) and for a party without authority
(403); bad input named in Chinese; query counts on the list pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from auxpost.evaluation import rules
from auxpost.evaluation.models import Candidate, EvaluationRound, Material, Objection, SeparationProposal
from auxpost.evaluation.services import objection_record
from auxpost.testing import make_member

from .flow import EFFECTIVE, PUBLICITY_END, PUBLICITY_START, Cast

pytestmark = pytest.mark.django_db

DURING = PUBLICITY_START + dt.timedelta(days=1)  # a day inside the 公示 of Cast.to()


def url(name, *args):
    return reverse(f"evaluation:{name}", args=args)


def on(day: dt.date):
    """Travel to 10:00 Beijing time on ``day`` (the pages take "today" from the clock)."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, 0,
                                           tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)


def text(r) -> str:
    return r.content.decode()


def assert_login_redirect(r):
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]


@pytest.fixture
def cast(district):
    return Cast(district)


def _reload(obj):
    obj.refresh_from_db()
    return obj


# --------------------------------------------------------------------------------- access

PAGES_NO_ARGS = ["rounds", "mine", "separations"]
PAGES_ROUND = ["round", "notice", "objections"]


@pytest.mark.parametrize("name", PAGES_NO_ARGS)
def test_anonymous_is_sent_to_login(district, client_for, name):
    assert_login_redirect(client_for(None).get(url(name)))


def test_anonymous_is_sent_to_login_from_round_and_candidate_pages(cast, client_for):
    rnd = cast.to(rules.PUBLICITY)
    c = cast.cand(rnd, cast.d.m1)
    anon = client_for(None)
    for name in PAGES_ROUND:
        assert_login_redirect(anon.get(url(name, rnd.pk)))
    assert_login_redirect(anon.get(url("candidate", c.pk)))
    assert_login_redirect(anon.post(url("candidate", c.pk), {"op": "act", "action": "approve"}))
    assert_login_redirect(anon.post(url("round", rnd.pk), {"op": "move", "action": "decide"}))


def test_rounds_list_per_role(cast, client_for):
    d = cast.d
    rnd = cast.open()
    r = client_for(d.bureau_user).get(url("rounds"))
    assert r.status_code == 200 and rnd.name in text(r) and 'id="open-round"' in text(r)
    for who in ("squadron1", "hrco", "bianban", "admin"):
        r = client_for(getattr(d, who)).get(url("rounds"))
        assert r.status_code == 200 and rnd.name in text(r), who
        assert 'id="open-round"' not in text(r), who
    for who in ("nobody", "assessor"):
        assert client_for(getattr(d, who)).get(url("rounds")).status_code == 404, who
    r = client_for(d.member1).get(url("rounds"))
    assert r.status_code == 302 and r["Location"] == url("mine")


def test_round_page_per_role_and_scope(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    r = client_for(d.bureau_user).get(url("round", rnd.pk))
    assert r.status_code == 200
    assert all(name in text(r) for name in ("李一", "王二", "降级乙", "退回丙"))
    assert 'data-stage="applications" aria-current="step"' in text(r)
    for who in ("hrco", "bianban", "admin"):
        assert client_for(getattr(d, who)).get(url("round", rnd.pk)).status_code == 200, who
    r = client_for(d.squadron1).get(url("round", rnd.pk))  # squadron 1: m1 and m3 only
    assert r.status_code == 200 and "李一" in text(r) and "降级乙" in text(r)
    assert "王二" not in text(r) and "退回丙" not in text(r)
    for who in ("nobody", "assessor"):
        assert client_for(getattr(d, who)).get(url("round", rnd.pk)).status_code == 404, who
    assert client_for(d.bureau_user).get(url("round", 999999)).status_code == 404
    r = client_for(d.member1).get(url("round", rnd.pk))
    assert r.status_code == 302 and r["Location"] == url("mine")


def test_round_page_filters_candidates(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    c = client_for(d.bureau_user)
    body = text(c.get(url("round", rnd.pk) + "?outcome=promote"))
    assert "李一" in body and "王二" not in body
    body = text(c.get(url("round", rnd.pk) + f"?unit={d.sq2.pk}"))
    assert "王二" in body and "退回丙" in body and "李一" not in body
    candidate_act_page(c, cast.cand(rnd, d.m1), "apply")
    body = text(c.get(url("round", rnd.pk) + "?status=applied"))
    assert "李一" in body and "王二" not in body
    assert 'data-status="applied"' in body


def test_candidate_page_per_role_and_scope(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    c1, c2 = cast.cand(rnd, d.m1), cast.cand(rnd, d.m2)
    for who in ("bureau_user", "hrco", "bianban", "admin", "squadron1", "member1"):
        r = client_for(getattr(d, who)).get(url("candidate", c1.pk))
        assert r.status_code == 200, who
        assert "data-reasons" in text(r) and "现等级任职年限" in text(r), who
    for who, cand in (("squadron2", c1), ("member1", c2), ("squadron1", c2), ("nobody", c1), ("assessor", c1)):
        assert client_for(getattr(d, who)).get(url("candidate", cand.pk)).status_code == 404, who
    assert client_for(d.bureau_user).get(url("candidate", 999999)).status_code == 404


def test_mine_per_role(cast, client_for):
    d = cast.d
    r = client_for(d.member1).get(url("mine"))
    assert r.status_code == 200 and 'id="reasons"' not in text(r)  # not in a round yet
    rnd = cast.to(rules.APPLICATIONS)
    r = client_for(d.member1).get(url("mine"))
    assert r.status_code == 200 and rnd.name in text(r) and 'data-outcome="promote"' in text(r)
    assert 'name="op" value="apply"' in text(r)
    for who in ("squadron1", "bureau_user", "nobody"):
        assert client_for(getattr(d, who)).get(url("mine")).status_code == 404, who


def test_notice_page_access(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    assert client_for(d.bureau_user).get(url("notice", rnd.pk)).status_code == 404  # not started
    cast.approve_all(rnd)
    cast.move(rnd, "start_publicity", start=PUBLICITY_START, today=PUBLICITY_START)
    for who in ("bureau_user", "member1", "squadron1", "squadron2", "hrco", "bianban", "assessor", "admin"):
        r = client_for(getattr(d, who)).get(url("notice", rnd.pk))
        assert r.status_code == 200, who
        body = text(r)
        assert "2026-03-09" in body and "2026-03-13" in body, who
        assert "李一" in body and "降级乙" in body, who  # grade changes: 五级→四级, 四级→五级
        assert "王二" not in body and "退回丙" not in body, who  # no change / separation: not on the notice
    assert client_for(d.nobody).get(url("notice", rnd.pk)).status_code == 404
    assert client_for(d.bureau_user).get(url("notice", 999999)).status_code == 404


def test_notice_of_a_cancelled_round_is_404(cast, client_for):
    rnd = cast.to(rules.APPLICATIONS)
    cast.move(rnd, "cancel", reason="政策调整")
    assert client_for(cast.d.member1).get(url("notice", rnd.pk)).status_code == 404


def test_objections_page_access(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.PUBLICITY)
    for who in ("bureau_user", "admin"):
        assert client_for(getattr(d, who)).get(url("objections", rnd.pk)).status_code == 200, who
    for who in ("hrco", "bianban", "squadron1", "member1", "nobody", "assessor"):
        assert client_for(getattr(d, who)).get(url("objections", rnd.pk)).status_code == 404, who
    assert client_for(d.bureau_user).get(url("objections", 999999)).status_code == 404


def test_separations_page_access(cast, client_for):
    d = cast.d
    cast.to(rules.DECIDED)
    assert SeparationProposal.objects.count() == 1
    for who in ("bureau_user", "hrco", "admin"):
        r = client_for(getattr(d, who)).get(url("separations"))
        assert r.status_code == 200 and "退回丙" in text(r), who
    for who in ("squadron1", "bianban", "member1", "nobody", "assessor"):
        assert client_for(getattr(d, who)).get(url("separations")).status_code == 404, who
    r = client_for(d.hrco).get(url("separations") + "?state=taken")
    assert "退回丙" not in text(r)


# ------------------------------------------------------------------------ open a round

def open_form(**over):
    return {"name": "2026年度职级评定", "kind": "annual", "as_of": "2026-03-01", "effective_date": "2026-04-01",
            "objection_contact": "人事科 028-1234", "notes": ""} | over


def test_bureau_opens_a_round_through_the_page(district, client_for):
    r = client_for(district.bureau_user).post(url("rounds"), open_form())
    rnd = EvaluationRound.objects.get()
    assert r.status_code == 302 and r["Location"] == url("round", rnd.pk)
    assert rnd.status == rules.OPEN and rnd.created_by == district.bureau_user


def test_open_round_bad_input_is_named_in_chinese(district, client_for):
    c = client_for(district.bureau_user)
    r = c.post(url("rounds"), open_form(name=""))
    assert r.status_code == 200 and EvaluationRound.objects.count() == 0
    assert '<ul class="errorlist"' in text(r) and "必填" in text(r)
    r = c.post(url("rounds"), open_form(effective_date="2026-02-01"))  # refused by the service
    assert r.status_code == 200 and EvaluationRound.objects.count() == 0
    assert "生效日期" in text(r) and "2026-02-01" in text(r) and "2026-03-01" in text(r)


def test_open_round_while_one_is_active_is_409(cast, client_for):
    cast.open()
    r = client_for(cast.d.bureau_user).post(url("rounds"), open_form(name="第二轮"))
    assert r.status_code == 409 and EvaluationRound.objects.count() == 1
    assert "msg-error" in text(r) and "2026年度职级评定" in text(r)


@pytest.mark.parametrize("who", ["squadron1", "hrco", "bianban", "admin"])
def test_open_round_by_another_party_is_403(district, client_for, who):
    for data in (open_form(), {}):  # the party is refused before the input is looked at
        r = client_for(getattr(district, who)).post(url("rounds"), data)
        assert r.status_code == 403 and EvaluationRound.objects.count() == 0
        assert "msg-error" in text(r) and "区综合行政执法局" in text(r)


# ------------------------------------------------------------------------------ round moves

def round_post(client, rnd, action, **data):
    return client.post(url("round", rnd.pk), {"op": "move", "action": action} | data)


MOVE_DATA = {"start_publicity": {"start": "2026-03-09"}, "decide": {"decision_number": "温执法〔2026〕8号",
                                                                      "decided_on": "2026-03-16"},
             "cancel": {"reason": "政策调整"}}


@pytest.mark.parametrize("action", ["close_applications", "close_recommendation", "close_review", "start_publicity",
                                    "decide", "make_effective", "archive"])
def test_round_move_out_of_order_is_409_with_the_message(cast, client_for, action):
    rnd = cast.open()
    r = round_post(client_for(cast.d.bureau_user), rnd, action, **MOVE_DATA.get(action, {}))
    assert r.status_code == 409
    assert "当前状态为“已开启”" in text(r) and "msg-error" in text(r)
    assert _reload(rnd).status == rules.OPEN


def test_compute_twice_is_409(cast, client_for):
    rnd = cast.to(rules.APPLICATIONS)
    r = round_post(client_for(cast.d.bureau_user), rnd, "compute")
    assert r.status_code == 409 and "当前状态为“申请中”" in text(r)


def test_cancel_after_the_decision_is_409(cast, client_for):
    rnd = cast.to(rules.DECIDED)
    r = round_post(client_for(cast.d.bureau_user), rnd, "cancel", reason="政策调整")
    assert r.status_code == 409 and _reload(rnd).status == rules.DECIDED


@pytest.mark.parametrize("action", sorted(rules.ROUND_ACTION_LABEL))
@pytest.mark.parametrize("who", ["squadron1", "hrco", "bianban", "admin"])
def test_round_move_by_another_party_is_403(cast, client_for, action, who):
    rnd = cast.open()
    r = round_post(client_for(getattr(cast.d, who)), rnd, action, **MOVE_DATA.get(action, {}))
    assert r.status_code == 403 and "msg-error" in text(r)
    assert _reload(rnd).status == rules.OPEN


def test_round_moves_through_the_page(cast, client_for):
    d = cast.d
    c = client_for(d.bureau_user)
    rnd = cast.open()
    r = round_post(c, rnd, "compute")
    assert r.status_code == 302 and _reload(rnd).status == rules.APPLICATIONS
    assert Candidate.objects.filter(round=rnd).count() == 4
    r = c.get(url("round", rnd.pk))
    assert "计算评定结果" in text(r)  # in the round's history
    assert round_post(c, rnd, "close_applications").status_code == 302
    assert cast.cand(rnd, d.m1).status == rules.NOT_APPLIED


def test_close_recommendation_refused_while_candidates_wait(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    candidate_act_page(client_for(d.member1), cast.cand(rnd, d.m1), "apply")
    cast.move(rnd, "close_applications")
    r = round_post(client_for(d.bureau_user), rnd, "close_recommendation")
    assert r.status_code == 409 and "1" in text(r) and _reload(rnd).status == rules.RECOMMENDATION


def test_start_publicity_refused_while_a_promotion_waits_for_the_staffing_office(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    ids = list(Candidate.objects.filter(round=rnd).exclude(member=d.m1).values_list("pk", flat=True))
    for user in (d.bureau_user, d.hrco):
        r = client_for(user).post(url("round", rnd.pk), {"op": "bulk", "action": "approve", "candidates": ids})
        assert r.status_code == 302
    assert cast.cand(rnd, d.m2).status == rules.APPROVED
    assert cast.cand(rnd, d.m1).status == rules.PENDING_APPROVAL
    r = round_post(client_for(d.bureau_user), rnd, "start_publicity", start="2026-03-09")
    assert r.status_code == 409 and _reload(rnd).status == rules.APPROVAL


def test_publicity_preview_and_start_through_the_page(cast, client_for):
    from auxpost.workcal.selectors import add_working_days

    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    cast.approve_all(rnd)
    r = client_for(d.bureau_user).get(url("round", rnd.pk) + "?start=2026-09-28")
    end = add_working_days(dt.date(2026, 9, 28), 5)
    assert end > dt.date(2026, 10, 8)  # the National Day holiday is not counted
    assert "2026-09-28" in text(r) and end.isoformat() in text(r) and "data-publicity-preview" in text(r)
    with on(PUBLICITY_START):
        r = round_post(client_for(d.bureau_user), rnd, "start_publicity", start="2026-03-09")
    assert r.status_code == 302
    rnd = _reload(rnd)
    assert (rnd.status, rnd.publicity_start, rnd.publicity_end) == (rules.PUBLICITY, PUBLICITY_START, PUBLICITY_END)


def test_start_publicity_in_a_year_without_a_calendar_is_named(cast, client_for):
    rnd = cast.to(rules.APPROVAL)
    cast.approve_all(rnd)
    r = round_post(client_for(cast.d.bureau_user), rnd, "start_publicity", start="2031-03-03")
    assert r.status_code == 200 and "2031" in text(r) and "errorlist" in text(r)
    assert _reload(rnd).status == rules.APPROVAL


def test_decide_refused_until_the_publicity_has_ended(cast, client_for):
    rnd = cast.to(rules.PUBLICITY)
    with on(PUBLICITY_END):
        r = round_post(client_for(cast.d.bureau_user), rnd, "decide", decision_number="温执法〔2026〕8号",
                       decided_on="2026-03-13")
    assert r.status_code == 409 and "2026-03-13" in text(r) and _reload(rnd).status == rules.PUBLICITY
    with on(dt.date(2026, 3, 16)):
        c = client_for(cast.d.bureau_user)
        r = round_post(c, rnd, "decide", decision_number="", decided_on="2026-03-16")
        assert r.status_code == 200 and "errorlist" in text(r)
        r = round_post(c, rnd, "decide", decision_number="温执法〔2026〕8号", decided_on="2026-03-16")
    assert r.status_code == 302
    rnd = _reload(rnd)
    assert rnd.status == rules.DECIDED and rnd.decision_number == "温执法〔2026〕8号"


def test_decide_refused_while_an_objection_waits(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.PUBLICITY)
    with on(DURING):
        objection_record(actor=d.bureau_user, candidate=cast.cand(rnd, d.m1), text="群众反映", objector="匿名")
    with on(dt.date(2026, 3, 16)):
        r = round_post(client_for(d.bureau_user), rnd, "decide", decision_number="温执法〔2026〕8号",
                       decided_on="2026-03-16")
    assert r.status_code == 409 and _reload(rnd).status == rules.PUBLICITY


def test_make_effective_refused_before_the_effective_date(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.DECIDED)
    with on(EFFECTIVE - dt.timedelta(days=1)):
        r = round_post(client_for(d.bureau_user), rnd, "make_effective")
    assert r.status_code == 409 and "2026-04-01" in text(r) and _reload(rnd).status == rules.DECIDED
    with on(EFFECTIVE):
        r = round_post(client_for(d.bureau_user), rnd, "make_effective")
    assert r.status_code == 302 and _reload(rnd).status == rules.EFFECTIVE
    d.m1.refresh_from_db()
    assert (d.m1.grade, d.m1.grade_effective_date) == (4, EFFECTIVE)


def test_cancel_needs_a_reason(cast, client_for):
    rnd = cast.to(rules.APPLICATIONS)
    r = round_post(client_for(cast.d.bureau_user), rnd, "cancel", reason="")
    assert r.status_code == 200 and "errorlist" in text(r) and _reload(rnd).status == rules.APPLICATIONS


def test_unknown_round_action_is_404(cast, client_for):
    rnd = cast.open()
    assert round_post(client_for(cast.d.bureau_user), rnd, "jump").status_code == 404


# -------------------------------------------------------------------------- candidate steps

def candidate_act_page(client, cand, action, **data):
    return client.post(url("candidate", cand.pk), {"op": "act", "action": action} | data)


#: (round stage the round is driven to, action, user) for each candidate step taken at the wrong stage.
OUT_OF_ORDER = [
    (rules.RECOMMENDATION, "apply", "member1"),
    (rules.APPLICATIONS, "recommend", "squadron1"),
    (rules.APPLICATIONS, "not_recommend", "squadron1"),
    (rules.RECOMMENDATION, "qualify", "bureau_user"),
    (rules.RECOMMENDATION, "disqualify", "bureau_user"),
    (rules.REVIEW, "approve", "bianban"),
    (rules.REVIEW, "reject", "bianban"),
]


@pytest.mark.parametrize("stage,action,who", OUT_OF_ORDER)
def test_candidate_step_out_of_order_is_409_with_the_message(cast, client_for, stage, action, who):
    rnd = cast.to(stage)
    cand = cast.cand(rnd, cast.d.m1)
    before = cand.status
    r = candidate_act_page(client_for(getattr(cast.d, who)), cand, action, reason="理由")
    assert r.status_code == 409, text(r)
    assert "msg-error" in text(r) and rules.CANDIDATE_ACTION_LABEL[action] in text(r)
    assert _reload(cand).status == before


#: (stage, action, user, member) for each candidate step by a party without authority over it.
WRONG_PARTY = [
    (rules.APPLICATIONS, "apply", "squadron1", "m1"),
    (rules.APPLICATIONS, "apply", "hrco", "m1"),
    (rules.RECOMMENDATION, "recommend", "bureau_user", "m1"),
    (rules.RECOMMENDATION, "not_recommend", "hrco", "m1"),
    (rules.RECOMMENDATION, "recommend", "member1", "m1"),
    (rules.REVIEW, "qualify", "squadron1", "m1"),
    (rules.REVIEW, "disqualify", "hrco", "m1"),
    (rules.APPROVAL, "approve", "hrco", "m1"),  # a promotion to 四级: the staffing office's
    (rules.APPROVAL, "reject", "bureau_user", "m1"),
    (rules.APPROVAL, "approve", "bianban", "m2"),  # a 五级 result: the bureau's and the HR company's
    (rules.APPROVAL, "reject", "bianban", "m2"),
    (rules.APPROVAL, "approve", "squadron1", "m1"),
    (rules.APPROVAL, "approve", "member1", "m1"),
]


@pytest.mark.parametrize("stage,action,who,member", WRONG_PARTY)
def test_candidate_step_by_another_party_is_403(cast, client_for, stage, action, who, member):
    rnd = cast.to(stage)
    cand = cast.cand(rnd, getattr(cast.d, member))
    before = cand.status
    r = candidate_act_page(client_for(getattr(cast.d, who)), cand, action, reason="理由")
    assert r.status_code == 403, text(r)
    assert "msg-error" in text(r) and _reload(cand).status == before


def test_candidate_step_out_of_scope_is_404(cast, client_for):
    rnd = cast.to(rules.RECOMMENDATION)
    r = candidate_act_page(client_for(cast.d.squadron2), cast.cand(rnd, cast.d.m1), "recommend")
    assert r.status_code == 404 and cast.cand(rnd, cast.d.m1).status == rules.APPLIED


def test_not_recommend_needs_a_reason(cast, client_for):
    rnd = cast.to(rules.RECOMMENDATION)
    cand = cast.cand(rnd, cast.d.m1)
    r = candidate_act_page(client_for(cast.d.squadron1), cand, "not_recommend", reason="")
    assert r.status_code == 200 and "errorlist" in text(r) and _reload(cand).status == rules.APPLIED
    r = candidate_act_page(client_for(cast.d.squadron1), cand, "not_recommend", reason="年度内有迟到记录")
    assert r.status_code == 302 and _reload(cand).status == rules.NOT_RECOMMENDED


def test_steps_through_the_candidate_page(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.RECOMMENDATION)
    m1 = cast.cand(rnd, d.m1)
    page = text(client_for(d.squadron1).get(url("candidate", m1.pk)))
    assert 'data-action="recommend"' in page and 'data-action="not_recommend"' in page
    assert candidate_act_page(client_for(d.squadron1), m1, "recommend").status_code == 302
    assert _reload(m1).status == rules.RECOMMENDED
    cast.move(rnd, "close_recommendation")
    assert candidate_act_page(client_for(d.bureau_user), m1, "qualify").status_code == 302
    cast.move(rnd, "close_review")
    m3 = cast.cand(rnd, cast.m3)  # demoted to 五级: the bureau and the HR company both sign
    page = text(client_for(d.hrco).get(url("candidate", m3.pk)))
    assert 'data-body="bureau"' in page and 'data-body="hr_company"' in page and 'data-action="approve"' in page
    assert candidate_act_page(client_for(d.hrco), m3, "approve").status_code == 302
    assert _reload(m3).status == rules.PENDING_APPROVAL
    assert candidate_act_page(client_for(d.bureau_user), m3, "approve").status_code == 302
    assert _reload(m3).status == rules.APPROVED
    r = candidate_act_page(client_for(d.bureau_user), m3, "approve")
    assert r.status_code == 409
    assert candidate_act_page(client_for(d.bianban), m1, "reject", reason="名额已满").status_code == 302
    assert _reload(m1).status == rules.REJECTED
    page = text(client_for(d.bureau_user).get(url("candidate", m1.pk)))
    assert "名额已满" in page and 'data-body="staffing_office"' in page


def test_unknown_candidate_action_is_404(cast, client_for):
    rnd = cast.to(rules.APPLICATIONS)
    assert candidate_act_page(client_for(cast.d.bureau_user), cast.cand(rnd, cast.d.m1), "promote").status_code == 404


# ------------------------------------------------------------------------------- bulk steps

def bulk_post(client, rnd, action, ids, **data):
    return client.post(url("round", rnd.pk), {"op": "bulk", "action": action, "candidates": ids} | data)


def test_bulk_recommend_by_the_line_manager(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.RECOMMENDATION)
    m1, m3 = cast.cand(rnd, d.m1), cast.cand(rnd, cast.m3)
    page = text(client_for(d.squadron1).get(url("round", rnd.pk)))
    assert 'id="bulk"' in page and 'value="recommend"' in page and f'value="{m1.pk}"' in page
    r = bulk_post(client_for(d.squadron1), rnd, "recommend", [m1.pk, m3.pk])
    assert r.status_code == 302
    assert _reload(m1).status == rules.RECOMMENDED and _reload(m3).status == rules.COMPUTED
    follow = client_for(d.squadron1)
    bulk_post(follow, rnd, "recommend", [m3.pk])
    assert "降级乙" in text(follow.get(url("round", rnd.pk)))  # the refusal names the candidate


def test_bulk_with_nothing_ticked_says_so(cast, client_for):
    rnd = cast.to(rules.RECOMMENDATION)
    r = bulk_post(client_for(cast.d.squadron1), rnd, "recommend", [])
    assert r.status_code == 200 and "msg-error" in text(r)


def test_bulk_out_of_order_is_409_and_by_another_party_403(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.RECOMMENDATION)
    m1 = cast.cand(rnd, d.m1)
    r = bulk_post(client_for(d.bureau_user), rnd, "qualify", [m1.pk])
    assert r.status_code == 409 and "msg-error" in text(r)
    r = bulk_post(client_for(d.hrco), rnd, "recommend", [m1.pk])
    assert r.status_code == 403 and _reload(m1).status == rules.APPLIED


def test_bulk_approve_as_a_named_body(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPROVAL)
    ids = list(Candidate.objects.filter(round=rnd, decision_grade=5).values_list("pk", flat=True))
    page = text(client_for(d.hrco).get(url("round", rnd.pk)))
    assert 'value="approve:hr_company"' in page and 'value="approve:bureau"' not in page
    assert bulk_post(client_for(d.hrco), rnd, "approve:hr_company", ids).status_code == 302
    assert bulk_post(client_for(d.bureau_user), rnd, "approve:bureau", ids).status_code == 302
    assert set(Candidate.objects.filter(pk__in=ids).values_list("status", flat=True)) == {rules.APPROVED}
    r = bulk_post(client_for(d.hrco), rnd, "approve:bureau", ids)
    assert r.status_code == 403


# ------------------------------------------------------------------------- the member's page

def test_member_applies_and_supplies_material_on_their_page(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    c = client_for(d.member1)
    r = c.post(url("mine"), {"op": "material", "text": ""})
    assert r.status_code == 200 and "errorlist" in text(r) and Material.objects.count() == 0
    assert c.post(url("mine"), {"op": "material", "text": "2025年获区级表彰"}).status_code == 302
    assert c.post(url("mine"), {"op": "apply"}).status_code == 302
    assert cast.cand(rnd, d.m1).status == rules.APPLIED
    r = c.post(url("mine"), {"op": "apply"})
    assert r.status_code == 409 and "msg-error" in text(r)
    body = text(c.get(url("mine")))
    assert "2025年获区级表彰" in body and 'data-status="applied"' in body


def test_member_cannot_apply_after_applications_close(cast, client_for):
    rnd = cast.to(rules.RECOMMENDATION)
    r = client_for(cast.d.member1).post(url("mine"), {"op": "apply"})
    assert r.status_code == 409 and cast.cand(rnd, cast.d.m1).status == rules.APPLIED


def test_material_by_the_bureau_and_refused_for_another_party(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.APPLICATIONS)
    m1 = cast.cand(rnd, d.m1)
    r = client_for(d.squadron1).post(url("candidate", m1.pk), {"op": "material", "text": "材料"})
    assert r.status_code == 403 and Material.objects.count() == 0
    r = client_for(d.bureau_user).post(url("candidate", m1.pk), {"op": "material", "text": "代交纸质材料"})
    assert r.status_code == 302 and Material.objects.get().by == d.bureau_user


def test_material_refused_once_approval_has_ended(cast, client_for):
    cast.to(rules.PUBLICITY)
    r = client_for(cast.d.member1).post(url("mine"), {"op": "material", "text": "补充"})
    assert r.status_code == 409 and "msg-error" in text(r) and Material.objects.count() == 0


def test_mine_with_a_member_not_in_the_round(cast, client_for):
    d = cast.d
    cast.to(rules.APPLICATIONS)
    from auxpost.accounts.models import Role
    from auxpost.testing import make_user

    late = make_member(d.sq1_t1, name="新入职")
    user = make_user("late", Role.MEMBER, member=late)
    r = client_for(user).get(url("mine"))
    assert r.status_code == 200 and 'id="reasons"' not in text(r)
    assert client_for(user).post(url("mine"), {"op": "apply"}).status_code == 404


# -------------------------------------------------------------------------------- objections

def test_member_files_an_objection_from_the_notice(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.PUBLICITY)
    m3 = cast.cand(rnd, cast.m3)
    with on(DURING):
        c = client_for(d.member1)
        page = text(c.get(url("notice", rnd.pk)))
        assert f'name="candidate" value="{m3.pk}"' in page
        assert f'name="candidate" value="{cast.cand(rnd, d.m1).pk}"' not in page  # not against oneself
        r = c.post(url("notice", rnd.pk), {"candidate": m3.pk, "text": ""})
        assert r.status_code == 200 and "errorlist" in text(r)
        r = c.post(url("notice", rnd.pk), {"candidate": m3.pk, "text": "该同志2025年积分记录有误"})
    assert r.status_code == 302
    o = Objection.objects.get()
    assert (o.candidate_id, o.objector, o.recorded_by) == (m3.pk, "李一", d.member1)
    # a candidate not on the notice (王二 keeps 五级) cannot be objected to
    with on(DURING):
        assert c.post(url("notice", rnd.pk), {"candidate": cast.cand(rnd, d.m2).pk, "text": "x"}).status_code == 404


def test_objection_from_the_notice_by_another_party_is_403(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.PUBLICITY)
    m3 = cast.cand(rnd, cast.m3)
    for who in ("squadron1", "hrco", "bianban"):
        with on(DURING):
            page = text(client_for(getattr(d, who)).get(url("notice", rnd.pk)))
            r = client_for(getattr(d, who)).post(url("notice", rnd.pk), {"candidate": m3.pk, "text": "异议"})
            empty = client_for(getattr(d, who)).post(url("notice", rnd.pk), {"candidate": m3.pk, "text": ""})
        assert 'name="candidate"' not in page, who
        assert r.status_code == 403 and empty.status_code == 403, who
    assert Objection.objects.count() == 0


def test_objection_after_the_publicity_is_409(cast, client_for):
    rnd = cast.to(rules.DECIDED)
    m3 = cast.cand(rnd, cast.m3)
    r = client_for(cast.d.member1).post(url("notice", rnd.pk), {"candidate": m3.pk, "text": "异议"})
    assert r.status_code == 409 and "msg-error" in text(r) and Objection.objects.count() == 0


def test_bureau_records_and_decides_objections(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.PUBLICITY)
    m1, m3 = cast.cand(rnd, d.m1), cast.cand(rnd, cast.m3)
    with on(DURING):
        c = client_for(d.bureau_user)
        page = text(c.get(url("candidate", m1.pk)))
        assert 'name="op" value="objection"' in page
        r = c.post(url("candidate", m1.pk), {"op": "objection", "objector": "", "received_on": "2026-03-10",
                                              "text": "来信反映"})
        assert r.status_code == 302
        objection_record(actor=d.member1, candidate=m3, text="积分有误")
        o1, o3 = Objection.objects.order_by("pk")
        page = text(c.get(url("objections", rnd.pk)))
        assert "来信反映" in page and "积分有误" in page and f'name="objection" value="{o1.pk}"' in page
        r = c.post(url("objections", rnd.pk), {"objection": o1.pk, f"o{o1.pk}-decision": "dismiss",
                                               f"o{o1.pk}-note": ""})
        assert r.status_code == 200 and "errorlist" in text(r)
        r = c.post(url("objections", rnd.pk), {"objection": o1.pk, f"o{o1.pk}-decision": "dismiss",
                                               f"o{o1.pk}-note": "经核实不属实"})
        assert r.status_code == 302
        r = c.post(url("objections", rnd.pk), {"objection": o3.pk, f"o{o3.pk}-decision": "uphold",
                                               f"o{o3.pk}-note": "积分核实有误"})
        assert r.status_code == 302
        r = c.post(url("objections", rnd.pk), {"objection": o3.pk, f"o{o3.pk}-decision": "dismiss",
                                               f"o{o3.pk}-note": "再议"})
        assert r.status_code == 409 and "msg-error" in text(r)
    assert _reload(o1).status == "dismissed" and _reload(o3).status == "upheld"
    assert _reload(m3).status == rules.WITHDRAWN and _reload(m1).status == rules.APPROVED


def test_objection_decided_by_another_party_is_403(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.PUBLICITY)
    with on(DURING):
        o = objection_record(actor=d.member1, candidate=cast.cand(rnd, cast.m3), text="积分有误")
        r = client_for(d.admin).post(url("objections", rnd.pk), {"objection": o.pk, f"o{o.pk}-decision": "uphold",
                                                                 f"o{o.pk}-note": "成立"})
    assert r.status_code == 403 and _reload(o).status == "pending"
    with on(DURING):
        r = client_for(d.admin).post(url("objections", rnd.pk), {"objection": o.pk, f"o{o.pk}-decision": "uphold",
                                                                 f"o{o.pk}-note": ""})
    assert r.status_code == 403
    r = client_for(d.hrco).post(url("objections", rnd.pk), {"objection": o.pk, f"o{o.pk}-decision": "uphold",
                                                            f"o{o.pk}-note": "成立"})
    assert r.status_code == 404


def test_bureau_records_an_objection_outside_the_period_is_named(cast, client_for):
    rnd = cast.to(rules.PUBLICITY)
    m1 = cast.cand(rnd, cast.d.m1)
    with on(DURING):
        r = client_for(cast.d.bureau_user).post(url("candidate", m1.pk), {
            "op": "objection", "received_on": "2026-03-01", "text": "来信"})
    assert r.status_code == 200 and "errorlist" in text(r) and Objection.objects.count() == 0


# ------------------------------------------------------------------------------ query counts

def _more_members(district, n, start=0):
    for i in range(n):
        make_member(district.sq1_t1 if i % 2 else district.sq2_t1, name=f"队员{start + i}")


def _queries(client, path) -> int:
    client.get(path)  # warm: session refresh, per-process caches
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_round_page_query_count_does_not_grow_with_candidates(cast, client_for):
    d = cast.d
    _more_members(d, 5)
    rnd = cast.to(rules.APPROVAL)
    c = client_for(d.bureau_user)
    few = _queries(c, url("round", rnd.pk))
    EvaluationRound.objects.filter(pk=rnd.pk).update(status=rules.CANCELLED)
    _more_members(d, 30, start=100)
    rnd2 = cast.to(rules.APPROVAL)
    many = _queries(c, url("round", rnd2.pk))
    assert many == few and many <= 20
    assert Candidate.objects.filter(round=rnd2).count() == 39


def test_rounds_list_query_count(cast, client_for):
    cast.open()
    c = client_for(cast.d.bureau_user)
    few = _queries(c, url("rounds"))
    for i in range(12):
        EvaluationRound.objects.create(name=f"旧评定{i}", as_of=dt.date(2010 + i, 3, 1),
                                       effective_date=dt.date(2010 + i, 4, 1), status=rules.ARCHIVED,
                                       created_by=cast.d.bureau_user, created_at=timezone.now())
    many = _queries(c, url("rounds"))
    assert many == few and many <= 12
    assert "旧评定11" in text(c.get(url("rounds")))


def test_objections_notice_and_separations_query_counts(cast, client_for):
    d = cast.d
    rnd = cast.to(rules.PUBLICITY)
    with on(DURING):
        bureau, member = client_for(d.bureau_user), client_for(d.member1)
        objection_record(actor=d.bureau_user, candidate=cast.cand(rnd, d.m1), text="异议0", objector="群众0")
        few = _queries(bureau, url("objections", rnd.pk))
        notice_few = _queries(member, url("notice", rnd.pk))
        for i in range(1, 7):
            objection_record(actor=d.bureau_user, candidate=cast.cand(rnd, d.m1 if i % 2 else cast.m3),
                             text=f"异议{i}", objector=f"群众{i}")
        assert _queries(bureau, url("objections", rnd.pk)) == few <= 15
        assert "异议6" in text(bureau.get(url("objections", rnd.pk)))
        assert _queries(member, url("notice", rnd.pk)) == notice_few <= 15
    hr = client_for(d.hrco)
    assert _queries(hr, url("separations")) <= 12


# ----------------------------------------------------------------------- 首次定级, cancelled

def test_initial_grading_round_pages(cast, client_for):
    """§8.4a every member is on the track with no application: the unit recommends from "computed"."""
    d = cast.d
    rnd = cast.to(rules.RECOMMENDATION, kind="initial")
    m1 = cast.cand(rnd, d.m1)
    assert m1.outcome == rules.INITIAL and m1.status == rules.COMPUTED
    page = text(client_for(d.bureau_user).get(url("round", rnd.pk)))
    assert "首次定级" in page and all(name in page for name in ("李一", "王二", "降级乙", "退回丙"))
    mine = text(client_for(d.member1).get(url("mine")))
    assert 'data-outcome="initial"' in mine and 'name="op" value="apply"' not in mine
    r = bulk_post(client_for(d.squadron1), rnd, "recommend", [m1.pk])
    assert r.status_code == 302 and _reload(m1).status == rules.RECOMMENDED


def test_cancelled_round_shows_where_it_stopped(cast, client_for):
    rnd = cast.to(rules.RECOMMENDATION)
    r = round_post(client_for(cast.d.bureau_user), rnd, "cancel", reason="政策调整，重新组织")
    assert r.status_code == 302 and _reload(rnd).status == rules.CANCELLED
    page = text(client_for(cast.d.bureau_user).get(url("round", rnd.pk)))
    assert 'class="stopped" data-stage="recommendation"' in page and 'class="done" data-stage="applications"' in page
    assert "政策调整，重新组织" in page and 'data-action=' not in page  # the history; no step left


def test_pages_in_english(cast, client_for):
    from django.conf import settings

    d = cast.d
    rnd = cast.to(rules.PUBLICITY)
    c = client_for(d.bureau_user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Grade evaluation rounds" in text(c.get(url("rounds")))
    assert "Candidates of the round" in text(c.get(url("round", rnd.pk)))
    assert "Why this outcome" in text(c.get(url("candidate", cast.cand(rnd, d.m1).pk)))
    assert "Public notice from 2026-03-09 to 2026-03-13" in text(c.get(url("notice", rnd.pk)))
    m = client_for(d.member1)
    m.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "My grade evaluation" in text(m.get(url("mine")))
