"""§10 Reading the points ledger. Aggregates run in the database, so memory does not grow with
the ledger's size (a province keeps tens of millions of rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce

from auxpost.points.models import EntryStatus, PointsEntry

#: Rule codes whose counts feed the §7.3 vetoes.
ABSENCE_RULE = "absence"
LATE_RULE = "late"


@dataclass(frozen=True)
class LedgerYear:
    """One member's approved ledger entries of a year, aggregated: Σ points, 旷工 days, lates."""

    member_id: int
    points_sum: int
    entries: int
    absence_days: Decimal
    lates: int


def ledger_year_aggregates(year: int, member_ids=None) -> dict[int, LedgerYear]:
    """§10/§7.3 per member: Σ approved points dated in ``year``, 旷工 days and late count — one
    GROUP BY query. ``member_ids`` (an iterable or a queryset of ids) narrows it."""
    qs = PointsEntry.objects.filter(
        status=EntryStatus.APPROVED, date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
    )
    if member_ids is not None:
        qs = qs.filter(member_id__in=member_ids)
    # A reversing entry of an absence carries the absence rule with the opposite sign, so the day
    # count nets out by the sign of the points.
    rows = (
        qs.order_by().values("member_id")
        .annotate(
            s=Sum("points"),
            n=Count("id"),
            absent=Coalesce(
                Sum("quantity", filter=Q(rule_code=ABSENCE_RULE, points__lt=0)), Value(0),
                output_field=DecimalField(max_digits=9, decimal_places=2),
            )
            - Coalesce(
                Sum("quantity", filter=Q(rule_code=ABSENCE_RULE, points__gt=0)), Value(0),
                output_field=DecimalField(max_digits=9, decimal_places=2),
            ),
            late=Coalesce(Count("id", filter=Q(rule_code=LATE_RULE, points__lt=0)), Value(0),
                          output_field=IntegerField())
            - Coalesce(Count("id", filter=Q(rule_code=LATE_RULE, points__gt=0)), Value(0),
                       output_field=IntegerField()),
        )
        .values_list("member_id", "s", "n", "absent", "late")
    )
    return {
        m: LedgerYear(member_id=m, points_sum=int(s or 0), entries=n, absence_days=Decimal(absent or 0),
                      lates=int(late or 0))
        for m, s, n, absent, late in rows.iterator(chunk_size=5000)
    }
