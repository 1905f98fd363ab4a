"""The 花名册 import: validation of every kind of bad value, all-or-nothing, only-good, updates, quota."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from auxpost.audit.models import AuditEntry
from auxpost.imports.framework import ERROR_HEADER, error_workbook
from auxpost.imports.registry import get_spec
from auxpost.imports.services import import_run
from auxpost.imports.tests.xlsx import ROSTER_HEADERS, read_back, roster_row, write_roster, write_xlsx
from auxpost.org.services import unit_set_quota
from auxpost.people.models import GradeHistory, Member, MemberStatus
from auxpost.testing import make_id_number, make_member

AT = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
T1 = "综合行政执法大队/第一中队/第一小队"
T2 = "综合行政执法大队/第二中队/第一小队"


def run(path, *, only_good=False, actor=None):
    return import_run(kind="roster", source=str(path), actor=actor, only_good=only_good, at=AT)


def errors_of(report):
    return [(e.row, e.column, e.reason) for e in report.errors]


@pytest.fixture
def no_quotas(district):
    from auxpost.org.models import Unit

    Unit.objects.update(quota=None)


def snapshot():
    return Member.objects.count(), GradeHistory.objects.count(), AuditEntry.objects.count()


# --------------------------------------------------------------------------------- good imports

def test_good_rows_create_members_with_derived_sex_birth_and_grade_history(district, lines, tmp_path):
    woman = make_id_number(dt.date(1995, 12, 31), male=False)
    path = write_roster(tmp_path / "r.xlsx", [
        roster_row(姓名="赵六", 身份证号=make_id_number(dt.date(1992, 3, 4)), 工作条线="扬尘", 上岗证号="WJ-001", 上岗证有效期至=dt.date(2027, 1, 1)),
        roster_row(姓名="孙七", 身份证号=woman.lower(), 所属单位=T2, 当前等级=4, 等级生效日期="2022.3.1",
                   入职日期="2018年3月1日", 学历="研究生"),
    ])
    before = snapshot()
    report = run(path, actor=district.bureau_user)
    assert report.ok and report.written, report.lines()
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0}
    zhao = Member.objects.get(name="赵六")
    assert zhao.unit == district.sq1_t1 and zhao.work_line == lines["扬尘"]
    assert zhao.sex == "M" and zhao.birth_date == dt.date(1992, 3, 4)
    assert zhao.grade == 5 and zhao.grade_effective_date == dt.date(2019, 7, 1)  # defaults to 入职日期
    assert zhao.status == MemberStatus.ACTIVE and zhao.cert_number == "WJ-001"
    sun = Member.objects.get(name="孙七")
    assert sun.id_number == woman.upper() and sun.sex == "F" and sun.birth_date == dt.date(1995, 12, 31)
    assert sun.education == "master" and sun.grade == 4 and sun.grade_effective_date == dt.date(2022, 3, 1)
    assert sun.hire_date == dt.date(2018, 3, 1) and sun.unit == district.sq2_t1
    history = GradeHistory.objects.get(member=sun)
    assert (history.grade, history.effective_date, history.source) == (4, dt.date(2022, 3, 1), "import")
    assert history.recorded_by == district.bureau_user
    members, grades, audits = snapshot()
    assert (members - before[0], grades - before[1]) == (2, 2)
    # one link per created member, plus one for the import as a whole
    assert audits - before[2] == 3
    links = list(AuditEntry.objects.order_by("-seq")[:3])
    assert links[0].action == "import" and links[0].after["created"] == 2
    assert {e.object_id for e in links[1:]} == {str(zhao.pk), str(sun.pk)}
    assert all(e.action == "create" and e.actor_name == "bureau" for e in links[1:])


def test_full_width_digits_stray_spaces_and_text_dates_are_normalised(district, tmp_path):
    idn = make_id_number(dt.date(1990, 1, 2))
    wide = "".join(chr(ord(c) + 0xFEE0) for c in idn)
    path = write_roster(tmp_path / "r.xlsx", [roster_row(
        姓名=" 赵\u3000六 ", 身份证号=f" {wide[:6]} {wide[6:]}\xa0", 手机号="１３９ ００００ ０１１１", 学历=" 本科 ",
        参加工作日期="  2012-7-1\u3000", 入职日期="２０１９．０７．０１", 所属单位=" 综合行政执法大队 / 第一中队 /第一小队 ",
        当前等级=" ５ ", 等级生效日期="20190801", 上岗证号=" WJ 1 ", 上岗证有效期至="2027/1/1",
    )])
    report = run(path)
    assert report.ok, report.lines()
    m = Member.objects.get(id_number=idn)
    assert m.name == "赵六" and m.phone == "13900000111" and m.education == "bachelor"
    assert m.work_start_date == dt.date(2012, 7, 1) and m.hire_date == dt.date(2019, 7, 1)
    assert m.grade == 5 and m.grade_effective_date == dt.date(2019, 8, 1)
    assert m.cert_number == "WJ 1" and m.cert_valid_until == dt.date(2027, 1, 1)


def test_excel_serial_dates_and_the_bureau_name_in_the_path_are_accepted(district, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [roster_row(入职日期=43647, 所属单位="区综合行政执法局/" + T1)])
    assert run(path).ok
    assert Member.objects.get(name="赵六").hire_date == dt.date(2019, 7, 1)


def test_column_order_is_free_extra_columns_ignored_optional_status_read(district, tmp_path):
    headers = ["备注", *reversed(ROSTER_HEADERS), "人员状态"]
    row = roster_row(人员状态="试用", 备注="随便写")
    path = write_xlsx(tmp_path / "r.xlsx", headers, [[row.get(h) for h in headers]])
    report = run(path)
    assert report.ok, report.lines()
    assert Member.objects.get(name="赵六").status == MemberStatus.PROBATION


def test_only_required_columns_are_needed(district, tmp_path):
    required = ["姓名", "身份证号", "学历", "入职日期", "所属单位", "当前等级"]
    row = roster_row()
    path = write_xlsx(tmp_path / "r.xlsx", required, [[row[h] for h in required]])
    assert run(path).ok


def test_empty_rows_are_ignored_and_row_numbers_are_as_excel_shows_them(district, tmp_path):
    headers = list(ROSTER_HEADERS)
    good = roster_row()
    bad = roster_row(姓名="钱八", 手机号="123")
    rows = [[good.get(h) for h in headers], [None] * len(headers), ["", " ", "\u3000"], [bad.get(h) for h in headers],
            [None] * len(headers), [None] * len(headers)]
    path = write_xlsx(tmp_path / "r.xlsx", headers, rows)
    report = run(path)
    assert report.total_rows == 2
    assert [(e.row, e.column) for e in report.errors] == [(5, "手机号")]


# ------------------------------------------------------------------------------ every bad value

BAD = [
    ({"姓名": "  "}, "姓名", "此项必填"),
    ({"姓名": "张" * 51}, "姓名", "姓名过长"),
    ({"身份证号": ""}, "身份证号", "此项必填"),
    ({"身份证号": "51011519900517123"}, "身份证号", "应为18位"),
    ({"身份证号": "510115199005171231"}, "身份证号", "校验位错误"),
    ({"身份证号": "510115199002301234"}, "身份证号", "不是真实日期"),
    ({"身份证号": 510115199005171230.0}, "身份证号", "存成了数字"),
    ({"手机号": "1380000123"}, "手机号", "应为11位手机号码"),
    ({"学历": "小学"}, "学历", "“小学”不是有效的学历"),
    ({"学历": None}, "学历", "此项必填"),
    ({"参加工作日期": "去年"}, "参加工作日期", "无法识别的日期“去年”"),
    ({"参加工作日期": dt.date(2020, 1, 1)}, "参加工作日期", "不能晚于入职日期"),
    ({"参加工作日期": dt.date(2026, 6, 15)}, "参加工作日期", "参加工作日期不能晚于今天"),
    ({"入职日期": None}, "入职日期", "此项必填"),
    ({"入职日期": "2019-02-30"}, "入职日期", "日期不存在：2019年2月30日"),
    ({"入职日期": dt.date(2026, 6, 2)}, "入职日期", "入职日期不能晚于今天"),
    ({"入职日期": dt.date(2005, 1, 1), "参加工作日期": None, "身份证号": make_id_number(dt.date(1992, 3, 4))},
     "入职日期", "未满16周岁"),
    ({"入职日期": "1850-01-01"}, "入职日期", "不合理"),
    ({"所属单位": ""}, "所属单位", "此项必填"),
    ({"所属单位": "综合行政执法大队/第九中队/第一小队"}, "所属单位", "“第九中队”不存在：“综合行政执法大队”下没有这个单位"),
    ({"所属单位": "综合行政执法大队/第一中队/第三小队"}, "所属单位", "“第三小队”不存在：“第一中队”下"),
    ({"所属单位": "机动大队"}, "所属单位", "“机动大队”不存在"),
    ({"工作条线": "夜巡"}, "工作条线", "工作条线“夜巡”不存在"),
    ({"当前等级": "六级"}, "当前等级", "“六级”不是有效的等级"),
    ({"当前等级": 0}, "当前等级", "不是有效的等级"),
    ({"当前等级": None}, "当前等级", "此项必填"),
    ({"等级生效日期": dt.date(2019, 6, 30)}, "等级生效日期", "不能早于入职日期（2019-07-01）"),
    ({"等级生效日期": dt.date(2026, 6, 5)}, "等级生效日期", "不能晚于今天"),
    ({"上岗证有效期至": dt.date(2027, 1, 1)}, "上岗证有效期至", "没有上岗证号"),
    ({"上岗证号": "W" * 51}, "上岗证号", "内容过长"),
    ({"政治面貌": "党" * 31}, "政治面貌", "内容过长"),
    ({"人员状态": "休假"}, "人员状态", "“休假”不是有效的人员状态"),
    ({"人员状态": "离职"}, "人员状态", "解聘须走解聘流程"),
]


@pytest.mark.parametrize("overrides, column, reason", BAD, ids=[f"{c}-{i}" for i, (_o, c, _r) in enumerate(BAD)])
def test_each_bad_value_is_reported_with_its_row_and_column(district, lines, tmp_path, overrides, column, reason):
    path = write_roster(tmp_path / "r.xlsx", [roster_row(姓名="好人"), roster_row(**overrides)])
    before = snapshot()
    report = run(path)
    assert not report.written
    assert len(report.errors) == 1, report.lines()
    err = report.errors[0]
    assert (err.row, err.column) == (3, column)
    assert reason in err.reason
    assert err.line().startswith(f"第3行 [{column}] ")
    assert snapshot() == before


def test_every_bad_cell_of_a_row_is_reported(district, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [roster_row(姓名="", 手机号="1", 学历="小学", 当前等级="七级")])
    report = run(path)
    assert [e.column for e in report.errors] == ["姓名", "手机号", "学历", "当前等级"]
    assert {e.row for e in report.errors} == {2}


def test_duplicate_id_numbers_are_flagged_on_every_duplicate_row(district, tmp_path):
    idn = make_id_number()
    path = write_roster(tmp_path / "r.xlsx", [roster_row(身份证号=idn), roster_row(), roster_row(身份证号=idn.lower()),
                                              roster_row(身份证号=f" {idn} ")])
    report = run(path)
    assert [(e.row, e.column) for e in report.errors] == [(2, "身份证号"), (4, "身份证号"), (5, "身份证号")]
    assert "第4、5行" in report.errors[0].reason
    assert "第2、5行" in report.errors[1].reason


def test_missing_required_headers_are_reported_once_naming_each(district, tmp_path):
    headers = [h for h in ROSTER_HEADERS if h not in ("学历", "当前等级")]
    path = write_xlsx(tmp_path / "r.xlsx", headers, [[roster_row().get(h) for h in headers] for _ in range(5)])
    report = run(path)
    assert len(report.file_errors) == 1 and not report.errors
    assert "学历、当前等级" in report.file_errors[0]


def test_header_row_only_and_not_xlsx_and_empty_sheet(district, tmp_path):
    assert "没有数据行" in run(write_xlsx(tmp_path / "h.xlsx", ROSTER_HEADERS, [])).file_errors[0]
    fake = tmp_path / "fake.xlsx"
    fake.write_text("姓名,身份证号\n", encoding="utf-8")
    assert "不是 .xlsx 工作簿" in run(fake).file_errors[0]
    assert "第1行应为表头" in run(write_xlsx(tmp_path / "e.xlsx", [], [])).file_errors[0]


# ------------------------------------------------------------------------ all-or-nothing / only-good

def test_all_or_nothing_writes_nothing_when_one_row_is_bad(district, tmp_path):
    rows = [roster_row(姓名=f"人{i}") for i in range(5)] + [roster_row(姓名="坏", 学历="小学")]
    before = snapshot()
    report = run(write_roster(tmp_path / "r.xlsx", rows))
    assert not report.written and report.good_rows == 5 and report.bad_row_count == 1
    assert snapshot() == before


def test_only_good_writes_exactly_the_good_rows_and_returns_the_bad_ones(district, tmp_path):
    rows = [roster_row(姓名="甲"), roster_row(姓名="乙", 手机号="12"), roster_row(姓名="丙"),
            roster_row(姓名="丁", 所属单位="不存在", 学历="小学"), roster_row(姓名="戊", 入职日期="2019-07-01")]
    path = write_roster(tmp_path / "r.xlsx", [{**r, "备注": f"note {i}"} for i, r in enumerate(rows)])
    report = run(path, only_good=True)
    assert report.written and report.counts["created"] == 3
    assert set(Member.objects.filter(name__in="甲乙丙丁戊").values_list("name", flat=True)) == {"甲", "丙", "戊"}
    assert [r.number for r in report.bad_rows] == [3, 5]

    headers, data = read_back(error_workbook(get_spec("roster"), report))
    assert headers == [*ROSTER_HEADERS, "备注", ERROR_HEADER]
    assert [r[0] for r in data] == ["乙", "丁"]
    assert data[0][headers.index("手机号")] == "12" and data[0][headers.index("备注")] == "note 1"
    assert data[0][-1].startswith("第3行 [手机号] ")
    assert data[1][-1].splitlines()[0].startswith("第5行 [学历] ")
    assert "第5行 [所属单位]" in data[1][-1]
    # dates survive as real dates
    assert data[0][headers.index("入职日期")] == dt.datetime(2019, 7, 1)

    # corrected, the error workbook imports as is (错误原因 is just an extra column)
    wb = load_workbook(io.BytesIO(error_workbook(get_spec("roster"), report)))
    ws = wb.worksheets[0]
    ws.cell(row=2, column=headers.index("手机号") + 1).value = "13911112222"
    ws.cell(row=3, column=headers.index("所属单位") + 1).value = T2
    ws.cell(row=3, column=headers.index("学历") + 1).value = "中专"
    fixed = tmp_path / "fixed.xlsx"
    wb.save(fixed)
    again = run(fixed)
    assert again.ok and again.counts["created"] == 2
    assert Member.objects.get(name="丁").unit == district.sq2_t1


def test_only_good_with_no_good_row_writes_nothing(district, tmp_path):
    before = snapshot()
    report = run(write_roster(tmp_path / "r.xlsx", [roster_row(学历="小学")]), only_good=True)
    assert not report.written and snapshot() == before


def test_a_writer_failing_midway_leaves_nothing_half_written(district, no_quotas, tmp_path, monkeypatch):
    import auxpost.imports.roster as roster

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(roster, "audit_record_many", boom)
    rows = [roster_row(姓名=f"人{i}") for i in range(120)] + [roster_row(身份证号=district.m1.id_number, 当前等级="四级",
                                                                       等级生效日期="2024-01-01", 姓名="李一")]
    before = snapshot()
    with pytest.raises(RuntimeError):
        run(write_roster(tmp_path / "r.xlsx", rows))
    assert snapshot() == before
    district.m1.refresh_from_db()
    assert district.m1.grade == 5


def test_validation_and_writing_need_no_query_per_row(district, no_quotas, lines, tmp_path,
                                                      django_assert_max_num_queries):
    rows = [roster_row(姓名=f"人{i}", 工作条线="机动", 所属单位=T1 if i % 2 else T2) for i in range(300)]
    path = write_roster(tmp_path / "r.xlsx", rows)
    with django_assert_max_num_queries(60):
        report = run(path)
    assert report.counts["created"] == 300


# --------------------------------------------------------------------------------------- updates

def test_a_known_id_number_updates_that_member_with_audit_and_grade_history(district, lines, tmp_path):
    m1 = district.m1
    m1_before = Member.objects.get(pk=m1.pk)
    history_before = GradeHistory.objects.filter(member=m1).count()
    path = write_roster(tmp_path / "r.xlsx", [roster_row(
        姓名="李一", 身份证号=m1.id_number, 手机号="", 学历="高中", 入职日期=m1.hire_date, 所属单位=T1, 当前等级="四级",
        等级生效日期="2024年1月1日", 工作条线="机动", 参加工作日期=None, 政治面貌="中共党员",
    )])
    report = run(path, actor=district.hrco)
    assert report.ok and report.counts == {"created": 0, "updated": 1, "unchanged": 0}, report.lines()
    m1.refresh_from_db()
    assert m1.grade == 4 and m1.grade_effective_date == dt.date(2024, 1, 1)
    assert m1.work_line == lines["机动"] and m1.political_status == "中共党员"
    assert m1.phone == m1_before.phone  # an empty cell keeps the current value
    assert m1.updated_at > m1_before.updated_at and m1.created_at == m1_before.created_at
    new = GradeHistory.objects.filter(member=m1).order_by("-id").first()
    assert GradeHistory.objects.filter(member=m1).count() == history_before + 1
    assert (new.grade, new.effective_date, new.source, new.recorded_by) == (4, dt.date(2024, 1, 1), "import",
                                                                             district.hrco)
    link = AuditEntry.objects.filter(object_type="people.member", object_id=str(m1.pk), action="update").get()
    assert link.before == {"grade": 5, "grade_effective_date": "2020-03-01", "political_status": "",
                           "work_line_id": None}
    assert link.after == {"grade": 4, "grade_effective_date": "2024-01-01", "political_status": "中共党员",
                          "work_line_id": lines["机动"].pk}
    assert link.actor_name == "hrco"


def test_an_identical_row_changes_nothing_and_is_not_audited(district, tmp_path):
    m1 = district.m1
    path = write_roster(tmp_path / "r.xlsx", [roster_row(
        姓名=m1.name, 身份证号=m1.id_number, 手机号=m1.phone, 学历="高中", 入职日期=m1.hire_date, 所属单位=T1,
        当前等级="五级", 等级生效日期="2021-01-01", 参加工作日期=None, 政治面貌=None)])
    updates_before = AuditEntry.objects.filter(action="update").count()
    report = run(path)
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 1}
    assert AuditEntry.objects.filter(action="update").count() == updates_before
    m1.refresh_from_db()
    assert m1.grade_effective_date == dt.date(2020, 3, 1)  # an unchanged grade keeps its date


def test_a_grade_change_needs_a_date_not_before_the_current_grade(district, tmp_path):
    m1 = district.m1
    common = dict(身份证号=m1.id_number, 入职日期=m1.hire_date, 当前等级="四级", 参加工作日期=None)
    report = run(write_roster(tmp_path / "a.xlsx", [roster_row(**common, 等级生效日期=None)]))
    assert errors_of(report)[0][:2] == (2, "等级生效日期") and "由五级变为四级" in report.errors[0].reason
    report = run(write_roster(tmp_path / "b.xlsx", [roster_row(**common, 等级生效日期="2020-02-01")]))
    assert any("不能早于入职日期" in e.reason for e in report.errors)
    GradeHistory.objects.create(member=m1, grade=5, effective_date=dt.date(2022, 1, 1), source="manual",
                                recorded_at=timezone.now())
    Member.objects.filter(pk=m1.pk).update(grade_effective_date=dt.date(2022, 1, 1))
    report = run(write_roster(tmp_path / "c.xlsx", [roster_row(**common, 等级生效日期="2021-06-01")]))
    assert "不能早于现等级的生效日期（2022-01-01）" in report.errors[0].reason


def test_a_separated_members_id_number_is_a_rehire(district, tmp_path):
    gone = make_member(district.sq1_t1, name="旧人", grade=None, status=MemberStatus.SEPARATED)
    report = run(write_roster(tmp_path / "r.xlsx", [roster_row(姓名="旧人", 身份证号=gone.id_number)]))
    assert report.counts["created"] == 1
    assert Member.objects.filter(id_number=gone.id_number).count() == 2


# ----------------------------------------------------------------------------------------- quota

def test_quota_refusal_is_a_file_level_error_naming_the_unit(district, tmp_path):
    unit_set_quota(actor=district.bianban, unit=district.sq1, quota=2)  # m1 already there: one place left
    rows = [roster_row(姓名="甲"), roster_row(姓名="乙", 所属单位="综合行政执法大队/第一中队/第二小队"),
            roster_row(姓名="丙", 所属单位=T2)]
    before = snapshot()
    report = run(write_roster(tmp_path / "r.xlsx", rows))
    assert not report.errors and not report.written
    assert len(report.file_errors) == 1 and "第一中队" in report.file_errors[0]
    assert snapshot() == before


def test_only_good_admits_rows_in_file_order_while_the_quota_has_room(district, tmp_path):
    unit_set_quota(actor=district.bianban, unit=district.sq1, quota=2)
    rows = [roster_row(姓名="甲"), roster_row(姓名="乙", 所属单位="综合行政执法大队/第一中队/第二小队"),
            roster_row(姓名="丙", 所属单位=T2), roster_row(姓名="丁")]
    report = run(write_roster(tmp_path / "r.xlsx", rows), only_good=True)
    assert report.written and report.counts["created"] == 2
    assert [(e.row, e.column) for e in report.errors] == [(3, "所属单位"), (5, "所属单位")]
    assert "超出编制限额" in report.errors[0].reason and "综合行政执法大队/第一中队" in report.errors[0].reason
    assert set(Member.objects.filter(name__in="甲乙丙丁").values_list("name", flat=True)) == {"甲", "丙"}


def test_moving_a_member_counts_against_the_new_units_quota(district, tmp_path):
    unit_set_quota(actor=district.bianban, unit=district.sq2, quota=1)  # m2 fills squadron 2
    m1 = district.m1
    row = roster_row(姓名="李一", 身份证号=m1.id_number, 入职日期=m1.hire_date, 当前等级="五级", 参加工作日期=None,
                     所属单位=T2)
    report = run(write_roster(tmp_path / "r.xlsx", [row]))
    assert "第二中队" in report.file_errors[0]
    # within the same squadron the move is free
    row["所属单位"] = "综合行政执法大队/第一中队/第二小队"
    unit_set_quota(actor=district.bianban, unit=district.sq1, quota=1)
    report = run(write_roster(tmp_path / "s.xlsx", [row]))
    assert report.ok and report.counts["updated"] == 1
