"""The upload and job pages in a real browser: a phone-width upload, and the job page's polling.

Set AUXPOST_SCREENSHOT_DIR to keep the screenshots for a look (they go to pytest's tmp_path otherwise).
"""

import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from auxpost.imports.models import ImportJob
from auxpost.imports.services import _progress_write, import_job_create, import_job_process
from auxpost.imports.tests.xlsx import roster_row, write_roster
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tmp_path) -> Path:
    return Path(os.environ.get("AUXPOST_SCREENSHOT_DIR") or tmp_path)


def test_upload_on_a_phone_shows_every_bad_row(district, phone_page, tmp_path):
    path = write_roster(tmp_path / "花名册.xlsx", [
        roster_row(姓名="甲"), roster_row(姓名="乙", 手机号="12"),
        roster_row(姓名="丙", 所属单位="综合行政执法大队/第九中队/第一小队", 学历="小学")])
    pg = phone_page
    browser_login(pg, "hrco")
    pg.goto(pg.base_url + "/imports/")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    pg.screenshot(path=str(_shots(tmp_path) / "import-upload-390.png"), full_page=True)
    pg.set_input_files("input[type=file]", str(path))
    pg.check("input[name=only_good]")
    pg.click("main form button[type=submit]")
    pg.wait_for_selector("table[data-errors]")
    assert pg.locator("table[data-errors] tbody tr").count() == 3
    assert pg.locator("a[href$='errors.xlsx']").is_visible()
    assert "所属单位中的“第九中队”不存在" in pg.inner_text("table[data-errors]")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    pg.screenshot(path=str(_shots(tmp_path) / "import-job-390.png"), full_page=True)


def test_the_job_page_follows_progress_and_reloads_when_done(district, page, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [roster_row(姓名="甲"), roster_row(姓名="乙", 学历="小学")])
    with open(path, "rb") as fh:
        job = import_job_create(actor=district.hrco, kind="roster", upload=SimpleUploadedFile("r.xlsx", fh.read()))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING)
    _progress_write(job.pk, "validate", 1, 2)
    browser_login(page, "hrco")
    page.goto(f"{page.base_url}/imports/jobs/{job.pk}/")
    page.wait_for_function("document.querySelector('[data-progress-text]').textContent.includes('1 / 2')")
    assert page.get_attribute(".progress > span", "style").replace(" ", "").rstrip(";") == "width:25%"
    _progress_write(job.pk, "write", 1, 2)
    page.wait_for_function("document.querySelector('.progress > span').style.width === '75%'")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.PENDING)
    import_job_process(job_id=job.pk)  # finishes: INVALID, one bad row
    page.wait_for_selector("table[data-errors]", timeout=10000)
    assert "第3行" not in page.inner_text("table[data-errors]")  # the table shows row numbers as cells
    assert page.locator("table[data-errors] tbody tr").count() == 1
