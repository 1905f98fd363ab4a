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


# --- stored in a version, edited on the policy pages, given by the API ---------------------------

def _text(r) -> str:
    import html
    import re

    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.content.decode())))


def test_version_1_reads_as_defaults_and_a_draft_copies_the_full_document(v1, draft):
    from auxpost.policy.selectors import policy_in_force

    from .conftest import TODAY

    assert v1.daily == {}
    assert policy_in_force(TODAY).daily == DEFAULT
    assert draft.daily == daily_to_dict(DEFAULT)


def test_service_refuses_a_bad_document_and_keeps_the_draft(district, draft):
    from django.core.exceptions import ValidationError

    from auxpost.policy.services import policy_version_update_draft

    from .conftest import NOW

    doc = daily_to_dict(DEFAULT)
    doc["duty"]["min_patrol_size"] = 0
    with pytest.raises(ValidationError) as exc:
        policy_version_update_draft(pv=draft, daily=doc, by=district.bianban, at=NOW)
    err = exc.value.error_dict["daily"][0]
    assert err.params["part"] == "duty.min_patrol_size" and "日常管理政策" in next(iter(err))
    draft.refresh_from_db()
    assert draft.daily == daily_to_dict(DEFAULT)


def test_detail_page_shows_the_daily_values(district, v1, client_for):
    from django.urls import reverse

    t = _text(client_for(district.bureau_user).get(reverse("policy:detail", args=["1"])))
    assert "日常管理七个环节" in t
    assert "早班 08:30–17:30，休息 12:00–14:00" in t and "夜班 18:00–23:00" in t
    assert "迟到15分钟以内；迟到30分钟以内；更晚计旷工0.5天" in t
    assert "1天以内：中队长；3天以内：大队长；更长：局领导；超过3天抄送人力资源公司" in t
    assert "病假 工作日 2天起须附病假证明" in t and "产假 自然日" in t
    assert "制服整洁完整" in t and "班前会" in t


def test_edit_page_saves_lists_and_shows_errors_on_the_inputs(district, draft, client_for):
    from django.urls import reverse

    from .conftest import edit_post_data

    c = client_for(district.bianban)
    data = edit_post_data(draft)
    assert data["day-shifts"].splitlines()[0] == "day | 早班 | 08:30 | 17:30 | 12:00 | 14:00"
    assert data["day-leave__approval"].splitlines()[-1].strip() == "| bureau"
    data.update({"day-shifts": "day | 早班 | 08:00 | 17:00 | 12:00 | 13:30\nnight ｜ 夜班 ｜ 20:00 ｜ 02:00",
                 "day-roll_call__late_minor_minutes": "10",
                 "day-uniform__checklist": "complete | 制服整洁完整\ncap | 按规定佩戴帽徽"})
    r = c.post(reverse("policy:edit", args=[draft.version]), data)
    assert r.status_code == 302, r.context and r.context["f"].daily.errors
    draft.refresh_from_db()
    p = daily_from_dict(draft.daily)
    assert p.shift("night").overnight and p.shift("day").start == dt.time(8, 0)
    assert p.roll_call.late_minor_minutes == 10 and [c.code for c in p.uniform.checklist] == ["complete", "cap"]

    data["day-leave__approval"] = "3 | squadron\n1 | bureau\n | bureau"
    r = c.post(reverse("policy:edit", args=[draft.version]), data)
    assert r.status_code == 200
    assert "逐级增大" in " ".join(r.context["f"].daily.errors["leave__approval"])
    data["day-leave__approval"] = "1 | squadron\n | bureau"
    data["day-shifts"] = "day | 早班 | 8点 | 17:00"
    r = c.post(reverse("policy:edit", args=[draft.version]), data)
    assert r.status_code == 200 and "不是有效的时间" in " ".join(r.context["f"].daily.errors["shifts"])
    draft.refresh_from_db()
    assert len(daily_from_dict(draft.daily).leave.approval) == 3  # nothing half-written


def test_api_gives_the_full_document(district, v1, client_for):
    body = client_for(district.bureau_user).get("/api/v1/policies/1/").json()
    assert body["daily"] == daily_to_dict(DEFAULT)
