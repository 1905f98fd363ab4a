"""§8 one whole grade evaluation round in a real browser, each party on its own screen (issue 4, "Done
when" #1): the bureau opens and computes, the member applies, the squadron recommends, the bureau
qualifies, the HR company and the bureau both sign the 五级 results, the staffing office approves the
promotion to 四级 (the 公示 cannot start before it does), the bureau starts the 公示, a member objects
and the bureau decides, the decision is refused until the 公示 has run its course, then issued; the
grades change on the effective date and not before. Time is moved with time-machine (the live server
runs in this process). Also the member's and the bureau's pages at phone width (390 px)."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
import time_machine
from django.apps import apps

from auxpost.evaluation import rules
from auxpost.evaluation.models import Candidate, EvaluationRound, Objection
from auxpost.people.models import GradeHistory
from auxpost.testing import make_district
from conftest import browser_login

from .flow import PUBLICITY_START, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def cast_tx(transactional_db):
    """The district with one member per outcome (flow.Cast), plus the data migrations ship (policy
    version 1 is put back by the root conftest; the working-day calendar here) after a flush."""
    import_module("auxpost.workcal.migrations.0002_seed_from_chinesecalendar").ship(apps, None)
    return Cast(make_district())


def login(page, username):
    """A fresh session as ``username`` (moving the clock days ahead ends the previous one)."""
    # The previous page's background requests (the to-do counts) must not set cookies after they are cleared.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    browser_login(page, username)
    assert "/accounts/login/" not in page.url, username


def go(page, path):
    page.goto(page.base_url + path)
    page.wait_for_load_state()


def click(page, locator):
    locator.click()
    page.wait_for_load_state()


def round_action(page, action):
    click(page, page.locator(f'form[data-action="{action}"] button[type=submit]'))


def row(page, cand):
    return page.locator(f'tr[data-candidate="{cand.pk}"]')


def bulk(page, cands, action, reason=""):
    for c in cands:
        row(page, c).locator('input[name="candidates"]').check()
    page.select_option("#bulk-action", action)
    if reason:
        page.fill("#bulk-reason", reason)
    click(page, page.get_by_role("button", name="批量办理"))


def success(page) -> str:
    return page.locator(".msg-success").inner_text()


def error(page) -> str:
    return page.locator(".msg-error").inner_text()


def status_of(page) -> str:
    return page.locator("[data-round-status]").get_attribute("data-round-status")


def test_whole_round_across_the_roles(cast_tx, page):
    cast = cast_tx
    d = cast.d
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=CST), tick=True) as clock:
        # The bureau opens the round and computes every member's outcome.
        login(page, "bureau")
        go(page, "/evaluation/")
        page.fill("#id_name", "2026年度职级评定")
        page.select_option("#id_kind", "annual")
        page.fill("#id_as_of", "2026-03-01")
        page.fill("#id_effective_date", "2026-04-01")
        page.fill("#id_objection_contact", "区执法局人事科 028-1234")
        click(page, page.get_by_role("button", name="开启评定"))
        assert page.locator("h1").inner_text() == "2026年度职级评定"
        rnd = EvaluationRound.objects.get()
        assert status_of(page) == rules.OPEN
        round_action(page, "compute")
        assert status_of(page) == rules.APPLICATIONS and "已完成：计算评定结果" in success(page)
        m1, m2 = cast.cand(rnd, d.m1), cast.cand(rnd, d.m2)
        m3, m4 = cast.cand(rnd, cast.m3), cast.cand(rnd, cast.m4)
        assert [c.outcome for c in (m1, m2, m3, m4)] == [rules.PROMOTE, rules.KEEP, rules.DEMOTE, rules.SEPARATION]
        assert page.locator('[data-counts] [data-status="computed"] .num').inner_text() == "4"

        # The member sees the result with its reasons and applies.
        login(page, "member1")
        go(page, "/evaluation/me/")
        assert page.locator("[data-outcome]").get_attribute("data-outcome") == rules.PROMOTE
        assert "四级" in page.locator("[data-outcome]").inner_text()
        assert page.locator("ul[data-reasons] li", has_text="年度积分（近2年平均）").count() == 1
        click(page, page.locator("#apply").get_by_role("button", name="申请"))
        assert "申请已提交" in success(page)
        assert page.locator("[data-status]").first.get_attribute("data-status") == rules.APPLIED

        login(page, "bureau")
        go(page, f"/evaluation/{rnd.pk}/")
        round_action(page, "close_applications")
        assert status_of(page) == rules.RECOMMENDATION

        # The squadron recommends from its own list (its subtree only).
        login(page, "squadron1")
        go(page, f"/evaluation/{rnd.pk}/")
        assert row(page, m1).count() == 1 and row(page, m3).count() == 1
        assert row(page, m2).count() == 0 and row(page, m4).count() == 0
        assert page.locator('form[data-action]').count() == 0  # no round step for a squadron
        bulk(page, [m1], "recommend")
        assert "单位推荐：已处理 1 人" in success(page)
        assert row(page, m1).locator("[data-status]").get_attribute("data-status") == rules.RECOMMENDED

        # The bureau closes the recommendation, qualifies, closes the review (cases go to approval).
        login(page, "bureau")
        go(page, f"/evaluation/{rnd.pk}/")
        round_action(page, "close_recommendation")
        bulk(page, [m1], "qualify")
        assert row(page, m1).locator("[data-status]").get_attribute("data-status") == rules.QUALIFIED
        round_action(page, "close_review")
        assert status_of(page) == rules.APPROVAL
        assert page.locator('[data-counts] [data-status="pending_approval"] .num').inner_text() == "4"

        # 五级 results: the HR company signs, then the bureau; both are needed.
        login(page, "hrco")
        go(page, f"/evaluation/{rnd.pk}/")
        assert page.locator('#bulk-action option[value="approve:staffing_office"]').count() == 0
        bulk(page, [m2, m3, m4], "approve:hr_company")
        click(page, row(page, m3).get_by_role("link", name="降级乙"))
        assert "已批准" in page.locator('tr[data-body="hr_company"]').inner_text()
        assert "待签署" in page.locator('tr[data-body="bureau"]').inner_text()
        assert page.locator('[data-status]').first.get_attribute("data-status") == rules.PENDING_APPROVAL

        login(page, "bureau")
        go(page, f"/evaluation/{rnd.pk}/")
        bulk(page, [m2, m3, m4], "approve:bureau")
        for c in (m2, m3, m4):
            assert row(page, c).locator("[data-status]").get_attribute("data-status") == rules.APPROVED
        # The promotion to 四级 waits for the staffing office: the 公示 cannot start yet.
        assert row(page, m1).locator("[data-status]").get_attribute("data-status") == rules.PENDING_APPROVAL
        round_action(page, "start_publicity")
        assert "尚有1件等待审批" in error(page) and status_of(page) == rules.APPROVAL

        login(page, "bianban")
        go(page, f"/evaluation/{rnd.pk}/")
        click(page, row(page, m1).get_by_role("link", name="李一"))
        assert "区委编办" in page.locator('tr[data-body="staffing_office"]').inner_text()
        click(page, page.locator('form[data-action="approve"] button[type=submit]'))
        assert page.locator('[data-status]').first.get_attribute("data-status") == rules.APPROVED

        # The bureau starts the 公示 today; five working days end on Friday.
        login(page, "bureau")
        go(page, f"/evaluation/{rnd.pk}/")
        assert "2026-03-06" in page.locator("[data-publicity-preview]").inner_text()
        round_action(page, "start_publicity")
        assert status_of(page) == rules.PUBLICITY
        assert page.locator("[data-publicity]").inner_text().startswith("2026-03-02 – 2026-03-06")

        # A member reads the notice and objects to one decision.
        login(page, "member1")
        go(page, "/evaluation/me/")
        click(page, page.get_by_role("link", name="公示").first)
        assert "2026-03-02 至 2026-03-06" in page.locator("[data-period]").inner_text()
        assert "四级" in row(page, m1).inner_text() and "五级" in row(page, m3).inner_text()
        assert row(page, m2).count() == 0 and row(page, m4).count() == 0  # no grade change
        row(page, m3).locator("summary").click()
        row(page, m3).locator("textarea").fill("2025年积分记录有误，请核实")
        click(page, row(page, m3).get_by_role("button", name="提交异议"))
        assert "异议已登记" in success(page)

        # The bureau decides the objection; the decision is refused while the 公示 runs.
        clock.move_to(dt.datetime(2026, 3, 6, 9, 0, tzinfo=CST))
        login(page, "bureau")
        go(page, f"/evaluation/{rnd.pk}/")
        click(page, page.get_by_role("link", name="异议"))
        obj = Objection.objects.get()
        form = page.locator(f'tr[data-objection="{obj.pk}"] form')
        form.locator("select").select_option("dismiss")
        form.locator("textarea").fill("经核实积分记录无误")
        click(page, form.get_by_role("button", name="处理"))
        assert "已处理" in success(page)
        click(page, page.get_by_role("link", name="返回本次评定"))
        page.fill('form[data-action="decide"] input[name="decision_number"]', "温执法〔2026〕8号")
        round_action(page, "decide")
        assert "公示期至2026-03-06，尚未期满" in error(page) and status_of(page) == rules.PUBLICITY

        # After the 公示: the decision is issued.
        clock.move_to(dt.datetime(2026, 3, 9, 9, 0, tzinfo=CST))
        login(page, "bureau")
        go(page, f"/evaluation/{rnd.pk}/")
        page.fill('form[data-action="decide"] input[name="decision_number"]', "温执法〔2026〕8号")
        round_action(page, "decide")
        assert status_of(page) == rules.DECIDED
        assert "温执法〔2026〕8号" in page.locator("[data-decision]").inner_text()
        # Not effective before the stated date.
        round_action(page, "make_effective")
        assert "等级调整于2026-04-01生效" in error(page) and status_of(page) == rules.DECIDED
        d.m1.refresh_from_db()
        assert d.m1.grade == 5

        # On the effective date the grades change, in the roster and the grade history.
        clock.move_to(dt.datetime(2026, 4, 1, 9, 0, tzinfo=CST))
        login(page, "bureau")
        go(page, f"/evaluation/{rnd.pk}/")
        round_action(page, "make_effective")
        assert status_of(page) == rules.EFFECTIVE
        go(page, f"/people/{d.m1.pk}/")
        assert page.locator("dt:has-text('当前等级') + dd").inner_text() == "四级"
        history = page.locator("table", has_text="职级评定#").first.inner_text()
        assert "2026-04-01" in history and f"职级评定#{rnd.pk} 温执法〔2026〕8号" in history
        go(page, f"/people/{cast.m3.pk}/")
        assert page.locator("dt:has-text('当前等级') + dd").inner_text() == "五级"
        go(page, f"/evaluation/{rnd.pk}/")
        round_action(page, "archive")
        assert status_of(page) == rules.ARCHIVED

        login(page, "member1")
        go(page, "/evaluation/me/")
        assert page.locator('[data-status]').first.get_attribute("data-status") == rules.CANDIDATE_EFFECTIVE

    d.m1.refresh_from_db()
    cast.m3.refresh_from_db()
    assert (d.m1.grade, d.m1.grade_effective_date) == (4, dt.date(2026, 4, 1))
    assert (cast.m3.grade, cast.m3.grade_effective_date) == (5, dt.date(2026, 4, 1))
    assert GradeHistory.objects.filter(member=d.m1, grade=4, effective_date=dt.date(2026, 4, 1),
                                       source="round").count() == 1
    assert set(Candidate.objects.filter(round=rnd).values_list("status", flat=True)) == {rules.CANDIDATE_EFFECTIVE}


def test_member_and_bureau_pages_fit_a_phone(cast_tx, phone_page):
    cast = cast_tx
    rnd = cast.to(rules.PUBLICITY)
    pg = phone_page
    with time_machine.travel(dt.datetime.combine(PUBLICITY_START, dt.time(10, 0), tzinfo=CST), tick=True):
        login(pg, "member1")
        for path in ("/evaluation/me/", f"/evaluation/{rnd.pk}/notice/"):
            go(pg, path)
            assert pg.evaluate("document.documentElement.scrollWidth") <= 390, path
        login(pg, "bureau")
        for path in ("/evaluation/", f"/evaluation/{rnd.pk}/", f"/evaluation/{rnd.pk}/objections/",
                     f"/evaluation/candidates/{cast.cand(rnd, cast.d.m1).pk}/"):
            go(pg, path)
            assert pg.evaluate("document.documentElement.scrollWidth") <= 390, path
