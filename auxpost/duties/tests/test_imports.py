"""§4.2/§12 the duties and post_indicators imports: real .xlsx, every bad row reported, nothing written unless
all good, upsert by code, audited."""

import pytest

from auxpost.audit.models import AuditEntry
from auxpost.duties.imports import DutiesImportSpec, PostIndicatorsImportSpec
from auxpost.duties.models import Duty, PostIndicator, WorkItem, WorkLine
from auxpost.duties.tests.conftest import import_duties, import_indicators
from auxpost.imports import registry
from auxpost.imports.framework import template_workbook

pytestmark = pytest.mark.django_db

GOOD = [
    ["市容市貌", "SR01", "占道经营", "SR01-01", "流动摊贩劝离", "劝导其离开", "每日", "是"],
    ["市容市貌", "SR01", "占道经营", "SR01-02", "占道经营问题上报", "劝导无效的拍照上报", "随时", "是"],
    ["扬尘", "YC01", "工地扬尘", "YC01-01", "施工围挡检查", "围挡连续封闭", "每日", "是"],
    ["机动", "JD01", "应急处置", None, None, None, None, None],
]


@pytest.fixture
def lines(db):
    return [WorkLine.objects.create(code="dust", name="扬尘", sort_order=1),
            WorkLine.objects.create(code="mobile", name="机动", sort_order=2)]


def test_kinds_registered():
    assert {"duties", "post_indicators"} <= set(registry.kinds())


def test_good_file_is_written_and_audited(district, lines):
    report = import_duties(GOOD, actor=district.bureau_user)
    assert report.ok and report.written, report.lines() + report.file_errors
    assert report.counts == {"lines": 1, "duties_created": 3, "duties_updated": 0, "items_created": 3,
                             "items_updated": 0, "unchanged": 0}
    city = WorkLine.objects.get(name="市容市貌")
    sr01 = Duty.objects.get(code="SR01")
    assert sr01.work_line == city and sr01.patrol_category and sr01.items.count() == 2
    assert not Duty.objects.get(code="JD01").patrol_category
    assert Duty.objects.get(code="JD01").items.count() == 0
    assert WorkItem.objects.get(code="SR01-02").frequency == "随时"
    assert AuditEntry.objects.filter(action="import", object_type="duties.duty").count() == 3
    assert AuditEntry.objects.filter(action="import", object_type="duties.workitem").count() == 3
    assert AuditEntry.objects.filter(action="import", object_type="duties.workline").count() == 1
    assert AuditEntry.objects.filter(action="import").first().actor_id == district.bureau_user.pk


def test_reimport_updates_and_counts_unchanged(lines):
    import_duties(GOOD)
    rows = [r[:] for r in GOOD]
    rows[0][5] = "劝导其离开或进入疏导点"
    rows[2][7] = "否"
    report = import_duties(rows)
    assert report.written
    assert report.counts["items_updated"] == 1 and report.counts["duties_updated"] == 1
    assert WorkItem.objects.get(code="SR01-01").standard == "劝导其离开或进入疏导点"
    assert not Duty.objects.get(code="YC01").patrol_category
    assert import_duties(rows).counts["unchanged"] == 6


def test_every_bad_row_reported_and_nothing_written(lines):
    rows = GOOD + [
        ["", "SR09", "", "SR09-01", "x", "", "", ""],                         # 条线, 职责 empty
        ["扬尘", "bad code!", "道路扬尘", "YC03-01", "道路积尘巡查", "", "", "也许"],  # code, 巡查类别
        ["扬尘", "YC04", "露天焚烧", "YC04-01", "", "", "", ""],                # item name missing
        ["扬尘", "YC05", "拆迁", "SR01-01", "重复事项", "", "", ""],             # item code twice
        ["机动", "SR01", "占道经营", "SR01-03", "x", "", "", "是"],             # duty under another line
        ["扬尘", "YC06", "工地扬尘", "YC06-01", "y", "", "", "是"],             # name twice in a line
    ]
    report = import_duties(rows)
    assert not report.written and not report.ok
    found = {(e.row, e.column) for e in report.errors}
    assert {(6, "条线"), (6, "职责"), (7, "职责代码"), (7, "巡查类别"), (8, "工作事项"), (9, "事项代码"),
            (10, "条线"), (11, "职责"), (4, "职责")} <= found, report.lines()
    assert any("第9行 [事项代码]" in line for line in report.lines())
    assert not Duty.objects.exists() and not WorkItem.objects.exists()
    assert WorkLine.objects.count() == 2
    assert not AuditEntry.objects.filter(action="import").exists()


def test_rows_of_one_duty_must_agree(lines):
    rows = [GOOD[0], ["市容市貌", "SR01", "占道经营整治", "SR01-02", "x", "", "", "否"]]
    report = import_duties(rows)
    assert {(2, "职责"), (2, "巡查类别")} <= {(e.row, e.column) for e in report.errors} or \
        {(3, "职责"), (3, "巡查类别")} <= {(e.row, e.column) for e in report.errors}


def test_name_clash_with_a_stored_duty(lines):
    Duty.objects.create(work_line=lines[0], code="OLD", name="工地扬尘")
    report = import_duties([GOOD[2]])
    assert not report.written and report.errors[0].column == "职责" and "OLD" in report.errors[0].reason


def test_missing_header_is_a_file_error(lines):
    report = import_duties([["扬尘", "YC01"]], headers=["条线", "职责代码"])
    assert report.file_errors and "职责" in report.file_errors[0]


def test_templates_download(lines):
    for spec in (DutiesImportSpec(), PostIndicatorsImportSpec()):
        from io import BytesIO

        from openpyxl import load_workbook

        wb = load_workbook(BytesIO(template_workbook(spec)))
        assert [c.value for c in wb.worksheets[0][1]] == spec.headers


def test_indicators_import(district):
    rows = [["ZB01", "出勤率", "工作纪律", "出勤比例", "出勤"], ["ZB02", "巡查覆盖率", "履职能力", "", "duty_performance"],
            ["ZB03", "培训学时完成率", "基本素质", "", None]]
    report = import_indicators(rows, actor=district.bureau_user)
    assert report.written, report.lines()
    assert [(i.code, i.scorecard_indicator) for i in PostIndicator.objects.all()] == [
        ("ZB01", "attendance"), ("ZB02", "duty_performance"), ("ZB03", "")]
    assert AuditEntry.objects.filter(object_type="duties.postindicator").count() == 3
    rows[0][1] = "出勤率（月）"
    assert import_indicators(rows).counts == {"indicators_created": 0, "indicators_updated": 1, "unchanged": 2}


def test_indicators_bad_rows(db):
    report = import_indicators([["ZB01", "出勤率", "工作纪律", "", "加班"], ["ZB01", "", "", "", ""],
                                ["Z!B", "x", "y", "", ""]])
    assert not report.written
    found = {(e.row, e.column) for e in report.errors}
    assert {(2, "对应月度考核指标"), (3, "指标名称"), (3, "指标类别"), (4, "指标代码")} <= found
    assert "出勤" in next(e.reason for e in report.errors if e.row == 2)
    assert not PostIndicator.objects.exists()
