"""Issue 2 acceptance, in a real Chromium: log in, search the roster, open a member, and upload a
roster workbook with bad rows and see each error — with nothing written (all-or-nothing)."""

import pytest

from auxpost.imports.tests.xlsx import roster_row, write_roster
from auxpost.people.models import Member
from auxpost.testing import make_member
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_squadron_leader_searches_own_roster_and_opens_a_member(district, page):
    make_member(district.sq1_t2, name="李二")
    make_member(district.sq2_t1, name="李三")  # another squadron: never shown to squadron1
    pg = page
    browser_login(pg, "squadron1")
    assert pg.url.rstrip("/") == pg.base_url  # lands on the home page
    pg.click("nav >> summary:has-text('人员管理')")  # the menu group holding the roster
    pg.click("nav >> text=花名册")
    pg.fill("#f-q", "李")
    pg.press("#f-q", "Enter")
    pg.wait_for_load_state()
    names = pg.locator("table.stack tbody tr td:first-child").all_inner_texts()
    assert sorted(n.strip() for n in names) == ["李一", "李二"]
    assert "李三" not in pg.content()
    pg.click("table.stack >> text=李一")
    pg.wait_for_load_state()
    assert pg.locator("h1").inner_text().startswith("李一")
    # A squadron leader sees personal data masked.
    assert district.m1.id_number not in pg.content()
    assert district.m1.id_number[-4:] in pg.content()
    # Another squadron's member: the same 404 page as a member that does not exist.
    other = pg.goto(pg.base_url + f"/people/{district.m2.pk}/")
    missing = pg.goto(pg.base_url + "/people/999999/")
    assert other.status == missing.status == 404


def test_bureau_uploads_a_bad_roster_and_sees_every_error_with_nothing_written(district, page, tmp_path):
    path = write_roster(tmp_path / "花名册.xlsx", [
        roster_row(姓名="好人"),
        roster_row(姓名="错号", 身份证号="510124199001010000"),
        roster_row(姓名="错单位", 所属单位="综合行政执法大队/第九中队/第一小队"),
        roster_row(姓名="错学历", 学历="小学", 当前等级="六级"),
    ])
    before = Member.objects.count()
    pg = page
    browser_login(pg, "bureau")
    pg.goto(pg.base_url + "/imports/")
    pg.set_input_files("input[type=file]", str(path))
    pg.click("main form button[type=submit]")
    pg.wait_for_selector("table[data-errors]")
    cells = [
        [c.strip() for c in row.locator("td").all_inner_texts()]
        for row in pg.locator("table[data-errors] tbody tr").all()
    ]
    # (Excel row, column): 错号 on row 3, 错单位 on row 4, 错学历 on row 5 with two bad cells.
    assert [(r, c) for r, c, _reason in cells] == [
        ("3", "身份证号"), ("4", "所属单位"), ("5", "学历"), ("5", "当前等级")]
    reasons = {c: reason for _r, c, reason in cells}
    assert "校验位" in reasons["身份证号"]
    assert "第九中队" in reasons["所属单位"]
    assert Member.objects.count() == before  # all-or-nothing: the good row was not written either
