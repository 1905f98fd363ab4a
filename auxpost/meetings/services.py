"""§5.3.3 会议 writes. Keyword-only, one transaction each, audited (§11), time passed in (``at``).

Schedule → (attendees edited before it starts; excuses sent and decided; sign-in) → close (the host:
each attendee's outcome fixed, one ``meeting_absence`` points entry per unexcused absentee) → minutes
and follow-ups. A meeting is never deleted: it is cancelled with a reason. An absence excused after
closing (with a reason) withdraws its points entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.audit.services import Change, audit_record, audit_record_many, model_snapshot
from auxpost.meetings import rules, selectors
from auxpost.meetings.models import Attendee, ExcuseState, FollowUp, Meeting, MeetingStatus, Outcome
from auxpost.people.models import ON_ROSTER, Member
from auxpost.people.selectors import own_member

MEETING_FIELDS = ["unit", "title", "kind", "kind_name", "starts_at", "ends_at", "place", "host", "agenda", "status",
                  "cancel_reason", "closed_by", "closed_at"]
ATT_FIELDS = ["meeting", "member", "outcome", "signed_in_at", "signed_in_by", "excuse_state", "excuse",
              "excuse_decided_by", "excuse_note", "points_origin"]
FU_FIELDS = ["meeting", "title", "owner", "due_date", "done_at", "done_by", "done_note"]
MAX_HOURS = 12
MINUTES_MAX = 10000


def _refuse(field: str, message: str):
    raise ValidationError({field: [message]})


def on_leave_ids(day: dt.date, member_ids: Iterable[int]) -> set[int]:
    """Members on approved leave on ``day`` (§5.3.4, the leave app's selector, imported when needed so this
    app does not depend on leave being installed first)."""
    from auxpost.leave.selectors import on_leave_ids as leave_on_leave_ids

    return set(leave_on_leave_ids(day, member_ids=list(member_ids)))


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("unit", "host").get(pk=meeting.pk)


def _check_scheduled(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        _refuse("meeting", _("This meeting was cancelled."))
    if meeting.status == MeetingStatus.CLOSED:
        _refuse("meeting", _("This meeting is closed."))


def _check_host(actor, meeting: Meeting) -> None:
    if not selectors.is_host(actor, meeting):
        raise PermissionError("only the meeting's host")


def _check_manager(actor, meeting: Meeting) -> None:
    if not selectors.can_manage(actor, meeting):
        raise PermissionError("not in scope")


def _times(starts_at, ends_at) -> None:
    if starts_at is None:
        _refuse("starts_at", _("Start time: this field is required."))
    if ends_at is None:
        _refuse("ends_at", _("End time: this field is required."))
    if ends_at <= starts_at:
        _refuse("ends_at", _("End time: must be after the start."))
    if ends_at - starts_at > dt.timedelta(hours=MAX_HOURS):
        _refuse("ends_at", _("End time: a meeting lasts at most %(n)s hours.") % {"n": MAX_HOURS})


def _text(value, field: str, label: str, max_len: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        _refuse(field, _("%(label)s: this field is required.") % {"label": label})
    if len(value) > max_len:
        _refuse(field, _("%(label)s: at most %(n)s characters.") % {"label": label, "n": max_len})
    return value


def _check_host_candidate(host, unit) -> None:
    if host is None or not selectors.host_candidates(unit).filter(pk=host.pk).exists():
        _refuse("host", _("Host: must be a leader of this unit or of a unit above it, or the bureau."))


# ------------------------------------------------------------------------------------------ schedule

@transaction.atomic
def meeting_schedule(*, actor, unit, title: str, kind: str, starts_at: dt.datetime, ends_at: dt.datetime,
                     place: str, host=None, agenda: str = "", at: dt.datetime) -> Meeting:
    """§5.3.3 a leader (line manager of the unit or above, or the bureau) schedules a meeting of ``unit``;
    its attendees are the unit subtree's members on the roster and at work (editable until it starts)."""
    if not selectors.leader_units(actor).filter(pk=unit.pk).exists():
        raise PermissionError("not a leader of this unit")
    title = _text(title, "title", _("Meeting title"), 100)
    place = _text(place, "place", _("Meeting place"), 100)
    agenda = _text(agenda, "agenda", _("Agenda"), 2000, required=False)
    _times(starts_at, ends_at)
    names = dict(selectors.kinds(selectors.local_day(starts_at)))
    if kind not in names:
        _refuse("kind", _("Meeting kind: choose one of %(kinds)s.") % {"kinds": "、".join(names.values())})
    host = host or actor
    _check_host_candidate(host, unit)
    meeting = Meeting.objects.create(unit=unit, title=title, kind=kind, kind_name=names[kind], starts_at=starts_at,
                                     ends_at=ends_at, place=place, host=host, agenda=agenda, created_by=actor,
                                     created_at=at)
    rows = Attendee.objects.bulk_create([
        Attendee(meeting=meeting, member_id=pk, added_by=actor, added_at=at)
        for pk in selectors.default_attendees(unit).order_by("pk").values_list("pk", flat=True)])
    audit_record(actor=actor, action="create", obj=meeting, summary="§5.3.3 meeting scheduled",
                 after={**model_snapshot(meeting, MEETING_FIELDS), "attendees": [r.member_id for r in rows]})
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, title: str, starts_at: dt.datetime, ends_at: dt.datetime, place: str,
                   host, agenda: str = "", at: dt.datetime) -> Meeting:
    """§5.3.3 change a meeting before it starts (title, time, place, host, agenda); its kind and unit stay."""
    meeting = _lock(meeting)
    _check_manager(actor, meeting)
    _check_scheduled(meeting)
    if at >= meeting.starts_at:
        _refuse("starts_at", _("The meeting has started; it can no longer be changed."))
    before = model_snapshot(meeting, MEETING_FIELDS)
    meeting.title = _text(title, "title", _("Meeting title"), 100)
    meeting.place = _text(place, "place", _("Meeting place"), 100)
    meeting.agenda = _text(agenda, "agenda", _("Agenda"), 2000, required=False)
    _times(starts_at, ends_at)
    _check_host_candidate(host, meeting.unit)
    meeting.starts_at, meeting.ends_at, meeting.host = starts_at, ends_at, host
    meeting.save()
    audit_record(actor=actor, action="update", obj=meeting, summary="§5.3.3 meeting changed", before=before,
                 after=model_snapshot(meeting, MEETING_FIELDS))
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str, at: dt.datetime) -> Meeting:
    """§5.3.3 cancel a meeting not yet closed, with a reason (a meeting is never deleted)."""
    meeting = _lock(meeting)
    _check_manager(actor, meeting)
    _check_scheduled(meeting)
    reason = _text(reason, "reason", _("Reason"), 300)
    before = model_snapshot(meeting, MEETING_FIELDS)
    meeting.status, meeting.cancel_reason, meeting.closed_by, meeting.closed_at = (
        MeetingStatus.CANCELLED, reason, actor, at)
    meeting.save(update_fields=["status", "cancel_reason", "closed_by", "closed_at"])
    audit_record(actor=actor, action="transition", obj=meeting, summary=f"§5.3.3 meeting cancelled: {reason}",
                 before=before, after=model_snapshot(meeting, MEETING_FIELDS))
    return meeting


# ----------------------------------------------------------------------------------------- attendees

def _check_before_start(meeting: Meeting, at: dt.datetime) -> None:
    _check_scheduled(meeting)
    if at >= meeting.starts_at:
        _refuse("attendees", _("Attendees: the meeting has started; the list can no longer be changed."))


@transaction.atomic
def attendees_add(*, actor, meeting: Meeting, members: Iterable[Member], at: dt.datetime) -> int:
    """§5.3.3 add members (on the roster, in the actor's scope) before the meeting starts; returns how many
    were added (those already expected are skipped)."""
    meeting = _lock(meeting)
    _check_manager(actor, meeting)
    _check_before_start(meeting, at)
    members = list(members)
    allowed = set(selectors.member_candidates(actor).filter(pk__in=[m.pk for m in members])
                  .values_list("pk", flat=True))
    for m in members:
        if m.pk not in allowed:
            _refuse("members", _("Attendees: %(name)s is not on the roster in your scope.") % {"name": m.name})
    have = set(meeting.attendees.values_list("member_id", flat=True))
    rows = Attendee.objects.bulk_create([Attendee(meeting=meeting, member=m, added_by=actor, added_at=at)
                                         for m in members if m.pk not in have])
    audit_record_many(actor=actor, changes=[
        Change("create", Attendee._meta.label_lower, str(r.pk), str(r), "§5.3.3 attendee added",
               after=model_snapshot(r, ATT_FIELDS)) for r in rows])
    return len(rows)


@transaction.atomic
def attendee_remove(*, actor, attendee: Attendee, at: dt.datetime) -> None:
    """§5.3.3 remove an attendee before the meeting starts (audited with what was removed)."""
    meeting = _lock(attendee.meeting)
    _check_manager(actor, meeting)
    _check_before_start(meeting, at)
    attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
    attendee.meeting = meeting
    before = model_snapshot(attendee, ATT_FIELDS)
    pk, label = attendee.pk, str(attendee)
    attendee.delete()
    audit_record(actor=actor, action="delete", object_type=Attendee._meta.label_lower, object_id=str(pk),
                 object_repr=label, summary="§5.3.3 attendee removed before the meeting", before=before)


# ------------------------------------------------------------------------------------------ sign-in

def _my_row(actor, meeting: Meeting) -> Attendee:
    me = own_member(actor)
    row = None if me is None else Attendee.objects.select_for_update().filter(meeting=meeting, member=me).first()
    if row is None:
        _refuse("meeting", _("You are not expected at this meeting."))
    return row


@transaction.atomic
def attendance_sign_in(*, actor, meeting: Meeting, at: dt.datetime) -> Attendee:
    """§5.3.3 an attendee signs in on the phone, from 30 minutes before the start to the end."""
    meeting = _lock(meeting)
    row = _my_row(actor, meeting)
    refusal = selectors.signin_refusal(meeting, at)
    if refusal:
        _refuse("meeting", refusal)
    if row.signed_in_at is not None:
        return row
    before = model_snapshot(row, ATT_FIELDS)
    row.signed_in_at, row.signed_in_by = at, actor
    row.save(update_fields=["signed_in_at", "signed_in_by"])
    audit_record(actor=actor, action="update", obj=row, summary="§5.3.3 signed in", before=before,
                 after=model_snapshot(row, ATT_FIELDS))
    return row


@transaction.atomic
def attendance_mark(*, actor, attendee: Attendee, present: bool, at: dt.datetime) -> Attendee:
    """§5.3.3 the host marks an attendee present (or takes the mark back) until the meeting is closed,
    from 30 minutes before the start."""
    meeting = _lock(attendee.meeting)
    _check_host(actor, meeting)
    _check_scheduled(meeting)
    first, _last = rules.signin_window(meeting.starts_at, meeting.ends_at)
    if at < first:
        _refuse("meeting", _("Sign-in opens 30 minutes before the start."))
    row = Attendee.objects.select_for_update().get(pk=attendee.pk)
    before = model_snapshot(row, ATT_FIELDS)
    if present and row.signed_in_at is None:
        row.signed_in_at, row.signed_in_by = at, actor
    elif not present:
        row.signed_in_at, row.signed_in_by = None, None
    else:
        return row
    row.save(update_fields=["signed_in_at", "signed_in_by"])
    audit_record(actor=actor, action="update", obj=row,
                 summary="§5.3.3 marked present by the host" if present else "§5.3.3 sign-in taken back by the host",
                 before=before, after=model_snapshot(row, ATT_FIELDS))
    return row


# ------------------------------------------------------------------------------------------ excuses

@transaction.atomic
def excuse_send(*, actor, meeting: Meeting, reason: str, at: dt.datetime) -> Attendee:
    """§5.3.3 an attendee asks to be excused before the meeting starts; the host decides."""
    meeting = _lock(meeting)
    row = _my_row(actor, meeting)
    refusal = rules.excuse_refusal(now=at, starts_at=meeting.starts_at, status=meeting.status,
                                   signed_in=row.signed_in_at is not None)
    if refusal:
        _refuse("meeting", refusal)
    reason = _text(reason, "reason", _("Reason for the excuse"), 300)
    before = model_snapshot(row, ATT_FIELDS)
    row.excuse, row.excuse_state, row.excuse_sent_at = reason, ExcuseState.PENDING, at
    row.excuse_decided_by, row.excuse_decided_at, row.excuse_note = None, None, ""
    row.save()
    audit_record(actor=actor, action="update", obj=row, summary="§5.3.3 excuse sent", before=before,
                 after=model_snapshot(row, ATT_FIELDS))
    return row


@transaction.atomic
def excuse_decide(*, actor, attendee: Attendee, accept: bool, note: str = "", at: dt.datetime) -> Attendee:
    """§5.3.3 the host accepts or refuses an excuse (a refusal says why) before closing the meeting."""
    meeting = _lock(attendee.meeting)
    _check_host(actor, meeting)
    _check_scheduled(meeting)
    row = Attendee.objects.select_for_update().get(pk=attendee.pk)
    if row.excuse_state != ExcuseState.PENDING:
        _refuse("excuse", _("Excuse: there is no excuse waiting for a decision."))
    note = _text(note, "note", _("Host's note"), 300, required=not accept)
    before = model_snapshot(row, ATT_FIELDS)
    row.excuse_state = ExcuseState.ACCEPTED if accept else ExcuseState.REFUSED
    row.excuse_decided_by, row.excuse_decided_at, row.excuse_note = actor, at, note
    row.save()
    audit_record(actor=actor, action="transition", obj=row,
                 summary="§5.3.3 excuse accepted" if accept else "§5.3.3 excuse refused", before=before,
                 after=model_snapshot(row, ATT_FIELDS))
    return row


@transaction.atomic
def excuse_record(*, actor, attendee: Attendee, reason: str, at: dt.datetime) -> Attendee:
    """§5.3.3 the host records an excuse received another way (by phone, in person) and accepts it, until the
    meeting is closed; for an attendee who has not signed in."""
    meeting = _lock(attendee.meeting)
    _check_host(actor, meeting)
    _check_scheduled(meeting)
    row = Attendee.objects.select_for_update().get(pk=attendee.pk)
    if row.signed_in_at is not None:
        _refuse("excuse", _("Excuse: this attendee has signed in."))
    reason = _text(reason, "reason", _("Reason for the excuse"), 300)
    before = model_snapshot(row, ATT_FIELDS)
    row.excuse, row.excuse_sent_at, row.excuse_state = reason, at, ExcuseState.ACCEPTED
    row.excuse_decided_by, row.excuse_decided_at, row.excuse_note = actor, at, ""
    row.save()
    audit_record(actor=actor, action="transition", obj=row, summary="§5.3.3 excuse recorded and accepted by the host",
                 before=before, after=model_snapshot(row, ATT_FIELDS))
    return row


# ------------------------------------------------------------------------------------------- closing

def _origin(row: Attendee) -> str:
    return f"meetings.attendance:{row.pk}"


@transaction.atomic
def meeting_close(*, actor, meeting: Meeting, at: dt.datetime) -> rules.Tally:
    """§5.3.3 the host closes the meeting once it has started: signed in → present; an accepted excuse or
    approved leave (§5.3.4) → excused; everyone else is absent without excuse and gets one
    ``meeting_absence`` points entry (§10; pending a second person's approval), recorded by the host.
    Refused while an excuse is still waiting for the host."""
    from auxpost.points.services import points_entry_automatic

    meeting = _lock(meeting)
    _check_host(actor, meeting)
    _check_scheduled(meeting)
    if at < meeting.starts_at:
        _refuse("meeting", _("The meeting has not started yet; it can be closed once it has begun."))
    rows = list(Attendee.objects.select_for_update().filter(meeting=meeting).select_related("member"))
    waiting = [r.member.name for r in rows if r.excuse_state == ExcuseState.PENDING]
    if waiting:
        _refuse("excuse", _("Decide the excuses still waiting first: %(names)s.") % {"names": "、".join(waiting)})
    day = selectors.local_day(meeting.starts_at)
    leave = on_leave_ids(day, [r.member_id for r in rows if r.signed_in_at is None])
    changes = []
    for r in rows:
        before = model_snapshot(r, ATT_FIELDS)
        on_leave = r.member_id in leave
        r.outcome = rules.outcome_at_close(signed_in=r.signed_in_at is not None, excuse_state=r.excuse_state,
                                           on_leave=on_leave)
        if r.outcome == rules.EXCUSED and on_leave and r.excuse_state not in rules.EXCUSING:
            r.excuse_state = ExcuseState.LEAVE
        if r.outcome == rules.ABSENT:
            evidence = rules.absence_evidence(starts_at=timezone.localtime(meeting.starts_at),
                                              kind_name=meeting.kind_name, title=meeting.title,
                                              excuse_state=r.excuse_state)
            entry = points_entry_automatic(member=r.member, rule_code="meeting_absence", date=day, origin=_origin(r),
                                           evidence=evidence, recorded_by=meeting.host, at=at)
            if entry is not None:
                r.points_origin = entry.origin
        r.save(update_fields=["outcome", "excuse_state", "points_origin"])
        changes.append(Change("update", Attendee._meta.label_lower, str(r.pk), str(r),
                              f"§5.3.3 outcome at closing: {r.outcome}", before, model_snapshot(r, ATT_FIELDS)))
    before = model_snapshot(meeting, MEETING_FIELDS)
    meeting.status, meeting.closed_by, meeting.closed_at = MeetingStatus.CLOSED, actor, at
    meeting.save(update_fields=["status", "closed_by", "closed_at"])
    result = rules.tally(r.outcome for r in rows)
    changes.append(Change("transition", Meeting._meta.label_lower, str(meeting.pk), str(meeting),
                          f"§5.3.3 meeting closed: {result.present} present, {result.excused} excused, "
                          f"{result.absent} absent", before, model_snapshot(meeting, MEETING_FIELDS)))
    audit_record_many(actor=actor, changes=changes)
    return result


@transaction.atomic
def absence_excuse(*, actor, attendee: Attendee, reason: str, at: dt.datetime) -> Attendee:
    """§5.3.3 an absence recorded at closing is excused afterwards (the host or a leader of the unit, with a
    reason, audited): the outcome becomes excused and its points entry is withdrawn (§10: a pending entry
    is rejected, an approved one reversed)."""
    from auxpost.points.services import points_entry_withdraw

    meeting = _lock(attendee.meeting)
    _check_manager(actor, meeting)
    row = Attendee.objects.select_for_update().get(pk=attendee.pk)
    if meeting.status != MeetingStatus.CLOSED or row.outcome != Outcome.ABSENT:
        _refuse("attendee", _("Only an absence recorded when the meeting was closed can be excused afterwards."))
    reason = _text(reason, "reason", _("Reason"), 300)
    before = model_snapshot(row, ATT_FIELDS)
    row.outcome, row.excuse_state = Outcome.EXCUSED, ExcuseState.LATER
    row.excuse_note, row.excuse_decided_by, row.excuse_decided_at = reason, actor, at
    row.save()
    if row.points_origin:
        points_entry_withdraw(origin=row.points_origin, by=actor,
                              reason=_("Meeting absence excused afterwards: %(reason)s") % {"reason": reason}, at=at)
    audit_record(actor=actor, action="transition", obj=row, summary=f"§5.3.3 absence excused afterwards: {reason}",
                 before=before, after=model_snapshot(row, ATT_FIELDS))
    return row


# ------------------------------------------------------------------------------- minutes, follow-ups

@transaction.atomic
def minutes_save(*, actor, meeting: Meeting, minutes: str, uploads: Iterable = (), at: dt.datetime) -> Meeting:
    """§5.3.3 the minutes (纪要) of a meeting that has begun, with attachments (photos, PDF); the host or a
    leader of the unit. Saving again replaces the text (audited before/after); attachments are added."""
    from auxpost.files.services import attachments_store

    meeting = _lock(meeting)
    _check_manager(actor, meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        _refuse("meeting", _("This meeting was cancelled."))
    if at < meeting.starts_at:
        _refuse("minutes", _("Minutes: the meeting has not started yet."))
    minutes = _text(minutes, "minutes", _("Minutes"), MINUTES_MAX, required=False)
    uploads = [u for u in uploads if u]
    if not minutes and not uploads and not meeting.minutes:
        _refuse("minutes", _("Minutes: write the minutes or attach a file."))
    before = {"minutes": meeting.minutes, "attachments": list(meeting.attachments.values_list("pk", flat=True))}
    if uploads:
        stored = attachments_store(uploads=uploads, purpose="meeting_minutes", uploaded_by=actor, unit=meeting.unit,
                                   at=at)
        meeting.attachments.add(*stored)
    meeting.minutes, meeting.minutes_by, meeting.minutes_at = minutes, actor, at
    meeting.save(update_fields=["minutes", "minutes_by", "minutes_at"])
    audit_record(actor=actor, action="update", obj=meeting, summary="§5.3.3 minutes saved", before=before,
                 after={"minutes": minutes, "attachments": list(meeting.attachments.values_list("pk", flat=True))})
    return meeting


@transaction.atomic
def follow_up_add(*, actor, meeting: Meeting, title: str, owner: Member, due_date: dt.date,
                  at: dt.datetime) -> FollowUp:
    """§5.3.3 an action item from the meeting: what, owner (one of its attendees), due date."""
    meeting = _lock(meeting)
    _check_manager(actor, meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        _refuse("meeting", _("This meeting was cancelled."))
    title = _text(title, "title", _("Action item"), 200)
    if owner is None or not meeting.attendees.filter(member=owner).exists() or owner.status not in ON_ROSTER:
        _refuse("owner", _("Owner: choose one of the meeting's attendees on the roster."))
    if due_date is None:
        _refuse("due_date", _("Due date: this field is required."))
    if due_date < selectors.local_day(meeting.starts_at):
        _refuse("due_date", _("Due date: not before the meeting."))
    fu = FollowUp.objects.create(meeting=meeting, title=title, owner=owner, due_date=due_date, created_by=actor,
                                 created_at=at)
    audit_record(actor=actor, action="create", obj=fu, summary="§5.3.3 follow-up added",
                 after=model_snapshot(fu, FU_FIELDS))
    return fu


@transaction.atomic
def follow_up_done(*, actor, follow_up: FollowUp, note: str, at: dt.datetime) -> FollowUp:
    """§5.3.3 a follow-up is done, with a note saying how: by its owner, the host or a leader of the unit."""
    fu = FollowUp.objects.select_for_update().select_related("meeting").get(pk=follow_up.pk)
    if not selectors.can_finish_follow_up(actor, fu):
        raise PermissionError("not the owner or a manager")
    if fu.done_at is not None:
        _refuse("follow_up", _("This follow-up is already done."))
    note = _text(note, "note", _("How it was done"), 300)
    before = model_snapshot(fu, FU_FIELDS)
    fu.done_at, fu.done_by, fu.done_note = at, actor, note
    fu.save(update_fields=["done_at", "done_by", "done_note"])
    audit_record(actor=actor, action="transition", obj=fu, summary="§5.3.3 follow-up done", before=before,
                 after=model_snapshot(fu, FU_FIELDS))
    return fu
