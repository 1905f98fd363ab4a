"""Grading pages: access matrix (permitted, out of scope, anonymous), content and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from auxpost.grading.models import BasicRecord
from auxpost.testing import make_member

from .conftest import add_points, add_record, make_promotable

pytestmark = pytest.mark.django_db
OUTCOMES = reverse("grading:outcomes")
PATH = reverse("grading:path")


def test_outcomes_page_for_the_bureau(district, client_for):
    make_promotable(district.m1)
    r = client_for(district.bureau_user).get(OUTCOMES, {"as_of": "2026-03-01"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "李一" in html and "王二" in html and "晋级" in html and "综合行政执法大队/第一中队/第一小队" in html
    assert 'data-outcome="promote"><div class="num">1</div>' in html
    assert "<details>" in html and "年度积分（近2年平均）" in html and district.m1.id_number in html


def test_outcomes_page_filters(district, client_for):
    make_promotable(district.m1)
    c = client_for(district.bianban)
    html = c.get(OUTCOMES, {"as_of": "2026-03-01", "outcome": "keep"}).content.decode()
    assert "王二" in html and "李一" not in html
    html = c.get(OUTCOMES, {"as_of": "2026-03-01", "target": "4"}).content.decode()
    assert "李一" in html and "王二" not in html
    html = c.get(OUTCOMES, {"as_of": "2026-03-01", "q": "王"}).content.decode()
    assert "王二" in html and "李一" not in html
    # The staffing office does not see personal data: the ID number is masked.
    assert district.m2.id_number not in html


def test_outcomes_page_line_manager_sees_own_subtree_only(district, client_for):
    html = client_for(district.squadron1).get(OUTCOMES, {"as_of": "2026-03-01"}).content.decode()
    assert "李一" in html and "王二" not in html


def test_outcomes_page_bad_date_and_unknown_policy_are_reported(district, client_for):
    r = client_for(district.bureau_user).get(OUTCOMES, {"as_of": "2026-02-30", "policy": "99"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "不是有效日期" in html and "政策版本“99”不存在" in html


def test_outcomes_page_refuses_other_roles_and_anonymous(district, client_for):
    for user in (district.assessor, district.nobody):
        assert client_for(user).get(OUTCOMES).status_code == 404
    r = client_for(district.member1).get(OUTCOMES)
    assert r.status_code == 302 and r.url == PATH
    r = client_for(None).get(OUTCOMES)
    assert r.status_code == 302 and "/accounts/login/" in r.url


def _members(district, n):
    for i in range(n):
        m = make_member(district.sq1_t2, name=f"成员{i}")
        make_promotable(m, grade=5 - i % 4)
        add_record(m, "sanction", dt.date(2025, 9, 1), passed=False)


def _count(client, url, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_outcomes_page_query_count_is_constant(district, client_for, django_assert_max_num_queries):
    from django.core.cache import cache

    c = client_for(district.bureau_user)
    _members(district, 2)
    few = _count(c, OUTCOMES, {"as_of": "2026-03-01"})
    _members(district, 12)
    cache.clear()
    with django_assert_max_num_queries(few):
        c.get(OUTCOMES, {"as_of": "2026-03-01"})
    # Cached: the district-wide computation is not repeated while the data stays the same.
    with django_assert_max_num_queries(few - 5):
        c.get(OUTCOMES, {"as_of": "2026-03-01"})


def test_path_page_shows_each_requirement_with_both_values(district, client_for):
    make_promotable(district.m1, points=85)
    add_points(district.m1, 2026, 1)  # the as-of year does not count
    from auxpost.points.models import AnnualPoints

    AnnualPoints.objects.filter(member=district.m1, year=2025).update(total=79)
    add_record(district.m1, "health", dt.date(2025, 5, 1), description="年度体检合格")
    r = client_for(district.member1).get(PATH, {"as_of": "2026-03-01"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "我的晋级之路" in html and "四级" in html and "自 2020-03-01 起" not in html
    assert "年度积分（近2年平均）" in html and "2024–2025 平均 ≥85" in html and ">82<" in html
    assert 'aria-valuenow="96"' in html  # 82 of 85
    assert "降级风险" in html and "年度体检合格" in html and "政策版本" in html


def test_path_page_needs_an_own_member_record(district, client_for):
    assert client_for(district.bureau_user).get(PATH).status_code == 404
    r = client_for(None).get(PATH)
    assert r.status_code == 302 and "/accounts/login/" in r.url


def test_path_page_query_count(district, client_for, django_assert_max_num_queries):
    make_promotable(district.m1)
    c = client_for(district.member1)
    with django_assert_max_num_queries(20):
        assert c.get(PATH, {"as_of": "2026-03-01"}).status_code == 200


def _records(member):
    return reverse("grading:records", args=[member.pk])


def test_records_page_list_and_add(district, client_for):
    c = client_for(district.bureau_user)
    add_record(district.m1, "sanction", dt.date(2025, 4, 1), passed=False, description="警告处分")
    r = c.get(_records(district.m1))
    assert r.status_code == 200 and "警告处分" in r.content.decode() and "添加记录" in r.content.decode()
    r = c.post(_records(district.m1), {"kind": "commendation", "date": "2025-10-01", "passed": "1", "level": "city",
                                       "description": "市级优秀", "evidence": "文号 1"})
    assert r.status_code == 302
    assert BasicRecord.objects.filter(member=district.m1, kind="commendation", level="city").exists()
    r = c.post(_records(district.m1), {"kind": "commendation", "date": "2025-10-01", "passed": "1", "level": "",
                                       "description": "缺级别"})
    assert r.status_code == 200 and "表彰必须填写级别" in r.content.decode()


def test_records_page_access(district, client_for):
    # A line manager reads their subtree's records but does not add; another squadron is 404.
    r = client_for(district.squadron1).get(_records(district.m1))
    assert r.status_code == 200 and "添加记录" not in r.content.decode()
    assert client_for(district.squadron1).post(_records(district.m1), {"kind": "health"}).status_code == 404
    assert client_for(district.squadron1).get(_records(district.m2)).status_code == 404
    assert client_for(district.member1).get(_records(district.m1)).status_code == 200
    assert client_for(district.member1).get(_records(district.m2)).status_code == 404
    assert client_for(district.assessor).get(_records(district.m1)).status_code == 404
    assert client_for(district.bureau_user).get(reverse("grading:records", args=[999999])).status_code == 404
    r = client_for(None).get(_records(district.m1))
    assert r.status_code == 302 and "/accounts/login/" in r.url
    assert not BasicRecord.objects.exists()


def test_records_page_query_count(district, client_for, django_assert_max_num_queries):
    for i in range(15):
        add_record(district.m1, "health", dt.date(2025, 1, 1) + dt.timedelta(days=i))
    c = client_for(district.bureau_user)
    with django_assert_max_num_queries(12):
        assert c.get(_records(district.m1)).status_code == 200
