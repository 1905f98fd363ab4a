"""§6, §7, §10 policy versions as pages: the list, one version as the SPEC's tables, new draft,
edit a draft, publish.

Readers (administrator, staffing office, bureau, line managers, HR company) see the published
versions; the staffing office and the administrator also see drafts and are the only ones who
create, edit and publish. Everyone else gets 404; a reader who opens a write page gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.core.forms import add_service_errors
from auxpost.policy.forms import NewVersionForm, PolicyForms
from auxpost.policy.models import PolicyStatus, immutable_message
from auxpost.policy.presentation import (
    assessment_tables,
    daily_items,
    grade_rows,
    grade_settings,
    incentives_tables,
    points_tables,
    workforce_items,
)
from auxpost.policy.selectors import (
    bundle_of,
    can_edit,
    can_read,
    policy_version_in_force,
    version_get_for,
    versions_visible_to,
)
from auxpost.policy.services import (
    policy_version_create_draft,
    policy_version_publish,
    policy_version_update_draft,
)


def _readers_only(user) -> None:
    if not can_read(user):
        raise Http404


def _editors_only(user) -> None:
    _readers_only(user)
    if not can_edit(user):
        raise PermissionDenied


def _state(pv, in_force, today) -> tuple[str, str]:
    """(label, badge class) of a version: draft, in force today, scheduled or superseded."""
    if pv.status == PolicyStatus.DRAFT:
        return _("Draft"), "warn"
    if in_force is not None and pv.pk == in_force.pk:
        return _("In force today"), "ok"
    if pv.effective_from > today:
        return _("Scheduled"), ""
    return _("Superseded"), "bad"


@login_required
def version_list(request):
    """Every visible version, newest effective date first, with the one in force today marked."""
    user = request.user
    _readers_only(user)
    today = timezone.localdate()
    in_force = policy_version_in_force(today)
    rows = [(pv, *_state(pv, in_force, today)) for pv in versions_visible_to(user).only(
        "pk", "version", "name", "effective_from", "status", "published_at")]
    return render(request, "policy/list.html", {"rows": rows, "can_edit": can_edit(user), "today": today})


@login_required
def version_detail(request, version: str):
    """One version as the SPEC's tables (§6.2 grades, §7 assessment, §10 points, §9 incentives)."""
    user = request.user
    _readers_only(user)
    pv = version_get_for(user, version)
    today = timezone.localdate()
    bundle = bundle_of(pv)
    state = _state(pv, policy_version_in_force(today), today)
    return render(request, "policy/detail.html", {
        "pv": pv, "state": state, "can_edit": can_edit(user),
        "grade_rows": grade_rows(bundle), "grade_settings": grade_settings(bundle),
        "assessment": assessment_tables(bundle), "points": points_tables(bundle),
        "incentives": incentives_tables(bundle),
        "workforce": workforce_items(bundle),
        "daily": daily_items(bundle),
    })


@login_required
def version_new(request):
    """A new draft copied from a chosen version (default: the one in force today)."""
    user = request.user
    _editors_only(user)
    versions = versions_visible_to(user)
    if request.method == "POST":
        form = NewVersionForm(request.POST, versions=versions)
        if form.is_valid():
            c = form.cleaned_data
            try:
                pv = policy_version_create_draft(based_on=c["based_on"], version=c["version"], name=c["name"],
                                                 effective_from=c["effective_from"], by=user, at=timezone.now())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Draft %(version)s created. Change its values, then publish it.") % {
                    "version": pv.version})
                return redirect("policy:edit", version=pv.version)
    else:
        base = request.GET.get("based_on") or getattr(policy_version_in_force(timezone.localdate()), "version", None)
        form = NewVersionForm(versions=versions, initial={"based_on": base})
    return render(request, "policy/new.html", {"form": form})


@login_required
def version_edit(request, version: str):
    """Edit every (cfg) value of a draft; a published version is refused."""
    user = request.user
    _editors_only(user)
    pv = version_get_for(user, version)
    if pv.status == PolicyStatus.PUBLISHED:
        messages.error(request, immutable_message(pv.version))
        return redirect("policy:detail", version=pv.version)
    forms = PolicyForms(pv, request.POST if request.method == "POST" else None)
    if request.method == "POST" and forms.is_valid():
        meta = forms.meta.cleaned_data
        docs = forms.documents()
        try:
            policy_version_update_draft(pv=pv, name=meta["name"], effective_from=meta["effective_from"],
                                        notes=meta["notes"], by=user, at=timezone.now(), **docs)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    for e in errors:
                        forms.add_service_error(field, (e.params or {}).get("part", ""), next(iter(e)))
            else:
                for message in exc.messages:
                    forms.add_service_error("", "", message)
        else:
            messages.success(request, _("Draft %(version)s saved.") % {"version": pv.version})
            return redirect("policy:detail", version=pv.version)
    return render(request, "policy/edit.html", {"pv": pv, "f": forms, "has_errors": request.method == "POST"})


@login_required
def version_publish(request, version: str):
    """Confirm (GET), then publish (POST). Refusals (e.g. an effective date in the past) are shown."""
    user = request.user
    _editors_only(user)
    pv = version_get_for(user, version)
    if pv.status == PolicyStatus.PUBLISHED:
        messages.error(request, _("Version %(version)s is already published.") % {"version": pv.version})
        return redirect("policy:detail", version=pv.version)
    errors: list[str] = []
    if request.method == "POST":
        try:
            pv = policy_version_publish(pv=pv, by=user, at=timezone.now())
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Version %(version)s is published; it applies from %(date)s.") % {
                "version": pv.version, "date": pv.effective_from.isoformat()})
            return redirect("policy:detail", version=pv.version)
    return render(request, "policy/publish.html", {"pv": pv, "errors": errors, "today": timezone.localdate()})
