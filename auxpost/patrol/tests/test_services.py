"""§5.3.6 patrol log and §5.3.2 handover services: validation, roster link, photos, audit, acknowledgement."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from auxpost.audit.models import AuditEntry
from auxpost.files.models import Attachment
from auxpost.patrol import selectors, services
from auxpost.patrol.models import FollowUp, Handover, HandoverNote, PatrolLog
from auxpost.patrol.tests.conftest import NOW, TODAY, png_upload

H = dt.timedelta(hours=1)


def _log(world, actor=None, **kw):
    args = {"actor": actor or world.district.member1, "category": world.cats[0], "description": "门前占道摆摊",
            "actions": ["dissuade"], "at": NOW}
    args.update(kw)
    return services.log_create(**args)


def test_log_create_links_group_roster_area_and_photos(world):
    log = _log(world, actions=["dissuade", "report"], reported_to="执法队员张某", members=[world.m3],
               photos=[png_upload("a.png"), png_upload("b.png")], lat="30.657", lng="104.066", accuracy_m=12.4,
               address="光华大道")
    assert (log.day, log.shift_code) == (TODAY, "day")
    assert log.assignment.roster == world.roster and log.area == world.area
    assert {m.pk for m in log.members.all()} == {world.district.m1.pk, world.m3.pk}
    assert log.team == world.district.sq1_t1 and log.follow_up == FollowUp.REPORTED
    assert log.actions_display == "劝阻、上报" and log.accuracy_m == 12
    photos = list(log.photos.all())
    assert len(photos) == 2 and all(p.purpose == "patrol" and p.unit_id == log.team_id for p in photos)
    assert AuditEntry.objects.filter(object_type="patrol.patrollog", object_id=str(log.pk), action="create").exists()


def test_log_without_roster_has_no_assignment(world):
    log = _log(world, actor=world.member4)
    assert log.assignment is None and log.area is None and log.team == world.district.sq1_t2


def test_log_after_shift_end_belongs_to_the_shift_just_ended(world):
    log = _log(world, at=NOW.replace(hour=17, minute=50))
    assert (log.day, log.shift_code) == (TODAY, "day")


@pytest.mark.parametrize("kw, field, words", [
    ({"actions": []}, "actions", "至少选择一项"),
    ({"actions": ["seize"]}, "actions", "无执法权"),
    ({"actions": ["report"]}, "reported_to", "上报对象"),
    ({"description": " "}, "description", ""),
    ({"lat": "95", "lng": "104"}, "lat", "纬度"),
])
def test_log_refusals_name_the_field(world, kw, field, words):
    with pytest.raises(ValidationError) as exc:
        _log(world, **kw)
    assert field in exc.value.message_dict and words in " ".join(exc.value.message_dict[field])
    assert not PatrolLog.objects.exists()


def test_log_refuses_a_non_patrol_category_and_a_stranger(world):
    from auxpost.duties.models import Duty

    other = Duty.objects.get(code="x1")
    with pytest.raises(ValidationError) as exc:
        _log(world, category=other, members=[world.t2_member])
    assert set(exc.value.message_dict) == {"category", "members"}
    assert "钱四" in exc.value.message_dict["members"][0]


def test_log_only_by_a_member(world):
    with pytest.raises(ValidationError) as exc:
        _log(world, actor=world.leader)
    assert "member" in exc.value.message_dict


def test_log_with_a_bad_photo_writes_nothing(world):
    bad = SimpleUploadedFile("fake.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        _log(world, photos=[png_upload(), bad])
    assert "fake.jpg" in exc.value.message_dict["photos"][0]
    assert not PatrolLog.objects.exists() and not Attachment.objects.exists()
    media = Path(settings.MEDIA_ROOT) / "attachments"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_follow_up_by_the_team_leader_once(world):
    log = _log(world, actions=["report"], reported_to="执法中队")
    with pytest.raises(PermissionError):
        services.log_follow_up(actor=world.leader2, log=log, note="已处理", at=NOW)
    with pytest.raises(ValidationError):
        services.log_follow_up(actor=world.leader, log=log, note=" ", at=NOW)
    services.log_follow_up(actor=world.leader, log=log, note="执法队员已责令整改", at=NOW + H)
    log.refresh_from_db()
    assert log.follow_up == FollowUp.HANDLED and log.follow_up_by == world.leader
    with pytest.raises(ValidationError):
        services.log_follow_up(actor=world.leader, log=log, note="again", at=NOW + H)
    plain = _log(world)
    with pytest.raises(PermissionError):
        services.log_follow_up(actor=world.leader, log=plain, note="x", at=NOW)


def _handover(world, actor=None, **kw):
    d = world.district
    args = {"actor": actor or d.member1, "from_team": d.sq1_t1, "day": TODAY, "shift_code": "day",
            "to_team": d.sq1_t1, "open_issues": "光华大道摊点明早复查", "at": NOW.replace(hour=17, minute=30)}
    args.update(kw)
    return services.handover_create(**args)


def test_handover_defaults_to_the_next_shift_and_due_time(world):
    h = _handover(world, equipment="执法记录仪2台")
    assert (h.to_day, h.to_shift_code) == (TODAY, "night")
    assert h.ack_due_at == h.recorded_at + 2 * H  # handover_ack_hours = 2 (policy default)
    assert h.member == world.district.m1
    h2 = _handover(world, shift_code="night", to_team=world.district.sq1_t2)
    assert (h2.to_day, h2.to_shift_code) == (TODAY + dt.timedelta(days=1), "day")


@pytest.mark.parametrize("kw, field", [
    ({"shift_code": "late"}, "shift_code"),
    ({"to_shift_code": "late"}, "to_shift_code"),
    ({"open_issues": ""}, "open_issues"),
    ({"to_day": TODAY, "to_shift_code": "day"}, "to_shift_code"),
    ({"to_day": TODAY + dt.timedelta(days=5), "to_shift_code": "day"}, "to_day"),
])
def test_handover_refusals(world, kw, field):
    with pytest.raises(ValidationError) as exc:
        _handover(world, **kw)
    assert field in exc.value.message_dict
    assert not Handover.objects.exists()


def test_handover_to_another_squadron_refused_and_outsiders_cannot_record(world):
    with pytest.raises(ValidationError) as exc:
        _handover(world, to_team=world.district.sq2_t1)
    assert "to_team" in exc.value.message_dict
    with pytest.raises(PermissionError):
        _handover(world, actor=world.member4)
    with pytest.raises(PermissionError):
        _handover(world, actor=world.district.squadron2)
    assert _handover(world, actor=world.leader).member is None


def test_acknowledge_by_the_incoming_side_once_and_audited(world):
    d = world.district
    h = _handover(world, to_team=d.sq1_t2)
    assert not selectors.can_acknowledge(d.member1, h)  # the one who recorded it
    assert not selectors.can_acknowledge(world.member3, h)  # not the incoming team
    assert not selectors.can_acknowledge(world.leader, h)  # the outgoing team's leader only
    with pytest.raises(PermissionError):
        services.handover_acknowledge(actor=world.member3, handover=h, at=NOW)
    with pytest.raises(ValidationError) as exc:
        services.handover_acknowledge(actor=world.member4, handover=h, discrepancy=True, at=NOW)
    assert "ack_remarks" in exc.value.message_dict
    services.handover_acknowledge(actor=world.member4, handover=h, remarks="对讲机少一部", discrepancy=True,
                                  at=NOW.replace(hour=20))
    h.refresh_from_db()
    assert h.acknowledged and h.ack_member == world.t2_member and h.discrepancy
    entry = AuditEntry.objects.get(object_type="patrol.handover", object_id=str(h.pk), action="transition")
    assert entry.after["late"] is True  # 20:00 is after the 19:30 due time
    with pytest.raises(ValidationError):
        services.handover_acknowledge(actor=world.leader2, handover=h, at=NOW)


def test_acknowledged_handover_is_never_edited_but_takes_notes(world):
    h = _handover(world)
    services.handover_acknowledge(actor=world.member3, handover=h, at=NOW.replace(hour=18))
    h.refresh_from_db()
    h.open_issues = "changed"
    with pytest.raises(ValueError):
        h.save()
    note = services.handover_note_add(actor=world.district.member1, handover=h, text="更正：对讲机2部", at=NOW)
    with pytest.raises(ValueError):
        note.save()
    with pytest.raises(PermissionError):
        services.handover_note_add(actor=world.member4, handover=h, text="x", at=NOW)
    assert HandoverNote.objects.filter(handover=h).count() == 1


def test_overdue_and_awaiting_selectors(world):
    d = world.district
    h = _handover(world, to_team=d.sq1_t2)
    due = h.ack_due_at
    assert list(selectors.overdue_handovers(world.leader2, due)) == []
    assert list(selectors.overdue_handovers(world.leader2, due + dt.timedelta(seconds=1))) == [h]
    assert list(selectors.overdue_handovers(d.squadron1, due + H)) == [h]
    assert list(selectors.overdue_handovers(d.bureau_user, due + H)) == [h]
    assert list(selectors.overdue_handovers(d.squadron2, due + H)) == []
    assert list(selectors.overdue_handovers(world.member4, due + H)) == [h]
    assert list(selectors.awaiting_my_ack(world.member4)) == [h]
    assert list(selectors.awaiting_my_ack(world.leader2)) == [h]
    assert list(selectors.awaiting_my_ack(d.member1)) == []
    services.handover_acknowledge(actor=world.leader2, handover=h, at=due + H)
    assert list(selectors.overdue_handovers(d.bureau_user, due + H)) == []
    assert list(selectors.awaiting_my_ack(world.member4)) == []


def test_log_visibility(world):
    d = world.district
    log = _log(world, members=[world.m3])
    assert list(selectors.logs_visible_to(world.member3)) == [log]
    assert list(selectors.logs_visible_to(world.member4)) == []
    assert list(selectors.logs_visible_to(world.leader)) == [log]
    assert list(selectors.logs_visible_to(world.leader2)) == []
    assert list(selectors.logs_visible_to(d.squadron1)) == [log]
    assert list(selectors.logs_visible_to(d.squadron2)) == []
    assert list(selectors.logs_visible_to(d.hrco)) == []
    assert list(selectors.logs_visible_to(d.bureau_user)) == [log]
