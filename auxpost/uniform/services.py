"""§5.3.5 着装 writes. Keyword-only, one transaction each, audited (§11), time passed in (``at``).

An inspection of one member, or of a whole team at once (one row per member sharing a batch), with the
checklist of the policy in force on the date: every item passes unless failed. Each inspection with
failed items writes one ``uniform_fail`` points entry (§10, quantity = the number of failed items,
pending a second person's approval) whose evidence names the items. The inspector corrects an
inspection with a reason: the old entry is withdrawn and, if items still fail, a new one is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.audit.services import Change, audit_record, audit_record_many, model_snapshot
from auxpost.people.models import Member
from auxpost.uniform import rules, selectors
from auxpost.uniform.models import Inspection

FIELDS = ["member", "unit", "date", "inspected_at", "inspector", "failed", "notes", "failed_count", "revision",
          "points_origin", "correction_reason"]


@dataclass
class Entry:
    """One member's line of an inspection: the failed item codes, a note per failed item, photos."""

    member: Member
    failed: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    photos: list = field(default_factory=list)


def _refuse(fld: str, message: str):
    raise ValidationError({fld: [message]})


def _normalise(failed, notes, items, member: Member) -> tuple[list[str], dict[str, str]]:
    try:
        return rules.normalise_failures(failed, notes, items)
    except rules.InspectionError as exc:
        raise ValidationError({exc.field: [f"{member.name}：{exc.message}"]}) from None


def _origin(inspection: Inspection) -> str:
    base = f"uniform.inspection:{inspection.pk}"
    return base if inspection.revision == 0 else f"{base}:r{inspection.revision}"


def _points(inspection: Inspection, *, actor, at: dt.datetime) -> None:
    """Write the inspection's ``uniform_fail`` entry when items failed (sets ``points_origin``)."""
    from auxpost.points.services import points_entry_automatic

    inspection.points_origin = ""
    if not inspection.failed_count:
        return
    names = dict(inspection.checklist)
    entry = points_entry_automatic(
        member=inspection.member, rule_code="uniform_fail", date=inspection.date, origin=_origin(inspection),
        quantity=inspection.failed_count, recorded_by=actor, at=at,
        evidence=rules.evidence(day=inspection.date, failed=inspection.failed, notes=inspection.notes, names=names))
    if entry is not None:
        inspection.points_origin = entry.origin


@transaction.atomic
def inspection_record(*, actor, date: dt.date, entries: Iterable[Entry], at: dt.datetime) -> list[Inspection]:
    """§5.3.5 record an inspection of one member or of a whole team at once (one row per member): the
    inspector is a leader with scope over each member and never the member themself; each failed item
    costs points (one ``uniform_fail`` entry per inspection, quantity = failed items). All or nothing."""
    entries = list(entries)
    if not entries:
        _refuse("members", _("Members: choose at least one member to inspect."))
    if date is None:
        _refuse("date", _("Inspection date: this field is required."))
    if date > timezone.localdate(at):
        _refuse("date", _("Inspection date: not in the future."))
    ids = [e.member.pk for e in entries]
    if len(set(ids)) != len(ids):
        _refuse("members", _("Members: a member is listed twice."))
    allowed = set(selectors.inspectable_members(actor).filter(pk__in=ids).values_list("pk", flat=True))
    for e in entries:
        if e.member.pk not in allowed:
            _refuse("members", _("Members: you may not inspect %(name)s (not in your scope, not at work, or "
                                 "yourself).") % {"name": e.member.name})
    items = selectors.checklist(date)
    batch = uuid.uuid4()
    rows = []
    for e in entries:
        failed, notes = _normalise(e.failed, e.notes, items, e.member)
        rows.append((e, Inspection(member=e.member, unit_id=e.member.unit_id, date=date, inspected_at=at,
                                   inspector=actor, checklist=[list(i) for i in items], failed=failed, notes=notes,
                                   failed_count=len(failed), batch=batch)))
    created = []
    for e, ins in rows:
        ins.save()
        photos = [p for p in e.photos if p]
        if photos:
            from auxpost.files.services import attachments_store

            ins.photos.add(*attachments_store(uploads=photos, purpose="uniform", uploaded_by=actor, member=e.member,
                                              unit=e.member.unit, at=at))
        _points(ins, actor=actor, at=at)
        if ins.points_origin:
            ins.save(update_fields=["points_origin"])
        created.append(ins)
    audit_record_many(actor=actor, changes=[
        Change("create", Inspection._meta.label_lower, str(i.pk), str(i),
               f"§5.3.5 uniform inspection: {i.failed_count} item(s) failed", after=model_snapshot(i, FIELDS))
        for i in created])
    return created


@transaction.atomic
def inspection_correct(*, actor, inspection: Inspection, failed: Iterable[str], notes: Mapping[str, str] | None,
                       reason: str, at: dt.datetime) -> Inspection:
    """§5.3.5 the inspector corrects an inspection, with a reason (audited): the failed items are rewritten;
    the points entry is withdrawn (§10: a pending one rejected, an approved one reversed) and, if items
    still fail, a new entry is written for the corrected count."""
    from auxpost.points.services import points_entry_withdraw

    ins = Inspection.objects.select_for_update().select_related("member", "member__unit").get(pk=inspection.pk)
    if not selectors.can_correct(actor, ins):
        raise PermissionError("only the inspector")
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", _("Reason for the correction: this field is required."))
    if len(reason) > 300:
        _refuse("reason", _("Reason for the correction: at most 300 characters."))
    new_failed, new_notes = _normalise(failed, notes, [tuple(i) for i in ins.checklist], ins.member)
    if new_failed == ins.failed and new_notes == ins.notes:
        _refuse("failed", _("Correction: nothing changed."))
    before = model_snapshot(ins, FIELDS)
    if ins.points_origin:
        points_entry_withdraw(origin=ins.points_origin, by=actor,
                              reason=_("Uniform inspection corrected: %(reason)s") % {"reason": reason}, at=at)
    ins.failed, ins.notes, ins.failed_count = new_failed, new_notes, len(new_failed)
    ins.revision += 1
    ins.correction_reason, ins.corrected_at = reason, at
    _points(ins, actor=actor, at=at)
    ins.save()
    audit_record(actor=actor, action="update", obj=ins, summary=f"§5.3.5 inspection corrected: {reason}",
                 before=before, after=model_snapshot(ins, FIELDS))
    return ins
