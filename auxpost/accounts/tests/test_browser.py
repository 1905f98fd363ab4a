"""User administration and the lock-out message in a real browser, at phone width (390 px)."""

import os
from pathlib import Path

import pytest

from auxpost.accounts.models import RoleAssignment, User
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tmp_path) -> Path:
    return Path(os.environ.get("AUXPOST_SCREENSHOT_DIR") or tmp_path)


def _fits(pg, width=390):
    assert pg.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling


def test_admin_creates_a_line_manager_on_a_phone(district, phone_page, tmp_path):
    pg = phone_page
    browser_login(pg, "admin")
    pg.goto(pg.base_url + "/accounts/users/")
    _fits(pg)
    pg.click("text=新建用户")
    pg.fill("#id_username", "zhaoliu")
    pg.fill("#id_display_name", "赵六")
    pg.fill("#id_password1", "Phone-made-pass-1")
    pg.fill("#id_password2", "Phone-made-pass-2")
    pg.click("button[type=submit].btn")
    assert pg.locator(".errorlist").filter(has_text="确认密码").is_visible()  # the field is named
    pg.fill("#id_password1", "Phone-made-pass-1")
    pg.fill("#id_password2", "Phone-made-pass-1")
    pg.click("button[type=submit].btn")
    pg.wait_for_url("**/accounts/users/*/")
    _fits(pg)
    pg.select_option("#id_role", "line_manager")
    pg.click("text=添加角色 >> nth=-1")
    assert pg.locator(".errorlist").filter(has_text="单位").first.is_visible()
    pg.select_option("#id_role", "line_manager")
    pg.select_option("#id_unit", label="综合行政执法大队/第一中队")
    pg.click("text=添加角色 >> nth=-1")
    pg.wait_for_selector(".msg-success")
    _fits(pg)
    pg.screenshot(path=str(_shots(tmp_path) / "user-detail-390.png"), full_page=True)
    user = User.objects.get(username="zhaoliu")
    assert RoleAssignment.objects.get(user=user).unit == district.sq1


def test_lockout_message_in_the_browser(district, page, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        browser_login(page, "hrco", "wrong-password")
    assert page.locator(".errorlist").filter(has_text="锁定至").is_visible()
