"""§5.3.3 in a real browser at phone width (390 px): a member signs in to a meeting from 我的会议 when it is
about to start; the host's sheet shows it; the pages fit a phone."""

import datetime as dt

import pytest
from django.utils import timezone

from auxpost.accounts.models import Role
from auxpost.meetings.services import meeting_schedule
from auxpost.testing import make_district, make_user
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_signs_in_on_the_phone(transactional_db, phone_page):
    d = make_district()
    leader = make_user("team11", Role.LINE_MANAGER, unit=d.sq1_t1)
    now = timezone.now()
    m = meeting_schedule(actor=leader, unit=d.sq1_t1, title="班前会", kind="pre_shift",
                         starts_at=now + dt.timedelta(minutes=10), ends_at=now + dt.timedelta(minutes=40),
                         place="一小队值班室", at=now - dt.timedelta(days=1))
    later = meeting_schedule(actor=leader, unit=d.sq1_t1, title="周例会", kind="weekly",
                             starts_at=now + dt.timedelta(days=2), ends_at=now + dt.timedelta(days=2, hours=1),
                             place="中队会议室", at=now - dt.timedelta(days=1))
    page = phone_page
    browser_login(page, "member1")
    page.goto(page.base_url + "/meetings/me/")
    card = page.locator(f"#meeting-{m.pk}")
    assert "班前会《班前会》" in card.inner_text()
    assert "开始前30分钟" in page.locator(f"#meeting-{later.pk}").inner_text()  # not open yet
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card.get_by_role("button", name="签到").click()
    page.wait_for_load_state()
    assert "已签到" in page.locator(".messages").inner_text()
    assert "已签到" in page.locator(f"#meeting-{m.pk}").inner_text()
    row = m.attendees.get(member=d.m1)
    assert row.signed_in_at is not None and row.signed_in_by.username == "member1"
    # an excuse for the later meeting
    later_card = page.locator(f"#meeting-{later.pk}")
    later_card.locator("summary").click()
    later_card.get_by_label("请假事由").fill("外出参加培训")
    later_card.get_by_role("button", name="发送").click()
    page.wait_for_load_state()
    assert "请假待主持人审批" in page.locator(f"#meeting-{later.pk}").inner_text()
    # the host's sheet on the phone
    # The previous page's background requests (the to-do counts) must not set cookies after they are cleared.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    browser_login(page, "team11")
    page.goto(page.base_url + f"/meetings/{m.pk}/")
    assert "已签到" in page.locator("#sheet").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for url in ["/meetings/", "/meetings/follow-ups/", "/meetings/new/", f"/meetings/{later.pk}/"]:
        page.goto(page.base_url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
