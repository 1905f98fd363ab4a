"""§6.1 Writes of the grading app: basic-requirement records (append-only)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.audit.services import audit_record, model_snapshot
from auxpost.grading.models import BasicRecord, CommendationLevel, RecordKind
from auxpost.grading.selectors import RECORD_ROLES
from auxpost.people.models import ON_ROSTER, Member

SNAPSHOT_FIELDS = ["member", "kind", "date", "passed", "level", "description", "evidence"]


def can_record(user, member: Member | None = None) -> bool:
    """Whether ``user`` may add §6.1 records (for ``member``, within the recording role's scope)."""
    if not scope.has_role(user, *RECORD_ROLES):
        return False
    if member is None:
        return True
    q = scope.member_q(user, roles_allowed=RECORD_ROLES)
    return q is not None and Member.objects.filter(q).filter(pk=member.pk).exists()


def basic_record_add(*, member: Member, kind: str, date: dt.date, passed: bool = True, level: str = "",
                     description: str, evidence: str = "", by, at: dt.datetime | None = None) -> BasicRecord:
    """§6.1 append a dated basic-requirement record (思想政治, 身心素质, 行为标准, 违法违纪, 表彰).

    For the bureau, the HR company and the administrator, within their scope. A commendation needs
    its level; a sanction is always negative and a commendation always positive, whatever ``passed``
    says. Records are never edited or deleted: a mistaken record is countered by a later one (for an
    attestation, a later record of the same kind decides). Audited in the same transaction.
    """
    at = at or timezone.now()
    errors: dict[str, list[str]] = {}
    label = BasicRecord._meta.get_field
    if by is not None and not can_record(by, member):
        raise ValidationError(_("You may not add basic-requirement records for this member."))
    if member.status not in ON_ROSTER:
        errors.setdefault("member", []).append(_("%(field)s: the member is not on the roster.") % {
            "field": label("member").verbose_name})
    if kind not in RecordKind.values:
        errors.setdefault("kind", []).append(_("%(field)s: choose one of the listed kinds.") % {
            "field": label("kind").verbose_name})
    if not isinstance(date, dt.date):
        errors.setdefault("date", []).append(_("%(field)s: enter a valid date.") % {
            "field": label("date").verbose_name})
    elif date > timezone.localtime(at).date():
        errors.setdefault("date", []).append(_("%(field)s: the date cannot be in the future.") % {
            "field": label("date").verbose_name})
    description = (description or "").strip()
    evidence = (evidence or "").strip()
    level = (level or "").strip()
    if not description:
        errors.setdefault("description", []).append(_("%(field)s: this field is required.") % {
            "field": label("description").verbose_name})
    elif len(description) > 300:
        errors.setdefault("description", []).append(_("%(field)s: at most 300 characters.") % {
            "field": label("description").verbose_name})
    if len(evidence) > 300:
        errors.setdefault("evidence", []).append(_("%(field)s: at most 300 characters.") % {
            "field": label("evidence").verbose_name})
    if kind == RecordKind.COMMENDATION:
        if level not in CommendationLevel.values:
            errors.setdefault("level", []).append(_("%(field)s: a commendation needs its level.") % {
                "field": label("level").verbose_name})
        passed = True
    elif level:
        errors.setdefault("level", []).append(_("%(field)s: only a commendation has a level.") % {
            "field": label("level").verbose_name})
    if kind == RecordKind.SANCTION:
        passed = False
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = BasicRecord.objects.create(member=member, kind=kind, date=date, passed=bool(passed), level=level,
                                            description=description, evidence=evidence,
                                            recorded_by=by if by is not None and by.is_authenticated else None,
                                            recorded_at=at)
        audit_record(actor=by, action="create", obj=record,
                     summary=_("Basic-requirement record for %(name)s: %(kind)s") % {
                         "name": member.name, "kind": record.get_kind_display()},
                     after=model_snapshot(record, SNAPSHOT_FIELDS))
    return record
