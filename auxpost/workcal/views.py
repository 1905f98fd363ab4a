"""§11 Calendar pages: the confirmed years, one year month by month, entering a new year's State
Council notice and correcting a year entered by hand.

The administrator enters and corrects; the staffing office and the bureau read. Everyone else gets
404; a reader who opens a write page gets 403. Years from the calendar package are read-only.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.core.forms import add_service_errors
from auxpost.workcal import rules
from auxpost.workcal.forms import HOLIDAY_ROWS, MAKEUP_ROWS, NoticeForm
from auxpost.workcal.models import CalendarYear
from auxpost.workcal.selectors import can_edit, can_view, year_get, year_lines, years_list
from auxpost.workcal.services import calendar_year_correct, calendar_year_enter


def _viewers_only(user) -> None:
    if not can_view(user):
        raise Http404


def _editors_only(user) -> None:
    _viewers_only(user)
    if not can_edit(user):
        raise PermissionDenied


def next_missing_year(today: dt.date) -> int:
    """The first year from this one on that has no confirmed schedule."""
    have = set(CalendarYear.objects.filter(year__gte=today.year).values_list("year", flat=True))
    year = today.year
    while year in have:
        year += 1
    return year


@login_required
def years(request):
    """§11 every confirmed year with its source and notice, newest first."""
    _viewers_only(request.user)
    today = timezone.localdate()
    return render(request, "workcal/years.html", {
        "rows": list(years_list()), "can_edit": can_edit(request.user), "next_missing": next_missing_year(today),
        "today": today,
    })


def _months(year: int, days: dict[dt.date, tuple[str, str]], today: dt.date) -> list[dict]:
    cal = calendar.Calendar(firstweekday=0)
    out = []
    for month in range(1, 13):
        weeks = []
        for week in cal.monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                kind, name = days.get(day, ("", ""))
                if kind == rules.HOLIDAY:
                    css = "holiday"
                elif kind == rules.WORKDAY:
                    css = "makeup"
                elif day.weekday() >= 5:
                    css = "weekend"
                else:
                    css = ""
                cells.append({"day": day, "css": css, "name": name, "today": day == today})
            weeks.append(cells)
        entries = sorted((d, k, n) for d, (k, n) in days.items() if d.month == month)
        out.append({"month": month, "weeks": weeks, "entries": entries})
    return out


@login_required
def year_detail(request, year: int):
    """§11 one year: its notice, holiday periods and make-up workdays, and the year month by month."""
    _viewers_only(request.user)
    cy = year_get(year)
    rows = list(cy.days.values_list("date", "kind", "name"))
    holidays, makeups = rules.periods_of(rows)
    days = {d: (k, n) for d, k, n in rows}
    today = timezone.localdate()
    weekday_names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    return render(request, "workcal/year.html", {
        "cy": cy, "holidays": holidays, "makeups": makeups, "months": _months(cy.year, days, today),
        "weekday_names": weekday_names, "can_edit": can_edit(request.user) and cy.editable,
        "working_days": rules.working_days_between(dt.date(cy.year, 1, 1), dt.date(cy.year, 12, 31),
                                                   {cy.year: {d: k for d, k, _n in rows}}),
    })


def _form_context(form, **extra) -> dict:
    return {"form": form, "holiday_fields": form.holiday_fields(), "makeup_fields": form.makeup_fields(), **extra}


@login_required
def year_new(request):
    """§11 the administrator enters the State Council notice of a year not yet confirmed."""
    _editors_only(request.user)
    today = timezone.localdate()
    try:
        proposed = int(request.GET.get("year", ""))
    except ValueError:
        proposed = next_missing_year(today)
    initial = {"year": proposed, "notice_title": _("General Office of the State Council: notice on the "
                                                   "arrangement of some holidays in %(year)s") % {"year": proposed}}
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            cy = calendar_year_enter(actor=request.user, year=d["year"], notice_ref=d["notice_ref"],
                                     notice_title=d["notice_title"], holidays=form.holidays, makeups=form.makeups,
                                     at=timezone.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The holiday schedule of %(year)s has been entered.") % {"year": cy.year})
            return redirect("workcal:year", year=cy.year)
    return render(request, "workcal/edit.html", _form_context(form, correcting=False, cy=None))


@login_required
def year_edit(request, year: int):
    """§11 correct a year an administrator entered (package years are read-only), with a reason."""
    _editors_only(request.user)
    cy = year_get(year)
    if not cy.editable:
        raise PermissionDenied
    holidays, makeups = year_lines(cy)
    initial = NoticeForm.initial_for(cy.year, holidays, makeups, notice_ref=cy.notice_ref,
                                     notice_title=cy.notice_title)
    form = NoticeForm(request.POST or None, initial=initial, correcting=True,
                      holiday_rows=max(HOLIDAY_ROWS, len(holidays) + 2), makeup_rows=max(MAKEUP_ROWS, len(makeups) + 2))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            calendar_year_correct(actor=request.user, calendar_year=cy, notice_ref=d["notice_ref"],
                                  notice_title=d["notice_title"], holidays=form.holidays, makeups=form.makeups,
                                  reason=d["reason"], at=timezone.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The holiday schedule of %(year)s has been corrected.") % {"year": cy.year})
            return redirect("workcal:year", year=cy.year)
    return render(request, "workcal/edit.html", _form_context(form, correcting=True, cy=cy))
