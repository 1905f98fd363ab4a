"""The upload page, template download and job pages: access, upload errors, outcomes."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from auxpost.audit.models import AuditEntry
from auxpost.imports.models import ImportJob
from auxpost.imports.services import _progress_write, import_job_create, import_job_start, progress_path
from auxpost.imports.tests.xlsx import ROSTER_HEADERS, roster_row, write_roster, write_xlsx
from auxpost.people.models import Member

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_file(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type=XLSX)


def post(client, path, *, only_good=False, kind="roster", name=None):
    data = {"kind": kind, "file": upload_file(path, name)}
    if only_good:
        data["only_good"] = "on"
    return client.post(reverse("imports:upload"), data)


# ------------------------------------------------------------------------------------------ access

@pytest.mark.parametrize("who", ["admin", "bureau_user", "hrco"])
def test_importers_see_the_upload_page(district, client_for, who):
    r = client_for(getattr(district, who)).get(reverse("imports:upload"))
    assert r.status_code == 200
    assert reverse("imports:template", args=["roster"]).encode() in r.content


@pytest.mark.parametrize("who", ["bianban", "squadron1", "assessor", "member1", "nobody"])
def test_other_roles_get_404(district, client_for, who):
    c = client_for(getattr(district, who))
    assert c.get(reverse("imports:upload")).status_code == 404
    assert c.get(reverse("imports:template", args=["roster"])).status_code == 404


def test_anonymous_is_sent_to_login(district, client_for):
    c = client_for(None)
    for url in (reverse("imports:upload"), reverse("imports:template", args=["roster"]),
                reverse("imports:job", args=[1]), reverse("imports:job_progress", args=[1]),
                reverse("imports:job_errors", args=[1])):
        r = c.get(url)
        assert r.status_code == 302 and reverse("accounts:login") in r["Location"]


def test_template_download_opens_with_the_exact_headers(district, client_for):
    r = client_for(district.hrco).get(reverse("imports:template", args=["roster"]))
    assert r.status_code == 200 and r["Content-Type"] == XLSX
    assert "attachment" in r["Content-Disposition"] and ".xlsx" in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert [c.value for c in wb.worksheets[0][1]] == [*ROSTER_HEADERS, "人员状态"]
    assert wb.sheetnames[1] == "填写说明"
    assert client_for(district.hrco).get(reverse("imports:template", args=["nonsense"])).status_code == 404


# --------------------------------------------------------------------------------------- uploading

def test_a_good_upload_runs_and_shows_the_counts(district, client_for, tmp_path):
    path = write_roster(tmp_path / "花名册.xlsx", [roster_row(姓名="甲"), roster_row(姓名="乙")])
    c = client_for(district.bureau_user)
    r = post(c, path)
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("imports:job", args=[job.pk])
    assert job.status == ImportJob.Status.DONE and job.created_by == district.bureau_user
    assert job.counts == {"created": 2, "updated": 0, "unchanged": 0} and job.written_rows == 2
    assert job.original_name == "花名册.xlsx" and job.file.name.startswith("imports/")
    assert Member.objects.filter(name__in=["甲", "乙"]).count() == 2
    page = c.get(r["Location"])
    assert page.status_code == 200
    assert "新增 2 人，更新 0 人".encode() in page.content
    assert b"data-progress-url" not in page.content  # finished: no polling
    assert AuditEntry.objects.filter(action="import", object_id=str(job.pk)).get().actor_name == "bureau"
    assert not progress_path(job.pk).exists()


def test_a_bad_upload_lists_every_bad_row_and_offers_the_error_workbook(district, client_for, tmp_path):
    rows = [roster_row(姓名="甲"), roster_row(姓名="乙", 手机号="12"), roster_row(姓名="丙", 学历="小学", 当前等级="七级")]
    c = client_for(district.hrco)
    before = Member.objects.count()
    post(c, write_roster(tmp_path / "r.xlsx", rows))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID and job.bad_rows == 2 and job.written_rows == 0
    assert Member.objects.count() == before
    page = c.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "未写入任何数据" in page
    for row, column in [(3, "手机号"), (4, "学历"), (4, "当前等级")]:
        assert f'<td data-label="行号">{row}</td><td data-label="列名">{column}</td>' in page
    assert reverse("imports:job_errors", args=[job.pk]) in page

    r = c.get(reverse("imports:job_errors", args=[job.pk]))
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    data = list(wb.worksheets[0].iter_rows(values_only=True))
    assert data[0][-1] == "错误原因" and [row[0] for row in data[1:]] == ["乙", "丙"]
    assert AuditEntry.objects.filter(action="export", object_id=str(job.pk)).exists()


def test_only_good_upload_writes_the_good_rows(district, client_for, tmp_path):
    rows = [roster_row(姓名="甲"), roster_row(姓名="乙", 手机号="12")]
    post(client_for(district.admin), write_roster(tmp_path / "r.xlsx", rows), only_good=True)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE and job.written_rows == 1 and job.bad_rows == 1
    assert job.errors == [{"row": 3, "column": "手机号", "reason": job.errors[0]["reason"]}]
    assert job.error_file
    assert Member.objects.filter(name="甲").exists() and not Member.objects.filter(name="乙").exists()


def test_quota_refusal_is_shown_on_the_job_page(district, client_for, tmp_path):
    from auxpost.org.services import unit_set_quota

    unit_set_quota(actor=None, unit=district.sq1, quota=1)
    c = client_for(district.admin)
    post(c, write_roster(tmp_path / "r.xlsx", [roster_row()]))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID and "第一中队" in job.file_errors[0]
    assert "第一中队" in c.get(reverse("imports:job", args=[job.pk])).content.decode()


@pytest.mark.parametrize("case", ["not_xlsx", "wrong_extension", "too_big", "wrong_headers"])
def test_upload_errors_are_shown_on_the_form(district, client_for, tmp_path, settings, case):
    good = write_roster(tmp_path / "r.xlsx", [roster_row()])
    if case == "not_xlsx":
        path = tmp_path / "x.xlsx"
        path.write_bytes(b"PK but not really")
        expected = "不是 .xlsx 工作簿"
    elif case == "wrong_extension":
        path, expected = good, "只能导入 Excel 工作簿（.xlsx）"
    elif case == "too_big":
        settings.IMPORT_MAX_UPLOAD_BYTES = 100
        path, expected = good, "文件过大"
    else:
        path = write_xlsx(tmp_path / "h.xlsx", ["姓名", "电话"], [["甲", "1"]])
        expected = "缺少以下必填列：身份证号、学历、入职日期、所属单位、当前等级"
    r = post(client_for(district.admin), path, name="r.xls" if case == "wrong_extension" else None)
    assert r.status_code == 200
    assert expected in r.content.decode()
    assert not ImportJob.objects.exists()


# ------------------------------------------------------------------------------------- job access

@pytest.fixture
def job(district, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [roster_row(), roster_row(手机号="1")])
    with open(path, "rb") as fh:
        job = import_job_create(actor=district.hrco, kind="roster", upload=SimpleUploadedFile("r.xlsx", fh.read()))
    from auxpost.imports.services import import_job_process

    return import_job_process(job_id=job.pk)


@pytest.mark.parametrize("who, status", [("hrco", 200), ("admin", 200), ("bureau_user", 404), ("squadron1", 404),
                                         ("member1", 404), ("nobody", 404)])
def test_a_job_is_visible_to_its_creator_and_admins_only(district, client_for, job, who, status):
    c = client_for(getattr(district, who))
    for name in ("imports:job", "imports:job_progress", "imports:job_errors"):
        assert c.get(reverse(name, args=[job.pk])).status_code == status, name
    assert c.get(reverse("imports:job", args=[job.pk + 1000])).status_code == 404


def test_progress_json_and_the_page_while_a_job_runs(district, client_for, job):
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING)
    c = client_for(district.hrco)
    _progress_write(job.pk, "validate", 50, 100)
    data = c.get(reverse("imports:job_progress", args=[job.pk])).json()
    assert data["finished"] is False and data["percent"] == 25 and data["status"] == "validating"
    assert "50" in data["text"] and "100" in data["text"]
    page = c.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'data-progress-url="' + reverse("imports:job_progress", args=[job.pk]) in page
    assert "imports/job.js" in page and '<meta http-equiv="refresh"' in page  # works without JS too
    _progress_write(job.pk, "write", 10, 20)
    assert c.get(reverse("imports:job_progress", args=[job.pk])).json()["percent"] == 75
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.INVALID)
    data = c.get(reverse("imports:job_progress", args=[job.pk])).json()
    assert data["finished"] is True and data["percent"] == 100


def test_a_job_with_no_sign_of_life_is_reported_as_stopped(district, client_for, job):
    import datetime as dt

    from django.utils import timezone

    long_ago = timezone.now() - dt.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WRITING, started_at=long_ago)
    c = client_for(district.hrco)
    data = c.get(reverse("imports:job_progress", args=[job.pk])).json()
    assert data["stalled"] is True and data["finished"] is False
    page = c.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "data-stalled" in page and "data-progress-url" not in page and "重新上传" in page
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now())
    assert c.get(reverse("imports:job_progress", args=[job.pk])).json()["stalled"] is False


def test_job_js_is_served(district, client_for):
    from django.contrib.staticfiles import finders

    assert finders.find("imports/job.js")


def test_the_upload_page_lists_recent_jobs_without_a_query_per_job(district, client_for, tmp_path,
                                                                    django_assert_max_num_queries):
    path = write_roster(tmp_path / "r.xlsx", [roster_row(学历="小学")])
    for _ in range(6):
        with open(path, "rb") as fh:
            import_job_create(actor=district.hrco, kind="roster", upload=SimpleUploadedFile("r.xlsx", fh.read()))
    c = client_for(district.admin)
    c.get(reverse("imports:upload"))
    with django_assert_max_num_queries(8):
        r = c.get(reverse("imports:upload"))
    assert r.content.decode().count("r.xlsx") == 6
    assert "r.xlsx" not in client_for(district.bureau_user).get(reverse("imports:upload")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_background_thread_runs_the_job(district, settings, tmp_path):
    settings.IMPORT_RUN_INLINE = False
    path = write_roster(tmp_path / "r.xlsx", [roster_row(姓名="线程甲")])
    with open(path, "rb") as fh:
        job = import_job_create(actor=district.admin, kind="roster", upload=SimpleUploadedFile("r.xlsx", fh.read()))
    thread = import_job_start(job)
    assert thread is not None
    thread.join(60)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.written_rows == 1
    assert Member.objects.filter(name="线程甲").exists()
