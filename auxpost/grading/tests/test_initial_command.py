"""`auxpost evaluate --initial` (§8.4a 首次定级, SPEC §12 JSON shape): members without a grade included."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from auxpost.audit.models import AuditEntry
from auxpost.grading.management.commands.evaluate import member_json
from auxpost.grading.selectors import initial_outcomes_compute
from auxpost.testing import make_member

from .conftest import AS_OF, add_points, add_result, add_skills

pytestmark = pytest.mark.django_db
KEYS = {"id_number", "name", "unit", "grade", "outcome", "target_grade", "quota_rank", "reasons"}


def run(*args) -> str:
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def supported_to_four(member):
    for y in (2024, 2025):
        add_points(member, y, 90)
        add_result(member, y, "pass", 80)
    add_skills(member, 2025, 75)


def test_initial_json_has_the_specified_shape_and_grades_the_ungraded(district):
    new = make_member(district.sq1_t2, name="未定级", grade=None, hire_date=dt.date(2025, 6, 1))
    supported_to_four(district.m1)  # hired 2020-03-01 (五级 imported): 四级 by record
    data = {o["name"]: o for o in json.loads(run("--as-of", "2026-03-01", "--initial"))}
    assert set(data) == {"李一", "王二", "未定级"}
    for obj in data.values():
        assert set(obj) == KEYS and obj["outcome"] == "initial" and obj["quota_rank"] is None
        assert 1 <= obj["target_grade"] <= 5 and obj["reasons"]
        assert all(set(r) == {"requirement", "required", "actual", "met"} for r in obj["reasons"])
    assert data["李一"] | {"reasons": []} == {
        "id_number": district.m1.id_number, "name": "李一", "unit": "综合行政执法大队/第一中队/第一小队",
        "grade": 5, "outcome": "initial", "target_grade": 4, "quota_rank": None, "reasons": []}
    assert (data["未定级"]["grade"], data["未定级"]["target_grade"]) == (None, 5)
    assert data["未定级"]["id_number"] == new.id_number
    service = [r for r in data["未定级"]["reasons"] if r["requirement"] == "四级·累计任职年限（自入职）"]
    assert service == [{"requirement": "四级·累计任职年限（自入职）", "required": "≥2年（逐级累计：五级2年）",
                        "actual": "9个月（入职 2025-06-01）", "met": False}]
    # Without --initial: the annual outcomes, members with a grade only.
    annual = json.loads(run("--as-of", "2026-03-01"))
    assert {o["name"] for o in annual} == {"李一", "王二"} and all(o["outcome"] != "initial" for o in annual)


def test_initial_run_is_logged_as_an_export(district):
    run("--as-of", "2026-03-01", "--initial")
    entry = AuditEntry.objects.filter(action="export", object_type="grading.outcome").latest("pk")
    assert "--initial" in entry.summary and entry.object_repr == "首次定级测算 2026-03-01"
    assert entry.after["initial"] is True and entry.after["rows"] == 2


def test_initial_xlsx_labels_the_ungraded(district, tmp_path):
    make_member(district.sq1_t2, name="未定级", grade=None)
    target = tmp_path / "initial.xlsx"
    run("--as-of", "2026-03-01", "--initial", "--format", "xlsx", "--output", str(target))
    rows = {r[1]: r for r in list(load_workbook(target).active.iter_rows(values_only=True))[1:]}
    assert rows["未定级"][3:6] == ("未定级", "首次定级", "五级")
    assert rows["李一"][3:6] == ("五级", "首次定级", "五级")


def test_fast_json_writer_matches_json_dumps_for_a_member_without_a_grade(district):
    make_member(district.sq1_t2, name="未定级", grade=None)
    supported_to_four(district.m1)
    memo: dict = {}
    outcomes = initial_outcomes_compute(as_of=AS_OF)
    assert any(m.outcome.grade is None for m in outcomes)
    for m in outcomes:
        assert member_json(m, memo) == json.dumps(m.as_json(), ensure_ascii=False)
