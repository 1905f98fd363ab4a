"""§6.1 basic_record_add: who may add, what is checked, append-only and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from auxpost.audit.models import AuditEntry
from auxpost.grading.models import BasicRecord
from auxpost.grading.services import basic_record_add, can_record

pytestmark = pytest.mark.django_db
AT = timezone.make_aware(dt.datetime(2026, 3, 1, 10, 0))


def add(member, by, **kw):
    values = dict(kind="health", date=dt.date(2026, 2, 1), passed=True, level="", description="年度体检",
                  evidence="体检报告 2026-01")
    values.update(kw)
    return basic_record_add(member=member, by=by, at=AT, **values)


def test_bureau_adds_a_record_audited(district):
    rec = add(district.m1, district.bureau_user)
    assert rec.recorded_by == district.bureau_user and rec.recorded_at == AT and rec.passed
    entry = AuditEntry.objects.filter(object_type="grading.basicrecord", object_id=str(rec.pk)).get()
    assert entry.action == "create"


def test_sanction_is_always_negative_and_commendation_positive(district):
    assert add(district.m1, district.hrco, kind="sanction", passed=True, description="警告").passed is False
    rec = add(district.m1, district.admin, kind="commendation", passed=False, level="city", description="市级表彰")
    assert rec.passed is True and rec.level == "city"


@pytest.mark.parametrize("kw, field, text", [
    ({"kind": "commendation"}, "level", "表彰必须填写级别"),
    ({"kind": "health", "level": "city"}, "level", "只有表彰才有级别"),
    ({"description": "  "}, "description", "必须填写"),
    ({"date": dt.date(2026, 3, 2)}, "date", "日期不能晚于今天"),
    ({"kind": "bogus"}, "kind", "请选择列出的类型之一"),
])
def test_bad_input_is_refused_naming_the_field(district, kw, field, text):
    with pytest.raises(ValidationError) as exc:
        add(district.m1, district.bureau_user, **kw)
    assert field in exc.value.message_dict and text in " ".join(exc.value.message_dict[field])
    assert not BasicRecord.objects.exists() and not AuditEntry.objects.filter(object_type="grading.basicrecord").exists()


def test_only_recording_roles_within_scope(district):
    assert can_record(district.bureau_user, district.m1) and can_record(district.hrco, district.m2)
    for user in (district.squadron1, district.bianban, district.assessor, district.member1, district.nobody):
        assert not can_record(user, district.m1)
        with pytest.raises(ValidationError):
            add(district.m1, user)
    assert not BasicRecord.objects.exists()
