"""§11 in a real browser at phone width (390 px): the administrator enters 2027's State Council
notice line by line, sees the year month by month without sideways scrolling; the navigation
shows the to-do counts (待办) fetched after the page has loaded, each on the entry with the
longest matching path."""

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from auxpost.testing import make_district
from auxpost.workcal.models import CalendarYear
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district_tx(transactional_db):
    """The district and the calendar package's years (a transactional test's flush removes them)."""
    import_module("auxpost.workcal.migrations.0002_seed_from_chinesecalendar").ship(apps, None)
    from auxpost.workcal.selectors import clear_cache

    clear_cache()
    return make_district()


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_admin_enters_2027_on_a_phone(district_tx, phone_page):
    page = phone_page
    browser_login(page, "admin")
    page.goto(page.base_url + "/calendar/2026/")
    assert page.locator("h1").inner_text() == "2026年工作日历"
    assert page.locator(".month").count() == 12
    assert page.locator('td.holiday[title="国庆节"]').count() == 7
    assert _no_sideways_scroll(page)

    page.goto(page.base_url + "/calendar/new/?year=2027")
    assert _no_sideways_scroll(page)
    page.fill("#id_notice_ref", "国办发明电〔2026〕9号")
    page.fill("#id_h1_name", "元旦")
    page.fill("#id_h1_first", "2027-01-01")
    page.fill("#id_h1_last", "2027-01-03")
    page.fill("#id_h2_name", "国庆节")
    page.fill("#id_h2_first", "2027-10-01")
    page.fill("#id_h2_last", "2027-10-07")
    page.fill("#id_m1_day", "2027-09-27")  # a Monday: refused with the line named
    page.fill("#id_m1_name", "国庆节")
    page.get_by_role("button", name="录入该年度").click()
    page.wait_for_load_state()
    assert "调休上班第1行：调休上班日必须是星期六或星期日。" in page.locator(".msg-error").inner_text()
    assert not CalendarYear.objects.filter(year=2027).exists()
    page.fill("#id_m1_day", "2027-09-26")
    page.get_by_role("button", name="录入该年度").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "2027年工作日历"
    assert "2027年节假日安排已录入" in page.locator(".messages").inner_text()
    assert page.locator("td.makeup").count() == 1
    assert _no_sideways_scroll(page)
    assert CalendarYear.objects.get(year=2027).days.count() == 11


def test_navigation_shows_todo_counts(district_tx, page):
    from auxpost.points.services import points_entry_record

    d = district_tx
    today = timezone.localdate()
    day = dt.date(today.year, 1, 2) if today.month > 1 else today
    points_entry_record(member=d.m1, rule_code="late", date=day, recorded_by=d.squadron1, at=timezone.now())
    browser_login(page, "bureau")
    page.goto(page.base_url + "/inbox/")
    assert "待审批的积分扣分" in page.locator("main").inner_text()
    # The entry sits in the 积分考核 menu group: the closed group shows the sum, the entry its own count.
    group = page.locator('#mainnav details:has(a[data-nav-path="/points/approvals/"])')
    group_count = group.locator("summary .nav-count")
    group_count.wait_for(state="visible")
    assert int(group_count.inner_text()) >= 1
    group.locator("summary").click()
    approvals = page.locator('#mainnav a[data-nav-path="/points/approvals/"] .nav-count')
    approvals.wait_for(state="visible")
    assert approvals.inner_text() == "1"
    # the ledger's entry (/points/) is a shorter prefix: the count goes to the approvals entry only
    assert page.locator('#mainnav a[data-nav-path="/points/"] .nav-count').is_hidden()
    total = page.locator("#mainnav a[data-inbox] .nav-count")
    assert int(total.inner_text()) >= 1
