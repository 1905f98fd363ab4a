"""§5.3.5 in a real browser at phone width (390 px): a team leader inspects the whole team's uniforms, fails
one item with a note, saves; the member then sees why points were deducted."""

import pytest

from auxpost.accounts.models import Role
from auxpost.points.models import PointsEntry
from auxpost.testing import make_district, make_member, make_user
from auxpost.uniform.models import Inspection
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_team_leader_fails_one_item_on_the_phone(transactional_db, phone_page):
    d = make_district()
    make_user("team11", Role.LINE_MANAGER, unit=d.sq1_t1)
    jia = make_member(d.sq1_t1, name="甲队员")
    page = phone_page
    browser_login(page, "team11")
    page.goto(page.base_url + "/uniform/new/")
    page.get_by_role("link", name="综合行政执法大队/第一中队/第一小队").click()
    page.wait_for_load_state()
    card = page.locator(f"#member-{jia.pk}")
    assert "李一" in page.locator("#inspection").inner_text()
    card.locator(f'label[for="fail-{jia.pk}-insignia"]').click()  # tap to fail
    assert "不合格项 1" in card.locator("[data-failed-count]").inner_text()
    card.locator(f'input[name="note-{jia.pk}-insignia"]').fill("未佩戴工作证")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="保存检查结果").click()
    page.wait_for_load_state()
    assert "共2人，其中1人有不合格项" in page.locator(".messages").inner_text()
    ins = Inspection.objects.get(member=jia)
    assert ins.failed == ["insignia"] and ins.notes == {"insignia": "未佩戴工作证"}
    assert Inspection.objects.get(member=d.m1).failed_count == 0
    entry = PointsEntry.objects.get()
    assert entry.member == jia and entry.points == -2 and entry.status == "pending"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for url in ["/uniform/", f"/uniform/{ins.pk}/"]:
        page.goto(page.base_url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url


def test_member_sees_why_on_the_phone(transactional_db, phone_page):
    d = make_district()
    leader = make_user("team11", Role.LINE_MANAGER, unit=d.sq1_t1)
    from django.utils import timezone

    from auxpost.uniform.services import Entry, inspection_record
    inspection_record(actor=leader, date=timezone.localdate(), at=timezone.now(),
                      entries=[Entry(d.m1, failed=["grooming"], notes={"grooming": "胡须未剃"})])
    page = phone_page
    browser_login(page, "member1")
    page.goto(page.base_url + "/uniform/me/")
    text = page.locator("main").inner_text()
    assert "仪容仪表端正：胡须未剃" in text and "着装检查不合格1项" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
