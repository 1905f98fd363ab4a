"""Reads for user administration (§3). Only administrators reach these."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from auxpost.accounts.models import RoleAssignment, User


def users_for_admin(*, q: str = "", role: str = "", status: str = "", now: dt.datetime) -> QuerySet[User]:
    """Users with their role assignments (and units) and linked member, for the user list."""
    qs = (User.objects.select_related("organisation", "member")
          .prefetch_related(Prefetch("role_assignments",
                                     queryset=RoleAssignment.objects.select_related("unit").order_by("role", "id")))
          .order_by("username"))
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q) | Q(member__name__icontains=q))
    if role:
        qs = qs.filter(role_assignments__role=role).distinct()
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    elif status == "locked":
        qs = qs.filter(locked_until__gt=now)
    return qs
