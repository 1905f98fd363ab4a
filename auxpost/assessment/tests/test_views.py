"""§7 pages: access matrix (permitted, out of scope, anonymous), query counts, forms."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from auxpost.assessment.models import AnnualResult, MonthlyScore
from auxpost.assessment.services import annual_results_record, skills_round_create
from auxpost.assessment.tests.conftest import AT, add_entry
from auxpost.testing import make_member

pytestmark = pytest.mark.django_db

MONTHLY = reverse("assessment:monthly")
MINE = reverse("assessment:mine")
ROUNDS = reverse("assessment:rounds")
ROUND_NEW = reverse("assessment:round_new")


def card_url(member, ym="2026-03"):
    return reverse("assessment:scorecard", args=[member.pk, ym])


def post_card(client, member, ym="2026-03", **overrides):
    data = {"score_attendance": 20, "score_discipline": 20, "score_uniform": 10, "score_duty_performance": 40,
            "score_public_feedback": 10}
    data.update(overrides)
    return client.post(card_url(member, ym), data)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 4, 10, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


# --- monthly list ------------------------------------------------------------------------------


@pytest.mark.parametrize("who,sees", [("squadron1", ["李一"]), ("bureau_user", ["李一", "王二"]),
                                      ("admin", ["李一", "王二"]), ("squadron2", ["王二"])])
def test_monthly_list_is_scoped(district, client_for, who, sees):
    r = client_for(getattr(district, who)).get(MONTHLY)
    assert r.status_code == 200
    text = r.content.decode()
    for name in ["李一", "王二"]:
        assert (name in text) == (name in sees)
    assert "2026-03" in text  # default: last month


@pytest.mark.parametrize("who", ["assessor", "hrco", "bianban", "nobody"])
def test_monthly_list_refused(district, client_for, who):
    assert client_for(getattr(district, who)).get(MONTHLY).status_code == 404


def test_monthly_list_member_goes_to_own_page_and_anonymous_to_login(district, client_for):
    assert client_for(district.member1).get(MONTHLY).url == MINE
    r = client_for(None).get(MONTHLY)
    assert r.status_code == 302 and "/accounts/login/" in r.url


def test_monthly_list_status_and_query_count(district, client_for, django_assert_max_num_queries):
    for i in range(20):
        make_member(district.sq1_t2, name=f"队员{i}")
    MonthlyScore.objects.create(member=district.m1, month=dt.date(2026, 2, 1), total=Decimal("96.5"), scored_at=AT)
    c = client_for(district.squadron1)
    c.get(MONTHLY)
    with django_assert_max_num_queries(12):
        r = c.get(MONTHLY + "?month=2026-02")
    text = r.content.decode()
    assert "96.50" in text and text.count("尚未评分") == 20


# --- scorecard ---------------------------------------------------------------------------------


def test_scorecard_prefill_save_and_reason_error(district, client_for):
    d = district
    add_entry(d.m1, dt.date(2026, 3, 9), "late", -1, approver=d.squadron2)
    c = client_for(d.squadron1)
    r = c.get(card_url(d.m1))
    text = r.content.decode()
    assert r.status_code == 200 and "出勤" in text and "迟到" in text and 'value="19"' in text
    r = post_card(c, d.m1, score_attendance=20)  # differs from 19, no reason
    assert r.status_code == 200 and "请说明理由" in r.content.decode()
    assert not MonthlyScore.objects.exists()
    r = post_card(c, d.m1, score_attendance=20, reason_attendance="迟到系执行任务")
    assert r.status_code == 302 and r.url.endswith("?month=2026-03")
    assert MonthlyScore.objects.get().total == 100
    assert "100.00" in c.get(r.url).content.decode()


def test_scorecard_access(district, client_for):
    d = district
    for who in ("squadron2", "assessor", "hrco", "nobody", "member1"):
        assert client_for(getattr(d, who)).get(card_url(d.m1)).status_code == 404, who
        assert post_card(client_for(getattr(d, who)), d.m1).status_code == 404, who
    assert client_for(d.bureau_user).get(card_url(d.m1)).status_code == 200
    assert client_for(d.squadron1).get(card_url(d.m1, "2026-13")).status_code == 404
    assert client_for(d.squadron1).get(reverse("assessment:scorecard", args=[99999, "2026-03"])).status_code == 404
    r = client_for(None).get(card_url(d.m1))
    assert r.status_code == 302 and "/accounts/login/" in r.url
    assert not MonthlyScore.objects.exists()


def test_scorecard_future_month_error_shown(district, client_for):
    r = post_card(client_for(district.squadron1), district.m1, ym="2026-05")
    assert r.status_code == 200 and "2026-05" in r.content.decode()
    assert not MonthlyScore.objects.exists()


# --- mine --------------------------------------------------------------------------------------


def test_mine_shows_own_scores_and_results_only(district, client_for, django_assert_max_num_queries):
    d = district
    post_card(client_for(d.squadron1), d.m1, score_duty_performance=35, reason_duty_performance="巡查记录不全")
    MonthlyScore.objects.create(member=d.m2, month=dt.date(2026, 3, 1), total=Decimal("77.5"), scored_at=AT)
    AnnualResult.objects.create(member=d.m1, year=2025, composite=Decimal("88.5"), band="pass", status="confirmed",
                                explanation="月度考核平均…", reasons=["本单位…超出优秀名额"], computed_at=AT)
    for m in range(1, 13):
        MonthlyScore.objects.create(member=d.m1, month=dt.date(2025, m, 1), total=80, scored_at=AT)
    c = client_for(d.member1)
    with django_assert_max_num_queries(10):
        r = c.get(MINE)
    text = r.content.decode()
    assert r.status_code == 200 and "95.00" in text and "巡查记录不全" in text and "88.50" in text
    assert "月度考核平均" in text and "超出优秀名额" in text and "77.50" not in text
    assert client_for(d.squadron1).get(MINE).status_code == 404
    assert client_for(None).get(MINE).status_code == 302


# --- rounds ------------------------------------------------------------------------------------


@pytest.fixture
def rnd(district):
    return skills_round_create(year=2026, batch=1, name="2026年第一次集中考核", assessor=district.assessor_org,
                               by=district.bureau_user, at=AT)


def test_rounds_list_scoped(district, client_for, rnd, other_assessor, django_assert_max_num_queries):
    d = district
    for who in ("bureau_user", "admin", "assessor"):
        c = client_for(getattr(d, who))
        with django_assert_max_num_queries(8):
            r = c.get(ROUNDS)
        assert "2026年第一次集中考核" in r.content.decode(), who
    r = client_for(other_assessor).get(ROUNDS)
    assert r.status_code == 200 and "2026年第一次集中考核" not in r.content.decode()
    for who in ("squadron1", "member1", "hrco", "nobody"):
        assert client_for(getattr(d, who)).get(ROUNDS).status_code == 404, who
    assert client_for(None).get(ROUNDS).status_code == 302


def test_round_detail_and_entry(district, client_for, rnd, other_assessor, django_assert_max_num_queries):
    d = district
    url = reverse("assessment:round", args=[rnd.pk])
    score = rnd.scores.get(member=d.m1)
    c = client_for(d.assessor)
    with django_assert_max_num_queries(12):
        r = c.get(url)
    assert r.status_code == 200 and "李一" in r.content.decode() and "法律法规" in r.content.decode()
    p = f"s{score.pk}-"
    r = c.post(url, {"score": score.pk, p + "law": 90, p + "practical": 80, p + "fitness": 70, p + "peer_rating": 100})
    assert r.status_code == 302
    score.refresh_from_db()
    assert score.composite == Decimal("85.00")
    r = c.post(url, {"score": score.pk, p + "law": 90})
    assert r.status_code == 200
    assert client_for(other_assessor).get(url).status_code == 404
    assert client_for(other_assessor).post(url, {"score": score.pk, p + "law": 1, p + "practical": 1,
                                                 p + "fitness": 1, p + "peer_rating": 1}).status_code == 404
    other = skills_round_create(year=2026, batch=2, name="第二批", assessor=other_assessor.organisation,
                                by=d.bureau_user, at=AT)
    foreign = other.scores.get(member=d.m1)
    assert c.post(url, {"score": foreign.pk}).status_code == 404  # not a candidate of this round
    assert client_for(d.squadron1).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert c.post(url, {"action": "close"}).status_code == 404
    assert client_for(d.bureau_user).post(url, {"action": "close"}).status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == "closed"


def test_round_new(district, client_for):
    d = district
    for who in ("assessor", "squadron1", "member1"):
        assert client_for(getattr(d, who)).get(ROUND_NEW).status_code == 404
    assert client_for(None).get(ROUND_NEW).status_code == 302
    c = client_for(d.bureau_user)
    assert c.get(ROUND_NEW).status_code == 200
    r = c.post(ROUND_NEW, {"year": 2026, "batch": 3, "name": "x", "assessor": d.assessor_org.pk})
    assert r.status_code == 200 and "批次" in r.content.decode()
    r = c.post(ROUND_NEW, {"year": 2026, "batch": 1, "name": "一中队考核", "assessor": d.assessor_org.pk,
                           "unit": d.sq1.pk})
    assert r.status_code == 302
    from auxpost.assessment.models import SkillsRound

    assert list(SkillsRound.objects.get(name="一中队考核").scores.values_list("member__name", flat=True)) == ["李一"]


# --- annual ------------------------------------------------------------------------------------


def test_annual_page_access_filters_and_actions(district, client_for, django_assert_max_num_queries):
    d = district
    url = reverse("assessment:annual", args=[2025])
    for i in range(10):
        make_member(d.sq2_t1, name=f"二队{i}")
    c = client_for(d.bureau_user)
    assert c.post(url, {"action": "compute"}).status_code == 302
    assert AnnualResult.objects.filter(year=2025).count() == 12
    with django_assert_max_num_queries(12):
        r = c.get(url)
    assert "李一" in r.content.decode() and "二队3" in r.content.decode()
    r = c.get(url + f"?unit={d.sq1.pk}&band=fail&status=computed")
    assert "李一" in r.content.decode() and "二队3" not in r.content.decode()
    s1 = client_for(d.squadron1)
    text = s1.get(url).content.decode()
    assert "李一" in text and "王二" not in text and "计算考核结果" not in text
    res = AnnualResult.objects.get(member=d.m1)
    assert client_for(d.squadron2).post(url, {"action": "review", "result": res.pk}).status_code == 404
    assert s1.post(url, {"action": "compute"}).status_code == 404
    assert s1.post(url, {"action": "confirm"}).status_code == 404
    assert s1.post(url, {"action": "review", "result": res.pk}).status_code == 302
    res.refresh_from_db()
    assert res.status == "reviewed"
    assert c.post(url, {"action": "confirm", "unit": d.sq1.pk}).status_code == 302
    res.refresh_from_db()
    assert res.status == "confirmed"
    for who in ("assessor", "hrco", "nobody", "member1"):
        assert client_for(getattr(d, who)).get(url).status_code == 404, who
    assert client_for(None).get(url).status_code == 302


def test_annual_index_redirects(district, client_for):
    assert client_for(district.bureau_user).get(reverse("assessment:annual_index")).url == reverse(
        "assessment:annual", args=[2025])
    assert client_for(district.member1).get(reverse("assessment:annual_index")).url == MINE
    assert client_for(district.assessor).get(reverse("assessment:annual_index")).status_code == 404


def test_annual_results_shown_to_member_on_mine(district, client_for):
    annual_results_record(year=2025, by=district.bureau_user, at=AT)
    text = client_for(district.member1).get(MINE).content.decode()
    assert "缺少月度考核" in text and "不合格" in text
