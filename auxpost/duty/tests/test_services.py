"""§5.3.1 / §5.3.6 services: rosters, phone check-in, roll call, corrections, proxies, sweep, points."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from auxpost.audit.models import AuditEntry
from auxpost.duty import geo, services
from auxpost.duty.models import Mark, ProxyReport, RosterAssignment
from auxpost.duty.tests.conftest import CENTER_WGS, DAY, aware, make_roster
from auxpost.points.models import PointsEntry
from auxpost.testing import make_member

pytestmark = pytest.mark.django_db


def _msgs(exc):
    return " ".join(m for msgs in exc.value.message_dict.values() for m in msgs)


# --- rosters ---------------------------------------------------------------------------------------------

def test_roster_saved_with_groups_and_audited(duty, district):
    roster = make_roster(duty, [district.m1, duty.a])
    assert roster.assignments.count() == 2
    assert AuditEntry.objects.filter(object_type="duty.roster", object_id=str(roster.pk)).exists()


def test_roster_refuses_uncertified_member_naming_them(duty, district):
    nocert = make_member(duty.team, name="周无证")
    with pytest.raises(ValidationError) as exc:
        make_roster(duty, [duty.a, nocert])
    assert "周无证" in _msgs(exc)
    assert not RosterAssignment.objects.exists()


def test_roster_refuses_member_outside_team_and_small_patrol(duty, district):
    district.m2.cert_number, district.m2.cert_valid_until = "X1", dt.date(2030, 1, 1)
    district.m2.save()
    with pytest.raises(ValidationError) as exc:
        make_roster(duty, [duty.a, district.m2])
    assert "王二" in _msgs(exc)
    with pytest.raises(ValidationError) as exc:
        make_roster(duty, [duty.a])
    assert "巡查组" in _msgs(exc) or "Patrol group" in _msgs(exc)


def test_roster_refuses_member_already_rostered_for_the_shift(duty, district):
    make_roster(duty, [duty.a, duty.b])
    from auxpost.duty.models import DutyArea

    other = DutyArea.objects.create(unit=district.sq1, work_line=duty.line, name="另一片区", created_at=aware(DAY, 6, 0))
    with pytest.raises(ValidationError) as exc:
        services.roster_save(actor=duty.leader, team=duty.team, day=DAY, shift_code="day", area=other,
                             members=[(duty.a, 1), (duty.c, 1)], at=aware(DAY, 6, 0))
    assert "赵甲" in _msgs(exc)


def test_roster_refused_for_another_teams_leader_and_unknown_shift(duty, district):
    with pytest.raises(ValidationError):
        make_roster(duty, [duty.a, duty.b], actor=district.squadron2)
    with pytest.raises(ValidationError) as exc:
        services.roster_save(actor=duty.leader, team=duty.team, day=DAY, shift_code="dawn", area=duty.area,
                             members=[(duty.a, 1), (duty.b, 1)], at=aware(DAY, 6, 0))
    assert "dawn" in _msgs(exc)


def test_roster_warns_about_members_on_leave(duty, district, monkeypatch):
    monkeypatch.setattr(services, "_on_leave", lambda day, ids: {duty.a.pk})
    _roster, warnings = services.roster_save(actor=duty.leader, team=duty.team, day=DAY, shift_code="day",
                                             area=duty.area, members=[(duty.a, 1), (duty.b, 1)],
                                             at=aware(DAY, 6, 0))
    assert len(warnings) == 1 and "赵甲" in warnings[0]


def test_roster_copy_to_the_week_all_or_nothing(duty, district):
    roster = make_roster(duty, [duty.a, duty.b])
    week = [DAY + dt.timedelta(days=i) for i in range(1, 7)]
    out = services.roster_copy(actor=duty.leader, roster=roster, days=week, at=aware(DAY, 6, 0))
    assert len(out) == 6
    assert RosterAssignment.objects.filter(member=duty.a).count() == 7
    with pytest.raises(ValidationError) as exc:
        services.roster_copy(actor=duty.leader, roster=roster, days=[DAY + dt.timedelta(days=1),
                                                                     DAY + dt.timedelta(days=8)],
                             at=aware(DAY, 6, 0))
    assert (DAY + dt.timedelta(days=1)).isoformat() in _msgs(exc)
    assert RosterAssignment.objects.filter(member=duty.a).count() == 7


# --- phone check-in -----------------------------------------------------------------------------------

def test_checkin_inside_on_time_and_once_only(duty, district):
    make_roster(duty, [district.m1, duty.a])
    mark = services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=20,
                            at=aware(DAY, 8, 20))
    assert mark.status == "on_time" and mark.site_id == duty.site.pk and mark.method == "phone"
    assert not PointsEntry.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=20,
                         at=aware(DAY, 8, 25))
    assert "已" in _msgs(exc) or "already" in _msgs(exc)
    assert Mark.objects.count() == 1


def test_checkin_in_gcj02_from_a_map_app(duty, district):
    make_roster(duty, [district.m1, duty.a])
    g = geo.wgs84_to_gcj02(*CENTER_WGS)
    mark = services.checkin(member=district.m1, lat=g[0], lng=g[1], accuracy_m=10, coord_system="gcj02",
                            at=aware(DAY, 8, 0))
    assert mark.coord_system == "gcj02"


def test_checkin_refused_outside_with_distance_and_site(duty, district):
    make_roster(duty, [district.m1, duty.a])
    lat = CENTER_WGS[0] + 0.01  # ≈1.1 km north
    with pytest.raises(ValidationError) as exc:
        services.checkin(member=district.m1, lat=lat, lng=CENTER_WGS[1], accuracy_m=10, at=aware(DAY, 8, 0))
    msg = _msgs(exc)
    assert "光华广场" in msg and "不在执勤区域内" in msg
    assert not Mark.objects.exists()


def test_checkin_refused_with_poor_accuracy_not_rostered_or_too_early(duty, district):
    with pytest.raises(ValidationError):
        services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=10,
                         at=aware(DAY, 8, 0))
    make_roster(duty, [district.m1, duty.a])
    with pytest.raises(ValidationError) as exc:
        services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=800,
                         at=aware(DAY, 8, 0))
    assert "800" in _msgs(exc)
    with pytest.raises(ValidationError) as exc:
        services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=10,
                         at=aware(DAY, 7, 0))
    assert "07:30" in _msgs(exc)


def test_late_checkin_writes_a_late_entry_and_over_30_half_a_day(duty, district):
    make_roster(duty, [district.m1, duty.a])
    mark = services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=20,
                            at=aware(DAY, 8, 41))
    assert (mark.status, mark.minutes_late) == ("late_minor", 11)
    entry = PointsEntry.objects.get(origin=f"duty.mark:{mark.pk}")
    assert entry.rule_code == "late" and entry.status == "pending" and "08:41" in entry.evidence
    mark2 = services.checkin(member=duty.a, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=20,
                             at=aware(DAY, 9, 5))
    assert mark2.status == "late_absent" and mark2.absence_days == Decimal("0.5")
    e2 = PointsEntry.objects.get(origin=f"duty.mark:{mark2.pk}")
    assert e2.rule_code == "absence" and e2.quantity == Decimal("0.5")


# --- roll call, sweep, corrections, proxies -------------------------------------------------------------

def test_team_rollcall_marks_everyone_and_keeps_phone_marks(duty, district, monkeypatch):
    make_roster(duty, [district.m1, duty.a, duty.b, duty.c])
    services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=20, at=aware(DAY, 8, 10))
    monkeypatch.setattr(services, "_on_leave", lambda day, ids: {duty.c.pk})
    saved = services.rollcall_take(actor=duty.leader, team=duty.team, day=DAY, shift_code="day",
                                   exceptions={duty.a.pk: ("late", 20), duty.b.pk: ("absent", 0)},
                                   at=aware(DAY, 8, 45))
    by = {m.member_id: m for m in saved}
    assert set(by) == {duty.a.pk, duty.b.pk, duty.c.pk}
    assert by[duty.a.pk].status == "late_major" and by[duty.b.pk].status == "absent"
    assert by[duty.c.pk].status == "on_leave"
    assert Mark.objects.get(member=district.m1).method == "phone"
    assert PointsEntry.objects.filter(member=duty.b, rule_code="absence").exists()
    assert services.rollcall_take(actor=duty.leader, team=duty.team, day=DAY, shift_code="day", exceptions={},
                                  at=aware(DAY, 8, 50)) == []


def test_sweep_marks_absent_after_shift_end_skips_leave_and_is_idempotent(duty, district, monkeypatch):
    make_roster(duty, [district.m1, duty.a, duty.b])
    services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=20, at=aware(DAY, 8, 10))
    assert services.rollcall_sweep(at=aware(DAY, 17, 0)) == {}  # the shift has not ended
    monkeypatch.setattr(services, "_on_leave", lambda day, ids: {duty.b.pk})
    counts = services.rollcall_sweep(at=aware(DAY, 17, 31))
    assert counts == {"absent": 1, "on_leave": 1}
    assert Mark.objects.get(member=duty.a).status == "absent"
    assert PointsEntry.objects.get(member=duty.a).quantity == 1
    assert not PointsEntry.objects.filter(member=duty.b).exists()
    assert services.rollcall_sweep(at=aware(DAY, 17, 45)) == {}
    assert Mark.objects.count() == 3


def test_sweep_command(duty, district, time_machine):
    make_roster(duty, [duty.a, duty.b])
    time_machine.move_to(aware(DAY + dt.timedelta(days=1), 9, 0))
    call_command("rollcall-sweep", "--date", DAY.isoformat(), "--shift", "day")
    assert Mark.objects.filter(status="absent").count() == 2
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("rollcall-sweep", "--date", "2026-13-01")
    with pytest.raises(CommandError):
        call_command("rollcall-sweep", "--date", DAY.isoformat(), "--shift", "dawn")


def test_correction_withdraws_and_rewrites_points(duty, district):
    make_roster(duty, [district.m1, duty.a])
    mark = services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=20,
                            at=aware(DAY, 8, 41))
    with pytest.raises(ValidationError):
        services.mark_correct(actor=duty.leader, mark=mark, status="on_time", reason="", at=aware(DAY, 10, 0))
    mark = services.mark_correct(actor=duty.leader, mark=mark, status="on_time", reason="集合点临时调整，队长在场",
                                 at=aware(DAY, 10, 0))
    assert mark.status == "on_time" and mark.points_rev == 1
    assert PointsEntry.objects.get(origin=f"duty.mark:{mark.pk}").status == "rejected"
    mark = services.mark_correct(actor=duty.leader, mark=mark, status="absent", reason="核实未到岗",
                                 at=aware(DAY, 11, 0))
    assert PointsEntry.objects.get(origin=f"duty.mark:{mark.pk}:2").rule_code == "absence"
    assert AuditEntry.objects.filter(object_type="duty.mark", action="update").count() == 2
    with pytest.raises(ValidationError):
        services.mark_correct(actor=district.squadron2, mark=mark, status="on_time", reason="x", at=aware(DAY, 12, 0))


def test_proxy_confirmed_counts_absence_for_both(duty, district):
    make_roster(duty, [district.m1, duty.a])
    mark = services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=20,
                            at=aware(DAY, 8, 20))
    report = services.proxy_report(actor=duty.leader, mark=mark, by_member=duty.a, reason="监控显示赵甲代签",
                                   at=aware(DAY, 9, 0))
    with pytest.raises(ValidationError):  # the reporter does not confirm, nor a team leader
        services.proxy_decide(actor=duty.leader, report=report, confirm=True, at=aware(DAY, 9, 30))
    services.proxy_decide(actor=district.squadron1, report=report, confirm=True, at=aware(DAY, 10, 0))
    mark.refresh_from_db()
    assert mark.proxy and mark.status == "absent" and mark.absence_days == 1
    assert PointsEntry.objects.filter(member=district.m1, rule_code="absence").count() == 1
    assert PointsEntry.objects.filter(member=duty.a, rule_code="absence", origin=f"duty.proxy:{report.pk}").exists()
    assert ProxyReport.objects.get().status == "confirmed"


def test_proxy_rejected_needs_a_note(duty, district):
    make_roster(duty, [district.m1, duty.a])
    mark = services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=20,
                            at=aware(DAY, 8, 20))
    report = services.proxy_report(actor=duty.leader, mark=mark, by_member=duty.a, reason="疑似代签",
                                   at=aware(DAY, 9, 0))
    with pytest.raises(ValidationError):
        services.proxy_decide(actor=district.bureau_user, report=report, confirm=False, at=aware(DAY, 9, 30))
    services.proxy_decide(actor=district.bureau_user, report=report, confirm=False, note="本人到岗，核实无误",
                          at=aware(DAY, 9, 30))
    assert not PointsEntry.objects.exists()


# --- points reach the scorecard ----------------------------------------------------------------------------

def test_late_and_absence_prefill_the_monthly_scorecard(duty, district, time_machine):
    from auxpost.assessment.services import monthly_scorecard
    from auxpost.points.services import points_entry_approve

    make_roster(duty, [district.m1, duty.a])
    time_machine.move_to(aware(DAY, 8, 41))
    services.checkin(member=district.m1, lat=CENTER_WGS[0], lng=CENTER_WGS[1], accuracy_m=20, at=aware(DAY, 8, 41))
    services.rollcall_sweep(at=aware(DAY, 17, 31))  # duty.a never checked in: 旷工
    time_machine.move_to(aware(DAY, 18, 0))
    before = monthly_scorecard(member=district.m1, month=DAY).prefill.scores["attendance"]
    for entry in PointsEntry.objects.filter(status="pending"):
        points_entry_approve(entry=entry, approver=district.squadron1, at=aware(DAY, 18, 0))
    late = monthly_scorecard(member=district.m1, month=DAY).prefill
    absent = monthly_scorecard(member=duty.a, month=DAY).prefill
    assert late.scores["attendance"] < before
    assert absent.scores["attendance"] < late.scores["attendance"]
    assert "attendance" in absent.reasons


def test_sweep_and_roster_use_the_leave_apps_approved_leave(duty, district):
    """No monkeypatch: an approved LeaveRequest covering the day makes the roster warn and the sweep mark
    the member on leave (no 旷工, no points)."""
    from auxpost.leave.models import LeaveRequest

    LeaveRequest.objects.create(member=duty.a, type_code="personal", type_name="事假", start=DAY, end=DAY,
                                reason="家中有事", days=1, counting="working", policy_version="1",
                                status="approved", approver_level="squadron", created_at=aware(DAY, 6, 0))
    _roster, warnings = services.roster_save(actor=duty.leader, team=duty.team, day=DAY, shift_code="day",
                                             area=duty.area, members=[(duty.a, 1), (duty.b, 1)],
                                             at=aware(DAY, 6, 0))
    assert len(warnings) == 1 and "赵甲" in warnings[0]
    assert services.rollcall_sweep(at=aware(DAY, 18, 0)) == {"absent": 1, "on_leave": 1}
    assert not PointsEntry.objects.filter(member=duty.a).exists()
