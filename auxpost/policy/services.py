"""§6, §7, §10 policy versions (every (cfg) value) — drafts, edits and publication; §11 audited.

A version starts as a draft copied from another version, is edited by the staffing office (区委编办)
or an administrator, and is then published. A published version is never changed again (the model
refuses it too): a change of rules is a new version with its own effective date. The effective date
may not lie before the day of publication, so no rule change is ever retroactive and every result
already recorded under an older version keeps the version that produced it.
"""

from __future__ import annotations

import copy
import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.audit.services import audit_record, model_snapshot
from auxpost.incentives.rules import incentives_from_dict, incentives_to_dict
from auxpost.policy.daily import daily_from_dict, daily_to_dict
from auxpost.policy.models import PolicyStatus, PolicyVersion, immutable_message
from auxpost.policy.rules import (
    assessment_from_dict,
    assessment_to_dict,
    grade_from_dict,
    grade_to_dict,
    points_from_dict,
    points_to_dict,
)
from auxpost.policy.selectors import can_edit
from auxpost.policy.workforce import workforce_from_dict, workforce_to_dict

VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: Labels that would clash with the pages' own paths (/policy/new/).
RESERVED_LABELS = {"new"}
DOCUMENTS = ("grade", "assessment", "points", "incentives", "workforce", "daily")
_SNAPSHOT = ["version", "name", "effective_from", "status", "notes", "based_on", "published_at", "published_by"]


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()


def _require_editor(by) -> None:
    if not can_edit(by):
        raise PermissionDenied(_("Only the staffing office or an administrator may change policy versions."))


def _document_label(field: str) -> str:
    return {"grade": _("Grade policy"), "assessment": _("Assessment policy"), "points": _("Points policy"),
            "incentives": _("Incentives policy"), "workforce": _("Workforce policy"),
            "daily": _("Daily-links policy")}[field]


def decode_document(field: str, document, *, version: str, name: str = "") -> dict:
    """One of the documents checked by the rule dataclasses and returned in canonical form.

    Raises a ValidationError keyed by ``field`` ("grade", "assessment", "points" or "incentives"; an
    empty incentives document is the §9 defaults and comes back in full); its message is
    Chinese and names the part that is wrong, and ``params["part"]`` carries that part's code so a
    form can show it next to the right input.
    """
    try:
        if not isinstance(document, dict):
            raise ValueError(_("the document must be an object"))
        if field == "grade":
            return grade_to_dict(grade_from_dict(document, version=version, name=name))
        if field == "assessment":
            return assessment_to_dict(assessment_from_dict(document, version=version))
        if field == "incentives":
            return incentives_to_dict(incentives_from_dict(document, version=version))
        if field == "workforce":
            return workforce_to_dict(workforce_from_dict(document))
        if field == "daily":
            return daily_to_dict(daily_from_dict(document))
        return points_to_dict(points_from_dict(document, version=version))
    except ValueError as exc:  # PolicyFormatError, AssessmentRuleError, PointsRuleError, Incentives/WorkforceFormatError
        message = _("%(policy)s: %(error)s") % {"policy": _document_label(field),
                                                "error": getattr(exc, "message", str(exc))}
        part = getattr(exc, "field", "") or ""
        raise ValidationError({field: ValidationError(message.replace("%", "%%"), code="invalid",
                                                      params={"part": part})}) from None


def _check_label(version: str, errors: dict) -> str:
    version = (version or "").strip()
    if not version:
        errors["version"] = _("Version: this field is required.")
    elif (len(version) > PolicyVersion._meta.get_field("version").max_length or not VERSION_RE.match(version)
          or version.lower() in RESERVED_LABELS):
        errors["version"] = _("Version: use up to 20 letters, digits, dots, hyphens or underscores, "
                              "starting with a letter or digit (e.g. 2027.1), and not “new”.")
    elif PolicyVersion.objects.filter(version=version).exists():
        errors["version"] = _("Version: “%(version)s” already exists; every version has its own label.") % {
            "version": version}
    return version


def _check_name(name, errors: dict) -> str:
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Name: this field is required.")
    elif len(name) > PolicyVersion._meta.get_field("name").max_length:
        errors["name"] = _("Name: at most 100 characters.")
    return name


def _check_effective(effective_from, today: dt.date, errors: dict) -> None:
    if not isinstance(effective_from, dt.date):
        errors["effective_from"] = _("Effective from: enter a date.")
    elif effective_from < today:
        errors["effective_from"] = _(
            "Effective from: %(date)s is before today (%(today)s). A policy version never applies to the past, "
            "so results already recorded keep the version that produced them.") % {
            "date": effective_from.isoformat(), "today": today.isoformat()}


def _snapshot(pv: PolicyVersion, documents: tuple[str, ...] = ()) -> dict:
    return model_snapshot(pv, _SNAPSHOT + list(documents))


@transaction.atomic
def policy_version_create_draft(*, based_on: PolicyVersion, version: str, name: str, effective_from: dt.date,
                                by, at: dt.datetime) -> PolicyVersion:
    """§6/§7/§10/§9 a new draft version: a copy of ``based_on``'s policies under a new label (the §9
    incentives document copied in full, so an empty one becomes the defaults written out).

    The label is unique; the effective date may not be before the day of ``at`` (no retroactive
    rules). Only the staffing office (区委编办) and administrators may create versions.
    """
    _require_editor(by)
    errors: dict = {}
    version = _check_label(version, errors)
    name = _check_name(name, errors)
    _check_effective(effective_from, _local_date(at), errors)
    if based_on is None or based_on.pk is None:
        errors["based_on"] = _("Based on: choose the version to start from.")
    if errors:
        raise ValidationError(errors)
    pv = PolicyVersion(
        version=version, name=name, effective_from=effective_from, status=PolicyStatus.DRAFT,
        grade=copy.deepcopy(based_on.grade), assessment=copy.deepcopy(based_on.assessment),
        points=copy.deepcopy(based_on.points),
        incentives=incentives_to_dict(incentives_from_dict(based_on.incentives, version=version)),
        workforce=workforce_to_dict(workforce_from_dict(based_on.workforce)),
        daily=daily_to_dict(daily_from_dict(based_on.daily)),
        based_on=based_on, created_by=by, created_at=at, notes="",
    )
    try:
        with transaction.atomic():
            pv.save()
    except IntegrityError:
        raise ValidationError({"version": _("Version: “%(version)s” already exists; every version has its own "
                                            "label.") % {"version": version}}) from None
    audit_record(actor=by, action="create", obj=pv,
                 summary=_("Policy version %(version)s drafted from version %(base)s") % {
                     "version": pv.version, "base": based_on.version},
                 after=_snapshot(pv))
    return pv


@transaction.atomic
def policy_version_update_draft(*, pv: PolicyVersion, name: str | None = None,
                                effective_from: dt.date | None = None, grade: dict | None = None,
                                assessment: dict | None = None, points: dict | None = None,
                                incentives: dict | None = None, workforce: dict | None = None,
                                daily: dict | None = None, notes: str | None = None, by, at: dt.datetime) -> PolicyVersion:
    """§6/§7/§10/§9/§5.2 change a draft: any of its name, effective date, notes and the five policies.

    Each policy is decoded by the rule dataclasses, so a version that could not be computed with is
    refused before it is stored; errors are keyed by field, in Chinese. A published version is refused.
    Arguments left as None are not changed.
    """
    _require_editor(by)
    pv = PolicyVersion.objects.select_for_update().get(pk=pv.pk)
    if pv.status == PolicyStatus.PUBLISHED:
        raise ValidationError(immutable_message(pv.version), code="published")
    errors: dict = {}
    changes: dict = {}
    if name is not None:
        changes["name"] = _check_name(name, errors)
    if effective_from is not None:
        _check_effective(effective_from, _local_date(at), errors)
        changes["effective_from"] = effective_from
    if notes is not None:
        changes["notes"] = notes.strip()
    for field, document in (("grade", grade), ("assessment", assessment), ("points", points),
                            ("incentives", incentives), ("workforce", workforce),
                            ("daily", daily)):
        if document is None:
            continue
        try:
            changes[field] = decode_document(field, document, version=pv.version,
                                             name=changes.get("name", pv.name))
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    changes = {k: v for k, v in changes.items() if getattr(pv, k) != v}
    if not changes:
        return pv
    docs = tuple(f for f in DOCUMENTS if f in changes)
    before = _snapshot(pv, docs)
    for k, v in changes.items():
        setattr(pv, k, v)
    pv.save(update_fields=list(changes))
    audit_record(actor=by, action="update", obj=pv,
                 summary=_("Policy version %(version)s (draft) changed: %(fields)s") % {
                     "version": pv.version, "fields": ", ".join(sorted(changes))},
                 before={k: before[k] for k in before if k in changes},
                 after={k: v for k, v in _snapshot(pv, docs).items() if k in changes})
    return pv


@transaction.atomic
def policy_version_publish(*, pv: PolicyVersion, by, at: dt.datetime) -> PolicyVersion:
    """§6/§7/§10 publish a draft: from its effective date on, computations use it; never changed again.

    Refused when the effective date lies before the day of publication (no retroactive rules), when
    the version is already published, or when a policy no longer decodes.
    """
    _require_editor(by)
    pv = PolicyVersion.objects.select_for_update().get(pk=pv.pk)
    if pv.status == PolicyStatus.PUBLISHED:
        raise ValidationError(immutable_message(pv.version), code="published")
    errors: dict = {}
    _check_effective(pv.effective_from, _local_date(at), errors)
    for field in DOCUMENTS:
        try:
            decode_document(field, getattr(pv, field), version=pv.version, name=pv.name)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    before = _snapshot(pv)
    pv.status = PolicyStatus.PUBLISHED
    pv.published_at = at
    pv.published_by = by
    pv.save(update_fields=["status", "published_at", "published_by"])
    audit_record(actor=by, action="transition", obj=pv,
                 summary=_("Policy version %(version)s published, effective from %(date)s") % {
                     "version": pv.version, "date": pv.effective_from.isoformat()},
                 before=before, after=_snapshot(pv))
    return pv
