"""§5.3 the daily-links policy document: defaults, round trip, refusals naming the field."""

import datetime as dt
from decimal import Decimal

import pytest

from auxpost.policy.daily import DEFAULT, DailyFormatError, daily_from_dict, daily_to_dict


def test_empty_document_is_the_spec_defaults():
    p = daily_from_dict({})
    assert p is DEFAULT
    day = p.shift("day")
    assert (day.start, day.end, day.break_start) == (dt.time(8, 30), dt.time(17, 30), dt.time(12, 0))
    assert p.roll_call.late_minor_minutes == 15 and p.roll_call.late_major_minutes == 30
    assert p.roll_call.late_over_absence_days == Decimal("0.5")
    assert p.duty.min_patrol_size == 2
    assert p.leave.type("sick").note_from_days == Decimal("2")
    assert p.leave.type("maternity").counting == "calendar"
    assert p.leave.type("annual").counting == "working"
    assert [p.leave.approver_for(Decimal(d)) for d in ("0.5", "1", "1.5", "3", "4")] == [
        "squadron", "squadron", "brigade", "brigade", "bureau"]
    assert [p.leave.annual_entitlement(y) for y in (0, 1, 9, 10, 19, 20, 35)] == [0, 5, 5, 10, 10, 15, 15]
    assert p.leave.maternity_entitlement() == 98
    assert p.leave.maternity_entitlement(difficult=True, babies=2) == 128
    assert len(p.uniform.checklist) == 4 and p.meetings.kinds[0].name == "班前会"


def test_round_trip_keeps_every_value():
    doc = daily_to_dict(DEFAULT)
    assert daily_from_dict(doc) == DEFAULT
    doc["roll_call"]["late_minor_minutes"] = 10
    doc["shifts"][1]["end"] = "02:00"
    p = daily_from_dict(doc)
    assert p.roll_call.late_minor_minutes == 10
    night = p.shift("night")
    assert night.overnight and night.ends_at(dt.date(2026, 1, 1)) == dt.datetime(2026, 1, 2, 2, 0)
    assert daily_to_dict(p) == doc


@pytest.mark.parametrize("doc, field, words", [
    ({"roll_call": {"late_minor_minutes": 40}}, "roll_call.late_minor_minutes", "迟到（轻）上限须小于"),
    ({"roll_call": {"grace_minutes": "abc"}}, "roll_call.grace_minutes", "不是整数"),
    ({"roll_call": {"bogus": 1}}, "roll_call", "未知的字段"),
    ({"duty": {"min_patrol_size": 0}}, "duty.min_patrol_size", "必须在1到10之间"),
    ({"shifts": [{"code": "day", "name": "早班", "start": "8点", "end": "17:30"}]}, "shifts", "不是有效的时间"),
    ({"shifts": [{"code": "day", "name": "早班", "start": "08:30", "end": "17:30", "break_start": "18:00",
                  "break_end": "19:00"}]}, "shifts", "休息时间须在班次之内"),
    ({"shifts": []}, "shifts", "至少需要一项"),
    ({"leave": {"approval": [{"max_days": "3", "approver": "squadron"}, {"max_days": "1", "approver": "bureau"}]}},
     "leave.approval", "逐级增大"),
    ({"leave": {"approval": [{"max_days": "3", "approver": "squadron"}]}}, "leave.approval", "最后一级须不设"),
    ({"leave": {"approval": [{"max_days": None, "approver": "mayor"}]}}, "leave.approval", "审批人“mayor”无效"),
    ({"leave": {"types": [{"code": "personal", "name": "事假"}]}}, "leave.types", "缺少“sick”"),
    ({"leave": {"annual_days_10": 3}}, "leave.annual_days_10", "不减"),
    ({"uniform": {"checklist": [{"code": "A B", "name": "x"}]}}, "uniform.checklist", "只能由小写字母"),
    ({"meetings": {"kinds": [{"code": "a", "name": "x"}, {"code": "a", "name": "y"}]}}, "meetings.kinds", "重复"),
    ({"weather": {}}, "", "未知的部分"),
])
def test_bad_documents_are_refused_naming_the_field(doc, field, words):
    with pytest.raises(DailyFormatError) as exc:
        daily_from_dict(doc)
    assert exc.value.field == field
    assert words in exc.value.message


def test_overnight_break_inside_the_shift_is_accepted():
    p = daily_from_dict({"shifts": [{"code": "night", "name": "夜班", "start": "20:00", "end": "04:00",
                                     "break_start": "00:00", "break_end": "00:30"}]})
    assert p.shift("night").break_start == dt.time(0, 0)
