"""§11 Reading the working-day calendar: the one place leave, 公示 and every deadline count days.

``is_working_day``, ``add_working_days`` and ``working_days_between`` read the confirmed schedule
from the database through a per-process cache, so a request or a command that counts many dates
does not query for each. The cache is checked against a cheap version (number of confirmed years
and the latest change time, one aggregate query) at most once per request, at most every
``RECHECK_SECONDS`` in a long-running process, and at once after this process enters or corrects a
year. A year without a confirmed schedule raises ``CalendarYearMissing``, never a guess.

Who sees the pages (§3): the administrator (who enters years), the staffing office and the bureau.
The read-only API also serves line managers and the HR company, who count deadlines too.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.core.exceptions import ValidationError
from django.core.signals import request_started
from django.db.models import Count, Max, Q, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.workcal import rules
from auxpost.workcal.models import CalendarYear, ExceptionDay

#: §11 who edits the calendar, who reads its pages, who reads its API.
EDITOR_ROLES = (Role.ADMIN,)
VIEW_ROLES = (Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU)
API_ROLES = (Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU, Role.LINE_MANAGER, Role.HR_COMPANY)

#: A long-running process (a command, a worker between requests) re-checks the version this often.
RECHECK_SECONDS = 2.0


class CalendarYearMissing(ValidationError):
    """§11 a computation reached a year whose statutory holiday schedule is not entered."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _("The statutory holiday schedule of %(year)s has not been entered yet, so working days cannot "
              "be counted. An administrator must enter the State Council's notice for %(year)s "
              "(Working-day calendar → Enter the notice for %(year)s).") % {"year": year},
            code="calendar_year_missing",
        )


# --- the cached schedule ------------------------------------------------------------------------


class _Cache:
    def __init__(self):
        self.lock = threading.Lock()
        self.version: tuple | None = None
        self.schedule: dict[int, dict[dt.date, str]] = {}
        self.checked_at: float | None = None  # monotonic time of the last version check

    def clear(self) -> None:
        with self.lock:
            self.version = None
            self.schedule = {}
            self.checked_at = None

    def stale(self) -> None:
        """Check the version at the next use (a new request, or this process changed a year)."""
        self.checked_at = None


_cache = _Cache()


def clear_cache() -> None:
    """Forget the cached schedule (tests, and after a flush)."""
    _cache.clear()


def mark_stale(**_kwargs) -> None:
    """Make the next computation compare the version (connected to ``request_started``)."""
    _cache.stale()


request_started.connect(mark_stale, dispatch_uid="auxpost.workcal.mark_stale")


def _version() -> tuple:
    agg = CalendarYear.objects.aggregate(n=Count("pk"), top=Max("pk"), rev=Sum("revision"), at=Max("changed_at"))
    return agg["n"], agg["top"], agg["rev"], agg["at"]


def _load() -> dict[int, dict[dt.date, str]]:
    schedule: dict[int, dict[dt.date, str]] = {y: {} for y in CalendarYear.objects.values_list("year", flat=True)}
    for day, kind in ExceptionDay.objects.values_list("date", "kind").iterator(chunk_size=2000):
        schedule.setdefault(day.year, {})[day] = kind
    return schedule


def schedule() -> dict[int, dict[dt.date, str]]:
    """§11 the confirmed schedule {year: {date: kind}} for the pure rules (cached, see above)."""
    now = time.monotonic()
    checked = _cache.checked_at
    if checked is not None and now - checked < RECHECK_SECONDS:
        return _cache.schedule
    with _cache.lock:
        version = _version()
        if version != _cache.version:
            _cache.schedule = _load()
            _cache.version = version
        _cache.checked_at = now
        return _cache.schedule


def _missing(exc: rules.YearNotConfirmed) -> CalendarYearMissing:
    return CalendarYearMissing(exc.year)


def is_working_day(d: dt.date) -> bool:
    """§11 whether ``d`` is a working day; ``CalendarYearMissing`` for an unconfirmed year."""
    try:
        return rules.is_working_day(d, schedule())
    except rules.YearNotConfirmed as exc:
        raise _missing(exc) from None


def add_working_days(start: dt.date, n: int) -> dt.date:
    """§11 the n-th working day counting ``start`` itself if it is one (n ≥ 1): the last day of a
    公示 of n working days starting on ``start``."""
    try:
        return rules.add_working_days(start, n, schedule())
    except rules.YearNotConfirmed as exc:
        raise _missing(exc) from None


def working_days_between(a: dt.date, b: dt.date) -> int:
    """§11 working days in [a, b], both ends included (0 when b is before a)."""
    try:
        return rules.working_days_between(a, b, schedule())
    except rules.YearNotConfirmed as exc:
        raise _missing(exc) from None


def confirmed_years() -> list[int]:
    return sorted(schedule())


# --- pages and API ----------------------------------------------------------------------------


def can_view(user) -> bool:
    return scope.has_role(user, *VIEW_ROLES)


def can_edit(user) -> bool:
    return scope.has_role(user, *EDITOR_ROLES)


def can_use_api(user) -> bool:
    return scope.has_role(user, *API_ROLES)


def years_list():
    """Every confirmed year with its day counts, newest first (one query)."""
    return (CalendarYear.objects.select_related("entered_by", "changed_by")
            .annotate(holidays=Count("days", filter=Q(days__kind=rules.HOLIDAY)),
                      workdays=Count("days", filter=Q(days__kind=rules.WORKDAY)))
            .order_by("-year"))


def year_get(year) -> CalendarYear:
    try:
        return CalendarYear.objects.select_related("entered_by", "changed_by").get(year=int(year))
    except (CalendarYear.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def year_lines(cy: CalendarYear) -> tuple[list[rules.HolidayPeriod], list[rules.MakeupDay]]:
    """The year's exception days back as the notice's lines (holiday periods, make-up workdays)."""
    return rules.periods_of(cy.days.values_list("date", "kind", "name"))
