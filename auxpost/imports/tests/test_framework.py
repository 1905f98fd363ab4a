"""The framework on its own: a toy kind plugged in through the registry, templates, error workbooks."""

import io

import pytest
from openpyxl import load_workbook

from auxpost.duties.models import WorkLine
from auxpost.imports import registry
from auxpost.imports.framework import (
    ERROR_HEADER,
    INSTRUCTIONS_SHEET,
    Column,
    CrossCheck,
    ImportAborted,
    ImportContext,
    ImportSpec,
    RowError,
    error_workbook,
    run_import,
    template_workbook,
)
from auxpost.imports.normalise import NormaliseError, clean_text, parse_int
from auxpost.imports.tests.xlsx import write_xlsx
from auxpost.people.roster_columns import OPTIONAL_COLUMNS, REQUIRED_HEADERS, ROSTER_COLUMNS


class WorkLineSpec(ImportSpec):
    """A toy kind: 名称 · 代码 · 排序 → WorkLine; fails on purpose when a name is "BOOM"."""

    kind = "toy_lines"
    title = "toy"
    sheet_title = "条线"
    columns = (Column("名称", True, "name"), Column("代码", True, "code"), Column("排序", False, "order"))

    def validate_row(self, row, ctx):
        errs = []
        name, code = clean_text(row.get("名称")), clean_text(row.get("代码"))
        if not name:
            errs.append(("名称", "此项必填"))
        order = 0
        if not row.blank("排序"):
            try:
                order = parse_int(row.get("排序"), minimum=0)
            except NormaliseError as exc:
                errs.append(("排序", str(exc)))
        return errs or {"name": name, "code": code, "order": order}

    def check_rows(self, rows, cleaned, ctx):
        seen, out = {}, CrossCheck()
        for number, c in cleaned.items():
            if c["code"] in seen:
                out.row_errors.append(RowError(number, "代码", f"与第{seen[c['code']]}行重复"))
            seen.setdefault(c["code"], number)
        return out

    def write(self, items, ctx, tick):
        for i, (_row, c) in enumerate(items, start=1):
            if c["name"] == "BOOM":
                raise ImportAborted("writer refused")
            WorkLine.objects.create(name=c["name"], code=c["code"], sort_order=c["order"])
            tick(i)
        return {"created": len(items)}


@pytest.fixture
def toy():
    spec = registry.register(WorkLineSpec())
    yield spec
    registry._SPECS.pop(spec.kind, None)


def ctx(**kw):
    return ImportContext(source_name="t.xlsx", **kw)


def test_registry_lists_roster_and_takes_new_kinds(toy):
    assert "roster" in registry.kinds() and "toy_lines" in registry.kinds()
    assert registry.get_spec("toy_lines") is toy
    with pytest.raises(ValueError):
        registry.register(type("Other", (ImportSpec,), {"kind": "toy_lines"})())
    with pytest.raises(KeyError):
        registry.get_spec("nonsense")


def test_a_plugged_in_kind_validates_every_row_then_writes(db, toy, tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", ["排序", "名称", "代码", "无关"],
                      [[1, "扬尘", "dust", "x"], ["２", "机动", "mobile", None], [None, "市容", "city", None]])
    calls = []
    report = run_import(toy, str(path), ctx(), progress=lambda *a: calls.append(a))
    assert report.ok and report.written and report.counts == {"created": 3}
    assert WorkLine.objects.get(code="mobile").sort_order == 2
    assert ("validate", 3, 3) in calls and ("write", 3, 3) in calls and ("write", 0, 3) in calls


def test_all_or_nothing_and_cross_row_errors(db, toy, tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", ["名称", "代码", "排序"],
                      [["a", "x", 1], ["", "y", -1], ["c", "x", "z"], ["d", "x", 0]])
    report = run_import(toy, str(path), ctx())
    assert not report.written and WorkLine.objects.count() == 0
    assert [(e.row, e.column) for e in report.errors] == [(3, "名称"), (3, "排序"), (4, "排序"), (5, "代码")]
    assert report.errors[1].reason == "不能小于0" and report.errors[3].reason == "与第2行重复"

    good = run_import(toy, str(path), ctx(only_good=True))
    assert good.written and good.counts == {"created": 1}
    assert [r.number for r in good.bad_rows] == [3, 4, 5]


def test_an_aborting_writer_rolls_everything_back(db, toy, tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", ["名称", "代码"], [["a", "a"], ["b", "b"], ["BOOM", "c"]])
    report = run_import(toy, str(path), ctx())
    assert not report.written and report.file_errors == ["writer refused"] and report.counts == {}
    assert WorkLine.objects.count() == 0


def test_header_matching_ignores_spaces_and_asterisks_and_reports_duplicates(db, toy, tmp_path):
    ok = write_xlsx(tmp_path / "a.xlsx", [" 名 称*", "代码\u3000"], [["a", "a"]])
    assert run_import(toy, str(ok), ctx()).ok
    doubled = write_xlsx(tmp_path / "b.xlsx", ["名称", "代码", "名称"], [["a", "a", "b"]])
    report = run_import(toy, str(doubled), ctx())
    assert "名称" in report.file_errors[0] and "不止一次" in report.file_errors[0]


def test_error_workbook_keeps_the_original_columns_and_adds_the_reasons(db, toy, tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", ["无关", "名称", "代码", "排序"],
                      [["k1", "a", "x", 1], ["k2", "", "y", "bad"], ["k3", "c", "z", 3]])
    report = run_import(toy, str(path), ctx(only_good=True))
    wb = load_workbook(io.BytesIO(error_workbook(toy, report)))
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert rows[0] == ["无关", "名称", "代码", "排序", ERROR_HEADER]
    assert rows[1][:4] == ["k2", None, "y", "bad"]
    assert rows[1][4].splitlines() == ["第3行 [名称] 此项必填", "第3行 [排序] “bad”不是有效的数字"]
    assert len(rows) == 2
    assert wb.sheetnames[1] == INSTRUCTIONS_SHEET


def test_roster_template_has_the_exact_headers_formats_and_instructions():
    spec = registry.get_spec("roster")
    wb = load_workbook(io.BytesIO(template_workbook(spec)))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers == [h for h, _f in ROSTER_COLUMNS] + [h for h, _f in OPTIONAL_COLUMNS]
    assert all(c.font.bold for c in ws[1])
    assert [c.header for c in spec.columns if c.required] == REQUIRED_HEADERS
    assert ws.column_dimensions["B"].number_format == "@"  # 身份证号 as text
    assert ws.column_dimensions["H"].width >= 30  # 所属单位 paths are long
    assert ws.max_row == 1
    assert wb.sheetnames == ["花名册", INSTRUCTIONS_SHEET]
    notes = wb[INSTRUCTIONS_SHEET]
    listed = [r[0] for r in notes.iter_rows(min_row=2, values_only=True)]
    for header in headers:
        assert header in listed
    text = " ".join(str(v) for r in notes.iter_rows(values_only=True) for v in r if v)
    assert "硕士研究生" in text and "综合行政执法大队/第一中队/第一小队" in text and "错误原因" in text


def test_workbook_without_dimension_and_numbered_rows(db, toy, tmp_path):
    """A write-only workbook carries no <dimension>: every row is still read, numbered as in Excel."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["名称", "代码"])
    for i in range(30):
        ws.append([f"n{i}", f"c{i}"] if i != 20 else [None, f"c{i}"])
    wb.save(tmp_path / "w.xlsx")
    report = run_import(toy, str(tmp_path / "w.xlsx"), ctx())
    assert report.total_rows == 30 and [(e.row, e.column) for e in report.errors] == [(22, "名称")]
