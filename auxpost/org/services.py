"""§5.1 writes for the unit tree and quotas; §4.1 the quota check every hire goes through."""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from auxpost.audit.services import audit_record, model_snapshot
from auxpost.org.models import CHILD_KIND, Unit, UnitKind


class QuotaExceeded(ValidationError):
    """A hire that would take a unit (or one of its ancestors) past its headcount quota."""


def _next_path(parent: Unit | None) -> str:
    prefix = parent.path if parent else ""
    siblings = Unit.objects.filter(parent=parent).values_list("path", flat=True)
    used = [int(p[len(prefix):len(prefix) + 4]) for p in siblings]
    return f"{prefix}{(max(used) + 1) if used else 1:04d}/"


def unit_create(*, actor, name: str, kind: str, parent: Unit | None = None, quota: int | None = None,
                sort_order: int = 0) -> Unit:
    """§5.1 add a unit under its parent; the tree is 局 → 大队 → 中队 → 小队."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("The unit name is required.")})
    if parent is None and kind != UnitKind.BUREAU:
        raise ValidationError({"parent": _("Only the bureau may be at the top of the unit tree.")})
    if parent is not None and CHILD_KIND.get(parent.kind) != kind:
        raise ValidationError({"kind": _("A %(child)s cannot be placed under a %(parent)s.") % {
            "child": UnitKind(kind).label, "parent": UnitKind(parent.kind).label}})
    with transaction.atomic():
        if parent is not None:
            Unit.objects.select_for_update().filter(pk=parent.pk).first()
        if Unit.objects.filter(parent=parent, name=name).exists():
            raise ValidationError({"name": _("A unit with this name already exists here.")})
        unit = Unit(name=name, kind=kind, parent=parent, quota=quota, sort_order=sort_order, path=_next_path(parent))
        unit.full_clean(exclude=["path"])
        unit.save()
        audit_record(actor=actor, action="create", obj=unit, after=model_snapshot(unit))
    return unit


def unit_set_quota(*, actor, unit: Unit, quota: int | None) -> Unit:
    """§4.1 the staffing office sets a unit's headcount quota (编外聘用人员限额)."""
    if quota is not None and quota < 0:
        raise ValidationError({"quota": _("The quota cannot be negative.")})
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        before = model_snapshot(unit, ["quota"])
        if quota is not None:
            used = headcount(unit)
            if quota < used:
                raise ValidationError({"quota": _("%(unit)s already has %(used)s members on the roster; the quota "
                                                  "cannot be set below that.") % {"unit": unit.name, "used": used}})
        unit.quota = quota
        unit.save(update_fields=["quota"])
        audit_record(actor=actor, action="update", obj=unit, summary="quota", before=before,
                     after=model_snapshot(unit, ["quota"]))
    return unit


def headcount(unit: Unit) -> int:
    """Members on the roster (probation, active, suspended) in the unit and everything below."""
    from auxpost.people.models import ON_ROSTER, Member

    return Member.objects.filter(unit__path__startswith=unit.path, status__in=ON_ROSTER).count()


def headcounts_by_unit() -> dict[int, int]:
    """Roster headcount per unit, the unit's own members only (subtree sums are done by the caller)."""
    from auxpost.people.models import ON_ROSTER, Member

    rows = Member.objects.filter(status__in=ON_ROSTER).values("unit_id").annotate(n=Count("id"))
    return {r["unit_id"]: r["n"] for r in rows}


def quota_check(*, additions: Counter | dict, lock: bool = True) -> None:
    """§4.1 refuse hires beyond quota. ``additions`` maps unit id → people to be added there.

    Every ancestor with a quota is checked against its whole subtree. Call inside the hiring
    transaction; with ``lock`` the quota-holding units are locked so two hires cannot both take
    the last place.
    """
    if not additions:
        return
    units = {u.pk: u for u in Unit.objects.all().only("id", "name", "path", "quota", "parent_id")}
    added_by_path: Counter = Counter()
    for unit_id, n in additions.items():
        added_by_path[units[unit_id].path] += n
    limited = [u for u in units.values() if u.quota is not None]
    affected = [u for u in limited if any(p.startswith(u.path) for p in added_by_path)]
    if not affected:
        return
    if lock:
        list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in affected]).values_list("pk"))
    own = headcounts_by_unit()
    for u in sorted(affected, key=lambda x: x.path):
        current = sum(n for uid, n in own.items() if units[uid].path.startswith(u.path))
        adding = sum(n for p, n in added_by_path.items() if p.startswith(u.path))
        if current + adding > u.quota:
            raise QuotaExceeded(
                _("Over quota: %(unit)s has a headcount quota of %(quota)s, %(current)s on the roster now; "
                  "adding %(adding)s would make %(total)s.") % {
                    "unit": u.full_name(), "quota": u.quota, "current": current, "adding": adding,
                    "total": current + adding},
                code="over_quota",
            )
