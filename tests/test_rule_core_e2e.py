"""Issue 3 acceptance through the §12 commands: a bureau loads history from Excel (roster, annual
results, annual points, 集中考核 scores) and `evaluate` explains every member's outcome — the JSON
exactly as §12 gives it, a missed requirement named with both values; `annual-results` and
`evaluate` change nothing."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from auxpost.assessment.models import AnnualResult
from auxpost.audit.models import AuditEntry
from auxpost.imports.tests.xlsx import roster_row, unique_id_number, write_roster, write_xlsx
from auxpost.points.models import AnnualPoints, PointsEntry

pytestmark = pytest.mark.django_db

KEYS = {"id_number", "name", "unit", "grade", "outcome", "target_grade", "quota_rank", "reasons"}


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def history(district, tmp_path):
    ready, short = unique_id_number(), unique_id_number()
    base = {"学历": "本科", "入职日期": dt.date(2023, 7, 1), "当前等级": "五级", "等级生效日期": dt.date(2024, 1, 1)}
    _run("import", "roster", str(write_roster(tmp_path / "花名册.xlsx", [
        roster_row(姓名="甲晋级", 身份证号=ready, **base),
        roster_row(姓名="乙积分", 身份证号=short, **base),
    ])), "--quiet")
    _run("import", "results", str(write_xlsx(tmp_path / "结果.xlsx", ["身份证号", "姓名", "年度", "综合得分", "考核等次"], [
        [ready, "甲晋级", 2025, 91, "优秀"], [short, "乙积分", 2025, 84, "称职"]])), "--quiet")
    _run("import", "points", str(write_xlsx(tmp_path / "积分.xlsx", ["身份证号", "姓名", "年度", "年度积分"], [
        [ready, "甲晋级", 2025, 95], [short, "乙积分", 2025, 82]])), "--quiet")
    skills_headers = ["身份证号", "姓名", "年度", "批次", "法律法规", "实操技能", "体能", "民主测评", "综合得分"]
    _run("import", "skills", str(write_xlsx(tmp_path / "技能.xlsx", skills_headers, [
        [ready, "甲晋级", 2025, 1, 86, 86, 86, 86, 86], [ready, "甲晋级", 2025, 2, 88, 88, 88, 88, 88],
        [short, "乙积分", 2025, 1, 80, 80, 80, 80, 80], [short, "乙积分", 2025, 2, 80, 80, 80, 80, 80]])), "--quiet")
    return {"ready": ready, "short": short}


def test_evaluate_json_is_the_section_12_format_with_named_reasons(history):
    rows = json.loads(_run("evaluate", "--as-of", "2026-03-01", "--format", "json"))
    assert isinstance(rows, list) and rows
    for row in rows:
        assert set(row) == KEYS
        assert row["grade"] in (1, 2, 3, 4, 5) and row["target_grade"] in (1, 2, 3, 4, 5)
        assert row["outcome"] in ("promote", "keep", "demote", "separation_proposal")
        assert row["quota_rank"] is None or isinstance(row["quota_rank"], int)
        for reason in row["reasons"]:
            assert set(reason) == {"requirement", "required", "actual", "met"}
            assert isinstance(reason["met"], bool)
    by_id = {r["id_number"]: r for r in rows}
    ready, short = by_id[history["ready"]], by_id[history["short"]]
    assert (ready["name"], ready["unit"]) == ("甲晋级", "综合行政执法大队/第一中队/第一小队")
    assert (ready["grade"], ready["outcome"], ready["target_grade"]) == (5, "promote", 4)
    assert all(r["met"] for r in ready["reasons"])
    assert (short["outcome"], short["target_grade"]) == ("keep", 5)
    missed = [r for r in short["reasons"] if not r["met"]]
    assert len(missed) == 1, missed
    assert "年度积分" in missed[0]["requirement"]
    assert "85" in missed[0]["required"] and missed[0]["actual"] == "82"


def test_the_computations_change_nothing_and_log_their_personal_data_export(history):
    counts = (AnnualResult.objects.count(), AnnualPoints.objects.count(), PointsEntry.objects.count())
    audit_before = AuditEntry.objects.count()
    _run("evaluate", "--as-of", "2026-03-01", "--format", "json")
    results = json.loads(_run("annual-results", "--year", "2025", "--format", "json"))
    assert {r["id_number"] for r in results} >= {history["ready"], history["short"]}
    assert counts == (AnnualResult.objects.count(), AnnualPoints.objects.count(), PointsEntry.objects.count())
    # §11: both print names and ID numbers, so each run is logged as a personal-data export.
    exports = list(AuditEntry.objects.order_by("pk")[audit_before:])
    assert [e.action for e in exports] == ["export", "export"]
