"""§4.2 pages of the post-analysis ledger (thin: access check, one selector or service call).

- ``/duties/`` the tree work lines → duties → work items, with search, a work-line filter, the 23
  indicators (``?tab=indicators``), export and a link to the import (staff roles and members read it);
- ``/duties/export.xlsx`` the whole ledger;
- ``/duties/new/``, ``/duties/<pk>/edit/``, ``/duties/items/new/?duty=<pk>``, ``/duties/items/<pk>/edit/``:
  one duty or work item (the bureau, administrators), audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from auxpost.duties import selectors, services
from auxpost.duties.exports import FILENAME, catalogue_workbook
from auxpost.duties.forms import DutyForm, WorkItemForm
from auxpost.duties.models import Duty, WorkItem, WorkLine
from auxpost.imports.selectors import can_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def catalogue(request):
    """§4.2 the ledger as a tree, or the indicators."""
    user = request.user
    if not selectors.can_view(user):
        raise Http404
    tab = "indicators" if request.GET.get("tab") == "indicators" else "tree"
    q = (request.GET.get("q") or "").strip()[:50]
    lines = list(WorkLine.objects.all())
    line = None
    raw = request.GET.get("line") or ""
    if raw.isdigit():
        line = next((wl for wl in lines if wl.pk == int(raw)), None)
    patrol_only = request.GET.get("patrol") == "1"
    context = {"tab": tab, "q": q, "lines": lines, "line": line, "patrol_only": patrol_only,
               "counts": selectors.counts(), "can_edit": selectors.can_edit(user), "can_import": can_import(user),
               "import_url": reverse("imports:upload") + "?kind=duties",
               "indicators_import_url": reverse("imports:upload") + "?kind=post_indicators"}
    if tab == "indicators":
        names = _scorecard_names()
        indicators = selectors.indicators()
        for ind in indicators:
            ind.scorecard_name = names.get(ind.scorecard_indicator, ind.scorecard_indicator)
        context["indicators"] = indicators
    else:
        context["tree"] = selectors.catalogue(q=q, line=line, patrol_only=patrol_only)
    return render(request, "duties/catalogue.html", context)


def _scorecard_names() -> dict[str, str]:
    from django.utils import timezone

    from auxpost.duties.imports import scorecard_indicators

    return scorecard_indicators(timezone.localdate())


@login_required
def export(request):
    """§4.2 the whole ledger as .xlsx (re-importable)."""
    if not selectors.can_view(request.user):
        raise Http404
    response = HttpResponse(catalogue_workbook(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, FILENAME)
    return response


def _apply(form, fn, **kwargs):
    try:
        return fn(**kwargs, **form.cleaned_data)
    except ValidationError as exc:
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    return None


@login_required
def duty_edit(request, pk=None):
    """§4.2 add or change one duty (the bureau, administrators)."""
    user = request.user
    if not selectors.can_edit(user):
        raise Http404
    duty = None
    if pk is not None:
        duty = Duty.objects.filter(pk=pk).select_related("work_line").first()
        if duty is None:
            raise Http404
    initial = {}
    if duty is not None:
        initial = {"work_line": duty.work_line_id, "code": duty.code, "name": duty.name,
                   "description": duty.description, "patrol_category": duty.patrol_category,
                   "sort_order": duty.sort_order}
    elif (request.GET.get("line") or "").isdigit():
        initial = {"work_line": int(request.GET["line"])}
    form = DutyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if duty is None:
            saved = _apply(form, services.duty_create, actor=user)
        else:
            saved = _apply(form, services.duty_update, actor=user, duty=duty)
        if saved is not None:
            messages.success(request, _("Duty “%(name)s” saved.") % {"name": saved.name})
            return redirect(reverse("duties:catalogue") + f"#duty-{saved.pk}")
    return render(request, "duties/edit.html", {"form": form, "obj": duty, "kind": "duty"})


@login_required
def item_edit(request, pk=None):
    """§4.2 add or change one work item (the bureau, administrators)."""
    user = request.user
    if not selectors.can_edit(user):
        raise Http404
    item = None
    if pk is not None:
        item = WorkItem.objects.filter(pk=pk).first()
        if item is None:
            raise Http404
    initial = {}
    if item is not None:
        initial = {"duty": item.duty_id, "code": item.code, "name": item.name, "standard": item.standard,
                   "frequency": item.frequency, "sort_order": item.sort_order}
    elif (request.GET.get("duty") or "").isdigit():
        initial = {"duty": int(request.GET["duty"])}
    form = WorkItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if item is None:
            saved = _apply(form, services.work_item_create, actor=user)
        else:
            saved = _apply(form, services.work_item_update, actor=user, item=item)
        if saved is not None:
            messages.success(request, _("Work item “%(name)s” saved.") % {"name": saved.name})
            return redirect(reverse("duties:catalogue") + f"#duty-{saved.duty_id}")
    return render(request, "duties/edit.html", {"form": form, "obj": item, "kind": "item"})
