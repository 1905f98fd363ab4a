"""§5.2.3 certificate reminders for the to-do inbox (``auxpost.core.inbox``).

- a line manager, the bureau, the HR company or the administrator: members on the roster in their
  scope whose certificate expires within reminder_days (cfg), has expired, or is missing;
- a member: their own certificate expiring within reminder_days or expired (or missing).
Counts only, one query per item group.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.core.inbox import TodoItem
from auxpost.people.models import ON_ROSTER
from auxpost.people.selectors import cert_reminder_days, own_member
from auxpost.training import rules
from auxpost.training.selectors import cert_counts

MANAGER_ROLES = (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER, Role.HR_COMPANY)


def todo(user) -> list[TodoItem]:
    """§5.2.3 certificates expiring, expired or missing (see the module docstring)."""
    roles = scope.roles(user)
    items: list[TodoItem] = []
    today = timezone.localdate()
    if roles & set(MANAGER_ROLES):
        counts = cert_counts(user, today)
        url = reverse("training:certificates")
        items += [
            TodoItem(key="training.cert_expiring", label=_("Duty certificates expiring within %(days)s days") % {
                "days": cert_reminder_days(today)}, count=counts["expiring"], url=f"{url}?state=expiring"),
            TodoItem(key="training.cert_expired", label=_("Duty certificates expired"), count=counts["expired"],
                     url=f"{url}?state=expired"),
            TodoItem(key="training.cert_missing", label=_("Members without a duty certificate"),
                     count=counts["missing"], url=f"{url}?state=missing"),
        ]
    if Role.MEMBER in roles:
        me = own_member(user)
        if me is not None and me.status in ON_ROSTER:
            state = rules.cert_state(me.cert_valid_until if me.cert_number else None, today,
                                     cert_reminder_days(today))
            label = {"expiring": _("Your duty certificate expires on %(date)s: arrange the renewal"),
                     "expired": _("Your duty certificate expired on %(date)s"),
                     "missing": _("You have no duty certificate yet")}.get(state, "")
            items.append(TodoItem(key="training.my_cert", label=label % {
                "date": me.cert_valid_until.isoformat() if me.cert_valid_until else ""} if label else "",
                count=1 if state != "ok" else 0, url=reverse("training:me")))
    return items
