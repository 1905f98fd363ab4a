"""§12 年度积分 import: real .xlsx files, all-or-nothing, --only-good with the errors workbook, re-import."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from auxpost.audit.models import AuditEntry
from auxpost.imports.framework import ImportContext, error_workbook, run_import, template_workbook
from auxpost.imports.registry import get_spec
from auxpost.imports.tests.xlsx import read_back, write_xlsx
from auxpost.points.models import AnnualPoints

from .conftest import AT

HEADERS = ["身份证号", "姓名", "年度", "年度积分"]


def cmd(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run(path, **kw):
    spec = get_spec("points")
    return run_import(spec, path, ImportContext(at=AT, today=AT.date(), source_name=path.name, **kw))


def test_template_has_the_spec_headers():
    headers, rows = read_back(template_workbook(get_spec("points")))
    assert headers == HEADERS and rows == []


def test_good_file_imports_and_audits(district, tmp_path):
    m1, m2 = district.m1, district.m2
    path = write_xlsx(tmp_path / "p.xlsx", HEADERS, [[m1.id_number, "李一", 2024, 105],
                                                     [m2.id_number, "王二", "2023年", "98.5"]], sheet_title="年度积分")
    out, _err = cmd("points", str(path))
    assert "2" in out
    a = AnnualPoints.objects.get(member=m1, year=2024)
    assert (a.total, a.source) == (Decimal("105.00"), "imported")
    assert AnnualPoints.objects.get(member=m2, year=2023).total == Decimal("98.5")
    assert AuditEntry.objects.filter(action="import", object_type="points.annualpoints").count() == 2


def test_bad_rows_are_all_reported_and_nothing_written(district, tmp_path):
    m1, m2 = district.m1, district.m2
    rows = [
        [m1.id_number, "李一", 2024, 105],                 # good
        [m2.id_number, "张冠", 2024, 100],                 # name mismatch
        ["510115199001011234", "某人", 2024, 100],        # bad check digit / not on roster
        [m1.id_number, "李一", 2030, 100],                 # future
        [m2.id_number, "王二", 2023, 1001],                # out of range
        [m2.id_number, "王二", 2022, "很多"],              # not a number
    ]
    path = write_xlsx(tmp_path / "p.xlsx", HEADERS, rows)
    with pytest.raises(CommandError) as exc:
        cmd("points", str(path))
    text = str(exc.value)
    for n in (3, 4, 5, 6, 7):
        assert f"第{n}行" in text
    assert "第2行" not in text
    assert "[姓名]" in text and "[年度]" in text and "[年度积分]" in text and "[身份证号]" in text
    assert not AnnualPoints.objects.exists()


def test_only_good_writes_good_rows_and_returns_the_bad_ones(district, tmp_path):
    m1, m2 = district.m1, district.m2
    path = write_xlsx(tmp_path / "p.xlsx", HEADERS, [[m1.id_number, "李一", 2024, 105],
                                                     [m2.id_number, "王二", 2024, -3]])
    errors = tmp_path / "errors.xlsx"
    out, err = cmd("points", str(path), "--only-good", "--errors", str(errors))
    assert AnnualPoints.objects.filter(member=m1, year=2024).exists()
    assert not AnnualPoints.objects.filter(member=m2).exists()
    assert "第3行" in err
    headers, rows = read_back(errors)
    assert headers == [*HEADERS, "错误原因"]
    assert len(rows) == 1 and rows[0][1] == "王二" and "年度积分" in rows[0][4]


def test_reimport_updates_the_imported_value_with_audit(district, tmp_path):
    m1 = district.m1
    path = write_xlsx(tmp_path / "p.xlsx", HEADERS, [[m1.id_number, "李一", 2024, 105]])
    cmd("points", str(path))
    path = write_xlsx(tmp_path / "p2.xlsx", HEADERS, [[m1.id_number, "李一", 2024, 110]])
    report = run(path)
    assert report.written and report.counts == {"created": 0, "updated": 1, "unchanged": 0}
    row = AnnualPoints.objects.get(member=m1, year=2024)
    assert row.total == 110
    link = AuditEntry.objects.filter(object_id=str(row.pk)).latest("seq")
    assert Decimal(link.before["total"]) == 105 and Decimal(link.after["total"]) == 110


def test_settled_year_and_ledger_year_are_refused(district, tmp_path, record):
    m1, m2 = district.m1, district.m2
    AnnualPoints.objects.create(member=m1, year=2025, total=100, source="settled", recorded_at=AT)
    record(m2, "commendation_city", date=dt.date(2026, 2, 1), by=district.squadron2)
    path = write_xlsx(tmp_path / "p.xlsx", HEADERS, [[m1.id_number, "李一", 2025, 90],
                                                     [m2.id_number, "王二", 2026, 90]])
    report = run(path)
    assert not report.written
    reasons = {e.row: e.reason for e in report.errors}
    assert "台账" in reasons[2] and "台账" in reasons[3]
    assert AnnualPoints.objects.get(member=m1, year=2025).total == 100


def test_duplicate_member_year_in_one_file(district, tmp_path):
    m1 = district.m1
    path = write_xlsx(tmp_path / "p.xlsx", HEADERS, [[m1.id_number, "李一", 2024, 105],
                                                     [m1.id_number, "李一", 2024, 100]])
    report = run(path)
    assert {e.row for e in report.errors} == {2, 3}
    assert error_workbook(get_spec("points"), report)


def test_template_download_from_the_upload_page(district, client_for):
    r = client_for(district.bureau_user).get("/imports/points/template.xlsx")
    assert r.status_code == 200
    headers, _rows = read_back(b"".join(r.streaming_content) if r.streaming else r.content)
    assert headers == HEADERS
