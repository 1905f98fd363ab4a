"""§5.3.3 meeting services: schedule, attendees, sign-in window, excuses, closing with points, later excuse."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from auxpost.audit.models import AuditEntry
from auxpost.meetings import services
from auxpost.meetings.models import Attendee, FollowUp, Meeting
from auxpost.meetings.tests.conftest import END, NOW, START, local, schedule
from auxpost.people.models import MemberStatus
from auxpost.points.models import PointsEntry
from auxpost.testing import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(district):
    a = make_member(district.sq1_t1, name="甲")
    b = make_member(district.sq1_t1, name="乙")
    make_member(district.sq1_t1, name="停岗者", status=MemberStatus.SUSPENDED)
    make_member(district.sq1_t2, name="二小队员")
    return a, b


def test_schedule_defaults_attendees_to_the_unit_at_work(district, leader, team):
    m = schedule(leader, district.sq1_t1)
    names = set(m.attendees.values_list("member__name", flat=True))
    assert names == {"李一", "甲", "乙"}
    assert m.kind_name == "小队周例会" and m.host == leader
    assert AuditEntry.objects.filter(object_type="meetings.meeting", action="create").exists()
    sq = schedule(district.squadron1, district.sq1, kind="topical", title="专题")
    assert set(sq.attendees.values_list("member__name", flat=True)) == {"李一", "甲", "乙", "二小队员"}


def test_schedule_refusals(district, leader, team):
    with pytest.raises(PermissionError):
        schedule(leader, district.sq1_t2)  # not their unit
    with pytest.raises(PermissionError):
        schedule(district.member1, district.sq1_t1)
    with pytest.raises(ValidationError) as e:
        schedule(leader, district.sq1_t1, kind="party")
    assert "会议类型" in str(e.value)
    with pytest.raises(ValidationError) as e:
        schedule(leader, district.sq1_t1, end=START)
    assert "结束时间" in str(e.value)
    with pytest.raises(ValidationError) as e:
        schedule(leader, district.sq1_t1, host=district.squadron2)
    assert "主持人" in str(e.value)
    assert Meeting.objects.count() == 0
    m = schedule(leader, district.sq1_t1, host=district.squadron1)  # a leader above may host
    assert m.host == district.squadron1
    with pytest.raises(ValueError):
        m.delete()


def test_attendees_edited_only_before_the_start(district, leader, team):
    m = schedule(leader, district.sq1_t1)
    other = make_member(district.sq1_t1, name="新人")
    assert services.attendees_add(actor=leader, meeting=m, members=[other, team[0]], at=NOW) == 1
    with pytest.raises(ValidationError):
        services.attendees_add(actor=leader, meeting=m, members=[district.m2], at=NOW)  # out of scope
    row = m.attendees.get(member=team[1])
    services.attendee_remove(actor=leader, attendee=row, at=NOW)
    assert not m.attendees.filter(member=team[1]).exists()
    row = m.attendees.get(member=team[0])
    with pytest.raises(ValidationError) as e:
        services.attendee_remove(actor=leader, attendee=row, at=START)
    assert "已开始" in str(e.value)
    with pytest.raises(PermissionError):
        services.attendees_add(actor=district.squadron2, meeting=m, members=[], at=NOW)


def test_sign_in_window(district, leader, team):
    m = schedule(leader, district.sq1_t1)
    with pytest.raises(ValidationError) as e:
        services.attendance_sign_in(actor=district.member1, meeting=m, at=START - dt.timedelta(minutes=31))
    assert "开始前30分钟" in str(e.value)
    row = services.attendance_sign_in(actor=district.member1, meeting=m, at=START - dt.timedelta(minutes=30))
    assert row.signed_in_at == START - dt.timedelta(minutes=30) and row.signed_in_by == district.member1
    m2 = schedule(leader, district.sq1_t1, title="第二次")
    with pytest.raises(ValidationError) as e:
        services.attendance_sign_in(actor=district.member1, meeting=m2, at=END + dt.timedelta(minutes=1))
    assert "签到已关闭" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.attendance_sign_in(actor=district.squadron1, meeting=m2, at=START)
    assert "不在本次会议" in str(e.value)


def test_close_marks_absentees_with_points_and_excuses(district, leader, team, monkeypatch):
    a, b = team
    m = schedule(leader, district.sq1_t1)
    services.attendance_sign_in(actor=district.member1, meeting=m, at=START)
    row_a = services.attendance_mark(actor=leader, attendee=m.attendees.get(member=a), present=True, at=START)
    assert row_a.signed_in_by == leader
    with pytest.raises(PermissionError):
        services.attendance_mark(actor=district.squadron1, attendee=row_a, present=False, at=START)
    from auxpost.accounts.models import Role
    from auxpost.testing import make_user
    b_user = make_user("yi", Role.MEMBER, member=b)
    services.excuse_send(actor=b_user, meeting=m, reason="孩子生病", at=NOW)
    with pytest.raises(ValidationError) as e:
        services.meeting_close(actor=leader, meeting=m, at=END)
    assert "乙" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.excuse_decide(actor=leader, attendee=m.attendees.get(member=b), accept=False, note="", at=NOW)
    assert "主持人意见" in str(e.value)
    services.excuse_decide(actor=leader, attendee=m.attendees.get(member=b), accept=False, note="无证明", at=NOW)
    with pytest.raises(ValidationError) as e:
        services.meeting_close(actor=leader, meeting=m, at=START - dt.timedelta(minutes=1))
    assert "尚未开始" in str(e.value)
    monkeypatch.setattr(services, "on_leave_ids", lambda day, ids: set())
    t = services.meeting_close(actor=leader, meeting=m, at=END)
    assert (t.present, t.excused, t.absent) == (2, 0, 1)
    entry = PointsEntry.objects.get()
    row_b = m.attendees.get(member=b)
    assert entry.member == b and entry.rule_code == "meeting_absence" and entry.points == -2
    assert entry.status == "pending" and entry.recorded_by == leader
    assert entry.origin == f"meetings.attendance:{row_b.pk}" == row_b.points_origin
    assert "小队周例会《周例会》未到会，请假未获批准" in entry.evidence
    with pytest.raises(ValidationError):
        services.meeting_close(actor=leader, meeting=m, at=END)
    # excused afterwards: the pending entry is withdrawn (rejected), audited
    with pytest.raises(ValidationError):
        services.absence_excuse(actor=leader, attendee=row_b, reason="", at=END)
    services.absence_excuse(actor=district.squadron1, attendee=row_b, reason="补交了病假证明", at=END)
    entry.refresh_from_db()
    assert entry.status == "rejected" and "补交了病假证明" in entry.rejection_reason
    assert m.attendees.get(member=b).outcome == "excused"
    with pytest.raises(ValidationError):
        services.absence_excuse(actor=leader, attendee=row_b, reason="again", at=END)


def test_leave_excuses_automatically(district, leader, team, monkeypatch):
    a, b = team
    m = schedule(leader, district.sq1_t1)
    monkeypatch.setattr(services, "on_leave_ids", lambda day, ids: {a.pk} & set(ids))
    t = services.meeting_close(actor=leader, meeting=m, at=END)
    assert (t.present, t.excused, t.absent) == (0, 1, 2)
    assert m.attendees.get(member=a).excuse_state == "leave"
    assert PointsEntry.objects.filter(rule_code="meeting_absence").count() == 2


def test_excuse_only_before_the_start(district, leader, team):
    m = schedule(leader, district.sq1_t1)
    with pytest.raises(ValidationError) as e:
        services.excuse_send(actor=district.member1, meeting=m, reason="", at=NOW)
    assert "请假事由" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.excuse_send(actor=district.member1, meeting=m, reason="外出", at=START)
    assert "已开始" in str(e.value)
    services.excuse_send(actor=district.member1, meeting=m, reason="外出培训", at=NOW)
    row = services.excuse_decide(actor=leader, attendee=m.attendees.get(member=district.m1), accept=True, at=NOW)
    assert row.excuse_state == "accepted"


def test_cancel_minutes_follow_ups(district, leader, team):
    a, _b = team
    m = schedule(leader, district.sq1_t1)
    with pytest.raises(ValidationError):
        services.minutes_save(actor=leader, meeting=m, minutes="x", at=NOW)
    services.minutes_save(actor=leader, meeting=m, minutes="一、传达文件精神", at=START)
    fu = services.follow_up_add(actor=leader, meeting=m, title="整改占道点位", owner=a, due_date=dt.date(2026, 6, 20),
                                at=START)
    with pytest.raises(ValidationError):
        services.follow_up_add(actor=leader, meeting=m, title="x", owner=district.m2, due_date=dt.date(2026, 6, 20),
                               at=START)
    with pytest.raises(PermissionError):
        services.follow_up_done(actor=district.member1, follow_up=fu, note="完成", at=END)  # not the owner
    services.follow_up_done(actor=leader, follow_up=fu, note="已整改", at=END)
    assert FollowUp.objects.get().done_note == "已整改"
    m2 = schedule(leader, district.sq1_t1, title="取消的会")
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=leader, meeting=m2, reason=" ", at=NOW)
    services.meeting_cancel(actor=leader, meeting=m2, reason="台风预警", at=NOW)
    m2.refresh_from_db()
    assert m2.status == "cancelled" and m2.cancel_reason == "台风预警"
    with pytest.raises(ValidationError):
        services.attendance_sign_in(actor=district.member1, meeting=m2, at=START)
    assert Attendee.objects.filter(meeting=m2).count() == 3


def test_update_before_start(district, leader, team):
    m = schedule(leader, district.sq1_t1)
    services.meeting_update(actor=leader, meeting=m, title="改期周例会", starts_at=local(2026, 6, 17, 8),
                            ends_at=local(2026, 6, 17, 9), place="中队会议室", host=district.squadron1, at=NOW)
    m.refresh_from_db()
    assert m.title == "改期周例会" and m.host == district.squadron1
    with pytest.raises(ValidationError):
        services.meeting_update(actor=leader, meeting=m, title="x", starts_at=m.starts_at, ends_at=m.ends_at,
                                place="x", host=leader, at=m.starts_at)


def test_host_records_a_phoned_excuse(district, leader, team, monkeypatch):
    a, _b = team
    m = schedule(leader, district.sq1_t1)
    row = m.attendees.get(member=a)
    with pytest.raises(PermissionError):
        services.excuse_record(actor=district.squadron1, attendee=row, reason="电话请假", at=NOW)
    with pytest.raises(ValidationError):
        services.excuse_record(actor=leader, attendee=row, reason="", at=NOW)
    services.excuse_record(actor=leader, attendee=row, reason="电话请假：发烧", at=NOW)
    monkeypatch.setattr(services, "on_leave_ids", lambda day, ids: set())
    services.meeting_close(actor=leader, meeting=m, at=END)
    assert m.attendees.get(member=a).outcome == "excused"
    assert not PointsEntry.objects.filter(member=a).exists()


def test_approved_leave_excuses_through_the_leave_app(district, leader, team):
    from auxpost.leave.services import leave_create, leave_decide

    req = leave_create(member=district.m1, by=district.member1, type_code="personal", start=dt.date(2026, 6, 16),
                       end=dt.date(2026, 6, 16), reason="家中有事", at=NOW)
    leave_decide(request=req, by=district.squadron1, approve=True, at=NOW)
    m = schedule(leader, district.sq1_t1)
    t = services.meeting_close(actor=leader, meeting=m, at=END)
    row = m.attendees.get(member=district.m1)
    assert row.outcome == "excused" and row.excuse_state == "leave" and t.absent == 2
    assert not PointsEntry.objects.filter(member=district.m1).exists()


def test_refusal_says_local_time(district, leader, team):
    m = schedule(leader, district.sq1_t1)  # 08:00 Chengdu time = 00:00 UTC
    with pytest.raises(ValidationError) as e:
        services.attendance_sign_in(actor=district.member1, meeting=m, at=NOW.astimezone(dt.UTC))
    assert "06-16 07:30" in str(e.value)
