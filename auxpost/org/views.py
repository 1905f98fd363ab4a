"""§5.1 the unit tree with quotas and headcounts; §4.1 the staffing office sets quotas.

Seen by the administrator, staffing office, bureau, HR company (whole tree) and line managers
(their own subtree); others get 404. Only the staffing office and the administrator set quotas.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.org.selectors import organisations_visible_to, unit_get_for, unit_tree_for
from auxpost.org.services import unit_set_quota

VIEW_ROLES = (Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU, Role.LINE_MANAGER, Role.HR_COMPANY)
QUOTA_ROLES = (Role.ADMIN, Role.STAFFING_OFFICE)
MAX_ROWS = 400


class QuotaForm(forms.Form):
    """A unit's headcount quota (编外聘用人员限额); empty = no quota of its own."""

    quota = forms.IntegerField(label=gettext_lazy("Headcount quota"), min_value=0, required=False)


@login_required
def unit_list(request):
    """The unit tree: each unit's quota, its subtree's headcount on the roster and the usage."""
    user = request.user
    if not scope.has_role(user, *VIEW_ROLES):
        raise Http404
    root = unit_get_for(user, request.GET["unit"]) if request.GET.get("unit") else None
    rows = unit_tree_for(user, root=root)
    if not rows:
        raise Http404
    # A province-sized tree is shown to the squadrons; each unit's link opens its own subtree.
    cut = len(rows) > MAX_ROWS
    if cut:
        rows = [r for r in rows if r.depth <= 2]
    return render(request, "org/units.html", {
        "rows": rows, "root": root, "cut": cut, "organisations": list(organisations_visible_to(user)),
        "can_set_quota": scope.has_role(user, *QUOTA_ROLES),
    })


@login_required
@require_POST
def unit_quota(request, pk: int):
    """§4.1 set a unit's quota; refusals (e.g. below the current headcount) are shown on the page."""
    user = request.user
    if not scope.has_role(user, *QUOTA_ROLES):
        raise Http404
    unit = unit_get_for(user, pk)
    form = QuotaForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, _("%(unit)s: %(error)s") % {"unit": unit.name, "error": e})
        return redirect(reverse("org:units") + f"#unit-{unit.pk}")
    try:
        unit = unit_set_quota(actor=user, unit=unit, quota=form.cleaned_data["quota"])
    except ValidationError as exc:
        for e in exc.messages:
            messages.error(request, _("%(unit)s: %(error)s") % {"unit": unit.name, "error": e})
    else:
        if unit.quota is None:
            messages.success(request, _("%(unit)s no longer has a quota of its own.") % {"unit": unit.name})
        else:
            messages.success(request, _("The quota of %(unit)s is now %(quota)s.") % {
                "unit": unit.name, "quota": unit.quota})
    back = reverse("org:units")
    if request.POST.get("root", "").isdigit():
        back += f"?unit={request.POST['root']}"
    return redirect(f"{back}#unit-{unit.pk}")
