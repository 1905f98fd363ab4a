"""Roster pages in a real browser at phone width (390 px): stacked rows, no sideways scrolling.

Set AUXPOST_SCREENSHOT_DIR to keep the screenshots for a look (they go to pytest's tmp_path otherwise).
"""

import os
from pathlib import Path

import pytest

from auxpost.testing import make_district
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tmp_path) -> Path:
    return Path(os.environ.get("AUXPOST_SCREENSHOT_DIR") or tmp_path)


@pytest.fixture
def district_tx(transactional_db):
    return make_district()


def test_roster_list_and_detail_on_a_phone(district_tx, phone_page, tmp_path):
    pg = phone_page
    browser_login(pg, "hrco")
    pg.goto(pg.base_url + "/people/")
    rows = pg.locator("table.stack tbody tr")
    assert rows.count() == 2
    assert not pg.locator("table.stack thead").is_visible()  # one card per member, labels from data-label
    first = rows.first.locator("td").first.bounding_box()
    assert first["width"] > 300  # a cell spans the card, not a narrow column
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    pg.screenshot(path=str(_shots(tmp_path) / "roster-list-390.png"), full_page=True)

    pg.click("text=李一")
    pg.wait_for_load_state()
    assert pg.locator("h1").inner_text().startswith("李一")
    assert district_tx.m1.id_number in pg.content()  # HR sees the full number
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390

    pg.goto(pg.base_url + f"/people/{district_tx.m1.pk}/edit/")
    pg.fill("#id_phone", "123")
    pg.click("button[type=submit].btn")
    pg.wait_for_load_state()
    assert "以 1 开头的 11 位数字" in pg.locator(".errorlist").first.inner_text()
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390


def test_units_page_on_a_phone(district_tx, phone_page, tmp_path):
    pg = phone_page
    browser_login(pg, "bianban")
    pg.goto(pg.base_url + "/org/units/")
    assert pg.locator("table.stack tbody tr").count() == 7 + 3  # units, then the three organisations
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    pg.fill(f"#quota-{district_tx.sq2.pk}", "20")
    pg.locator(f"#unit-{district_tx.sq2.pk} button[type=submit]").click()
    pg.wait_for_load_state()
    assert "20" in pg.locator(".msg-success").inner_text()
    pg.screenshot(path=str(_shots(tmp_path) / "units-390.png"), full_page=True)
