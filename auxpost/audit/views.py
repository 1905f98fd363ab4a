"""§11 the audit page: administrators browse the chain and verify it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from auxpost.accounts import scope
from auxpost.audit.forms import AuditFilterForm
from auxpost.audit.selectors import audit_entries, entry_diff, object_type_choices
from auxpost.audit.services import audit_verify


def _admin_only(request):
    if not scope.is_admin(request.user):
        raise Http404


@login_required
def audit_list(request):
    """Every entry of the chain, newest first, filtered, with a field-by-field diff."""
    _admin_only(request)
    form = AuditFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    page = Paginator(audit_entries(**filters), 50).get_page(request.GET.get("page"))
    rows = [(entry, entry_diff(entry)) for entry in page]
    return render(request, "audit/list.html", {
        "form": form, "page": page, "rows": rows, "object_types": object_type_choices(),
    })


@require_POST
@login_required
def audit_verify_view(request):
    """Recompute the chain now and tell the result (the same check as `auxpost audit verify`)."""
    _admin_only(request)
    result = audit_verify()
    if result.ok:
        messages.success(request, result.describe())
    else:
        messages.error(request, result.describe())
    return redirect("audit:list")
