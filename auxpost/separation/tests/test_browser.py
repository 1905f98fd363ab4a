"""§5.2.4 a separation in a real browser, each party on its own screen: the member resigns on the phone
(390 px, Art. 37 notice enforced), the bureau approves, the HR company ends the contract, the squadron and
the HR company record the returned items, the bureau archives; an Art. 40 proposal for a protected
member is refused on the bureau's screen with the Art. 42 reason. Every page fits 390 px."""

from __future__ import annotations

import datetime as dt

import pytest

from auxpost.separation.models import ProtectionRecord, SeparationCase
from auxpost.testing import make_district, make_member
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, username):
    # The previous page's background requests (the to-do counts) must not set cookies after they are cleared.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    browser_login(page, username)
    assert "/accounts/login/" not in page.url, username


def go(page, path):
    page.goto(page.base_url + path)
    page.wait_for_load_state()


def submit(page, selector):
    page.locator(selector).click()
    page.wait_for_load_state()


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_resignation_end_to_end_and_art42_refusal(page, phone_page):
    d = make_district()
    today = dt.date.today()
    # The member resigns on the phone; too early a last day is refused with Art. 37.
    login(phone_page, "member1")
    go(phone_page, "/separation/mine/")
    fits(phone_page)
    phone_page.fill("#id_last_day", (today + dt.timedelta(days=3)).isoformat())
    phone_page.fill("#id_reason", "家庭原因")
    submit(phone_page, "form.card button[type=submit]")
    assert "第三十七条" in phone_page.content()
    phone_page.fill("#id_last_day", (today + dt.timedelta(days=30)).isoformat())
    submit(phone_page, "form.card button[type=submit]")
    assert "已提交" in phone_page.locator(".msg-success").inner_text()
    fits(phone_page)
    case = SeparationCase.objects.get(member=d.m1)

    # The bureau approves (phone width too).
    login(phone_page, "bureau")
    go(phone_page, f"/separation/{case.pk}/")
    fits(phone_page)
    assert "第三十七条" in phone_page.content()
    submit(phone_page, 'form[data-action="approve"] button[type=submit]')
    assert phone_page.locator('[data-status="reviewed"]').count() == 1

    # The HR company ends the contract on the last day proposed.
    login(page, "hrco")
    go(page, f"/separation/{case.pk}/")
    submit(page, 'form[data-action="execute"] button[type=submit]')
    case.refresh_from_db()
    assert case.status == "executed" and case.last_day == today + dt.timedelta(days=30)

    # The squadron receives the badge; the HR company the rest.
    login(phone_page, "squadron1")
    go(phone_page, f"/separation/{case.pk}/")
    fits(phone_page)
    phone_page.select_option("#item", "badge")
    submit(phone_page, 'form[data-action="return_item"] button[type=submit]')
    login(page, "hrco")
    for item in ("uniform", "certificate"):
        go(page, f"/separation/{case.pk}/")
        page.select_option("#item", item)
        submit(page, 'form[data-action="return_item"] button[type=submit]')
    case.refresh_from_db()
    assert case.status == "returned"
    # Not archived before the last day has taken effect: no archive button yet.
    login(page, "bureau")
    go(page, f"/separation/{case.pk}/")
    assert page.locator('form[data-action="archive"]').count() == 0

    # Art. 40 for a protected member: refused on review with the Art. 42 reason.
    f = make_member(d.sq1_t1, name="孙丽", male=False, birth=dt.date(1994, 2, 2))
    go(page, f"/separation/new/?member={f.pk}")
    page.select_option("#id_ground", "art40_unfit")
    page.fill("#id_reason", "两年考核不合格")
    submit(page, "form.card button[type=submit]")
    c2 = SeparationCase.objects.get(member=f)
    ProtectionRecord.objects.create(member=f, kind="pregnancy", start=today, recorded_by=d.hrco,
                                    recorded_at=c2.created_at)
    submit(page, 'form[data-action="approve"] button[type=submit]')
    msg = page.locator(".msg-error").inner_text()
    assert "孕期" in msg and "第四十二条" in msg

    # Every list page fits a phone.
    login(phone_page, "bureau")
    for path in ("/separation/", "/separation/new/", "/separation/pickup/", "/separation/retirements/",
                 "/separation/protections/", f"/separation/protections/{f.pk}/"):
        go(phone_page, path)
        fits(phone_page)
