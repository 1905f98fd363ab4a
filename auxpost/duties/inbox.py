"""§4.2 to-do for the bureau and administrators (``auxpost.core.inbox``): the ledger or its indicators are
still empty — rosters, patrol-log categories and scorecard links hang on them. Two EXISTS queries at most."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from auxpost.core.inbox import TodoItem
from auxpost.duties.models import Duty, PostIndicator
from auxpost.duties.selectors import can_edit


def todo(user, *, today: dt.date | None = None) -> list[TodoItem]:
    if not can_edit(user):
        return []
    upload = reverse("imports:upload")
    items = []
    if not Duty.objects.exists():
        items.append(TodoItem(key="duties.empty", label=_("The post-analysis ledger is empty: import it"), count=1,
                              url=f"{upload}?kind=duties"))
    if not PostIndicator.objects.exists():
        items.append(TodoItem(key="duties.indicators_empty",
                              label=_("The post-analysis indicators are missing: import them"), count=1,
                              url=f"{upload}?kind=post_indicators"))
    return items
