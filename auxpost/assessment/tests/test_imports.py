"""§12 imports skills / monthly / results with real .xlsx files, through the `auxpost import` command."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from auxpost.assessment.models import AnnualResult, MonthlyScore, SkillsRound, SkillsScore
from auxpost.assessment.tests.conftest import AT
from auxpost.audit.models import AuditEntry
from auxpost.imports.registry import get_spec
from auxpost.imports.tests.xlsx import read_back, write_xlsx

pytestmark = pytest.mark.django_db

SKILLS = ["身份证号", "姓名", "年度", "批次", "法律法规", "实操技能", "体能", "民主测评", "综合得分"]
MONTHLY = ["身份证号", "姓名", "年月", "得分"]
RESULTS = ["身份证号", "姓名", "年度", "综合得分", "考核等次"]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_kinds_registered_with_spec_headers():
    assert get_spec("skills").headers == SKILLS
    assert get_spec("monthly").headers == MONTHLY
    assert get_spec("results").headers == RESULTS


# --- skills -------------------------------------------------------------------------------------


def test_skills_import_components_composite_and_tolerance(district, tmp_path):
    d = district
    rows = [
        [d.m1.id_number, "李一", 2025, 1, 90, 80, 70, 100, 85.2],  # 85.00 computed: within 0.5
        [d.m2.id_number, "王二", 2025, 1, None, None, None, None, 77.5],  # composite only
        [d.m1.id_number, "李一", 2025, 2, 90, 80, 70, 100, None],
    ]
    path = write_xlsx(tmp_path / "s.xlsx", SKILLS, rows, sheet_title="集中考核成绩")
    out, _err = run("skills", str(path))
    assert "s.xlsx" in out
    rnd = SkillsRound.objects.get(year=2025, batch=1)
    assert rnd.assessor is None and rnd.status == "closed"
    s1 = SkillsScore.objects.get(round=rnd, member=d.m1)
    assert s1.composite == Decimal("85.00") and s1.components["law"] == "90" and s1.source == "imported"
    assert SkillsScore.objects.get(round=rnd, member=d.m2).composite == Decimal("77.5")
    assert SkillsScore.objects.filter(member=d.m1).count() == 2
    assert AuditEntry.objects.filter(object_type="imports.skills", action="import").exists()
    # Re-import replaces (the same round is found).
    path = write_xlsx(tmp_path / "s2.xlsx", SKILLS, [[d.m1.id_number, "李一", 2025, 1, 100, 100, 100, 100, 100]])
    run("skills", str(path))
    assert SkillsRound.objects.filter(year=2025, batch=1).count() == 1
    assert SkillsScore.objects.get(round=rnd, member=d.m1).composite == 100


def test_skills_bad_rows_all_or_nothing_then_only_good_with_errors_workbook(district, tmp_path):
    d = district
    rows = [
        [d.m1.id_number, "李一", 2025, 1, 90, 80, 70, 100, 87],  # 87 vs 85.00
        [d.m2.id_number, "王五", 2025, 1, None, None, None, None, 80],  # wrong name
        [d.m2.id_number, "王二", 2025, 1, 90, None, 70, 100, None],  # missing 实操技能
        [d.m2.id_number, "王二", 2025, 2, None, None, None, None, None],  # nothing
        [d.m2.id_number, "王二", 2025, 3, 101, 50, 50, 50, None],  # out of range
        [d.m1.id_number, "李一", 2025, 2, 90, 80, 70, 100, 85],  # good
    ]
    path = write_xlsx(tmp_path / "s.xlsx", SKILLS, rows)
    with pytest.raises(CommandError) as exc:
        run("skills", str(path))
    text = str(exc.value)
    assert "第2行 [综合得分]" in text and "87" in text and "85.00" in text
    assert "第3行 [姓名]" in text and "第4行 [实操技能]" in text and "第5行 [综合得分]" in text
    assert "第6行 [法律法规]" in text
    assert not SkillsScore.objects.exists()
    errors = tmp_path / "bad.xlsx"
    out, err = run("skills", str(path), "--only-good", "--errors", str(errors))
    assert SkillsScore.objects.count() == 1
    headers, data = read_back(errors)
    assert headers == [*SKILLS, "错误原因"] and len(data) == 5


# --- monthly ------------------------------------------------------------------------------------


def test_monthly_import_formats_and_refusals(district, tmp_path):
    d = district
    MonthlyScore.objects.create(member=d.m2, month=dt.date(2026, 1, 1), total=90, scored_at=AT, source="entered")
    rows = [
        [d.m1.id_number, "李一", "2026-03", 95],
        [d.m1.id_number, "李一", "2026年2月", "88.5分"],
        [d.m2.id_number, "王二", "2026-01", 70],  # already scored in the system
        [d.m2.id_number, "王二", "2026-13", 70],
        [d.m2.id_number, "王二", "2026-02", 120],
        [d.m1.id_number, "李一", "2026-03", 96],  # duplicate of row 2
    ]
    path = write_xlsx(tmp_path / "m.xlsx", MONTHLY, rows, sheet_title="月度考核")
    with pytest.raises(CommandError) as exc:
        run("monthly", str(path))
    text = str(exc.value)
    assert "第4行 [年月]" in text and "第5行 [年月]" in text and "第6行 [得分]" in text
    assert "第2行 [身份证号]" in text and "第7行 [身份证号]" in text
    errors = tmp_path / "bad.xlsx"
    run("monthly", str(path), "--only-good", "--errors", str(errors))
    s = MonthlyScore.objects.get(member=d.m1, month=dt.date(2026, 2, 1))
    assert s.total == Decimal("88.5") and s.source == "imported" and s.scores == {}
    assert MonthlyScore.objects.filter(member=d.m1).count() == 1  # both March rows were refused (duplicate)
    assert len(read_back(errors)[1]) == 5


def test_monthly_import_refuses_confirmed_year(district, tmp_path):
    d = district
    AnnualResult.objects.create(member=d.m1, year=2025, composite=80, band="pass", status="confirmed",
                                computed_at=AT)
    path = write_xlsx(tmp_path / "m.xlsx", MONTHLY, [[d.m1.id_number, "李一", "2025-03", 95]])
    with pytest.raises(CommandError) as exc:
        run("monthly", str(path))
    assert "已确认" in str(exc.value)


# --- results ------------------------------------------------------------------------------------


def test_results_import_synonyms_and_confirmed_refusal(district, tmp_path):
    d = district
    AnnualResult.objects.create(member=d.m2, year=2023, composite=80, band="pass", status="confirmed",
                                computed_at=AT)
    AnnualResult.objects.create(member=d.m1, year=2024, composite=50, band="fail", status="computed",
                                computed_at=AT)
    rows = [
        [d.m1.id_number, "李一", 2024, 86.5, "称职"],
        [d.m2.id_number, "王二", 2024, 55, "不称职"],
        [d.m1.id_number, "李一", 2023, 92, "优秀"],
        [d.m2.id_number, "王二", 2022, 65, "基本称职"],
        [d.m2.id_number, "王二", 2023, 70, "合格"],  # confirmed: refused
        [d.m2.id_number, "王二", 2021, 70, "良好"],  # unknown band
    ]
    path = write_xlsx(tmp_path / "r.xlsx", RESULTS, rows, sheet_title="年度考核结果")
    with pytest.raises(CommandError) as exc:
        run("results", str(path))
    text = str(exc.value)
    assert "第6行 [年度]" in text and "第7行 [考核等次]" in text and "良好" in text
    run("results", str(path), "--only-good")
    got = {(r.member_id, r.year): (r.band, r.status, r.composite) for r in AnnualResult.objects.all()}
    assert got[(d.m1.pk, 2024)] == ("pass", "imported", Decimal("86.50"))
    assert got[(d.m2.pk, 2024)][0] == "fail" and got[(d.m1.pk, 2023)][0] == "excellent"
    assert got[(d.m2.pk, 2022)][0] == "basic"
    assert got[(d.m2.pk, 2023)] == ("pass", "confirmed", Decimal("80.00"))
    assert AuditEntry.objects.filter(object_type="assessment.annualresult").count() == 4


def test_results_bad_id_number(district, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", RESULTS, [["510115199005171231", "李一", 2024, 86.5, "合格"],
                                                   ["110101199003070000", "某人", 2024, 86.5, "合格"]])
    with pytest.raises(CommandError) as exc:
        run("results", str(path))
    assert "第2行 [身份证号]" in str(exc.value) and "第3行 [身份证号]" in str(exc.value)


@pytest.mark.parametrize("kind,headers", [("skills", SKILLS), ("monthly", MONTHLY), ("results", RESULTS)])
def test_template_has_the_spec_headers_and_chinese_notes(kind, headers):
    from auxpost.imports.framework import template_workbook

    data = template_workbook(get_spec(kind))
    got, _rows = read_back(data)
    assert got == headers
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    notes = " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    assert "身份证号" in notes and ("须与" in notes)
