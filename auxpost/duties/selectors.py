"""§4.2 reads of the post-analysis ledger. The catalogue is not personal data: every staff role and the
members themselves read it; the bureau and administrators edit it (by import or one duty/item at a time)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.duties.models import Duty, PostIndicator, WorkItem, WorkLine

VIEW_ROLES = (Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU, Role.LINE_MANAGER, Role.HR_COMPANY, Role.MEMBER)
EDIT_ROLES = (Role.ADMIN, Role.BUREAU)


def can_view(user) -> bool:
    return scope.has_role(user, *VIEW_ROLES)


def can_edit(user) -> bool:
    return scope.has_role(user, *EDIT_ROLES)


@dataclass
class DutyNode:
    duty: Duty
    items: list[WorkItem] = field(default_factory=list)


@dataclass
class LineNode:
    line: WorkLine
    duties: list[DutyNode] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(d.items) for d in self.duties)


def _duty_hit(q: str) -> Q:
    return Q(name__icontains=q) | Q(code__icontains=q) | Q(description__icontains=q)


def _item_hit(q: str) -> Q:
    return Q(name__icontains=q) | Q(code__icontains=q) | Q(standard__icontains=q) | Q(frequency__icontains=q)


def catalogue(*, q: str = "", line: WorkLine | None = None, patrol_only: bool = False) -> list[LineNode]:
    """§4.2 the tree work lines → duties → work items (three queries). With ``q``: the duties whose name,
    code or description match (with all their items) and the items that match (under their duty)."""
    q = (q or "").strip()
    duties = Duty.objects.all()
    if line is not None:
        duties = duties.filter(work_line=line)
    if patrol_only:
        duties = duties.filter(patrol_category=True)
    items = WorkItem.objects.filter(duty__in=duties)
    if q:
        hit_duties = duties.filter(_duty_hit(q))
        items = items.filter(_item_hit(q) | Q(duty__in=hit_duties))
        duties = duties.filter(_duty_hit(q) | Q(pk__in=items.values("duty_id")))
    by_duty: dict[int, list[WorkItem]] = {}
    for item in items.order_by("duty_id", "sort_order", "code"):
        by_duty.setdefault(item.duty_id, []).append(item)
    nodes: dict[int, LineNode] = {}
    lines = WorkLine.objects.all() if line is None else WorkLine.objects.filter(pk=line.pk)
    for wl in lines:
        nodes[wl.pk] = LineNode(wl)
    for duty in duties.order_by("sort_order", "code"):
        node = nodes.get(duty.work_line_id)
        if node is not None:
            duty.work_line = node.line
            node.duties.append(DutyNode(duty, by_duty.get(duty.pk, [])))
    return [n for n in nodes.values() if n.duties or not q]


def patrol_categories(*, work_line: WorkLine | None = None) -> list[Duty]:
    """§5.3 the issue categories of the patrol log: duties flagged ``patrol_category``, by work line and order
    (their ``work_line`` is loaded)."""
    qs = Duty.objects.filter(patrol_category=True).select_related("work_line")
    if work_line is not None:
        qs = qs.filter(work_line=work_line)
    return list(qs.order_by("work_line__sort_order", "work_line__name", "sort_order", "code"))


def indicators() -> list[PostIndicator]:
    """§4.2 the post-analysis indicators (the standard has 23), in order."""
    return list(PostIndicator.objects.all())


def counts() -> dict[str, int]:
    return {"lines": WorkLine.objects.count(), "duties": Duty.objects.count(), "items": WorkItem.objects.count(),
            "indicators": PostIndicator.objects.count()}
