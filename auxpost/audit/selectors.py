"""Reads of the audit chain for the audit page (§11 留痕). Only administrators reach these."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.audit.models import AuditEntry


def audit_entries(*, actor: str = "", action: str = "", object_type: str = "", object_id: str = "",
                  date_from: dt.date | None = None, date_to: dt.date | None = None) -> QuerySet[AuditEntry]:
    """Entries newest first, filtered; dates are whole local (Asia/Shanghai) days, both inclusive."""
    qs = AuditEntry.objects.order_by("-seq")
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type.strip().lower())
    if object_id:
        qs = qs.filter(object_id=object_id.strip())
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs


def object_type_choices() -> list[tuple[str, str]]:
    """Model labels (``people.member``) with their names, for the object-type filter's suggestions."""
    out = []
    for model in apps.get_models():
        if model._meta.app_label in {"auth", "contenttypes", "sessions", "admin"}:
            continue
        out.append((model._meta.label_lower, str(model._meta.verbose_name)))
    return sorted(out)


@dataclass
class DiffRow:
    field: str
    label: str
    before: str
    after: str


def _model_for(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field_for(model, name: str):
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if f.attname == name or f.name == name:
            return f
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _show(value, field) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and getattr(field, "choices", None):
        label = dict(field.flatchoices).get(value)
        if label is not None:
            return f"{label} ({value})"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def entry_diff(entry: AuditEntry) -> list[DiffRow]:
    """Field by field, what changed: (field, before, after); for a create or delete every field."""
    before = entry.before if isinstance(entry.before, dict) else ({} if entry.before is None else {"": entry.before})
    after = entry.after if isinstance(entry.after, dict) else ({} if entry.after is None else {"": entry.after})
    model = _model_for(entry.object_type)
    keys = list(after) + [k for k in before if k not in after]
    rows = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        field = _field_for(model, key)
        label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else key
        rows.append(DiffRow(key, label, _show(old, field) if key in before else "—",
                            _show(new, field) if key in after else "—"))
    return rows
