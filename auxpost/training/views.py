"""§5.2.2/§5.2.3 pages (thin: access check, one selector or service call).

- ``/training/`` courses (staff roles; the bureau adds and edits), ``/training/courses/<id>/`` a course
  with its sessions (the bureau adds sessions), ``/training/sessions/`` and ``/training/sessions/<id>/``
  with the attendance and score form for the whole session (the bureau and line managers, their members);
- ``/training/members/<id>/`` a member's training record and certificates (scope; 404 outside it), with
  the bureau's issue/renew actions; ``/training/me/`` 我的培训与上岗证;
- ``/training/shortfall/`` members short of the year's hours, and its .xlsx export (logged);
- ``/training/certificates/`` the certificates list with filters expiring / expired / missing / valid.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from auxpost.accounts import scope
from auxpost.core.forms import error_text as _errors
from auxpost.org.models import Unit
from auxpost.org.selectors import unit_full_names
from auxpost.people.models import Member
from auxpost.people.selectors import cert_reminder_days, own_member
from auxpost.training import rules, selectors
from auxpost.training.exports import shortfall_export
from auxpost.training.forms import CourseEditForm, CourseForm, SessionForm
from auxpost.training.models import Attendance, CertStatus, Course, Session, TrainingRecord
from auxpost.training.services import (
    AttendanceEntry,
    attendance_record,
    certificate_close,
    certificate_issue,
    certificate_renew,
    course_create,
    course_update,
    record_reverse,
    session_create,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 50


def _year(request, today: dt.date) -> int:
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year else today.year


def _unit(request, user) -> Unit | None:
    raw = request.GET.get("unit")
    if not raw:
        return None
    q = scope.unit_q(user)
    try:
        return Unit.objects.filter(q).get(pk=int(raw)) if q is not None else None
    except (ValueError, Unit.DoesNotExist):
        return None


def _scope_units(user, names: dict[int, str]) -> list[tuple[int, str]]:
    q = scope.unit_q(user)
    if q is None:
        return []
    return [(pk, names.get(pk, "")) for pk in Unit.objects.filter(q).order_by("path").values_list("pk", flat=True)]


# ------------------------------------------------------------------------------------------ courses

@login_required
def courses(request):
    """§5.2.2 the course catalogue by category; the bureau adds a course."""
    user = request.user
    if not selectors.can_view_courses(user):
        raise Http404
    manage = selectors.can_manage_courses(user)
    form = CourseForm(request.POST or None) if manage else None
    if request.method == "POST":
        if not manage:
            raise Http404
        if form.is_valid():
            try:
                course = course_create(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, _("Course “%(name)s” added.") % {"name": course.name})
                return redirect("training:course", pk=course.pk)
    category = request.GET.get("category", "")
    qs = selectors.courses_for(user)
    if category in rules.CATEGORY_SHORT:
        qs = qs.filter(category=category)
    return render(request, "training/courses.html", {
        "courses": list(qs), "form": form, "manage": manage, "category": category,
        "categories": Course._meta.get_field("category").choices})


@login_required
def course(request, pk):
    """§5.2.2 one course and its sessions; the bureau edits it and adds a session."""
    user = request.user
    try:
        obj = selectors.courses_for(user).get(pk=pk)
    except Course.DoesNotExist:
        raise Http404 from None
    manage = selectors.can_manage_courses(user)
    edit_form = session_form = None
    if manage:
        op = request.POST.get("op") if request.method == "POST" else None
        edit_form = CourseEditForm(request.POST if op == "edit" else None, initial={
            "name": obj.name, "hours": obj.hours, "has_exam": obj.has_exam, "description": obj.description})
        session_form = SessionForm(request.POST if op == "session" else None,
                                   initial={"hours": obj.hours})
        try:
            if op == "edit" and edit_form.is_valid():
                course_update(actor=user, course=obj, **edit_form.cleaned_data)
                messages.success(request, _("Course saved."))
                return redirect("training:course", pk=obj.pk)
            if op == "session" and session_form.is_valid():
                s = session_create(actor=user, course=obj, **session_form.cleaned_data)
                messages.success(request, _("Session added."))
                return redirect("training:session", pk=s.pk)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    elif request.method == "POST":
        raise Http404
    sessions = list(obj.sessions.order_by("-start_date", "-pk"))
    return render(request, "training/course.html", {"course": obj, "sessions": sessions, "manage": manage,
                                                    "edit_form": edit_form, "session_form": session_form})


@login_required
def sessions(request):
    """§5.2.2 sessions of a year, newest first."""
    user = request.user
    if not selectors.can_view_courses(user):
        raise Http404
    today = timezone.localdate()
    year = _year(request, today)
    qs = selectors.sessions_for(user).filter(start_date__year=year).order_by("-start_date", "-pk")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "training/sessions.html", {"page": page, "year": year,
                                                      "years": range(today.year, today.year - 6, -1)})


@login_required
def session(request, pk):
    """§5.2.2 one session: the attendance and scores of the invited members the caller may enter, all at
    once (POST), and what is on record."""
    user = request.user
    try:
        obj = selectors.sessions_for(user).get(pk=pk)
    except Session.DoesNotExist:
        raise Http404 from None
    can_enter = selectors.can_enter_attendance(user)
    members = list(selectors.session_members(obj, user)) if can_enter else []
    current = selectors.session_current(obj, [m.pk for m in members])
    errors: dict[int, str] = {}
    if request.method == "POST":
        if not can_enter:
            raise Http404
        entries = []
        for m in members:
            att = request.POST.get(f"att-{m.pk}", "")
            if not att:
                continue
            raw = (request.POST.get(f"score-{m.pk}") or "").strip()
            try:
                score = Decimal(raw) if raw else None
            except ArithmeticError:
                errors[m.pk] = _("Exam score: not a number.")
                continue
            entries.append(AttendanceEntry(m.pk, att, score))
        if not errors:
            try:
                counts = attendance_record(actor=user, session=obj, entries=entries)
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("Saved: %(recorded)s recorded, %(corrected)s corrected.") % counts)
                return redirect("training:session", pk=obj.pk)
        else:
            messages.error(request, _("Some scores are not numbers; nothing was saved."))
    rows = [{"member": m, "record": current.get(m.pk), "error": errors.get(m.pk, ""),
             "attendance": request.POST.get(f"att-{m.pk}") if request.method == "POST"
             else (current[m.pk].attendance if m.pk in current else ""),
             "score": request.POST.get(f"score-{m.pk}") if request.method == "POST"
             else (current[m.pk].score if m.pk in current and current[m.pk].score is not None else "")}
            for m in members]
    names = unit_full_names()
    return render(request, "training/session.html", {
        "session": obj, "rows": rows, "can_enter": can_enter, "choices": Attendance.choices,
        "units": [names.get(u.pk, u.name) for u in obj.units.all()],
        "pass_score": selectors.workforce(obj.start_date).training.pass_score})


# ------------------------------------------------------------------------------------------ members

def _member_page(request, member: Member, *, own: bool):
    user = request.user
    today = timezone.localdate()
    year = _year(request, today)
    summary = selectors.member_summary(member, year, today)
    certs = selectors.certificates_of(member)
    days = cert_reminder_days(today)
    state = rules.cert_state(member.cert_valid_until if member.cert_number else None, today, days)
    can_issue = selectors.can_issue_certificates(user) and not own
    can_correct = not own and selectors.entry_members_for(user).filter(pk=member.pk).exists()
    records = selectors.records_of(member)
    reversed_ids = {r.reverses_id for r in records if r.reverses_id}
    for r in records:
        r.correctable = can_correct and not r.reverses_id and r.pk not in reversed_ids
    return render(request, "training/member.html", {
        "member": member, "own": own, "year": year, "years": range(today.year, today.year - 6, -1),
        "summary": summary, "records": records, "certificates": certs, "state": state,
        "state_label": selectors.cert_state_label(state), "reminder_days": days,
        "days_left": (member.cert_valid_until - today).days if member.cert_valid_until else None,
        "can_issue": can_issue, "today": today,
        "categories": [(c, label, summary.by_category.get(c, 0)) for c, label in
                       Course._meta.get_field("category").choices],
    })


@login_required
def my_training(request):
    """§5.2.2/§5.2.3 我的培训与上岗证: my hours against the requirement, my record and my certificate."""
    me = own_member(request.user)
    if me is None:
        raise Http404
    return _member_page(request, me, own=True)


@login_required
def member(request, pk):
    """A member's training record and certificates (the caller's scope; 404 outside it)."""
    try:
        m = selectors.member_for(request.user, pk)
    except Member.DoesNotExist:
        raise Http404 from None
    return _member_page(request, m, own=own_member(request.user) == m)


@login_required
@require_POST
def record_reverse_view(request, pk):
    """§5.2.2 cancel a training record entered by mistake (a reversing row; the bureau or the member's line
    manager), with a reason."""
    user = request.user
    try:
        record = TrainingRecord.objects.filter(member__in=selectors.entry_members_for(user).values("pk")).get(pk=pk)
    except TrainingRecord.DoesNotExist:
        raise Http404 from None
    try:
        record_reverse(actor=user, record=record, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The training record was reversed."))
    return redirect("training:member", pk=record.member_id)


@login_required
@require_POST
def certificate_action(request, pk, action):
    """§5.2.3 the bureau issues (after induction), renews or revokes a member's certificate."""
    user = request.user
    if not selectors.can_issue_certificates(user) or action not in ("issue", "renew", "revoke"):
        raise Http404
    try:
        m = selectors.member_for(user, pk)
    except Member.DoesNotExist:
        raise Http404 from None
    raw = request.POST.get("on") or ""
    try:
        on = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        messages.error(request, _("Date: not a valid date."))
        return redirect("training:member", pk=m.pk)
    if action == "revoke":
        reason = (request.POST.get("reason") or "").strip()
        if not reason:
            messages.error(request, _("Reason: this field is required."))
            return redirect("training:member", pk=m.pk)
        cert = certificate_close(actor=user, member=m, on=on, reason=reason, status=CertStatus.REVOKED)
        if cert is None:
            messages.error(request, _("%(name)s holds no certificate.") % {"name": m.name})
        else:
            messages.success(request, _("Certificate %(number)s revoked.") % {"number": cert.number})
        return redirect("training:member", pk=m.pk)
    number = (request.POST.get("number") or "").strip() or None
    service = certificate_issue if action == "issue" else certificate_renew
    try:
        cert = service(actor=user, member=m, on=on, number=number)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Certificate %(number)s issued, valid until %(date)s.") % {
            "number": cert.number, "date": cert.valid_until.isoformat()})
    return redirect("training:member", pk=m.pk)


# ---------------------------------------------------------------------------------------- shortfall

def _shortfall_args(request):
    user = request.user
    if not selectors.can_view_courses(user):
        raise Http404
    today = timezone.localdate()
    return user, today, _year(request, today), _unit(request, user)


@login_required
def shortfall(request):
    """§5.2.2 members short of the year's annual hours, by unit (the caller's scope)."""
    user, today, year, unit = _shortfall_args(request)
    rows = selectors.shortfall(user, year=year, unit=unit, today=today)
    names = unit_full_names()
    for r in rows:
        r.unit_name = names.get(r.member.unit_id, "")
    return render(request, "training/shortfall.html", {
        "rows": rows, "year": year, "unit": unit, "units": _scope_units(user, names),
        "years": range(today.year, today.year - 6, -1),
        "required": selectors.workforce(today).training.annual_hours})


@login_required
def shortfall_download(request):
    """§5.2.2/§11 the shortfall list as .xlsx, logged as a personal-data export."""
    user, today, year, unit = _shortfall_args(request)
    rows = selectors.shortfall(user, year=year, unit=unit, today=today)
    buf = io.BytesIO()
    shortfall_export(actor=user, rows=rows, out=buf, filters={"year": year, "unit": unit.pk if unit else None})
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="training-shortfall-{year}.xlsx"'
    return response


# ------------------------------------------------------------------------------------- certificates

@login_required
def certificates(request):
    """§5.2.3 members on the roster with their current certificate, filtered expiring / expired / missing."""
    user = request.user
    if not selectors.can_view_courses(user):
        raise Http404
    today = timezone.localdate()
    state = request.GET.get("state", "")
    if state not in selectors.CERT_FILTERS:
        state = ""
    unit = _unit(request, user)
    days = cert_reminder_days(today)
    qs = selectors.certificate_members(user, today=today, state=state, unit=unit, days=days)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    names = unit_full_names()
    for m in page.object_list:
        m.cert_state = rules.cert_state(m.cert_valid_until if m.cert_number else None, today, days)
        m.cert_state_label = selectors.cert_state_label(m.cert_state)
        m.unit_name = names.get(m.unit_id, "")
    return render(request, "training/certificates.html", {
        "page": page, "state": state, "unit": unit, "units": _scope_units(user, names), "reminder_days": days,
        "counts": selectors.cert_counts(user, today, days), "can_issue": selectors.can_issue_certificates(user),
        "today": today})
