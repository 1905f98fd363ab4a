"""§12 imports training / certificates with real .xlsx files, through the `auxpost import` command."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from auxpost.audit.models import AuditEntry
from auxpost.imports.framework import template_workbook
from auxpost.imports.registry import get_spec, kinds
from auxpost.imports.tests.xlsx import read_back, write_xlsx
from auxpost.people.models import Member
from auxpost.training.models import Certificate, Course, TrainingRecord
from auxpost.training.selectors import annual_hours_by_member, effective_records

pytestmark = pytest.mark.django_db

TRAINING = ["身份证号", "姓名", "课程", "类别", "日期", "学时", "成绩"]
CERTS = ["身份证号", "姓名", "证号", "发证日期", "有效期至"]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_kinds_registered_with_spec_headers():
    assert {"training", "certificates"} <= set(kinds())
    assert get_spec("training").headers == TRAINING
    assert get_spec("certificates").headers == CERTS
    assert template_workbook(get_spec("training"))[:2] == b"PK"


def test_training_import_creates_courses_and_records_then_corrects(district, tmp_path):
    d = district
    rows = [
        [d.m1.id_number, "李一", "城管执法岗前培训", "岗前培训", "2025-03-10", 40, 85],
        [d.m1.id_number, "李一", "年度业务培训", "年度", dt.date(2025, 6, 1), "24学时", None],
        [d.m2.id_number, "王二", "年度业务培训", "年度", "2025年6月1日", 24, None],
        [d.m2.id_number, "王二", "扬尘治理", "专题", "2025-09-01", 8.5, ""],
    ]
    path = write_xlsx(tmp_path / "t.xlsx", TRAINING, rows, sheet_title="培训记录")
    run("training", str(path))
    assert Course.objects.count() == 3
    induction = Course.objects.get(category="induction")
    assert induction.has_exam and induction.hours == 40
    assert not Course.objects.get(name="年度业务培训").has_exam
    assert TrainingRecord.objects.filter(source="import").count() == 4
    assert annual_hours_by_member([d.m1.pk, d.m2.pk], 2025) == {d.m1.pk: Decimal(24), d.m2.pk: Decimal("32.5")}
    assert effective_records().get(member=d.m1, category="induction").passed is True
    assert AuditEntry.objects.filter(object_type="training.trainingrecord", action="import").count() == 4
    # Same file again: nothing new. A changed row: a correction.
    run("training", str(path))
    assert TrainingRecord.objects.count() == 4
    path = write_xlsx(tmp_path / "t2.xlsx", TRAINING, [[d.m1.id_number, "李一", "年度业务培训", "年度", "2025-06-01",
                                                         30, None]])
    run("training", str(path))
    assert TrainingRecord.objects.count() == 6
    assert annual_hours_by_member([d.m1.pk], 2025) == {d.m1.pk: Decimal(30)}


def test_training_bad_rows_all_or_nothing_then_only_good(district, tmp_path):
    d = district
    rows = [
        [d.m1.id_number, "李四", "年度业务培训", "年度", "2025-06-01", 24, None],  # wrong name
        [d.m1.id_number, "李一", "年度业务培训", "其他", "2025-06-01", 24, None],  # bad category
        [d.m1.id_number, "李一", "年度业务培训", "年度", "2099-06-01", 24, None],  # future
        [d.m1.id_number, "李一", "年度业务培训", "年度", "2025-06-02", 0, None],  # zero hours
        [d.m1.id_number, "李一", "年度业务培训", "年度", "2025-06-03", 8, 120],  # score
        ["110101199001011234", "李一", "年度业务培训", "年度", "2025-06-04", 8, None],  # bad ID
        [d.m2.id_number, "王二", "年度业务培训", "年度", "2025-06-05", 8, None],  # good
        [d.m2.id_number, "王二", "年度业务培训", "年度", "2025-06-06", 8, None],  # good
        [d.m1.id_number, "李一", "晋级培训", "晋级", "2025-07-01", 8, None],  # duplicate below
        [d.m1.id_number, "李一", "晋级培训", "晋级", "2025-07-01", 8, None],
    ]
    path = write_xlsx(tmp_path / "t.xlsx", TRAINING, rows)
    with pytest.raises(CommandError) as exc:
        run("training", str(path))
    text = str(exc.value)
    for cell in ("第2行 [姓名]", "第3行 [类别]", "第4行 [日期]", "第5行 [学时]", "第6行 [成绩]", "第7行 [身份证号]",
                 "第10行 [日期]", "第11行 [日期]"):
        assert cell in text, cell
    assert "李一" in text and "其他" in text
    assert not TrainingRecord.objects.exists() and not Course.objects.exists()
    errors = tmp_path / "bad.xlsx"
    run("training", str(path), "--only-good", "--errors", str(errors))
    assert TrainingRecord.objects.count() == 2
    headers, data = read_back(errors)
    assert headers == [*TRAINING, "错误原因"] and len(data) == 8


def test_certificates_import_current_history_and_mirror(district, tmp_path):
    d = district
    rows = [
        [d.m1.id_number, "李一", "WJ-2021-000010", "2021-03-01", "2024-03-01"],
        [d.m1.id_number, "李一", "WJ-2024-000010", "2024-03-01", "2027-03-01"],
        [d.m2.id_number, "王二", "WJ-2025-000011", dt.date(2025, 5, 1), dt.date(2028, 5, 1)],
    ]
    path = write_xlsx(tmp_path / "c.xlsx", CERTS, rows, sheet_title="上岗证")
    out, _err = run("certificates", str(path))
    m1 = Member.objects.get(pk=d.m1.pk)
    assert (m1.cert_number, m1.cert_valid_until) == ("WJ-2024-000010", dt.date(2027, 3, 1))
    assert Certificate.objects.get(number="WJ-2021-000010").status == "superseded"
    assert Certificate.objects.get(number="WJ-2024-000010").status == "valid"
    assert Member.objects.get(pk=d.m2.pk).cert_number == "WJ-2025-000011"
    assert AuditEntry.objects.filter(object_type="people.member", summary__contains="imported").count() == 3
    run("certificates", str(path))  # the same again: unchanged
    assert Certificate.objects.count() == 3


def test_certificates_bad_rows(district, tmp_path):
    d = district
    Certificate.objects.create(member=d.m2, number="WJ-TAKEN", issued_on=dt.date(2024, 1, 1),
                               valid_until=dt.date(2027, 1, 1), source="import", recorded_at="2024-01-01T00:00Z")
    rows = [
        [d.m1.id_number, "李一", "WJ-TAKEN", "2024-03-01", "2027-03-01"],  # another member's
        [d.m1.id_number, "李一", "WJ-A", "2024-03-01", "2024-03-01"],  # expiry not after issue
        [d.m1.id_number, "李一", "", "2024-03-01", "2027-03-01"],  # no number
        [d.m1.id_number, "李一", "WJ-B", "2024-03-01", "2027-03-01"],
        [d.m2.id_number, "王二", "WJ-B", "2024-03-01", "2027-03-01"],  # duplicate number
    ]
    path = write_xlsx(tmp_path / "c.xlsx", CERTS, rows)
    with pytest.raises(CommandError) as exc:
        run("certificates", str(path))
    text = str(exc.value)
    for cell in ("第2行 [证号]", "第3行 [有效期至]", "第4行 [证号]", "第5行 [证号]", "第6行 [证号]"):
        assert cell in text, cell
    assert Certificate.objects.count() == 1
    assert Member.objects.get(pk=d.m1.pk).cert_number == ""


@pytest.mark.parametrize("kind,headers", [("training", TRAINING), ("certificates", CERTS)])
def test_template_download_on_the_upload_page(client_for, district, kind, headers):
    from openpyxl import load_workbook

    c = client_for(district.bureau_user)
    page = c.get("/imports/").content.decode()
    assert f"/imports/{kind}/template.xlsx" in page
    r = c.get(f"/imports/{kind}/template.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert [cell.value for cell in wb.worksheets[0][1]] == headers
    assert wb.sheetnames[1] == "填写说明"
    assert client_for(district.squadron1).get(f"/imports/{kind}/template.xlsx").status_code == 404
