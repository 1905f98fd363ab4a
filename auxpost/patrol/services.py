"""§5.3.6 patrol logs and §5.3.2 交班 handover: the writes. Keyword-only, one transaction each, audited
(§11). Bad input raises ValidationError with a Chinese reason per field; nothing is half-written (photos
stored for a refused log are deleted with it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.audit.services import audit_record, model_snapshot
from auxpost.org.models import Unit
from auxpost.patrol import rules, selectors
from auxpost.patrol.models import FollowUp, Handover, HandoverNote, PatrolLog
from auxpost.people.models import ON_ROSTER, Member
from auxpost.people.selectors import own_member

LOG_FIELDS = ["member", "team", "day", "shift_code", "observed_at", "category", "description", "dissuaded",
              "informed", "reported", "reported_to", "lat", "lng", "accuracy_m", "coord_system", "address",
              "assignment", "area", "follow_up"]
HANDOVER_FIELDS = ["from_team", "day", "shift_code", "to_team", "to_day", "to_shift_code", "open_issues", "cases",
                   "equipment", "vehicles", "member", "ack_due_at"]
MAX_PHOTOS = 9
TEXT_MAX = 2000


def _local(at: dt.datetime) -> dt.datetime:
    """Naive local time of an aware datetime (shifts are in local time)."""
    if timezone.is_aware(at):
        return timezone.localtime(at).replace(tzinfo=None)
    return at


def _shift_codes(day: dt.date) -> set[str]:
    return {s.code for s in selectors.shifts_on(day)}


def patrol_categories():
    """§5.3.6 the issue categories: duties of the post-analysis ledger flagged as patrol categories."""
    from auxpost.duties.models import Duty

    return Duty.objects.filter(patrol_category=True).select_related("work_line").order_by("work_line", "name")


def log_create(*, actor, category, description: str, actions: Iterable[str], reported_to: str = "",
               members: Iterable[Member] = (), photos: Iterable = (), lat=None, lng=None, accuracy_m=None,
               coord_system: str = rules.WGS84, address: str = "", observed_at: dt.datetime | None = None,
               at: dt.datetime) -> PatrolLog:
    """§5.3.6 a member logs an issue found on patrol: category, what was found, what was done (劝阻, 宣传,
    上报 only: auxiliary staff take no enforcement decision, 中发〔2015〕37号), to whom it was reported,
    photos, location and time. ``members`` are the others of the patrol group present (of the writer's
    team); the writer is always one of them. The day and shift are the shift running at
    ``observed_at`` (or the one just ended); the roster assignment of that day and shift and its area are
    linked when the writer was rostered."""
    me = own_member(actor)
    if me is None or me.status not in ON_ROSTER:
        raise ValidationError({"member": [_("Only a member on the roster can log a patrol issue.")]})
    observed_at = observed_at or at
    if observed_at > at + dt.timedelta(minutes=5):
        raise ValidationError({"observed_at": [_("Time found: cannot be in the future.")]})
    if observed_at < at - dt.timedelta(days=7):
        raise ValidationError({"observed_at": [_("Time found: at most 7 days ago.")]})
    errors: dict[str, list[str]] = {}
    actions = list(dict.fromkeys(actions))
    errors.update({k: [v] for k, v in rules.actions_errors(actions, reported_to).items()})
    from auxpost.duties.models import Duty

    if not isinstance(category, Duty) or not category.patrol_category:
        errors["category"] = [_("Issue category: choose one of the patrol categories.")]
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("What was found: describe the issue.")]
    elif len(description) > TEXT_MAX:
        errors["description"] = [_("What was found: at most 2000 characters.")]
    reported_to = (reported_to or "").strip()[:100] if rules.REPORT in actions else ""
    loc_errors, lat, lng = rules.location_errors(lat, lng, coord_system or rules.WGS84)
    errors.update({k: [v] for k, v in loc_errors.items()})
    if accuracy_m not in (None, ""):
        try:
            accuracy_m = max(0, round(float(accuracy_m)))
        except (TypeError, ValueError):
            errors["accuracy_m"] = [_("Accuracy: not a number.")]
    else:
        accuracy_m = None
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("Photos: at most %(n)s per log.") % {"n": MAX_PHOTOS}]
    group = {me.pk: me}
    for m in members:
        group[m.pk] = m
    strangers = [m.name for m in group.values() if m.unit_id != me.unit_id or m.status not in ON_ROSTER]
    if strangers:
        errors["members"] = [_("Patrol members: %(names)s are not on your team's roster.")
                             % {"names": "、".join(strangers)}]
    if errors:
        raise ValidationError(errors)
    local = _local(observed_at)
    shift = rules.shift_nearest(selectors.shifts_on(local.date()), local)
    day, shift_code = shift if shift else (local.date(), "")
    from auxpost.duty.selectors import rostered

    assignment = next((a for a in rostered(me, day) if a.shift_code == shift_code), None)
    with transaction.atomic():
        stored = []
        if photos:
            from auxpost.files.models import IMAGE_TYPES
            from auxpost.files.services import attachments_store

            try:
                stored = attachments_store(uploads=photos, purpose="patrol", uploaded_by=actor, member=me,
                                           unit=me.unit, at=at, types=IMAGE_TYPES)
            except ValidationError as exc:
                raise ValidationError({"photos": exc.messages}) from None
        log = PatrolLog.objects.create(
            member=me, team_id=me.unit_id, day=day, shift_code=shift_code, observed_at=observed_at,
            category=category, description=description, dissuaded=rules.DISSUADE in actions,
            informed=rules.INFORM in actions, reported=rules.REPORT in actions, reported_to=reported_to,
            lat=lat, lng=lng, accuracy_m=accuracy_m, coord_system=(coord_system or rules.WGS84) if lat is not None else "",
            address=(address or "").strip()[:200], assignment=assignment,
            area=assignment.roster.area if assignment else None,
            follow_up=FollowUp.REPORTED if rules.REPORT in actions else FollowUp.NONE,
            recorded_by=actor, recorded_at=at)
        log.members.set(list(group.values()))
        if stored:
            log.photos.set(stored)
        audit_record(actor=actor, action="create", obj=log,
                     summary=_("Patrol log: %(category)s, %(actions)s") % {
                         "category": category.name, "actions": log.actions_display},
                     after={**model_snapshot(log, LOG_FIELDS), "members": sorted(group),
                            "photos": [p.pk for p in stored]})
    return log


def log_follow_up(*, actor, log: PatrolLog, note: str, at: dt.datetime) -> PatrolLog:
    """§5.3.6 a leader records that the officers handled a 上报 item, with what they did (their outcome,
    not an action of the patrol)."""
    if not selectors.can_follow_up(actor, log):
        raise PermissionError
    note = (note or "").strip()
    if not note:
        raise ValidationError({"follow_up_note": [_("Officers' handling: say what the officers did.")]})
    if len(note) > 300:
        raise ValidationError({"follow_up_note": [_("Officers' handling: at most 300 characters.")]})
    with transaction.atomic():
        before = model_snapshot(log, ["follow_up", "follow_up_note"])
        n = PatrolLog.objects.filter(pk=log.pk, follow_up=FollowUp.REPORTED).update(
            follow_up=FollowUp.HANDLED, follow_up_note=note, follow_up_by=actor, follow_up_at=at)
        if n != 1:
            raise ValidationError({"follow_up": [_("This item is already marked as handled.")]})
        log.follow_up, log.follow_up_note, log.follow_up_by, log.follow_up_at = FollowUp.HANDLED, note, actor, at
        audit_record(actor=actor, action="transition", obj=log, summary=_("Reported patrol issue handled"),
                     before=before, after=model_snapshot(log, ["follow_up", "follow_up_note"]))
    return log


def _text(value: str, field: str, label: str, errors: dict) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX:
        errors[field] = [_("%(label)s: at most 2000 characters.") % {"label": label}]
    return value


def handover_create(*, actor, from_team: Unit, day: dt.date, shift_code: str, to_team: Unit,
                    to_day: dt.date | None = None, to_shift_code: str = "", open_issues: str = "", cases: str = "",
                    equipment: str = "", vehicles: str = "", at: dt.datetime) -> Handover:
    """§5.3.2 交班: the outgoing member or team records, at shift end, the open issues, cases passed on,
    equipment and vehicles for the incoming team and shift (by default the next shift of the policy in
    force). It must be acknowledged within ``daily.duty.handover_ack_hours`` of recording, or it is
    flagged."""
    if not selectors.can_record_handover(actor, from_team):
        raise PermissionError
    errors: dict[str, list[str]] = {}
    if shift_code not in _shift_codes(day):
        errors["shift_code"] = [_("Outgoing shift: not a shift of the policy in force on %(date)s.")
                                % {"date": day.isoformat()}]
    if not selectors.incoming_teams(from_team).filter(pk=to_team.pk).exists():
        errors["to_team"] = [_("Incoming team: the same team or another team of its squadron.")]
    if not errors and (to_day is None or not to_shift_code):
        nxt = rules.next_shift(selectors.shifts_on(day), day, shift_code)
        to_day = to_day or (nxt[0] if nxt else day)
        to_shift_code = to_shift_code or (nxt[1] if nxt else shift_code)
    if to_day is not None and to_shift_code and to_shift_code not in _shift_codes(to_day):
        errors["to_shift_code"] = [_("Incoming shift: not a shift of the policy in force on %(date)s.")
                                   % {"date": to_day.isoformat()}]
    if to_day is not None and (to_day < day or to_day > day + dt.timedelta(days=2)):
        errors["to_day"] = [_("Incoming day: the outgoing day or up to two days later.")]
    if to_day == day and to_shift_code == shift_code and to_team.pk == from_team.pk:
        errors["to_shift_code"] = [_("Incoming shift: a team cannot hand over to the same shift.")]
    if day > _local(at).date() + dt.timedelta(days=1) or day < _local(at).date() - dt.timedelta(days=7):
        errors["day"] = [_("Duty day: from 7 days ago to tomorrow.")]
    texts = {f: _text(v, f, label, errors) for f, v, label in (
        ("open_issues", open_issues, _("Open issues")), ("cases", cases, _("Cases passed on")),
        ("equipment", equipment, _("Equipment")), ("vehicles", vehicles, _("Vehicles")))}
    if not any(texts.values()) and "open_issues" not in errors:
        errors["open_issues"] = [_("Handover: fill in at least one section (write “none” where nothing is open).")]
    if errors:
        raise ValidationError(errors)
    me = own_member(actor)
    hours = selectors.daily_policy(day).duty.handover_ack_hours
    with transaction.atomic():
        h = Handover.objects.create(
            from_team=from_team, day=day, shift_code=shift_code, to_team=to_team, to_day=to_day,
            to_shift_code=to_shift_code, member=me if me is not None and me.unit_id == from_team.pk else None,
            recorded_by=actor, recorded_at=at, ack_due_at=rules.ack_due(at, hours), **texts)
        audit_record(actor=actor, action="create", obj=h, summary=_("Handover recorded"),
                     after=model_snapshot(h, HANDOVER_FIELDS))
    return h


def handover_acknowledge(*, actor, handover: Handover, remarks: str = "", discrepancy: bool = False,
                         at: dt.datetime) -> Handover:
    """§5.3.2 the incoming side (its leader or one of its members, not whoever recorded it) acknowledges
    the handover, with optional remarks and whether something did not match. Once only; audited."""
    if not selectors.can_acknowledge(actor, handover):
        if handover.acknowledged:
            raise ValidationError({"handover": [_("This handover has already been acknowledged.")]})
        raise PermissionError
    remarks = (remarks or "").strip()
    if len(remarks) > 500:
        raise ValidationError({"ack_remarks": [_("Remarks: at most 500 characters.")]})
    if discrepancy and not remarks:
        raise ValidationError({"ack_remarks": [_("Remarks: say what did not match.")]})
    me = own_member(actor)
    ack_member = me if me is not None and me.unit_id == handover.to_team_id else None
    with transaction.atomic():
        n = Handover.objects.filter(pk=handover.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=at, acknowledged_by=actor, ack_member=ack_member, ack_remarks=remarks,
            discrepancy=bool(discrepancy))
        if n != 1:
            raise ValidationError({"handover": [_("This handover has already been acknowledged.")]})
        overdue = rules.is_overdue(handover.ack_due_at, False, at)
        handover.acknowledged_at, handover.acknowledged_by, handover.ack_member = at, actor, ack_member
        handover.ack_remarks, handover.discrepancy = remarks, bool(discrepancy)
        audit_record(actor=actor, action="transition", obj=handover, summary=_("Handover acknowledged"),
                     before={"acknowledged_at": None},
                     after={**model_snapshot(handover, ["acknowledged_at", "acknowledged_by", "ack_member",
                                                        "ack_remarks", "discrepancy"]), "late": overdue})
    return handover


def handover_note_add(*, actor, handover: Handover, text: str, at: dt.datetime) -> HandoverNote:
    """§5.3.2 a correction or addition appended to a handover (it is never edited after recording)."""
    if not selectors.can_add_note(actor, handover):
        raise PermissionError
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Note: write the correction or addition.")]})
    if len(text) > 500:
        raise ValidationError({"text": [_("Note: at most 500 characters.")]})
    with transaction.atomic():
        note = HandoverNote.objects.create(handover=handover, text=text, written_by=actor, written_at=at)
        audit_record(actor=actor, action="create", obj=note, summary=_("Note added to a handover"),
                     after={"handover": handover.pk, "text": text})
    return note
