"""§11 Writing the calendar: an administrator enters a year's State Council notice, or corrects a
year entered by hand. Years from the calendar package are read-only. Every entry is audited with
the whole notice before and after."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from auxpost.audit.services import audit_record
from auxpost.workcal import rules
from auxpost.workcal.models import CalendarYear, ExceptionDay, YearSource
from auxpost.workcal.selectors import can_edit, mark_stale, year_lines

#: Years an administrator may enter (a guard against typing 20277).
FIRST_YEAR = 2000
LAST_YEAR = 2100


def problem_message(p: rules.Problem) -> str:
    """A notice problem as a Chinese sentence naming the line and the reason."""
    if p.section == "holiday":
        where = _("Holiday line %(n)s") % {"n": p.line}
    elif p.section == "makeup":
        where = _("Make-up workday line %(n)s") % {"n": p.line}
    else:
        where = _("Notice")
    reasons = {
        rules.NO_HOLIDAY: _("enter at least one holiday period."),
        rules.NAME_MISSING: _("the holiday name is missing."),
        rules.OUTSIDE_YEAR: _("the date is not in the year being entered."),
        rules.REVERSED: _("the last day is before the first day."),
        rules.OVERLAP: _("it overlaps holiday line %(other)s."),
        rules.MAKEUP_WEEKDAY: _("a make-up workday must be a Saturday or a Sunday."),
        rules.MAKEUP_IN_HOLIDAY: _("the day lies inside holiday line %(other)s."),
        rules.MAKEUP_TWICE: _("the same day is already make-up workday line %(other)s."),
    }
    return _("%(where)s: %(reason)s") % {"where": where, "reason": reasons[p.code] % {"other": p.other}}


def notice_snapshot(cy: CalendarYear) -> dict:
    """The whole notice as JSON-able data for the audit log's before/after."""
    holidays, makeups = year_lines(cy)
    return {
        "year": cy.year, "source": cy.source, "notice_ref": cy.notice_ref, "notice_title": cy.notice_title,
        "holidays": [[h.name, h.first.isoformat(), h.last.isoformat()] for h in holidays],
        "makeup_workdays": [[m.day.isoformat(), m.name] for m in makeups],
    }


def _check(year: int, notice_ref: str, notice_title: str, holidays, makeups) -> None:
    errors: dict[str, list[str]] = {}
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors.setdefault("year", []).append(
            _("Year: enter a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    if not notice_title.strip():
        errors.setdefault("notice_title", []).append(_("Notice title: enter the title of the State Council notice."))
    if len(notice_ref) > 100:
        errors.setdefault("notice_ref", []).append(_("Notice reference: at most 100 characters."))
    if len(notice_title) > 200:
        errors.setdefault("notice_title", []).append(_("Notice title: at most 200 characters."))
    for p in rules.notice_problems(year, holidays, makeups):
        key = {"holiday": "holidays", "makeup": "makeup_workdays"}.get(p.section, "holidays")
        errors.setdefault(key, []).append(problem_message(p))
    if errors:
        raise ValidationError(errors)


def _write_days(cy: CalendarYear, holidays, makeups) -> None:
    ExceptionDay.objects.bulk_create([
        ExceptionDay(calendar_year=cy, date=day, kind=kind, name=name)
        for day, (kind, name) in sorted(rules.notice_days(holidays, makeups).items())
    ])


def calendar_year_enter(*, actor, year: int, notice_ref: str, notice_title: str,
                        holidays: list[rules.HolidayPeriod], makeups: list[rules.MakeupDay],
                        at: dt.datetime) -> CalendarYear:
    """§11 an administrator enters the State Council's notice for a year not yet confirmed."""
    if not can_edit(actor):
        raise PermissionDenied
    notice_ref, notice_title = notice_ref.strip(), notice_title.strip()
    _check(year, notice_ref, notice_title, holidays, makeups)
    with transaction.atomic():
        if CalendarYear.objects.select_for_update().filter(year=year).exists():
            raise ValidationError({"year": [_("Year: %(year)s has already been entered; open it to correct it.")
                                            % {"year": year}]})
        cy = CalendarYear.objects.create(
            year=year, source=YearSource.MANUAL, notice_ref=notice_ref, notice_title=notice_title,
            entered_by=actor, entered_at=at, changed_by=actor, changed_at=at,
        )
        _write_days(cy, holidays, makeups)
        audit_record(actor=actor, action="create", obj=cy,
                     summary=_("Holiday schedule of %(year)s entered from the State Council notice")
                     % {"year": year}, after=notice_snapshot(cy))
        transaction.on_commit(mark_stale)
    mark_stale()
    return cy


def calendar_year_correct(*, actor, calendar_year: CalendarYear, notice_ref: str, notice_title: str,
                          holidays: list[rules.HolidayPeriod], makeups: list[rules.MakeupDay],
                          reason: str, at: dt.datetime) -> CalendarYear:
    """§11 correct a year an administrator entered (a package year is read-only); audited with the
    notice before and after and the reason."""
    if not can_edit(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not calendar_year.editable:
        raise ValidationError({"year": [_("Year: %(year)s comes from the calendar package and cannot be changed.")
                                        % {"year": calendar_year.year}]})
    notice_ref, notice_title = notice_ref.strip(), notice_title.strip()
    _check(calendar_year.year, notice_ref, notice_title, holidays, makeups)
    if not reason:
        raise ValidationError({"reason": [_("Reason: say why the schedule is corrected.")]})
    with transaction.atomic():
        cy = CalendarYear.objects.select_for_update().get(pk=calendar_year.pk)
        before = notice_snapshot(cy)
        cy.notice_ref, cy.notice_title = notice_ref, notice_title
        cy.changed_by, cy.changed_at, cy.revision = actor, at, cy.revision + 1
        cy.save(update_fields=["notice_ref", "notice_title", "changed_by", "changed_at", "revision"])
        cy.days.all().delete()
        _write_days(cy, holidays, makeups)
        after = notice_snapshot(cy)
        audit_record(actor=actor, action="update", obj=cy,
                     summary=_("Holiday schedule of %(year)s corrected: %(reason)s") % {"year": cy.year, "reason": reason},
                     before=before, after=after)
        transaction.on_commit(mark_stale)
    mark_stale()
    return cy
