"""§5.3.4 in a real browser at phone width (390 px): a member asks for Friday + Monday off (2 working
days in a normal week, the live count says so), the 大队长 approves it (more than 1 day), the member
reports back (销假) and the leave closes; a leave not reported back shows flagged to the leader."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from auxpost.accounts.models import Role
from auxpost.leave import services as sv
from auxpost.leave.models import LeaveRequest, LeaveStatus
from auxpost.testing import make_district, make_user
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _at(y, m, d, h=9):
    return timezone.make_aware(dt.datetime(y, m, d, h))


@pytest.fixture
def cast(transactional_db, settings):
    # the server's clock is moved below; a session cookie must not expire by the browser's real clock
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    from auxpost.workcal.selectors import clear_cache

    clear_cache()
    d = make_district()
    d.brigade_user = make_user("brigade1", Role.LINE_MANAGER, unit=d.brigade)
    d.member2 = make_user("member2", Role.MEMBER, member=d.m2)
    return d


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _switch(page, username):
    # The previous page's background requests (the to-do counts) must not set cookies after they are cleared.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    browser_login(page, username)
    assert "/accounts/login/" not in page.url, username


def test_ask_approve_report_back_and_overdue_flag(cast, phone_page):
    page = phone_page
    with time_machine.travel(_at(2026, 6, 3, 10), tick=True):  # Wednesday of an ordinary week
        browser_login(page, "member1")
        page.goto(page.base_url + "/leave/")
        assert _no_sideways_scroll(page)
        page.click("#new-leave")
        page.select_option("#f-type", "personal")
        page.fill("#f-start", "2026-06-05")  # Friday
        page.fill("#f-end", "2026-06-08")  # Monday
        page.locator("#quote-days").filter(has_text="2").wait_for()
        assert "工作日" in page.inner_text("#quote-counting")
        assert "大队长" in page.inner_text("#quote-approver")
        page.fill("#f-reason", "回老家办理户口迁移")
        assert _no_sideways_scroll(page)
        page.click("#submit-leave")
        page.wait_for_load_state()
        assert "待审批" in page.inner_text("#status")
        req = LeaveRequest.objects.get()
        assert req.days == 2 and req.approver_level == "brigade"

        _switch(page, "squadron1")  # a 中队长 cannot approve 2 days
        page.goto(page.base_url + f"/leave/{req.pk}/")
        assert page.locator("#approve").count() == 0

        _switch(page, "brigade1")
        page.goto(page.base_url + "/leave/queue/")
        assert _no_sideways_scroll(page)
        page.click(f'#queue tr[data-id="{req.pk}"] a')
        page.click("#approve")
        page.wait_for_load_state()
        assert "已批准" in page.inner_text("#status")

    with time_machine.travel(_at(2026, 6, 8, 18), tick=True):  # the last day of the leave
        _switch(page, "member1")
        page.goto(page.base_url + "/leave/")
        page.click(f'#requests tr[data-id="{req.pk}"] button:has-text("销假")')
        page.wait_for_load_state()
        req.refresh_from_db()
        assert req.status == LeaveStatus.RETURNED

    # m2 took 1–2 June and never reported back: flagged overdue on the 4th
    late = sv.leave_create(member=cast.m2, by=cast.member2, type_code="personal", start=dt.date(2026, 6, 1),
                           end=dt.date(2026, 6, 2), reason="家事", at=_at(2026, 5, 25))
    sv.leave_decide(request=late, by=cast.brigade_user, approve=True, at=_at(2026, 5, 26))
    sv.leave_overdue_run(day=dt.date(2026, 6, 4), at=_at(2026, 6, 4, 6))
    with time_machine.travel(_at(2026, 6, 4, 9), tick=True):
        _switch(page, "squadron2")
        page.goto(page.base_url + "/leave/unit/")
        assert page.locator("#overdue-badge").is_visible()
        assert _no_sideways_scroll(page)
        page.click("#overdue-badge")
        page.wait_for_load_state()
        row = page.locator(f'#overdue tr[data-id="{late.pk}"]')
        assert "逾期未销假" in row.inner_text() and "王二" in row.inner_text()
