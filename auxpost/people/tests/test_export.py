"""§11/§12 roster export: 花名册 columns, masking per role, scope, filters, and an audit entry each time."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from auxpost.audit.models import AuditEntry
from auxpost.duties.models import WorkLine
from auxpost.people.exports import EXPORT_COLUMNS
from auxpost.people.roster_columns import OPTIONAL_COLUMNS, ROSTER_COLUMNS
from auxpost.people.rules import mask_id_number
from auxpost.people.services import member_set_status
from auxpost.testing import make_member

HEADERS = [h for h, _f in ROSTER_COLUMNS] + ["人员状态"]


def read(content_or_path):
    src = io.BytesIO(content_or_path) if isinstance(content_or_path, bytes) else content_or_path
    ws = load_workbook(src).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_columns_are_the_template_plus_status():
    assert EXPORT_COLUMNS == ROSTER_COLUMNS + OPTIONAL_COLUMNS
    assert [h for h, _ in EXPORT_COLUMNS] == HEADERS


@pytest.fixture
def richer(district):
    line = WorkLine.objects.create(name="市容市貌", code="appearance")
    m = make_member(district.sq1_t2, name="张伟", grade=3, education="bachelor", political_status="中共党员",
                    work_start_date=dt.date(2012, 7, 1), cert_number="SC-2024-001",
                    cert_valid_until=dt.date(2027, 6, 30), work_line=line, status="probation")
    member_set_status(actor=None, member=make_member(district.sq1_t1, name="张离"), status="separated",
                      on=dt.date(2025, 1, 1))
    return m


def test_export_page_for_hr_has_full_numbers_and_every_field(district, client_for, richer):
    r = client_for(district.hrco).get(reverse("people:export"))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r["Content-Disposition"]
    header, rows = read(r.content)
    assert list(header) == HEADERS
    by_name = {row["姓名"]: row for row in rows}
    assert set(by_name) == {"李一", "王二", "张伟"}  # separated members are not on the roster
    z = by_name["张伟"]
    assert z["身份证号"] == richer.id_number and isinstance(z["身份证号"], str)
    assert z["手机号"] == "13800001234"
    assert z["学历"] == "本科" and z["政治面貌"] == "中共党员"
    assert z["参加工作日期"].date() == dt.date(2012, 7, 1) and z["入职日期"].date() == dt.date(2020, 3, 1)
    assert z["所属单位"] == "综合行政执法大队/第一中队/第二小队"
    assert z["工作条线"] == "市容市貌" and z["当前等级"] == "三级"
    assert z["等级生效日期"].date() == dt.date(2020, 3, 1)
    assert z["上岗证号"] == "SC-2024-001" and z["上岗证有效期至"].date() == dt.date(2027, 6, 30)
    assert z["人员状态"] == "试用"


def test_export_is_audited_with_row_count_and_filters(district, client_for, richer):
    client_for(district.admin).get(reverse("people:export"), {"unit": district.sq1.pk, "q": "张"})
    e = AuditEntry.objects.get(action="export")
    assert e.actor_name == "admin" and e.object_type == "people.member"
    assert "1 rows" in e.summary and '"q": "张"' in e.summary
    assert e.after == {"rows": 1, "filters": {"q": "张", "unit": district.sq1.pk}, "numbers": "full"}


def test_export_masks_for_roles_without_personal_data(district, client_for):
    _header, rows = read(client_for(district.bianban).get(reverse("people:export")).content)
    m1 = next(r for r in rows if r["姓名"] == "李一")
    assert m1["身份证号"] == mask_id_number(district.m1.id_number) and m1["手机号"] == "138****2222"
    assert AuditEntry.objects.get(action="export").after["numbers"] == "masked"


def test_export_is_scoped_and_filtered_like_the_list(district, client_for, richer):
    c = client_for(district.squadron1)
    for query in ({}, {"status": "all"}, {"unit": district.sq2.pk}, {"q": district.m2.id_number}):
        _header, rows = read(c.get(reverse("people:export"), query).content)
        assert "王二" not in [r["姓名"] for r in rows]
    _header, rows = read(c.get(reverse("people:export"), {"status": "all"}).content)
    assert {r["姓名"] for r in rows} == {"李一", "张伟", "张离"}
    assert next(r for r in rows if r["姓名"] == "张离")["人员状态"] == "离职"
    assert AuditEntry.objects.filter(action="export", actor_name="squadron1").count() == 5


@pytest.mark.parametrize("who", ["member1", "nobody"])
def test_export_refused(district, client_for, who):
    assert client_for(getattr(district, who)).get(reverse("people:export")).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_export_anonymous(district, client_for):
    r = client_for(None).get(reverse("people:export"))
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]


def test_export_command_writes_all_on_roster_in_full(district, richer, tmp_path):
    out = tmp_path / "roster.xlsx"
    call_command("export", "roster", str(out))
    header, rows = read(str(out))
    assert list(header) == HEADERS
    assert {r["姓名"] for r in rows} == {"李一", "王二", "张伟"}
    assert next(r for r in rows if r["姓名"] == "王二")["身份证号"] == district.m2.id_number
    e = AuditEntry.objects.get(action="export")
    assert e.actor_name == "system" and e.actor is None and e.after["rows"] == 3


def test_export_command_bad_path_is_a_command_error(district, tmp_path):
    with pytest.raises(CommandError, match="cannot write"):
        call_command("export", "roster", str(tmp_path / "missing-folder" / "roster.xlsx"))
    with pytest.raises(CommandError, match="cannot write"):
        call_command("export", "roster", str(tmp_path))
    assert not AuditEntry.objects.filter(action="export").exists()


def test_export_command_exit_code_through_the_cli(district, tmp_path, capsys):
    from auxpost.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["export", "roster", str(tmp_path / "nope" / "r.xlsx")])
    assert exc.value.code == 1
    assert "cannot write" in capsys.readouterr().err
