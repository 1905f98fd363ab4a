"""The audit page in a real browser at phone width: readable diffs, the verify button."""

import os
from pathlib import Path

import pytest

from auxpost.audit.services import audit_record
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_audit_page_on_a_phone(district, phone_page, tmp_path):
    audit_record(actor=district.bureau_user, action="update", obj=district.m1, summary="phone",
                 before={"phone": "13811112222", "status": "active"},
                 after={"phone": "13899990000", "status": "suspended"})
    pg = phone_page
    browser_login(pg, "admin")
    pg.goto(pg.base_url + "/audit/")
    assert pg.locator("td.diff-after").filter(has_text="13899990000").is_visible()
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    pg.click("button:has-text(\"校验留痕链\")")
    pg.wait_for_selector(".msg")
    assert pg.locator(".msg-success").filter(has_text="留痕链完好").is_visible()
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390  # the long hash wraps
    shots = Path(os.environ.get("AUXPOST_SCREENSHOT_DIR") or tmp_path)
    pg.screenshot(path=str(shots / "audit-390.png"), full_page=True)
