"""§10 points pages: permitted user, out-of-scope user (404) and anonymous for every page; query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from auxpost.points.models import AnnualPoints, AppealStatus, EntryStatus, PointsAppeal, PointsEntry
from auxpost.points.services import points_appeal_submit
from auxpost.testing import make_member

from .conftest import AT


def url(name, *args):
    return reverse(name, args=args)


def assert_login_redirect(r):
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]


PAGES = ["points:mine", "points:ledger", "points:new", "points:approvals", "points:appeals", "points:settle"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_login(district, client_for, name):
    assert_login_redirect(client_for(None).get(url(name)))


@pytest.mark.parametrize("name", ["points:ledger", "points:new", "points:approvals", "points:appeals"])
@pytest.mark.parametrize("who", ["nobody", "hrco", "assessor", "bianban"])
def test_manager_pages_are_404_for_other_roles(district, client_for, name, who):
    assert client_for(getattr(district, who)).get(url(name)).status_code == 404


def test_settle_page_only_for_bureau_and_admin(district, client_for):
    for who in ("squadron1", "member1", "hrco", "nobody"):
        assert client_for(getattr(district, who)).get(url("points:settle")).status_code == 404
    for who in ("bureau_user", "admin"):
        assert client_for(getattr(district, who)).get(url("points:settle")).status_code == 200


def test_mine_shows_own_entries_balance_and_appeal_button(district, client_for, approved_deduction, record):
    other = record(district.m2, "commendation_city", by=district.squadron2)
    r = client_for(district.member1).get(url("points:mine") + "?year=2026")
    assert r.status_code == 200
    body = r.content.decode()
    assert "迟到" in body and "99" in body and url("points:appeal", approved_deduction.pk) in body
    assert f'data-entry="{other.pk}"' not in body and "王二" not in body
    assert "基础分100" in body


def test_mine_is_404_without_a_member_record(district, client_for):
    assert client_for(district.squadron1).get(url("points:mine")).status_code == 404


def test_member_is_redirected_from_ledger_to_mine(district, client_for):
    r = client_for(district.member1).get(url("points:ledger"))
    assert r.status_code == 302 and r["Location"] == url("points:mine")


def test_appeal_page_own_entry_only(district, client_for, approved_deduction, record):
    c = client_for(district.member1)
    assert c.get(url("points:appeal", approved_deduction.pk)).status_code == 200
    other = record(district.m2, "commendation_city", by=district.squadron2)
    assert c.get(url("points:appeal", other.pk)).status_code == 404
    assert c.get(url("points:appeal", 999999)).status_code == 404
    assert client_for(district.squadron1).get(url("points:appeal", approved_deduction.pk)).status_code == 404
    assert_login_redirect(client_for(None).get(url("points:appeal", approved_deduction.pk)))


def test_appeal_submit_through_the_page(district, client_for, approved_deduction):
    c = client_for(district.member1)
    r = c.post(url("points:appeal", approved_deduction.pk), {"reason": ""})
    assert r.status_code == 200 and PointsAppeal.objects.count() == 0
    r = c.post(url("points:appeal", approved_deduction.pk), {"reason": "当天在岗"})
    assert r.status_code == 302
    assert PointsAppeal.objects.get().status == AppealStatus.OPEN
    r = c.post(url("points:appeal", approved_deduction.pk), {"reason": "再次"})
    assert r.status_code == 200 and "已有" in r.content.decode()


def test_ledger_scope_filters_and_query_count(district, client_for, record, django_assert_max_num_queries):
    for i in range(12):
        m = make_member(district.sq1_t2, name=f"成员{i}")
        record(m, "late" if i % 2 else "commendation_city")
    record(district.m2, "commendation_city", by=district.squadron2)
    c = client_for(district.squadron1)
    c.get(url("points:ledger"))  # warm the session
    with django_assert_max_num_queries(12):
        r = c.get(url("points:ledger"))
    assert r.status_code == 200
    assert r.context["page"].paginator.count == 12
    assert "王二" not in r.content.decode().split("<tbody>")[1]
    assert c.get(url("points:ledger") + "?status=pending").context["page"].paginator.count == 6
    assert c.get(url("points:ledger") + "?rule=late").context["page"].paginator.count == 6
    assert c.get(url("points:ledger") + "?q=成员1").context["page"].paginator.count == 3  # 成员1, 成员10, 成员11
    assert c.get(url("points:ledger") + f"?unit={district.sq2.pk}").context["page"].paginator.count == 0
    assert c.get(url("points:ledger") + "?date_from=2026-04-01").context["page"].paginator.count == 0
    r = client_for(district.bureau_user).get(url("points:ledger"))
    assert r.context["page"].paginator.count == 13


def test_record_entry_page(district, client_for):
    c = client_for(district.squadron1)
    assert c.get(url("points:new") + f"?member={district.m1.pk}").status_code == 200
    r = c.post(url("points:new"), {"member": "李一", "rule_code": "late", "date": "2026-03-01", "quantity": "1",
                                    "evidence": "点名记录"})
    assert r.status_code == 302
    e = PointsEntry.objects.get()
    assert (e.member, e.points, e.status) == (district.m1, -1, EntryStatus.PENDING)
    # another squadron's member is not found in scope
    r = c.post(url("points:new"), {"member": "王二", "rule_code": "late", "date": "2026-03-01", "quantity": "1"})
    assert r.status_code == 200 and PointsEntry.objects.count() == 1
    assert "王二" in r.content.decode()
    # a future date is refused with the field named
    r = c.post(url("points:new"), {"member": district.m1.id_number, "rule_code": "late", "date": "2099-01-01",
                                    "quantity": "1"})
    assert r.status_code == 200 and "日期" in r.content.decode() and PointsEntry.objects.count() == 1


def test_approvals_page_and_actions(district, client_for, record, django_assert_max_num_queries):
    e = record(district.m1, "late")
    assert client_for(district.squadron1).get(url("points:approvals")).context["page"].paginator.count == 0
    c = client_for(district.bureau_user)
    c.get(url("points:approvals"))
    with django_assert_max_num_queries(10):
        r = c.get(url("points:approvals"))
    assert r.context["page"].paginator.count == 1
    # out of scope: 404, nothing changes
    assert client_for(district.squadron2).post(url("points:approve", e.pk)).status_code == 404
    assert client_for(district.member1).post(url("points:approve", e.pk)).status_code == 404
    assert_login_redirect(client_for(None).post(url("points:approve", e.pk)))
    # the recorder is refused with a message
    client_for(district.squadron1).post(url("points:approve", e.pk))
    assert PointsEntry.objects.get().status == EntryStatus.PENDING
    r = c.post(url("points:reject", e.pk), {"reason": ""})
    assert PointsEntry.objects.get().status == EntryStatus.PENDING
    r = c.post(url("points:approve", e.pk))
    assert r.status_code == 302 and PointsEntry.objects.get().status == EntryStatus.APPROVED
    e2 = record(district.m1, "absence")
    c.post(url("points:reject", e2.pk), {"reason": "有请假记录"})
    assert PointsEntry.objects.get(pk=e2.pk).status == EntryStatus.REJECTED


def test_appeals_page_and_decide(district, client_for, approved_deduction, django_assert_max_num_queries):
    appeal = points_appeal_submit(entry=approved_deduction, user=district.member1, reason="当天在岗", at=AT)
    assert client_for(district.squadron1).get(url("points:appeals")).context["page"].paginator.count == 0
    assert client_for(district.squadron2).get(url("points:appeals")).context["page"].paginator.count == 0
    c = client_for(district.bureau_user)
    c.get(url("points:appeals"))
    with django_assert_max_num_queries(10):
        r = c.get(url("points:appeals"))
    assert r.context["page"].paginator.count == 1
    assert client_for(district.squadron2).post(url("points:decide", appeal.pk),
                                               {"decision": "uphold"}).status_code == 404
    assert client_for(district.member1).post(url("points:decide", appeal.pk),
                                             {"decision": "uphold"}).status_code == 404
    c.post(url("points:decide", appeal.pk), {"decision": "dismiss", "note": ""})
    assert PointsAppeal.objects.get().status == AppealStatus.OPEN
    r = c.post(url("points:decide", appeal.pk), {"decision": "uphold", "note": "核实"})
    assert r.status_code == 302
    assert PointsAppeal.objects.get().status == AppealStatus.UPHELD
    assert PointsEntry.objects.filter(reverses=approved_deduction).count() == 1


def test_settle_page(district, client_for):
    c = client_for(district.bureau_user)
    r = c.post(url("points:settle"), {"year": "2026"})
    assert r.status_code == 200 and r.context["result"].created == 2
    assert AnnualPoints.objects.filter(year=2026).count() == 2
    r = c.post(url("points:settle"), {"year": "2999"})
    assert r.context["result"] is None and "年度" in r.content.decode()


def test_pages_render_at_phone_width_classes(district, client_for, approved_deduction):
    body = client_for(district.member1).get(url("points:mine") + "?year=2026").content.decode()
    assert 'class="stack"' in body and 'data-label=' in body


def test_date_filter_param_is_lenient(district, client_for):
    r = client_for(district.bureau_user).get(url("points:ledger") + "?date_from=bad&unit=x")
    assert r.status_code == 200


def test_dates_used(district):
    assert dt.date(2026, 3, 2) <= AT.date()


def test_mine_query_count_does_not_grow_with_entries(district, client_for, record, django_assert_max_num_queries):
    for _i in range(15):
        record(district.m1, "commendation_city")
    c = client_for(district.member1)
    c.get(url("points:mine"))
    with django_assert_max_num_queries(10):
        r = c.get(url("points:mine") + "?year=2026")
    assert len(r.context["entries"]) == 15


def test_appeal_page_says_when_an_entry_cannot_be_appealed(district, client_for, record):
    pending = record(district.m1, "absence")
    r = client_for(district.member1).get(url("points:appeal", pending.pk))
    assert r.status_code == 200 and "不能申诉" in r.content.decode() and "<textarea" not in r.content.decode()
