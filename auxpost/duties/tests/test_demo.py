"""§4.2 the sample catalogue: three lines, ≥21 duties, ~100+ items, 23 indicators, the patrol categories."""

import pytest

from auxpost.duties.demo import load_sample, sample_duty_rows
from auxpost.duties.models import Duty, PostIndicator, WorkItem, WorkLine
from auxpost.duties.selectors import patrol_categories
from auxpost.duties.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_sample_loads(sample):
    assert sample["duties"] >= 21 and sample["work items"] >= 100 and sample["post indicators"] == 23
    assert set(WorkLine.objects.values_list("name", flat=True)) == {"扬尘", "机动", "市容市貌"}
    names = {d.name for d in patrol_categories()}
    assert {"占道经营", "乱堆乱放", "工地扬尘", "渣土运输", "户外广告"} <= names
    assert PostIndicator.objects.count() == 23
    assert PostIndicator.objects.exclude(scorecard_indicator="").count() >= 20
    for line in WorkLine.objects.all():
        assert line.duties.count() >= 7


def test_sample_reuses_the_demo_work_lines(db):
    dust = WorkLine.objects.create(code="dust", name="扬尘", sort_order=1)
    city = WorkLine.objects.create(code="city", name="市容市貌", sort_order=3)  # matched by name
    load_sample(today=TODAY)
    assert WorkLine.objects.count() == 3
    assert Duty.objects.get(code="YC01").work_line == dust
    assert Duty.objects.get(code="SR01").work_line == city
    assert WorkLine.objects.get(name="机动").code == "mobile"


def test_sample_is_idempotent(sample):
    before = (Duty.objects.count(), WorkItem.objects.count(), PostIndicator.objects.count())
    again = load_sample(today=TODAY)
    assert sum(again.values()) == 0
    assert (Duty.objects.count(), WorkItem.objects.count(), PostIndicator.objects.count()) == before


def test_no_work_item_is_an_enforcement_decision():
    for row in sample_duty_rows():
        text = row[4] + row[5]
        assert "罚款" not in text and "处罚决定" not in text and "扣押" not in text


def test_command(sample, tmp_path):
    from io import BytesIO

    from django.core.management import call_command
    from openpyxl import load_workbook

    call_command("duties", "export", str(tmp_path / "ledger.xlsx"))
    wb = load_workbook(BytesIO((tmp_path / "ledger.xlsx").read_bytes()))
    assert wb.sheetnames == ["岗位分析台账", "岗位分析指标"]
    assert wb.worksheets[0].max_row == 1 + WorkItem.objects.count()
    assert wb.worksheets[1].max_row == 24
    call_command("duties", "sample-xlsx", str(tmp_path / "sample.xlsx"))
    assert (tmp_path / "sample.xlsx").stat().st_size > 1000
    out = __import__("io").StringIO()
    call_command("duties", "load-sample", stdout=out)
    assert "nothing new" in out.getvalue()


def test_cli_import_of_the_sample_file(db, tmp_path):
    """``auxpost duties sample-xlsx`` then ``auxpost import duties``: the documented round trip."""
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "sample.xlsx"
    call_command("duties", "sample-xlsx", str(path))
    out = StringIO()
    call_command("import", "duties", str(path), "--quiet", stdout=out, stderr=StringIO())
    assert WorkItem.objects.count() == len(sample_duty_rows()) and Duty.objects.count() >= 21


def test_cli_import_reports_bad_rows(db, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from auxpost.duties.tests.conftest import DUTY_HEADERS, xlsx

    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(DUTY_HEADERS, [["扬尘", "YC01", "", "YC01-01", "x", "", "", "也许"]]).getvalue())
    err = StringIO()
    with pytest.raises((CommandError, SystemExit)):
        call_command("import", "duties", str(path), "--quiet", stdout=StringIO(), stderr=err)
    assert not Duty.objects.exists()
