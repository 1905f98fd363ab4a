"""The home dashboard in a real browser, at desktop and phone width, on the demo district.

Set AUXPOST_SCREENSHOT_DIR to keep the screenshots for a look (they go to pytest's tmp_path otherwise).
"""

import os
from pathlib import Path

import pytest

from auxpost.core.demo import DEMO_PASSWORD, load_demo
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_district(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()


def _shots(tmp_path) -> Path:
    return Path(os.environ.get("AUXPOST_SCREENSHOT_DIR") or tmp_path)


def _check_dashboard(pg, width: int):
    assert pg.locator("h1#dash-title").is_visible()
    assert pg.locator(".stats .stat").count() == 5
    assert pg.locator("svg.chart[role=img]").count() == 4
    assert pg.locator("svg.donut circle.seg").count() == 3  # active, probation, suspended
    charts = pg.locator("svg.hbar")
    assert charts.count() == 3
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box["width"] > 150 and box["x"] >= 0 and box["x"] + box["width"] <= width
    # Every value label sits inside its chart (nothing cut off on the right).
    for i in range(charts.count()):
        right = charts.nth(i).bounding_box()
        texts = charts.nth(i).locator("text.val")
        for j in range(texts.count()):
            t = texts.nth(j).bounding_box()
            assert t["x"] + t["width"] <= right["x"] + right["width"] + 1
    assert pg.locator("svg.meter").count() == 8  # bureau, brigade, six squadrons
    assert pg.locator("svg.meter rect.fill.bad").count() >= 1  # the nearly full squadron
    assert pg.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    link = pg.locator(".expiring-list a").first
    assert link.get_attribute("href").startswith("/people/")


def test_bureau_dashboard_desktop_and_phone(demo_district, page, phone_page, tmp_path):
    shots = _shots(tmp_path)
    browser_login(page, "bureau", DEMO_PASSWORD)
    page.goto(page.base_url + "/")
    _check_dashboard(page, 1280)
    page.screenshot(path=str(shots / "dashboard-bureau-1280.png"), full_page=True)

    browser_login(phone_page, "bureau", DEMO_PASSWORD)
    phone_page.goto(phone_page.base_url + "/")
    _check_dashboard(phone_page, 390)
    phone_page.screenshot(path=str(shots / "dashboard-bureau-390.png"), full_page=True)


def test_member_card_on_a_phone(demo_district, phone_page, tmp_path):
    browser_login(phone_page, "member1", DEMO_PASSWORD)
    phone_page.goto(phone_page.base_url + "/")
    assert phone_page.locator(".member-card h1").is_visible()
    assert phone_page.locator("svg.chart").count() == 0
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=str(_shots(tmp_path) / "dashboard-member1-390.png"), full_page=True)
