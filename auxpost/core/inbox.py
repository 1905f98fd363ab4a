"""The to-do inbox (待办): for every user, the steps waiting on them, with counts.

Each business app owns a provider ``todo(user) -> list[TodoItem]`` listed in ``PROVIDERS`` by dotted
path and imported when first needed, so this module depends on no app. ``todo_for(user)`` asks
every provider and keeps the items with something to do. A provider that fails to import is a bug
and fails loudly; the only exception is a provider module listed in ``PENDING_PROVIDERS`` that does
not exist yet (its app is being written).

Providers keep to a query or two each (counts, never lists) and ask nothing of a user without the
role concerned. The navigation shows the counts by fetching ``core:inbox_counts`` after the page has
loaded, so no page pays for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class TodoItem:
    """One kind of step waiting on the user: what, how many, and the page where it is done."""

    key: str
    label: str
    count: int
    url: str


PROVIDERS = [
    "auxpost.points.inbox.todo",
    "auxpost.assessment.inbox.todo",
    "auxpost.workcal.inbox.todo",
    "auxpost.evaluation.inbox.todo",
    "auxpost.recruitment.inbox.todo",
    "auxpost.training.inbox.todo",
    "auxpost.separation.inbox.todo",
    "auxpost.duties.inbox.todo",
    "auxpost.patrol.inbox.todo",
    "auxpost.duty.inbox.todo",
    "auxpost.leave.inbox.todo",
    "auxpost.meetings.inbox.todo",
    "auxpost.uniform.inbox.todo",
]

#: Provider modules being written at the same time: while the module does not exist it is skipped.
#: Any other import error (and any error once it exists) propagates. Empty: every provider exists.
PENDING_PROVIDERS: set[str] = set()


def _provider(path: str):
    module_name, _, func = path.rpartition(".")
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if module_name in PENDING_PROVIDERS and exc.name == module_name:
            return None
        raise
    return getattr(module, func)


def providers() -> list:
    return [p for p in (_provider(path) for path in PROVIDERS) if p is not None]


def todo_for(user) -> list[TodoItem]:
    """Every step waiting on ``user`` (items with a count above 0), in provider order."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    return [item for fn in providers() for item in fn(user) if item.count > 0]


def counts_by_url(items: list[TodoItem]) -> dict[str, int]:
    """The count per page URL (paths without query), for badges on navigation entries: the page's
    JavaScript puts each on the entry with the longest path that starts it."""
    out: dict[str, int] = {}
    for item in items:
        path = item.url.split("?", 1)[0]
        out[path] = out.get(path, 0) + item.count
    return out
