"""§9 the pay sheet against the hand-built district of conftest: every row, the sums by grade and
result, the .xlsx read back with openpyxl, the policy version switch, the command, the query count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from auxpost.audit.models import AuditEntry
from auxpost.incentives.rules import REASON_NO_GRADE, REASON_NO_RESULT, incentives_to_dict
from auxpost.incentives.selectors import check_period, incentives_policy, paysheet_compute
from auxpost.incentives.services import SHEET1_HEADERS, SHEET2_HEADERS, paysheet_workbook
from auxpost.people.models import Member
from auxpost.policy.models import PolicyVersion
from auxpost.policy.rules import DEFAULT_BUNDLE
from auxpost.policy.services import (
    policy_version_create_draft,
    policy_version_publish,
    policy_version_update_draft,
)
from auxpost.testing import make_member

from .conftest import EXPECTED_ROWS, EXPECTED_SUMMARY, EXPECTED_TOTAL, YEAR, promote, result

D = Decimal


def money(v) -> Decimal:
    return D(str(v)).quantize(D("0.01"))


def test_every_row_is_right(pay):
    sheet = paysheet_compute(year=YEAR)
    rows = {r.name: r for r in sheet.rows}
    assert set(rows) == set(EXPECTED_ROWS)  # 己 (hired 2026) and 庚 (separated 2024) are not on it
    for name, (grade, band, months, allowance, bonus) in EXPECTED_ROWS.items():
        r = rows[name]
        assert (r.grade_label, r.band_label) == (grade, band), name
        assert list(r.months) == months, name
        assert (r.allowance_total, r.bonus) == (allowance, bonus), name
        assert r.total == allowance + (bonus or 0), name
    assert rows["丙"].remarks == (f"无年终奖金：{REASON_NO_GRADE}", "2025-09-11离职")
    assert rows["丁"].remarks == (f"无年终奖金：{REASON_NO_RESULT}",)
    assert rows["戊"].remarks == ("2025-05-20入职",)
    assert rows["李一"].id_number == pay.d.m1.id_number and rows["李一"].unit == "综合行政执法大队/第一中队/第一小队"


def test_sums_by_grade_and_result(pay):
    sheet = paysheet_compute(year=YEAR)
    got = [(s.grade_label, s.band_label, s.count, s.allowance_total, s.bonus_total) for s in sheet.summary]
    assert got == EXPECTED_SUMMARY
    assert (sheet.total.count, sheet.total.allowance_total, sheet.total.bonus_total) == EXPECTED_TOTAL
    assert sheet.versions_text() == "1–12月：1；年终奖金：1"


def test_up_to_a_month(pay):
    sheet = paysheet_compute(year=YEAR, last_month=7)
    rows = {r.name: r for r in sheet.rows}
    assert rows["甲"].months[6] == D("309.68") and rows["甲"].months[7:] == (None,) * 5
    assert rows["甲"].allowance_total == D("1509.68") and rows["甲"].bonus is None
    assert rows["甲"].grade == 3  # held on 31 July
    assert sheet.total.bonus_total == 0


def test_xlsx_read_back(pay, tmp_path):
    sheet = paysheet_compute(year=YEAR)
    path = tmp_path / "pay.xlsx"
    assert paysheet_workbook(sheet, path) == 7
    wb = load_workbook(path)
    ws1, ws2 = wb["工资表"], wb["按等级和等次汇总"]
    rows = list(ws1.iter_rows(values_only=True))
    assert list(rows[0]) == SHEET1_HEADERS
    assert SHEET1_HEADERS[:5] == ["姓名", "身份证号", "单位", "年末等级", "考核等次"]
    assert SHEET1_HEADERS[5:17] == [f"{m}月" for m in range(1, 13)]
    assert SHEET1_HEADERS[17:] == ["津贴合计", "年终奖金", "应发合计", "备注"]
    body, total = rows[1:-1], rows[-1]
    by_name = {r[0]: r for r in body}
    assert set(by_name) == set(EXPECTED_ROWS)
    for name, (grade, band, months, allowance, bonus) in EXPECTED_ROWS.items():
        r = by_name[name]
        assert (r[3], r[4]) == (grade, band)
        assert [money(v) for v in r[5:17]] == months
        assert money(r[17]) == allowance
        assert (None if r[18] is None else money(r[18])) == bonus
        assert money(r[19]) == allowance + (bonus or 0)
    assert by_name["李一"][1] == pay.d.m1.id_number  # full ID number, as text
    assert "无年度考核结果" in by_name["丁"][20]
    assert total[0] == "合计"
    assert money(total[17]) == EXPECTED_TOTAL[1] and money(total[18]) == EXPECTED_TOTAL[2]
    assert money(total[19]) == EXPECTED_TOTAL[1] + EXPECTED_TOTAL[2]
    for col in range(5, 17):
        assert money(total[col]) == sum((money(r[col]) for r in body), D(0))
    # sheet 2: the same numbers grouped
    rows2 = list(ws2.iter_rows(values_only=True))
    assert list(rows2[0]) == SHEET2_HEADERS == ["年末等级", "考核等次", "人数", "津贴合计", "奖金合计"]
    assert [(r[0], r[1], r[2], money(r[3]), money(r[4])) for r in rows2[1:-1]] == EXPECTED_SUMMARY
    assert (rows2[-1][0], rows2[-1][2], money(rows2[-1][3]), money(rows2[-1][4])) == ("合计", *EXPECTED_TOTAL)
    for g in rows2[1:-1]:
        mine = [r for r in body if (r[3], r[4]) == (g[0], g[1])]
        assert g[2] == len(mine)
        assert money(g[3]) == sum((money(r[17]) for r in mine), D(0))
        assert money(g[4]) == sum((money(r[18] or 0) for r in mine), D(0))


def _publish_v2(district, effective: dt.date, **changes) -> PolicyVersion:
    v1 = PolicyVersion.objects.get(version="1")
    at = dt.datetime(effective.year, 1, 1, 4, tzinfo=dt.UTC)
    pv = policy_version_create_draft(based_on=v1, version="2", name="新政策", effective_from=effective,
                                     by=district.bianban, at=at)
    doc = incentives_to_dict(DEFAULT_BUNDLE.incentives)
    for name, value in changes.items():
        if isinstance(value, dict):
            doc[name].update(value)
        else:
            doc[name] = value
    policy_version_update_draft(pv=pv, incentives=doc, by=district.bianban, at=at)
    return policy_version_publish(pv=pv, by=district.bianban, at=at)


def test_policy_version_switch(pay):
    """A version in force from 1 July prices July on (in force on the month's first day) and the bonus
    (in force on 31 December); months before keep version 1."""
    _publish_v2(pay.d, dt.date(2025, 7, 1), monthly_allowance={"4": "300", "3": "500"}, bonus_base="7000")
    sheet = paysheet_compute(year=YEAR)
    a = next(r for r in sheet.rows if r.name == "甲")
    # July: (300×14 + 500×17)/31 = 12700/31 = 409.677… → 409.68
    assert list(a.months) == [D("200.00")] * 6 + [D("409.68")] + [D("500.00")] * 5
    assert a.allowance_total == D("4109.68") and a.bonus == D("10080.00")  # 7000 × 1.2 × 1.2
    assert sheet.month_versions == {**dict.fromkeys(range(1, 7), "1"), **dict.fromkeys(range(7, 13), "2")}
    assert sheet.versions_text() == "1–6月：1；7–12月：2；年终奖金：2"
    assert incentives_policy(PolicyVersion.objects.get(version="2")).allowance(4) == D("300")
    assert incentives_policy(DEFAULT_BUNDLE).allowance(4) == D("200")


def test_a_version_from_mid_month_applies_from_the_next_month(pay):
    _publish_v2(pay.d, dt.date(2025, 7, 15), monthly_allowance={"4": "300"})
    sheet = paysheet_compute(year=YEAR)
    assert sheet.month_versions[7] == "1" and sheet.month_versions[8] == "2"
    d = next(r for r in sheet.rows if r.name == "丁")
    assert d.months[6] == D("200.00") and d.months[7] == D("300.00")


def test_query_count_does_not_grow_with_members(pay):
    with CaptureQueriesContext(connection) as small:
        paysheet_compute(year=YEAR)
    for i in range(6):
        m = make_member(pay.d.sq2_t1, name=f"新{i}", grade=4, hire_date=dt.date(2022, 1, 1))
        promote(m, 3, dt.date(2025, 4, 1))
        result(m, "pass")
    with CaptureQueriesContext(connection) as large:
        sheet = paysheet_compute(year=YEAR)
    assert len(sheet.rows) == 13
    assert len(large.captured_queries) == len(small.captured_queries) <= 6


def test_scoped_to_the_members_given(pay):
    sheet = paysheet_compute(year=YEAR, members=Member.objects.filter(pk=pay.a.pk))
    assert [r.name for r in sheet.rows] == ["甲"] and sheet.total.count == 1


@pytest.mark.parametrize("year, month, words", [
    ("20x5", None, "年度"), ("1999", None, "2000"), (str(dt.date.today().year + 1), None, "年度"),
    ("2025", "13", "月份"), ("2025", "x", "月份"),
])
def test_bad_periods_name_the_field(year, month, words):
    from auxpost.incentives.selectors import PeriodError

    with pytest.raises(PeriodError) as exc:
        check_period(year, month, today=dt.date.today())
    assert words in str(exc.value)


def test_command_writes_the_sheet_and_logs_the_export(pay, tmp_path, capsys):
    out = tmp_path / "pay.xlsx"
    call_command("paysheet", "--year", "2025", "--output", str(out))
    assert "7 人" in capsys.readouterr().out
    wb = load_workbook(out)
    assert wb.sheetnames == ["工资表", "按等级和等次汇总", "说明"]
    entry = AuditEntry.objects.filter(action="export", object_type="incentives.paysheet").get()
    assert entry.actor_id is None and entry.after["rows"] == 7 and entry.after["year"] == 2025


def test_command_up_to_a_month(pay, tmp_path):
    out = tmp_path / "pay.xlsx"
    call_command("paysheet", "--year", "2025", "--month", "3", "--output", str(out))
    body = list(load_workbook(out)["工资表"].iter_rows(values_only=True))[1:-1]
    b = next(r for r in body if r[0] == "乙")
    assert [money(v) for v in b[5:8]] == [D("400.00"), D("400.00"), D("700.00")] and b[8] is None
    assert b[18] is None and "全年工资表" in b[20]


@pytest.mark.parametrize("args, words", [
    ([], "--year"),
    (["--year", "2025"], "--output"),
    (["--year", "abc", "--output", "x.xlsx"], "年度"),
    (["--year", "2025", "--month", "0", "--output", "x.xlsx"], "月份"),
])
def test_command_user_errors_are_chinese(db, tmp_path, args, words):
    args = [a.replace("x.xlsx", str(tmp_path / "x.xlsx")) for a in args]
    with pytest.raises(CommandError) as exc:
        call_command("paysheet", *args)
    assert words in str(exc.value)
    assert not AuditEntry.objects.filter(action="export").exists()


def test_command_unwritable_file_exits_1_without_traceback(db, tmp_path, capsys):
    from auxpost.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["paysheet", "--year", "2025", "--output", str(tmp_path / "nope" / "p.xlsx")])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "无法写入文件" in err and "Traceback" not in err


def test_command_without_a_policy_in_force(db, tmp_path):
    PolicyVersion.objects.filter(version="1").update(effective_from=dt.date(2030, 1, 1))
    from auxpost.policy.selectors import clear_cache

    clear_cache()
    with pytest.raises(CommandError) as exc:
        call_command("paysheet", "--year", "2025", "--output", str(tmp_path / "p.xlsx"))
    assert "没有已发布的政策版本" in str(exc.value) or "2025-01-01" in str(exc.value)
