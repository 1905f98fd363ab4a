"""Issue 6, "Done when" #3: one working day of a team, across the daily links, lands in the points ledger
and the monthly scorecard without anyone typing it twice (SPEC §5.3 → §10 → §7.2).

On Monday 2026-06-01 the team of 第一中队第一小队 is rostered on the day shift in a geofenced area:
- 李一 (m1) checks in on the phone (the API, inside the geofence) at 08:41: late by 11 minutes;
- 赵甲 is on 事假 for the day, asked and approved through the leave service;
- 钱乙 never checks in: the end-of-shift sweep (the cron command) marks 旷工;
- the 班前会 is closed by its host with 钱乙 and 孙丙 absent without excuse (赵甲, on leave, is excused);
- the team leader inspects 李一's uniform and fails one item.
A second person approves the deductions; the scorecards are pre-filled from them; running the commands
again writes nothing more.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from auxpost.accounts.models import Role
from auxpost.assessment.services import monthly_scorecard
from auxpost.duty.models import Mark
from auxpost.duty.tests.conftest import CENTER_WGS, DAY, aware, duty, make_roster  # noqa: F401 (fixture)
from auxpost.leave.services import leave_create, leave_decide
from auxpost.meetings.models import Meeting
from auxpost.meetings.services import attendance_sign_in, meeting_close, meeting_schedule
from auxpost.points.models import EntryStatus, PointsEntry
from auxpost.points.services import points_entry_approve
from auxpost.testing import make_user
from auxpost.uniform.services import Entry, inspection_record

pytestmark = pytest.mark.django_db


def entries(member):
    return {(e.rule_code, e.points) for e in PointsEntry.objects.filter(member=member)}


def test_a_teams_day_feeds_the_ledger_and_the_scorecard(duty, district, client_for, time_machine):  # noqa: F811
    zhao_user = make_user("zhaojia", Role.MEMBER, member=duty.a)
    month = DAY.replace(day=1)
    full = monthly_scorecard(member=district.m1, month=month).prefill.scores

    # The Friday before: 赵甲 asks for a day of 事假; the 中队长 approves it (≤1 day).
    time_machine.move_to(aware(DAY - dt.timedelta(days=3), 9, 0), tick=False)
    req = leave_create(member=duty.a, by=zhao_user, type_code="personal", start=DAY, end=DAY, reason="家中有事",
                       at=aware(DAY - dt.timedelta(days=3), 9, 0))
    assert req.days == Decimal("1")
    leave_decide(request=req, by=district.squadron1, approve=True, at=aware(DAY - dt.timedelta(days=3), 10, 0))

    # Monday 06:00: the team leader rosters the team (a warning names 赵甲, on leave) and calls a 班前会.
    time_machine.move_to(aware(DAY, 6, 0), tick=False)
    make_roster(duty, [district.m1, duty.a, duty.b, duty.c])
    meeting = meeting_schedule(actor=duty.leader, unit=duty.team, title="班前会", kind="pre_shift",
                               starts_at=aware(DAY, 8, 0), ends_at=aware(DAY, 8, 20), place="中队会议室",
                               at=aware(DAY, 6, 0))
    assert set(meeting.attendees.values_list("member_id", flat=True)) >= {district.m1.pk, duty.a.pk, duty.b.pk,
                                                                         duty.c.pk}

    # 07:55 李一 signs in to the meeting; 08:41 he checks in on the phone, inside the geofence: late.
    time_machine.move_to(aware(DAY, 7, 55), tick=False)
    attendance_sign_in(actor=district.member1, meeting=meeting, at=aware(DAY, 7, 55))
    time_machine.move_to(aware(DAY, 8, 41), tick=False)
    r = client_for(district.member1).post("/api/v1/duty/checkins/", {"lat": CENTER_WGS[0], "lng": CENTER_WGS[1],
                                                                     "accuracy_m": 15}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "late_minor" and r.json()["minutes_late"] == 11

    # 09:00 the host closes the meeting: 钱乙 and 孙丙 absent without excuse; 赵甲 excused (on leave).
    time_machine.move_to(aware(DAY, 9, 0), tick=False)
    meeting_close(actor=duty.leader, meeting=Meeting.objects.get(pk=meeting.pk), at=aware(DAY, 9, 0))

    # 10:00 uniform inspection: 李一 wears no badge.
    time_machine.move_to(aware(DAY, 10, 0), tick=False)
    inspection_record(actor=duty.leader, date=DAY, at=aware(DAY, 10, 0),
                      entries=[Entry(district.m1, failed=["insignia"], notes={"insignia": "未佩戴工作证"})])

    # 17:31 the end-of-shift sweep (cron): 钱乙 and 孙丙 never checked in → 旷工; 赵甲 on leave.
    time_machine.move_to(aware(DAY, 17, 31), tick=False)
    call_command("rollcall-sweep", "--date", DAY.isoformat())
    marks = dict(Mark.objects.filter(day=DAY).values_list("member_id", "status"))
    assert marks == {district.m1.pk: "late_minor", duty.a.pk: "on_leave", duty.b.pk: "absent", duty.c.pk: "absent"}

    assert entries(district.m1) == {("late", -1), ("uniform_fail", -2)}
    assert entries(duty.a) == set()
    assert entries(duty.b) == {("absence", -10), ("meeting_absence", -2)}
    assert entries(duty.c) == {("absence", -10), ("meeting_absence", -2)}
    pending = PointsEntry.objects.filter(status=EntryStatus.PENDING)
    assert pending.count() == 6 and all(e.origin and e.evidence for e in pending)
    late = PointsEntry.objects.get(member=district.m1, rule_code="late")
    assert "11" in late.evidence

    # Nothing counts before a second person approves (§10), so the scorecard is still full.
    assert monthly_scorecard(member=district.m1, month=month).prefill.scores == full
    time_machine.move_to(aware(DAY, 18, 0), tick=False)
    for entry in pending:
        points_entry_approve(entry=entry, approver=district.squadron1, at=aware(DAY, 18, 0))

    m1 = monthly_scorecard(member=district.m1, month=month).prefill
    assert m1.scores["attendance"] == full["attendance"] - 1 and m1.scores["uniform"] == full["uniform"] - 2
    assert m1.scores["discipline"] == full["discipline"]
    b = monthly_scorecard(member=duty.b, month=month).prefill
    assert b.scores["attendance"] < m1.scores["attendance"] and b.scores["discipline"] == full["discipline"] - 2
    assert monthly_scorecard(member=duty.a, month=month).prefill.scores == full

    # The member sees why on 我的积分.
    page = client_for(district.member1).get("/points/me/").content.decode()
    assert late.evidence in page and "未佩戴工作证" in page

    # The commands again (cron runs them every day): nothing new.
    before = PointsEntry.objects.count()
    call_command("rollcall-sweep", "--date", DAY.isoformat())
    call_command("leave-overdue", "--date", (DAY + dt.timedelta(days=3)).isoformat())
    assert PointsEntry.objects.count() == before
