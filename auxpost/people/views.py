"""§4.1 roster pages: list, detail, create, edit, own record, export. Thin: access check, one call.

Access (§3): the list and export are for the administrator, the staffing office, the bureau, line
managers (their own unit and below), the HR company and assessors (only members assigned to them,
none in the foundation). A member is sent to their own record. Anyone else, and any member out
of scope, gets the same 404 as a page that does not exist.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.duties.models import WorkLine
from auxpost.org.selectors import unit_full_names, units_visible_to
from auxpost.people.exports import roster_export
from auxpost.people.forms import MemberForm, unit_choices
from auxpost.people.models import Grade, MemberStatus
from auxpost.people.selectors import (
    EDITOR_ROLES,
    LIST_ROLES,
    PersonalDataView,
    RosterParams,
    age_on,
    can_edit,
    cert_reminder_days,
    cert_state,
    grade_history_of,
    member_get_for,
    members_visible_to,
    own_member,
    roster_filter,
    roster_page,
)
from auxpost.people.services import member_create, member_update

SORTABLE = ("name", "hire_date", "grade", "unit", "cert")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _check_list_access(user) -> None:
    """Roles that list the roster; a role whose scope reaches nobody (except an assessor) gets 404."""
    if not scope.has_role(user, *LIST_ROLES):
        raise Http404
    if scope.member_q(user) is None and not scope.has_role(user, Role.ASSESSOR):
        raise Http404


def _decorate(members, view: PersonalDataView, today, names: dict[int, str] | None = None,
              reminder_days: int | None = None) -> int:
    """Attach what the template shows: masked numbers, age, certificate state, unit path; returns the
    certificate reminder window used (§5.2.3, from the policy in force)."""
    if reminder_days is None:
        reminder_days = cert_reminder_days(today)
    for m in members:
        m.shown_id_number = view.id_number(m)
        m.shown_phone = view.phone(m)
        m.shown_birth_date = view.birth_date(m)
        m.age = age_on(m.birth_date, today)
        m.cert_state = cert_state(m, today, reminder_days)
        m.unit_full_name = names.get(m.unit_id, m.unit.name) if names is not None else m.unit.name
    return reminder_days


@login_required
def member_list(request):
    """§4.1 the roster (花名册): search, filters, sorting, 50 a page, numbers masked per role."""
    user = request.user
    if not scope.has_role(user, *LIST_ROLES) and scope.has_role(user, Role.MEMBER):
        return redirect("people:me")
    _check_list_access(user)
    today = timezone.localdate()
    params = RosterParams.parse(request.GET)
    view = PersonalDataView(user)
    qs = roster_filter(members_visible_to(user), params, today=today, personal_data=view.all)
    page = roster_page(qs, request.GET.get("page"))
    units = unit_choices(units_visible_to(user))
    # Rendered here in one pass: a province has thousands of units, and a template loop with a
    # comparison per option was a third of the page's time (bench/roster.py).
    unit_options = format_html_join(
        "", '<option value="{}"{}>{}</option>', ((pk, " selected" if params.unit == pk else "", label)
                                                  for pk, label in units))
    reminder_days = _decorate(page.object_list, view, today, unit_full_names())
    sort_next = {key: ("-" + key if params.sort == key else key) for key in SORTABLE}
    return render(request, "people/list.html", {
        "page": page, "params": params, "unit_options": unit_options, "work_lines": list(WorkLine.objects.all()),
        "grades": sorted(Grade, key=lambda g: -g.value), "statuses": MemberStatus.choices,
        "sort_next": sort_next, "masked": not view.all, "can_create": can_edit(user),
        "warning_days": reminder_days, "export_query": request.GET.urlencode(),
    })


@login_required
def member_detail(request, pk: int):
    """§4.1/§4.3 one member: every 花名册 field, status, dated grade history, certificate."""
    member = member_get_for(request.user, pk)
    return _render_detail(request, member, is_me=False)


@login_required
def member_me(request):
    """A member's own record, with their own full ID and phone numbers and grade history."""
    member = own_member(request.user)
    if member is None:
        raise Http404
    return _render_detail(request, member, is_me=True)


def _render_detail(request, member, *, is_me: bool):
    today = timezone.localdate()
    view = PersonalDataView(request.user)
    reminder_days = _decorate([member], view, today, unit_full_names())
    return render(request, "people/detail.html", {
        "member": member, "history": list(grade_history_of(member)), "is_me": is_me,
        "masked": not view.reveals(member),
        "can_edit": member.status != MemberStatus.SEPARATED and can_edit(request.user, member),
        "warning_days": reminder_days,
        # §6.1 the member's basic-requirement records (the grading app checks access again).
        "show_records": not is_me and scope.has_role(request.user, Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU,
                                                     Role.HR_COMPANY, Role.LINE_MANAGER),
    })


@login_required
def member_create_view(request):
    """§4.1 add a member (administrator, bureau, HR company); a hire beyond quota is refused plainly."""
    user = request.user
    if not can_edit(user):
        raise Http404
    units = units_visible_to(user, roles_allowed=EDITOR_ROLES)
    form = MemberForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_create(actor=user, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("%(name)s has been added to the roster.") % {"name": member.name})
            return redirect("people:detail", pk=member.pk)
    return render(request, "people/form.html", {"form": form, "member": None})


@login_required
def member_edit(request, pk: int):
    """§4.1 edit a member's record: administrator, bureau and HR company, within their scope.

    Line managers do not edit: the phone number is personal data they only see masked, and the
    record (contact details, political status, unit, grade) is kept by the employer and the bureau.
    A separated member's record is archived and read-only.
    """
    user = request.user
    member = member_get_for(user, pk, roles_allowed=EDITOR_ROLES)
    if member.status == MemberStatus.SEPARATED:
        messages.error(request, _("The record of a separated member is archived and cannot be changed; a rehire "
                                  "starts a new record."))
        return redirect("people:detail", pk=member.pk)
    units = units_visible_to(user, roles_allowed=EDITOR_ROLES)
    form = MemberForm(request.POST or None, units=units, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_update(actor=user, member=member, changes=form.service_data(),
                                   grade_reason=form.cleaned_data.get("grade_reason", ""),
                                   status_on=form.cleaned_data.get("status_on"))
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The record of %(name)s has been saved.") % {"name": member.name})
            return redirect("people:detail", pk=member.pk)
    return render(request, "people/form.html", {"form": form, "member": member})


@login_required
def member_export(request):
    """§11 the roster as .xlsx in the 花名册 template's columns, filtered like the list; logged."""
    user = request.user
    _check_list_access(user)
    params = RosterParams.parse(request.GET)
    view = PersonalDataView(user)
    qs = roster_filter(members_visible_to(user), params, personal_data=view.all)
    buf = io.BytesIO()
    roster_export(actor=user, members=qs, out=buf, filters=params.active_filters(), view=view)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    name = f"roster-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
