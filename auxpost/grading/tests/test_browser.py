"""The member's path page in a real browser at phone width (390 px)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from auxpost.testing import make_district
from conftest import browser_login

from .conftest import make_promotable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district_tx(transactional_db):
    from auxpost.policy.models import PolicyStatus, PolicyVersion
    from auxpost.policy.rules import DEFAULT_BUNDLE, assessment_to_dict, grade_to_dict, points_to_dict

    if not PolicyVersion.objects.filter(version=DEFAULT_BUNDLE.version).exists():  # flushed between tests
        PolicyVersion.objects.create(
            version=DEFAULT_BUNDLE.version, name=DEFAULT_BUNDLE.name, effective_from=dt.date(2000, 1, 1),
            status=PolicyStatus.PUBLISHED, grade=grade_to_dict(DEFAULT_BUNDLE.grade),
            assessment=assessment_to_dict(DEFAULT_BUNDLE.assessment), points=points_to_dict(DEFAULT_BUNDLE.points),
            created_at=timezone.now(), published_at=timezone.now())
    return make_district()


def test_path_page_on_a_phone_shows_required_and_actual(district_tx, phone_page, tmp_path):
    from auxpost.points.models import AnnualPoints

    make_promotable(district_tx.m1, points=85)
    AnnualPoints.objects.filter(member=district_tx.m1, year=2025).update(total=79)
    pg = phone_page
    browser_login(pg, "member1")
    pg.goto(pg.base_url + "/grading/me/?as_of=2026-03-01")
    assert pg.locator("h1").inner_text() == "我的晋级之路"
    item = pg.locator("li.requirement", has_text="年度积分（近2年平均）")
    assert item.locator("[data-required]").inner_text() == "2024–2025 平均 ≥85"
    assert item.locator("[data-actual]").inner_text() == "82"
    assert "不符合" in item.inner_text()
    assert item.locator(".progress").is_visible()
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    pg.screenshot(path=str(Path(os.environ.get("AUXPOST_SCREENSHOT_DIR") or tmp_path) / "grading-path-390.png"),
                  full_page=True)


def test_outcomes_page_on_a_phone_expands_reasons(district_tx, phone_page):
    make_promotable(district_tx.m1)
    pg = phone_page
    browser_login(pg, "bureau")
    pg.goto(pg.base_url + "/grading/outcomes/?as_of=2026-03-01")
    row = pg.locator("tr", has_text="王二")
    row.locator("summary").click()
    assert row.locator("li.unmet", has_text="技能成绩").is_visible()
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
