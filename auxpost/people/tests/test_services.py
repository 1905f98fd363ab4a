"""§4.1/§4.3 the roster's write path: validation per field, quota, grade history, status moves, audit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from auxpost.audit.models import AuditEntry
from auxpost.audit.services import audit_verify
from auxpost.duties.models import WorkLine
from auxpost.org.services import QuotaExceeded, unit_set_quota
from auxpost.people.models import GradeHistory, Member, MemberStatus
from auxpost.people.services import (
    grade_history_append,
    member_clean,
    member_create,
    member_set_status,
    member_update,
)
from auxpost.testing import make_id_number, make_member

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def data(district):
    return {
        "name": "赵六", "id_number": make_id_number(dt.date(1995, 2, 3), male=False), "phone": "139 1234 5678",
        "education": "bachelor", "political_status": "群众", "work_start_date": dt.date(2016, 7, 1),
        "hire_date": dt.date(2021, 3, 1), "unit": district.sq1_t2.pk, "work_line": None, "grade": 5,
        "cert_number": "C-001", "cert_valid_until": dt.date(2027, 3, 1),
    }


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


# --- create -------------------------------------------------------------------------------------

def test_create_derives_sex_and_birth_date_and_appends_first_grade(district, data):
    m = member_create(actor=district.hrco, data=data, today=TODAY)
    assert m.sex == "F" and m.birth_date == dt.date(1995, 2, 3)
    assert m.phone == "13912345678"  # spaces normalised
    assert m.status == MemberStatus.ACTIVE
    assert (m.grade, m.grade_effective_date) == (5, dt.date(2021, 3, 1))  # defaults to the date hired
    rows = list(m.grade_history.all())
    assert [(r.grade, r.effective_date, r.source, r.recorded_by) for r in rows] == [
        (5, dt.date(2021, 3, 1), "manual", district.hrco)]


def test_create_accepts_chinese_education_and_grade_words(district, data):
    data |= {"education": "大专", "grade": "四级", "status": "试用", "grade_effective_date": dt.date(2022, 1, 1)}
    m = member_create(actor=None, data=data, today=TODAY)
    assert (m.education, m.grade, m.status) == ("junior_college", 4, "probation")
    assert m.grade_effective_date == dt.date(2022, 1, 1)


def test_create_is_audited_with_after_snapshot(district, data):
    m = member_create(actor=district.hrco, data=data, today=TODAY)
    create = AuditEntry.objects.get(action="create", object_type="people.member", object_id=str(m.pk))
    assert create.actor_name == "hrco"
    assert create.after["id_number"] == data["id_number"] and create.after["grade"] == 5
    hist = AuditEntry.objects.get(action="create", object_type="people.gradehistory")
    assert hist.before == {"grade": None, "grade_effective_date": None}
    assert hist.after["grade"] == 5 and hist.after["entry"]["source"] == "manual"
    assert audit_verify().ok


@pytest.mark.parametrize("field, value, fragment", [
    ("name", "  ", "姓名"),
    ("name", "名" * 51, "最多 50 个字符"),
    ("id_number", "", "身份证号"),
    ("id_number", "51011519950203002", "18位"),
    ("id_number", "510115199502300021", "不是真实日期"),
    ("id_number", "510115199502030021", "校验位"),
    ("phone", "23912345678", "以 1 开头的 11 位数字"),
    ("phone", "1391234567", "11 位"),
    ("education", "小学", "学历"),
    ("education", "", "学历：必须填写"),
    ("hire_date", None, "入职日期：必须填写"),
    ("hire_date", dt.date(2026, 6, 2), "晚于今天"),
    ("hire_date", "2021-13-01", "不是有效日期"),
    ("hire_date", dt.date(2010, 1, 1), "尚未年满 16 周岁"),
    ("work_start_date", dt.date(2030, 1, 1), "参加工作日期"),
    ("unit", None, "所属单位：必须填写"),
    ("unit", 999999, "没有这个单位"),
    ("work_line", 999999, "没有这个工作条线"),
    ("grade", 6, "五级（5）至一级（1）"),
    ("grade", None, "等级：必须填写"),
    ("status", "separated", "新增人员的状态"),
    ("status", "retired", "不是有效的人员状态"),
    ("grade_effective_date", dt.date(2020, 1, 1), "早于入职日期"),
])
def test_create_names_the_field_and_reason_in_chinese(district, data, field, value, fragment):
    data[field] = value
    with pytest.raises(ValidationError) as exc:
        member_create(actor=district.hrco, data=data, today=TODAY)
    errors = errors_of(exc)
    assert field in errors, errors
    assert any(fragment in msg for msg in errors[field]), errors[field]
    assert not Member.objects.filter(name="赵六").exists()


def test_create_reports_every_bad_field_at_once(district, data):
    data |= {"phone": "12", "education": "x", "grade": 9}
    with pytest.raises(ValidationError) as exc:
        member_create(actor=None, data=data, today=TODAY)
    assert {"phone", "education", "grade"} <= set(errors_of(exc))


def test_create_refuses_duplicate_id_number_on_roster(district, data):
    data["id_number"] = district.m1.id_number
    with pytest.raises(ValidationError) as exc:
        member_create(actor=district.hrco, data=data, today=TODAY)
    msg = errors_of(exc)["id_number"][0]
    assert "已在花名册中" in msg and "李一" in msg


def test_rehire_after_separation_is_a_new_record(district, data):
    member_set_status(actor=None, member=district.m1, status="separated", on=dt.date(2025, 1, 1))
    data["id_number"] = district.m1.id_number
    m = member_create(actor=district.hrco, data=data, today=TODAY)
    assert m.pk != district.m1.pk
    assert m.grade_history.count() == 1  # §4.3 a rehire starts again


def test_create_refuses_hire_beyond_quota_with_the_quota_message(district, data):
    unit_set_quota(actor=district.bianban, unit=district.sq1, quota=1)  # m1 fills it
    with pytest.raises(QuotaExceeded) as exc:
        member_create(actor=district.hrco, data=data, today=TODAY)
    assert "超出编制限额" in exc.value.messages[0] and "第一中队" in exc.value.messages[0]
    assert not Member.objects.filter(name="赵六").exists()
    assert not AuditEntry.objects.filter(object_type="people.member", action="create").exists()


def test_member_clean_writes_nothing(district, data):
    cleaned = member_clean(data=data, today=TODAY)
    assert cleaned["sex"] == "F" and cleaned["unit"] == district.sq1_t2
    assert not Member.objects.filter(name="赵六").exists()


# --- update -------------------------------------------------------------------------------------

def test_update_audits_only_changed_fields(district):
    m1 = district.m1
    member_update(actor=district.bureau_user, member=m1, changes={
        "name": m1.name, "phone": "13700001111", "political_status": "中共党员"}, today=TODAY)
    entry = AuditEntry.objects.filter(object_type="people.member", action="update").get()
    assert entry.before == {"phone": "13811112222", "political_status": ""}
    assert entry.after == {"phone": "13700001111", "political_status": "中共党员"}
    m1.refresh_from_db()
    assert m1.phone == "13700001111"


def test_update_no_op_writes_nothing(district):
    m1 = district.m1
    before = AuditEntry.objects.count()
    member_update(actor=district.bureau_user, member=m1, changes={
        "name": m1.name, "phone": m1.phone, "unit": m1.unit_id, "grade": m1.grade, "status": m1.status,
        "education": m1.education}, today=TODAY)
    assert AuditEntry.objects.count() == before
    assert GradeHistory.objects.filter(member=m1).count() == 1


def test_update_validates_like_create(district):
    with pytest.raises(ValidationError) as exc:
        member_update(actor=None, member=district.m1, changes={"phone": "123", "hire_date": dt.date(2099, 1, 1)},
                      today=TODAY)
    assert set(errors_of(exc)) == {"phone", "hire_date"}


def test_update_id_number_rederives_and_checks_duplicates(district):
    with pytest.raises(ValidationError) as exc:
        member_update(actor=None, member=district.m1, changes={"id_number": district.m2.id_number}, today=TODAY)
    assert "已在花名册中" in errors_of(exc)["id_number"][0]
    new_id = make_id_number(dt.date(1988, 8, 8), male=False)
    m = member_update(actor=None, member=district.m1, changes={"id_number": new_id}, today=TODAY)
    assert (m.sex, m.birth_date) == ("F", dt.date(1988, 8, 8))


def test_unit_move_rechecks_quota_of_target_only(district):
    unit_set_quota(actor=None, unit=district.sq2, quota=1)  # m2 fills squadron 2
    unit_set_quota(actor=None, unit=district.sq1, quota=1)  # m1 fills squadron 1
    # Between two teams of the same full squadron: not a hire, allowed.
    m = member_update(actor=None, member=district.m1, changes={"unit": district.sq1_t2}, today=TODAY)
    assert m.unit == district.sq1_t2
    # Into the other full squadron: refused with the quota message.
    with pytest.raises(QuotaExceeded) as exc:
        member_update(actor=None, member=district.m1, changes={"unit": district.sq2_t1.pk}, today=TODAY)
    assert "第二中队" in exc.value.messages[0]
    district.m1.refresh_from_db()
    assert district.m1.unit == district.sq1_t2


def test_update_grade_goes_through_history(district):
    m = member_update(actor=district.bureau_user, member=district.m1,
                      changes={"grade": 4, "grade_effective_date": dt.date(2023, 1, 1)}, grade_reason="2022 round",
                      today=TODAY)
    assert (m.grade, m.grade_effective_date) == (4, dt.date(2023, 1, 1))
    last = m.grade_history.order_by("-id").first()
    assert (last.grade, last.reason, last.source) == (4, "2022 round", "manual")


def test_update_grade_defaults_to_today(district):
    m = member_update(actor=None, member=district.m1, changes={"grade": 3}, today=TODAY)
    assert m.grade_effective_date == TODAY


def test_update_cannot_cancel_grade(district):
    with pytest.raises(ValidationError) as exc:
        member_update(actor=None, member=district.m1, changes={"grade": None}, today=TODAY)
    assert "grade" in errors_of(exc)


def test_update_status_goes_through_set_status(district):
    m = member_update(actor=None, member=district.m1, changes={"status": "separated"}, status_on=dt.date(2026, 5, 1),
                      today=TODAY)
    assert (m.status, m.separated_on, m.grade) == ("separated", dt.date(2026, 5, 1), None)


def test_separated_record_is_read_only(district):
    member_set_status(actor=None, member=district.m1, status="separated", on=TODAY)
    with pytest.raises(ValidationError) as exc:
        member_update(actor=None, member=district.m1, changes={"phone": "13700001111"}, today=TODAY)
    assert "已归档" in exc.value.messages[0]


# --- grade history ------------------------------------------------------------------------------

def test_grade_history_newest_effective_date_wins(district):
    m1 = district.m1  # 五级 since 2020-03-01
    grade_history_append(actor=None, member=m1, grade=4, effective_date=dt.date(2023, 1, 1), source="round")
    m = grade_history_append(actor=None, member=m1, grade=3, effective_date=dt.date(2022, 1, 1), source="manual",
                             reason="back-dated correction")
    assert (m.grade, m.grade_effective_date) == (4, dt.date(2023, 1, 1))  # the older date does not win
    dates = list(m.grade_history.order_by("effective_date", "id").values_list("effective_date", "grade"))
    assert dates == [(dt.date(2020, 3, 1), 5), (dt.date(2022, 1, 1), 3), (dt.date(2023, 1, 1), 4)]
    m = grade_history_append(actor=None, member=m1, grade=2, effective_date=dt.date(2023, 1, 1), source="round",
                             reference="编办〔2023〕1号")
    assert m.grade == 2  # same date: the later entry wins


def test_grade_history_audit_has_before_and_after(district):
    grade_history_append(actor=district.bianban, member=district.m1, grade=4, effective_date=dt.date(2024, 1, 1),
                         source="round", reference="R-1")
    e = AuditEntry.objects.filter(object_type="people.gradehistory").latest("seq")
    assert e.before == {"grade": 5, "grade_effective_date": "2020-03-01"}
    assert e.after["grade"] == 4 and e.after["entry"]["reference"] == "R-1"
    assert e.actor_name == "bianban"


@pytest.mark.parametrize("kwargs, field", [
    ({"grade": 0}, "grade"),
    ({"grade": None, "source": "manual"}, "grade"),
    ({"effective_date": dt.date(2019, 1, 1)}, "grade_effective_date"),  # before the date hired
])
def test_grade_history_refuses_bad_entries(district, kwargs, field):
    args = {"grade": 4, "effective_date": dt.date(2024, 1, 1), "source": "manual"} | kwargs
    with pytest.raises(ValidationError) as exc:
        grade_history_append(actor=None, member=district.m1, **args)
    assert field in errors_of(exc)


def test_grade_history_is_append_only(district):
    row = district.m1.grade_history.first()
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()


# --- status -------------------------------------------------------------------------------------

@pytest.mark.parametrize("start, target", [
    ("probation", "active"), ("active", "suspended"), ("suspended", "active"),
    ("probation", "separated"), ("active", "separated"), ("suspended", "separated"),
])
def test_allowed_status_moves(district, start, target):
    m = make_member(district.sq1_t2, name="周七", status=start)
    m = member_set_status(actor=district.hrco, member=m, status=target, on=TODAY)
    assert m.status == target
    e = AuditEntry.objects.filter(action="transition").latest("seq")
    assert e.before["status"] == start and e.after["status"] == target


@pytest.mark.parametrize("start, target", [("probation", "suspended"), ("active", "probation"),
                                           ("suspended", "probation")])
def test_refused_status_moves(district, start, target):
    m = make_member(district.sq1_t2, name="周七", status=start)
    with pytest.raises(ValidationError) as exc:
        member_set_status(actor=None, member=m, status=target, on=TODAY)
    assert "不能从" in errors_of(exc)["status"][0]


def test_separation_cancels_grade_and_is_final(district):
    m = member_set_status(actor=district.hrco, member=district.m1, status="separated", on=dt.date(2026, 4, 30))
    assert (m.status, m.separated_on, m.grade, m.grade_effective_date) == (
        "separated", dt.date(2026, 4, 30), None, dt.date(2026, 4, 30))
    last = m.grade_history.order_by("-id").first()
    assert (last.grade, last.source, last.effective_date) == (None, "separation", dt.date(2026, 4, 30))
    for target in ("active", "probation", "suspended"):
        with pytest.raises(ValidationError):
            member_set_status(actor=None, member=m, status=target, on=TODAY)
    with pytest.raises(ValidationError):
        grade_history_append(actor=None, member=m, grade=5, effective_date=TODAY, source="manual")


def test_separation_ends_a_grade_scheduled_for_later(district):
    grade_history_append(actor=None, member=district.m1, grade=4, effective_date=dt.date(2027, 1, 1), source="round")
    m = member_set_status(actor=None, member=district.m1, status="separated", on=dt.date(2026, 12, 1))
    assert m.grade is None


def test_same_status_is_a_no_op(district):
    before = AuditEntry.objects.count()
    member_set_status(actor=None, member=district.m1, status="active", on=TODAY)
    assert AuditEntry.objects.count() == before


def test_separation_date_not_before_hire(district):
    with pytest.raises(ValidationError) as exc:
        member_set_status(actor=None, member=district.m1, status="separated", on=dt.date(2019, 1, 1))
    assert "早于入职日期" in errors_of(exc)["status"][0]


def test_work_line_by_instance_or_id(district, data):
    line = WorkLine.objects.create(name="扬尘", code="dust")
    data["work_line"] = line
    assert member_create(actor=None, data=data, today=TODAY).work_line == line
    m = member_update(actor=None, member=district.m2, changes={"work_line": str(line.pk)}, today=TODAY)
    assert m.work_line == line
