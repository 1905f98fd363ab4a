"""§7.2 the monthly scorecard in a real browser: pre-fill from the ledger, adjust with a reason, total on the list."""

import datetime as dt

import pytest

from auxpost.assessment.selectors import previous_month
from auxpost.assessment.tests.conftest import add_entry
from auxpost.testing import make_district
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district_tx(transactional_db):
    """The district, and policy version 1 again: a transactional test's flush removes the row its data
    migration shipped."""
    from django.utils import timezone

    from auxpost.policy.models import PolicyVersion
    from auxpost.policy.rules import DEFAULT_BUNDLE, default_documents

    if not PolicyVersion.objects.filter(version=DEFAULT_BUNDLE.version).exists():
        PolicyVersion.objects.create(version=DEFAULT_BUNDLE.version, name=DEFAULT_BUNDLE.name,
                                     effective_from=dt.date(2000, 1, 1), status="published",
                                     created_at=timezone.now(), published_at=timezone.now(), **default_documents())
    return make_district()


def test_squadron_scores_a_month_with_a_ledger_deduction(district_tx, page):
    d = district_tx
    from django.utils import timezone

    month = previous_month(timezone.localdate())
    add_entry(d.m1, month + dt.timedelta(days=4), "uniform_fail", -2, approver=d.squadron2)
    pg = page
    browser_login(pg, "squadron1")
    pg.goto(pg.base_url + "/assessment/monthly/")
    assert "月度考核" in pg.locator("h1").inner_text()
    row = pg.locator("table.stack tbody tr", has_text="李一")
    assert "尚未评分" in row.inner_text()
    row.locator("a").click()
    pg.wait_for_load_state()
    uniform = pg.locator("#ind-uniform")
    assert uniform.locator(".prefill").inner_text() == "8"
    assert "着装检查不合格" in uniform.inner_text()
    assert pg.input_value("#id_score_uniform") == "8"
    pg.fill("#id_score_duty_performance", "35")
    pg.fill("#id_reason_duty_performance", "巡查记录不完整")
    pg.click("button[type=submit]:has-text('保存评分表')")
    pg.wait_for_load_state()
    assert pg.url.endswith(f"/assessment/monthly/?month={month:%Y-%m}")
    row = pg.locator("table.stack tbody tr", has_text="李一")
    assert "已评分" in row.inner_text() and row.locator("td.total").inner_text() == "93.00"


def test_scorecard_fits_a_phone(district_tx, phone_page):
    pg = phone_page
    browser_login(pg, "squadron1")
    from django.utils import timezone

    month = previous_month(timezone.localdate())
    pg.goto(pg.base_url + f"/assessment/monthly/{district_tx.m1.pk}/{month:%Y-%m}/")
    assert pg.locator("#ind-attendance").is_visible()
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
