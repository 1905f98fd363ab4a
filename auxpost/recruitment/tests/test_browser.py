"""§5.2.1 one hire end to end in a real browser (issue 5, "Done when" #1), each party on its own screen: the
bureau drafts a plan, the staffing office (bianban) approves it, the bureau posts it, enters an applicant,
the scores and the checks, and runs a 公示 that is already over (its start date chosen in the past); the HR
company signs the dispatch contract (the applicant goes on the roster without re-typing); the bureau runs the
induction training on the training pages (course, session, attendance and exam) and issues the 上岗证; the bureau and the HR company both confirm the probation, and
the member is 五级 and active on the roster. Time is moved with time-machine (the live server runs in this
process). The plan page is also checked at phone width."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from auxpost.people.models import GradeHistory
from auxpost.people.rules import id_check_digit
from auxpost.people.selectors import certificate_refusal
from auxpost.recruitment import rules
from auxpost.recruitment.models import Application, HiringPlan
from auxpost.testing import make_district
from auxpost.training.models import Course
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CST = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=CST), tick=False)


def login(page, username):
    # The previous page's background requests (the to-do counts) must not set cookies after they are cleared.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    browser_login(page, username)
    assert "/accounts/login/" not in page.url, username


def go(page, path):
    page.goto(page.base_url + path)
    page.wait_for_load_state()


def submit(page, selector):
    page.locator(selector).click()
    page.wait_for_load_state()


def test_hire_one_applicant_from_plan_to_grade_five(page, transactional_db):
    d = make_district()
    with at(dt.date(2026, 3, 2)):
        login(page, "bureau")
        go(page, "/recruitment/new/")
        page.select_option("#id_unit", str(d.sq1_t1.pk))
        page.fill("#id_year", "2026")
        page.fill("#id_title", "2026年第一中队辅岗招聘")
        page.fill("#id_positions", "1")
        page.fill("#id_publish_date", "2026-03-02")
        page.fill("#id_deadline", "2026-03-20")
        page.fill("#id_posting_text", "面向社会公开招聘城管执法辅助岗位人员1名。")
        submit(page, "main form button.btn[type=submit]")
        plan = HiringPlan.objects.get()
        assert page.url.endswith(f"/recruitment/{plan.pk}/")
        submit(page, 'form[data-action="submit"] button')
        assert page.locator("[data-plan-status]").get_attribute("data-plan-status") == rules.SUBMITTED

        login(page, "bianban")
        go(page, f"/recruitment/{plan.pk}/")
        submit(page, 'form[data-action="approve"] button')
        assert page.locator("[data-plan-status]").get_attribute("data-plan-status") == rules.APPROVED

        login(page, "bureau")
        go(page, f"/recruitment/{plan.pk}/")
        submit(page, 'form[data-action="post"] button')
        assert page.locator("[data-plan-status]").get_attribute("data-plan-status") == rules.POSTED

    with at(dt.date(2026, 3, 5)):
        login(page, "bureau")
        go(page, f"/recruitment/{plan.pk}/apply/")
        page.fill("#id_name", "赵新")
        page.fill("#id_id_number", "51011519980601001" + id_check_digit("51011519980601001"))
        page.fill("#id_phone", "13712345678")
        page.select_option("#id_education", "大专")
        page.fill("#id_applied_on", "2026-03-05")
        submit(page, "main form button.btn[type=submit]")
        assert "资格审查通过" in page.content()
        app = Application.objects.get()
        assert app.status == rules.QUALIFIED

    with at(dt.date(2026, 4, 1)):
        login(page, "bureau")
        go(page, f"/recruitment/applications/{app.pk}/")
        page.fill("#id_exam_score", "80")
        page.fill("#id_interview_score", "75")
        page.fill("#id_fitness_score", "70")
        submit(page, "#scores button[type=submit]")
        assert page.locator("[data-total]").inner_text() == "76.50"
        go(page, f"/recruitment/{plan.pk}/")
        submit(page, 'button[data-action="propose"]')
        go(page, f"/recruitment/applications/{app.pk}/")
        page.select_option("#id_health_check", "pass")
        page.select_option("#id_background_check", "pass")
        submit(page, "#checks button[type=submit]")

    with at(dt.date(2026, 4, 20)):
        login(page, "bureau")
        go(page, f"/recruitment/{plan.pk}/")
        page.fill("#id_start", "2026-04-13")  # a 公示 already over: 5 working days end on 17 April
        submit(page, 'button[data-action="publicity"]')
        assert "2026-04-13 – 2026-04-17" in page.content()

        login(page, "hrco")
        go(page, f"/recruitment/applications/{app.pk}/")
        page.fill("#id_number", "HX-2026-001")
        page.fill("#id_start_date", "2026-04-20")
        page.fill("#id_end_date", "2028-04-19")
        page.fill("#id_probation_end", "2026-06-19")
        submit(page, "#contract button[type=submit]")
        app.refresh_from_db()
        assert app.status == rules.HIRED
        member = app.member
        assert (member.name, member.unit_id, member.status, member.grade) == ("赵新", d.sq1_t1.pk, "probation", 5)

    # §5.2.2/§5.2.3 induction training through the training pages: the bureau adds the course and a session
    # for the squadron, records the new member's attendance and exam, and issues the 上岗证.
    assert certificate_refusal(member, dt.date(2026, 4, 27)) is not None  # no certificate, no duty yet
    with at(dt.date(2026, 4, 27)):
        login(page, "bureau")
        go(page, "/training/")
        page.fill("#id_name", "辅岗人员岗前培训")
        page.select_option("#id_category", "induction")
        page.fill("#id_hours", "40")
        page.check("#id_has_exam")
        submit(page, "main form[method=post] button.btn[type=submit]")
        course = Course.objects.get(name="辅岗人员岗前培训")
        go(page, f"/training/courses/{course.pk}/")
        session_form = page.locator("form:has(input[name=op][value=session])")
        session_form.locator("[name=start_date]").fill("2026-04-21")
        session_form.locator("[name=end_date]").fill("2026-04-25")
        session_form.locator("[name=hours]").fill("40")
        session_form.locator(f'input[name=units][value="{d.sq1.pk}"]').check()
        session_form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert "/training/sessions/" in page.url
        page.select_option(f'select[name="att-{member.pk}"]', "attended")
        page.fill(f'input[name="score-{member.pk}"]', "86")
        page.get_by_role("button", name="保存出勤与成绩").click()
        page.wait_for_load_state()
        assert "已保存" in page.locator(".messages").inner_text()
        go(page, f"/training/members/{member.pk}/")
        submit(page, '#cert-actions button[name=do][value=issue]')
        member.refresh_from_db()
        assert member.cert_number and member.cert_valid_until == dt.date(2029, 4, 27)
        assert member.cert_number in page.content()
    assert certificate_refusal(member, dt.date(2026, 6, 20)) is None

    with at(dt.date(2026, 6, 19)):
        login(page, "hrco")
        go(page, "/recruitment/probation/")
        submit(page, 'tr[data-review] button[data-action="sign"]')
        assert "✓ hrco" in page.content()
        member.refresh_from_db()
        assert member.status == "probation"

        login(page, "bureau")
        go(page, "/recruitment/probation/")
        submit(page, 'tr[data-review] button[data-action="sign"]')
        member.refresh_from_db()
        assert (member.status, member.grade) == ("active", 5)
        last = GradeHistory.objects.filter(member=member).order_by("-id").first()
        assert (last.grade, last.source, last.effective_date) == (5, "hire", dt.date(2026, 6, 20))
        go(page, f"/people/{member.pk}/")
        assert "赵新" in page.content()


def test_plan_page_at_phone_width(phone_page, transactional_db):
    d = make_district()
    from auxpost.recruitment import services

    plan = services.plan_create(actor=d.bureau_user, data={"unit": d.sq1_t1.pk, "year": 2026, "title": "手机查看",
                                                          "positions": 1})
    login(phone_page, "bureau")
    go(phone_page, f"/recruitment/{plan.pk}/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    go(phone_page, "/recruitment/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
