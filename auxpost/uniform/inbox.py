"""§5.3.5 着装 and the to-do inbox (``auxpost.core.inbox``): nothing waits on anyone.

An inspection is recorded in one step by its inspector and its points deduction is approved on the points
pages (whose own provider counts it); a correction is the inspector's own choice, not a queued step. So
this provider returns [] for everyone, without a query.
"""

from __future__ import annotations

import datetime as dt

from auxpost.core.inbox import TodoItem


def todo(user, *, today: dt.date | None = None) -> list[TodoItem]:
    """§5.3.5 no step of the uniform inspections waits on a user (see the module docstring)."""
    return []
