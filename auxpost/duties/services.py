"""§4.2 writes to the post-analysis ledger one duty or work item at a time (the bureau, administrators);
bulk changes go through the ``duties`` import. Audited, keyword-only, atomic."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from auxpost.audit.services import audit_record, model_snapshot
from auxpost.duties import rules
from auxpost.duties.imports import DUTY_FIELDS, ITEM_FIELDS
from auxpost.duties.models import Duty, WorkItem, WorkLine
from auxpost.duties.selectors import can_edit


def _require(actor) -> None:
    if not can_edit(actor):
        raise PermissionError("only the bureau or an administrator edits the ledger")


def _text(errors: dict, field: str, value, *, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [_("At most %(n)s characters.") % {"n": limit}]
    return value


def _check_code(errors: dict, code: str, model, exclude_pk=None) -> str:
    code = (code or "").strip()
    if not rules.valid_code(code):
        errors["code"] = [_("“%(value)s” is not a valid code: use 1 to 30 letters, digits, “_”, “.” or “-”.")
                          % {"value": code}]
    elif model.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        errors["code"] = [_("The code %(code)s is already used.") % {"code": code}]
    return code


def _duty_values(*, work_line, code, name, description, patrol_category, sort_order, exclude_pk=None) -> dict:
    errors: dict[str, list[str]] = {}
    if not isinstance(work_line, WorkLine):
        errors["work_line"] = [_("Choose a work line.")]
    code = _check_code(errors, code, Duty, exclude_pk)
    name = _text(errors, "name", name, limit=100, required=True)
    description = _text(errors, "description", description, limit=1000)
    if "name" not in errors and "work_line" not in errors and \
            Duty.objects.filter(work_line=work_line, name=name).exclude(pk=exclude_pk).exists():
        errors["name"] = [_("Work line “%(line)s” already has a duty “%(name)s”.") % {"line": work_line.name,
                                                                                      "name": name}]
    if errors:
        raise ValidationError(errors)
    return {"work_line": work_line, "code": code, "name": name, "description": description,
            "patrol_category": bool(patrol_category), "sort_order": int(sort_order or 0)}


def duty_create(*, actor, work_line, code: str, name: str, description: str = "", patrol_category: bool = False,
                sort_order: int = 0) -> Duty:
    """§4.2 add one duty (职责) to a work line; audited."""
    _require(actor)
    values = _duty_values(work_line=work_line, code=code, name=name, description=description,
                          patrol_category=patrol_category, sort_order=sort_order)
    with transaction.atomic():
        duty = Duty.objects.create(**values)
        audit_record(actor=actor, action="create", obj=duty, summary="§4.2 duty added",
                     after=model_snapshot(duty, DUTY_FIELDS))
    return duty


def duty_update(*, actor, duty: Duty, work_line, code: str, name: str, description: str = "",
                patrol_category: bool = False, sort_order: int = 0) -> Duty:
    """§4.2 change one duty; audited with before and after."""
    _require(actor)
    values = _duty_values(work_line=work_line, code=code, name=name, description=description,
                          patrol_category=patrol_category, sort_order=sort_order, exclude_pk=duty.pk)
    with transaction.atomic():
        duty = Duty.objects.select_for_update().get(pk=duty.pk)
        before = model_snapshot(duty, DUTY_FIELDS)
        for k, v in values.items():
            setattr(duty, k, v)
        duty.save()
        audit_record(actor=actor, action="update", obj=duty, summary="§4.2 duty changed", before=before,
                     after=model_snapshot(duty, DUTY_FIELDS))
    return duty


def _item_values(*, duty, code, name, standard, frequency, sort_order, exclude_pk=None) -> dict:
    errors: dict[str, list[str]] = {}
    if not isinstance(duty, Duty):
        errors["duty"] = [_("Choose a duty.")]
    code = _check_code(errors, code, WorkItem, exclude_pk)
    name = _text(errors, "name", name, limit=200, required=True)
    standard = _text(errors, "standard", standard, limit=1000)
    frequency = _text(errors, "frequency", frequency, limit=50)
    if errors:
        raise ValidationError(errors)
    return {"duty": duty, "code": code, "name": name, "standard": standard, "frequency": frequency,
            "sort_order": int(sort_order or 0)}


def work_item_create(*, actor, duty: Duty, code: str, name: str, standard: str = "", frequency: str = "",
                     sort_order: int = 0) -> WorkItem:
    """§4.2 add one work item (工作事项) to a duty; audited."""
    _require(actor)
    values = _item_values(duty=duty, code=code, name=name, standard=standard, frequency=frequency,
                          sort_order=sort_order)
    with transaction.atomic():
        item = WorkItem.objects.create(**values)
        audit_record(actor=actor, action="create", obj=item, summary="§4.2 work item added",
                     after=model_snapshot(item, ITEM_FIELDS))
    return item


def work_item_update(*, actor, item: WorkItem, duty: Duty, code: str, name: str, standard: str = "",
                     frequency: str = "", sort_order: int = 0) -> WorkItem:
    """§4.2 change one work item; audited with before and after."""
    _require(actor)
    values = _item_values(duty=duty, code=code, name=name, standard=standard, frequency=frequency,
                          sort_order=sort_order, exclude_pk=item.pk)
    with transaction.atomic():
        item = WorkItem.objects.select_for_update().get(pk=item.pk)
        before = model_snapshot(item, ITEM_FIELDS)
        for k, v in values.items():
            setattr(item, k, v)
        item.save()
        audit_record(actor=actor, action="update", obj=item, summary="§4.2 work item changed", before=before,
                     after=model_snapshot(item, ITEM_FIELDS))
    return item
