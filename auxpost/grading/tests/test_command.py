"""`auxpost evaluate` (SPEC §12): JSON exactly as specified, xlsx, user errors exit 1 without a traceback."""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from auxpost.assessment.models import AnnualResult
from auxpost.grading.models import BasicRecord
from auxpost.points.models import AnnualPoints

from .conftest import add_points, make_promotable

pytestmark = pytest.mark.django_db
KEYS = {"id_number", "name", "unit", "grade", "outcome", "target_grade", "quota_rank", "reasons"}


def run(*args) -> str:
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_objects_have_exactly_the_specified_keys_and_types(district):
    make_promotable(district.m1)
    before = (AnnualPoints.objects.count(), AnnualResult.objects.count(), BasicRecord.objects.count())
    data = json.loads(run("--as-of", "2026-03-01"))
    assert isinstance(data, list) and len(data) == 2
    for obj in data:
        assert set(obj) == KEYS
        assert isinstance(obj["id_number"], str) and isinstance(obj["name"], str) and isinstance(obj["unit"], str)
        assert isinstance(obj["grade"], int) and 1 <= obj["grade"] <= 5
        assert isinstance(obj["target_grade"], int) and 1 <= obj["target_grade"] <= 5
        assert obj["outcome"] in {"promote", "keep", "demote", "separation_proposal"}
        assert obj["quota_rank"] is None
        assert obj["reasons"]
        for r in obj["reasons"]:
            assert set(r) == {"requirement", "required", "actual", "met"}
            assert isinstance(r["met"], bool)
            assert all(isinstance(r[k], str) for k in ("requirement", "required", "actual"))
    by_name = {o["name"]: o for o in data}
    m1 = by_name["李一"]
    assert m1 == m1 | {"id_number": district.m1.id_number, "unit": "综合行政执法大队/第一中队/第一小队", "grade": 5,
                       "outcome": "promote", "target_grade": 4}
    # Read-only: nothing was written.
    assert (AnnualPoints.objects.count(), AnnualResult.objects.count(), BasicRecord.objects.count()) == before


def test_output_is_utf8_not_escaped(district, tmp_path):
    target = tmp_path / "out.json"
    run("--as-of", "2026-03-01", "--output", str(target))
    text = target.read_bytes().decode("utf-8")
    assert "李一" in text and "\\u" not in text


def test_a_missing_requirement_names_both_values(district):
    make_promotable(district.m1, points=85)
    AnnualPoints.objects.filter(member=district.m1, year=2025).update(total=79)  # 2024–2025 average 82
    data = {o["name"]: o for o in json.loads(run("--as-of", "2026-03-01"))}
    m1 = data["李一"]
    assert m1["outcome"] == "keep"
    (avg,) = [r for r in m1["reasons"] if r["requirement"] == "年度积分（近2年平均）"]
    assert avg == {"requirement": "年度积分（近2年平均）", "required": "2024–2025 平均 ≥85", "actual": "82", "met": False}


def test_policy_option_with_a_second_published_version_changes_the_result(district, policy_v2):
    make_promotable(district.m1, points=90)
    default = {o["name"]: o for o in json.loads(run("--as-of", "2026-03-01"))}
    assert default["李一"]["outcome"] == "promote"
    v2 = {o["name"]: o for o in json.loads(run("--as-of", "2026-03-01", "--policy", "2"))}
    assert v2["李一"]["outcome"] == "keep"
    (avg,) = [r for r in v2["李一"]["reasons"] if r["requirement"] == "年度积分（近2年平均）"]
    assert avg["required"].endswith("≥95") and avg["actual"] == "90" and avg["met"] is False


@pytest.mark.parametrize("args, message", [
    (["--as-of", "2026-02-30"], "不是 YYYY-MM-DD 格式的日期"),
    (["--as-of", "昨天"], "不是 YYYY-MM-DD 格式的日期"),
    (["--as-of", "2026-03-01", "--policy", "99"], "政策版本“99”不存在或尚未发布"),
    (["--as-of", "1990-01-01"], "1990-01-01 没有已发布且生效的政策版本"),
])
def test_user_errors_are_command_errors_in_chinese(district, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_xlsx_has_chinese_headers_and_failed_requirements_first(district, tmp_path):
    make_promotable(district.m1)
    add_points(district.m2, 2025, 55)
    target = tmp_path / "out.xlsx"
    run("--as-of", "2026-03-01", "--format", "xlsx", "--output", str(target))
    ws = load_workbook(target).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:8] == ("身份证号", "姓名", "所属单位", "当前等级", "评定结果", "目标等级", "名额排名", "未满足的条件")
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["李一"][4] == "晋级" and by_name["李一"][5] == "四级"
    wang = by_name["王二"]
    assert wang[4] == "保持"
    assert wang[7].startswith("✗ ") and "年度积分（2025）：55（要求 ≥60）" in wang[7]
    assert wang[8].splitlines()[0].startswith("✗") and wang[8].splitlines()[-1].startswith("✓")


def test_xlsx_to_a_string_stream_asks_for_an_output_file(district):
    with pytest.raises(CommandError, match="--output"):
        run("--as-of", "2026-03-01", "--format", "xlsx")


AUXPOST = Path(__file__).resolve().parents[3] / ".venv" / "bin" / "auxpost"


def test_console_script_exits_1_with_a_message_and_no_traceback(tmp_path):
    env = dict(os.environ, AUXPOST_VAR_DIR=str(tmp_path), AUXPOST_TESTING="1")
    env.pop("DATABASE_URL", None)
    subprocess.run([str(AUXPOST), "migrate", "-v", "0"], env=env, check=True, capture_output=True, timeout=300)
    bad = subprocess.run([str(AUXPOST), "evaluate", "--as-of", "2026-13-01"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and "2026-13-01" in bad.stderr
    missing = subprocess.run([str(AUXPOST), "evaluate"], env=env, capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    ok = subprocess.run([str(AUXPOST), "evaluate", "--as-of", "2026-03-01"], env=env, capture_output=True,
                        text=True, timeout=120)
    assert ok.returncode == 0 and json.loads(ok.stdout) == []


def test_fast_json_writer_matches_json_dumps_byte_for_byte(district):
    """The command's writer is a faster ``json.dumps(as_json())``: same text for real outcomes, for a
    quota rank and for strings that need escaping."""
    import datetime as dt

    from auxpost.grading import rules
    from auxpost.grading.management.commands.evaluate import member_json
    from auxpost.grading.selectors import MemberOutcome, outcomes_compute

    make_promotable(district.m1)
    odd = MemberOutcome(
        member_id=1, id_number='51"0\\1', name="李\n一\t", unit="大队/\u2028中队", unit_id=1, grade=2,
        grade_effective_date=dt.date(2020, 1, 1),
        outcome=rules.Outcome(outcome=rules.PROMOTE, grade=2, target_grade=1, quota_rank=3, policy_version="1",
                              decided_by="区委编办",
                              reasons=(rules.Reason('名额"', "≤10人", "名额内（排名第3）", True),
                                       rules.Reason("x", "y\\", "", False))))
    outcomes = [*outcomes_compute(as_of=dt.date(2026, 3, 1)), odd]
    memo: dict = {}
    for m in outcomes:
        assert member_json(m, memo) == json.dumps(m.as_json(), ensure_ascii=False)
    assert memo  # requirement texts were reused across members
