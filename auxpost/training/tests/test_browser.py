"""§5.2.2/§5.2.3 in a real browser at phone width (390 px): the member opens 我的培训与上岗证 and sees their
hours against the annual requirement and the certificate expiry reminder."""

import datetime as dt

import pytest
from django.utils import timezone

from auxpost.people.models import Member
from auxpost.testing import make_district
from auxpost.training.tests.conftest import attend, make_course, make_session
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_sees_hours_and_certificate_reminder_on_the_phone(transactional_db, phone_page):
    d = make_district()
    today = timezone.localdate()
    annual = make_course(d.bureau_user, name="年度执法业务培训", category="annual", hours=16, has_exam=True)
    attend(d.bureau_user, make_session(d.bureau_user, annual, [d.brigade], start=today), d.m1, score=88)
    until = today + dt.timedelta(days=12)
    Member.objects.filter(pk=d.m1.pk).update(cert_number="WJ-2023-000042", cert_valid_until=until)

    page = phone_page
    browser_login(page, "member1")
    page.goto(page.base_url + "/training/me/")
    assert page.locator("h1").inner_text() == "我的培训与上岗证"
    hours = page.locator("#hours").inner_text()
    assert "16.0 / 40" in hours and "还差24.0学时" in hours
    reminder = page.locator("#cert-reminder").inner_text()
    assert "WJ-2023-000042" in reminder and until.isoformat() in reminder and "12" in reminder
    assert page.locator("#cert-until").inner_text() == until.isoformat()
    assert "年度执法业务培训" in page.locator("#records").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_manager_pages_fit_a_phone(transactional_db, phone_page):
    d = make_district()
    today = timezone.localdate()
    annual = make_course(d.bureau_user, name="年度执法业务培训", category="annual", hours=16, has_exam=True)
    s = make_session(d.bureau_user, annual, [d.brigade], start=today)
    page = phone_page
    browser_login(page, "squadron1")
    page.goto(page.base_url + f"/training/sessions/{s.pk}/")
    page.select_option(f'select[name="att-{d.m1.pk}"]', "attended")
    page.fill(f'input[name="score-{d.m1.pk}"]', "91")
    page.get_by_role("button", name="保存出勤与成绩").click()
    page.wait_for_load_state()
    assert "已保存" in page.locator(".messages").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for url in ["/training/", "/training/certificates/", "/training/shortfall/", f"/training/members/{d.m1.pk}/"]:
        page.goto(page.base_url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url


def test_bureau_course_page_fits_a_phone(transactional_db, phone_page):
    d = make_district()
    annual = make_course(d.bureau_user, name="年度执法业务培训", category="annual", hours=16, has_exam=True)
    page = phone_page
    browser_login(page, "bureau")
    page.goto(page.base_url + f"/training/courses/{annual.pk}/")
    assert page.locator("h1").inner_text() == "年度执法业务培训"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(page.base_url + f"/training/members/{d.m1.pk}/")
    page.get_by_role("button", name="岗前培训合格发证").click()
    page.wait_for_load_state()
    assert "岗前培训学时不足" in page.locator(".messages").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
