"""§5.1 reads of the unit tree, scoped to the caller (§3 数据权限)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from auxpost.accounts import scope
from auxpost.org.models import Organisation, Unit
from auxpost.org.services import headcounts_by_unit


def units_visible_to(user, *, roles_allowed: tuple[str, ...] | None = None) -> QuerySet[Unit]:
    """The units the user may see (all, own subtree, own unit), in tree order.

    ``roles_allowed`` narrows to the scopes of those roles only (e.g. the units an editor may hire into).
    """
    q = None
    for ra in scope.role_assignments(user):
        if roles_allowed is not None and ra.role not in roles_allowed:
            continue
        part = _unit_q_for(user, ra)
        if part is None:
            continue
        if not part:  # Q() = everything
            return Unit.objects.order_by("path")
        q = part if q is None else q | part
    if q is None:
        return Unit.objects.none()
    return Unit.objects.filter(q).order_by("path")


def _unit_q_for(user, ra):
    from django.db.models import Q

    from auxpost.accounts.models import Scope

    if ra.scope == Scope.ALL:
        return Q()
    if ra.scope == Scope.UNIT and ra.unit is not None:
        return Q(path__startswith=ra.unit.path)
    if ra.scope == Scope.SELF:
        from auxpost.people.selectors import own_member

        member = own_member(user)
        if member is not None:
            return Q(pk=member.unit_id)
    return None


def unit_get_for(user, pk) -> Unit:
    """One unit the user may see; "not found" and "not yours" are the same 404."""
    try:
        return units_visible_to(user).get(pk=int(pk))
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def unit_full_names(rows: list[tuple[int, str, str]] | None = None) -> dict[int, str]:
    """unit id → its path below the bureau joined by "/" (the 花名册 所属单位 form), in one query."""
    if rows is None:
        rows = list(Unit.objects.values_list("id", "name", "path"))
    name_by_path = {path: name for _id, name, path in rows}
    out = {}
    for uid, _name, path in rows:
        parts = path.rstrip("/").split("/")
        prefixes = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
        names = [name_by_path[p] for p in prefixes if p in name_by_path]
        out[uid] = "/".join(names[1:] if len(names) > 1 else names)
    return out


@dataclass
class UnitRow:
    unit: Unit
    depth: int
    headcount: int  # on the roster in the unit and everything below
    full_name: str

    @property
    def usage(self) -> int | None:
        """Percent of the quota in use (None without a quota)."""
        if self.unit.quota is None:
            return None
        if self.unit.quota == 0:
            return 100 if self.headcount == 0 else 999
        return round(100 * self.headcount / self.unit.quota)

    @property
    def bar(self) -> int:
        return min(self.usage or 0, 100)

    @property
    def level(self) -> str:
        """ok / warn (90 % or more) / bad (over quota) for the badge."""
        u = self.usage
        if u is None:
            return ""
        if self.headcount > self.unit.quota:
            return "bad"
        return "warn" if u >= 90 else "ok"


def unit_tree_for(user, *, root: Unit | None = None) -> list[UnitRow]:
    """§4.1/§5.1 the visible part of the unit tree with each unit's subtree headcount and quota usage.

    Three queries whatever the size: the visible units, every unit's name and path (for the full
    names), and one grouped count of members on the roster. ``root`` (a unit the user may see)
    limits the tree to that unit and everything below it.
    """
    units = units_visible_to(user)
    if root is not None:
        units = units.filter(path__startswith=root.path)
    units = list(units)
    if not units:
        return []
    rows = list(Unit.objects.values_list("id", "name", "path"))
    all_paths = {uid: path for uid, _name, path in rows}
    own = headcounts_by_unit()
    subtree: dict[str, int] = {}
    for unit_id, n in own.items():
        path = all_paths.get(unit_id, "")
        parts = path.rstrip("/").split("/") if path else []
        for i in range(len(parts)):
            prefix = "/".join(parts[: i + 1]) + "/"
            subtree[prefix] = subtree.get(prefix, 0) + n
    names = unit_full_names(rows)
    base_depth = min(u.depth for u in units)
    return [UnitRow(unit=u, depth=u.depth - base_depth, headcount=subtree.get(u.path, 0), full_name=names[u.pk])
            for u in units]


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """§3 the partner organisations (HR company, assessors, staffing office): names are not personal data,
    so everyone who may see the unit tree sees them."""
    if not scope.role_assignments(user):
        return Organisation.objects.none()
    return Organisation.objects.order_by("kind", "name")
