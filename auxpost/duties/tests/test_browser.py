"""§4.2 the ledger in a real browser at phone width (390 px): a squadron leader searches it and opens a duty."""

import datetime as dt

import pytest

from auxpost.duties.demo import load
from auxpost.testing import make_district
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ledger_on_a_phone(transactional_db, phone_page):
    make_district()
    load(today=dt.date(2026, 6, 1))
    page = phone_page
    browser_login(page, "squadron1")
    page.goto(page.base_url + "/duties/")
    assert page.locator("h1").inner_text() == "岗位分析台账"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#f-q", "渣土")
    page.click("form.filters button[type=submit]")
    tree = page.locator("#tree")
    assert "渣土运输" in tree.inner_text() and "流动摊贩劝离" not in tree.inner_text()
    assert page.locator("details[open]").count() >= 1
    assert "渣土车密闭运输检查" in tree.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(page.base_url + "/duties/?tab=indicators")
    assert page.locator("#indicators tbody tr").count() == 23
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
