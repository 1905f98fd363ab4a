"""`auxpost annual-results --year YYYY [--format json|xlsx] [--output FILE] [--policy VERSION]` (SPEC §12)."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from auxpost.assessment.models import AnnualResult, MonthlyScore
from auxpost.assessment.tests.conftest import AT
from auxpost.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def cmd(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("annual-results", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_output_changes_nothing_but_logs_the_export(district):
    d = district
    for m in range(1, 13):
        MonthlyScore.objects.create(member=d.m1, month=dt.date(2025, m, 1), total=90, scored_at=AT)
    audit_before = AuditEntry.objects.count()
    out, _err = cmd("--year", "2025")
    data = json.loads(out)
    assert len(data) == 2
    one = next(x for x in data if x["name"] == "李一")
    assert set(one) == {"id_number", "name", "unit", "year", "composite", "band", "band_label", "rank", "unit_size",
                        "cap_unit", "policy_version", "explanation", "reasons"}
    assert one["composite"] == 56.0 and one["band"] == "fail" and one["band_label"] == "不合格"  # 36 + 0 + 20
    assert one["unit"] == "综合行政执法大队/第一中队/第一小队" and one["cap_unit"] == "综合行政执法大队/第一中队"
    assert one["id_number"] == d.m1.id_number and one["year"] == 2025 and one["policy_version"] == "1"
    assert (one["rank"], one["unit_size"]) == (1, 1) and "缺少集中考核" in one["explanation"]
    assert not AnnualResult.objects.exists()
    # §11 names with ID numbers left the system: one personal-data export entry, nothing else.
    (entry,) = AuditEntry.objects.order_by("pk")[audit_before:]
    assert entry.action == "export" and entry.object_type == "assessment.annualresult"
    assert entry.after["rows"] == 2 and entry.after["year"] == 2025


def test_xlsx_and_json_file_output(district, tmp_path):
    out, _ = cmd("--year", "2025", "--format", "xlsx", "--output", str(tmp_path / "r.xlsx"))
    ws = load_workbook(tmp_path / "r.xlsx").worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == ("身份证号", "姓名", "所属单位", "年度", "综合得分", "考核等次") and len(rows) == 3
    cmd("--year", "2025", "--output", str(tmp_path / "r.json"))
    assert len(json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))) == 2


def test_named_policy_version(district):
    from auxpost.policy.models import PolicyVersion
    from auxpost.policy.rules import default_documents

    docs = default_documents()
    docs["assessment"]["weight_points"] = "0.4"
    docs["assessment"]["weight_skills"] = "0.2"
    PolicyVersion.objects.create(version="2", name="x", effective_from=dt.date(2030, 1, 1), status="published",
                                 created_at=AT, published_at=AT, **docs)
    data = json.loads(cmd("--year", "2025", "--policy", "2")[0])
    assert data[0]["policy_version"] == "2" and data[0]["composite"] == 40.0
    assert json.loads(cmd("--year", "2025")[0])[0]["composite"] == 20.0


@pytest.mark.parametrize("args,message", [
    ((), "--year"),
    (("--year", "abc"), "年度“abc”无效"),
    (("--year", "1800"), "年度“1800”无效"),
    (("--year", "2025", "--policy", "9"), "政策版本“9”不存在"),
    (("--year", "2025", "--format", "csv"), "格式“csv”无效"),
    (("--year", "2025", "--format", "xlsx"), "--output"),
    (("--year", "2025", "--output", "/nonexistent/dir/x.json"), "无法写入"),
])
def test_user_errors(district, args, message):
    with pytest.raises(CommandError) as exc:
        cmd(*args)
    assert message in str(exc.value)


AUXPOST = Path(sys.executable).with_name("auxpost")


def test_console_script_exits_1_with_a_message_no_traceback(tmp_path):
    if not AUXPOST.exists():
        pytest.skip("the auxpost console script is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_NAME")}
    env.update(AUXPOST_VAR_DIR=str(tmp_path), AUXPOST_TESTING="1", PYTHONDONTWRITEBYTECODE="1")
    r = subprocess.run([str(AUXPOST), "annual-results", "--year", "20x5"], env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 1 and "年度“20x5”无效" in r.stderr and "Traceback" not in r.stderr
