"""§10 in a real browser: a member appeals a deduction, the bureau upholds it, the member sees the
reversing entry and the restored balance. Also the member's page at phone width (390 px)."""

import datetime as dt

import pytest
from django.utils import timezone

from auxpost.points.models import PointsAppeal
from auxpost.points.services import points_appeal_decide, points_entry_approve, points_entry_record
from auxpost.testing import make_district
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district_tx(transactional_db):
    """The district, plus policy version 1 (a transactional test's flush removes migration data)."""
    from auxpost.policy.models import PolicyVersion
    from auxpost.policy.rules import DEFAULT_BUNDLE, default_documents

    if not PolicyVersion.objects.filter(version=DEFAULT_BUNDLE.version).exists():
        now = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
        PolicyVersion.objects.create(version=DEFAULT_BUNDLE.version, name=DEFAULT_BUNDLE.name,
                                     effective_from=dt.date(2000, 1, 1), status="published", created_at=now,
                                     published_at=now, **default_documents())
    return make_district()


def test_member_appeals_a_deduction_and_sees_it_reversed(district_tx, page):
    d = district_tx
    today = timezone.localdate()
    day = dt.date(today.year, 1, 1) if today.month > 1 else today
    entry = points_entry_record(member=d.m1, rule_code="late", date=day, evidence="点名未到",
                                recorded_by=d.squadron1, at=timezone.now())
    points_entry_approve(entry=entry, approver=d.bureau_user, at=timezone.now())

    browser_login(page, "member1")
    page.goto(page.base_url + "/points/me/")
    assert page.locator("h1").inner_text() == "我的积分"
    assert page.locator("[data-total]").inner_text() == "99"
    row = page.locator(f'tr[data-entry="{entry.pk}"]')
    assert "迟到" in row.inner_text()
    row.get_by_role("link", name="申诉").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "积分申诉"
    page.fill("textarea[name=reason]", "当天在岗执勤，有执勤记录为证")
    page.get_by_role("button", name="提交申诉").click()
    page.wait_for_load_state()
    assert "申诉已提交" in page.locator(".messages").inner_text()
    assert "申诉处理中" in page.locator(f'tr[data-entry="{entry.pk}"]').inner_text()

    appeal = PointsAppeal.objects.get(entry=entry)
    points_appeal_decide(appeal=appeal, decider=d.bureau_user, upheld=True, note="核实属实", at=timezone.now())

    page.reload()
    page.wait_for_load_state()
    assert page.locator("[data-total]").inner_text() == "100"
    assert page.locator(f'tr[data-entry="{entry.pk}"] [data-reversed]').count() == 1
    reversing = appeal.entry.reversed_by
    reversing_row = page.locator(f'tr[data-entry="{reversing.pk}"]')
    assert "+1" in reversing_row.inner_text() and "更正" in reversing_row.inner_text()
    assert "申诉成立" in page.locator("body").inner_text()


def test_member_page_fits_a_phone(district_tx, phone_page):
    d = district_tx
    points_entry_record(member=d.m1, rule_code="commendation_city", date=timezone.localdate(),
                        recorded_by=d.squadron1, at=timezone.now())
    browser_login(phone_page, "member1")
    phone_page.goto(phone_page.base_url + "/points/me/")
    assert phone_page.locator("[data-total]").inner_text() == "110"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
