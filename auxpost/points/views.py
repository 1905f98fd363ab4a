"""§10 points pages: a member's own ledger and appeals; the managers' ledger, entry form, approval
and appeal queues; the bureau's annual settlement. Thin: access check, one selector or service call.

Access (§3): a member sees only their own entries (``points:mine``); line managers, the bureau
and administrators see the entries of members in their scope. An entry or appeal that does not
exist and one that is out of scope give the same 404; so does a page for a role one lacks.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from auxpost.accounts import scope
from auxpost.org.selectors import unit_full_names, units_visible_to
from auxpost.people.forms import unit_choices
from auxpost.people.models import Member
from auxpost.people.selectors import own_member
from auxpost.points.forms import AppealForm, DecideForm, EntryForm, RejectForm, SettleForm
from auxpost.points.models import AppealStatus, EntryStatus, PointsAppeal, PointsEntry
from auxpost.points.selectors import (
    DECIDER_ROLES,
    MANAGER_ROLES,
    LedgerParams,
    appeal_get_for,
    appeal_queue,
    appealable,
    approval_queue,
    entries_visible_to,
    entry_get_for,
    ledger_filter,
    members_for_entry,
    paginate,
    points_balance,
)
from auxpost.points.services import (
    FIRST_YEAR,
    actor_may_settle,
    points_appeal_decide,
    points_appeal_submit,
    points_entry_approve,
    points_entry_record,
    points_entry_reject,
    points_settle_year,
)
from auxpost.policy.selectors import PolicyNotFound, policy_in_force


def _year(request, today: dt.date) -> int:
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        return today.year
    return year if FIRST_YEAR <= year <= today.year else today.year


def _back(request, default: str):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _require(user, roles) -> None:
    if not scope.has_role(user, *roles) or scope.member_q(user, roles_allowed=roles) is None:
        raise Http404


# ----------------------------------------------------------------------------------- the member

@login_required
def points_mine(request):
    """§10 a member's own ledger and balance for a year; appeal buttons on appealable entries."""
    member = own_member(request.user)
    if member is None:
        raise Http404
    today = timezone.localdate()
    year = _year(request, today)
    entries = list(PointsEntry.objects.filter(member=member, date__gte=dt.date(year, 1, 1),
                                              date__lte=dt.date(year, 12, 31))
                   .select_related("reverses", "reversed_by").order_by("-date", "-pk"))
    appeals = list(PointsAppeal.objects.filter(member=member).select_related("entry", "reversing_entry")
                   .order_by("-submitted_at", "-pk")[:100])
    open_entries = {a.entry_id for a in appeals if a.status == AppealStatus.OPEN}
    for e in entries:
        e.can_appeal = appealable(e) and e.pk not in open_entries
        e.appeal_open = e.pk in open_entries
    first = max(FIRST_YEAR, member.hire_date.year)
    return render(request, "points/mine.html", {
        "member": member, "year": year, "years": list(range(today.year, first - 1, -1)),
        "balance": points_balance(member, year), "entries": entries, "appeals": appeals,
    })


@login_required
def appeal_create(request, pk: int):
    """§10 a member appeals one of their own approved entries."""
    member = own_member(request.user)
    if member is None:
        raise Http404
    entry = (PointsEntry.objects.filter(member=member, pk=pk).select_related("reversed_by", "reverses").first())
    if entry is None:
        raise Http404
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            points_appeal_submit(entry=entry, user=request.user, reason=form.cleaned_data["reason"],
                                 at=timezone.now())
        except ValidationError as exc:
            form.add_service_errors(exc, aliases={"entry": "__all__"})
        else:
            messages.success(request, _("Your appeal has been submitted."))
            return redirect(f"{_url('points:mine')}?year={entry.date.year}")
    can_appeal = appealable(entry) and not entry.appeals.filter(status=AppealStatus.OPEN).exists()
    return render(request, "points/appeal_form.html", {"entry": entry, "form": form, "can_appeal": can_appeal})


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


# ---------------------------------------------------------------------------------- the managers

@login_required
def ledger(request):
    """§10 the ledger of the members in scope, filtered and paginated."""
    user = request.user
    if not scope.has_role(user, *MANAGER_ROLES) and own_member(user) is not None:
        return redirect("points:mine")
    _require(user, MANAGER_ROLES)
    params = LedgerParams.parse(request.GET)
    qs = ledger_filter(entries_visible_to(user, roles=MANAGER_ROLES), params).order_by("-date", "-pk")
    page = paginate(qs, request.GET.get("page"))
    names = unit_full_names()
    for e in page.object_list:
        e.unit_name = names.get(e.member.unit_id, e.member.unit.name)
    units = unit_choices(units_visible_to(user, roles_allowed=MANAGER_ROLES))
    unit_options = format_html_join("", '<option value="{}"{}>{}</option>',
                                    ((pk, " selected" if params.unit == pk else "", label) for pk, label in units))
    try:
        rules = policy_in_force(timezone.localdate()).points.rules
    except PolicyNotFound:
        rules = ()
    return render(request, "points/ledger.html", {
        "page": page, "params": params, "unit_options": unit_options, "rules": rules,
        "statuses": EntryStatus.choices,
    })


@login_required
def entry_new(request):
    """§10 record an entry for a member in scope (line managers, bureau, administrators)."""
    user = request.user
    _require(user, MANAGER_ROLES)
    today = timezone.localdate()
    try:
        rules = policy_in_force(today).points.rules
    except PolicyNotFound as exc:
        messages.error(request, exc.message)
        rules = ()
    members = members_for_entry(user)
    initial = {"date": today, "quantity": 1}
    preset = request.GET.get("member")
    if preset and preset.isdigit():
        m = members.filter(pk=int(preset)).first()
        if m is not None:
            initial |= {"member": m.name, "member_id": m.pk}
    form = EntryForm(request.POST or None, rules=rules, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        member = form.cleaned_data["member_obj"]
        try:
            entry = points_entry_record(member=member, rule_code=form.cleaned_data["rule_code"],
                                        date=form.cleaned_data["date"], quantity=form.cleaned_data["quantity"],
                                        evidence=form.cleaned_data["evidence"], recorded_by=user, at=timezone.now())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if entry.status == EntryStatus.PENDING:
                messages.success(request, _("Recorded %(points)+d for %(name)s; the deduction now waits for a second "
                                            "person's approval.") % {"points": entry.points, "name": member.name})
            else:
                messages.success(request, _("Recorded %(points)+d for %(name)s.") % {"points": entry.points,
                                                                                   "name": member.name})
            return redirect("points:ledger")
    return render(request, "points/entry_form.html", {"form": form, "rules": rules})


@login_required
def approvals(request):
    """§10 pending deductions in scope, recorded by someone else, to approve or reject."""
    user = request.user
    _require(user, MANAGER_ROLES)
    page = paginate(approval_queue(user), request.GET.get("page"))
    names = unit_full_names()
    for e in page.object_list:
        e.unit_name = names.get(e.member.unit_id, e.member.unit.name)
    return render(request, "points/approvals.html", {"page": page, "reject_form": RejectForm()})


@login_required
@require_POST
def entry_approve(request, pk: int):
    entry = entry_get_for(request.user, pk, roles=MANAGER_ROLES)
    try:
        points_entry_approve(entry=entry, approver=request.user, at=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The deduction for %(name)s was approved.") % {"name": entry.member.name})
    return _back(request, "points:approvals")


@login_required
@require_POST
def entry_reject(request, pk: int):
    entry = entry_get_for(request.user, pk, roles=MANAGER_ROLES)
    try:
        points_entry_reject(entry=entry, approver=request.user, reason=request.POST.get("reason", ""),
                            at=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The deduction for %(name)s was rejected.") % {"name": entry.member.name})
    return _back(request, "points:approvals")


@login_required
def appeals(request):
    """§10 open appeals in scope that the user may decide."""
    user = request.user
    _require(user, DECIDER_ROLES)
    page = paginate(appeal_queue(user), request.GET.get("page"))
    return render(request, "points/appeals.html", {"page": page})


@login_required
@require_POST
def appeal_decide(request, pk: int):
    appeal = appeal_get_for(request.user, pk, roles=DECIDER_ROLES)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to uphold or dismiss the appeal."))
        return _back(request, "points:appeals")
    upheld = form.cleaned_data["decision"] == "uphold"
    try:
        points_appeal_decide(appeal=appeal, decider=request.user, upheld=upheld, note=form.cleaned_data["note"],
                             at=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, (_("The appeal of %(name)s was upheld; a reversing entry was recorded.") if upheld
                                   else _("The appeal of %(name)s was dismissed.")) % {"name": appeal.member.name})
    return _back(request, "points:appeals")


@login_required
def settle(request):
    """§10 the bureau or an administrator settles a year's points for every member."""
    user = request.user
    if not actor_may_settle(user):
        raise Http404
    today = timezone.localdate()
    form = SettleForm(request.POST or None, initial={"year": today.year - 1})
    result = kept = None
    if request.method == "POST" and form.is_valid():
        try:
            result = points_settle_year(year=form.cleaned_data["year"], by=user, at=timezone.now())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            kept = list(Member.objects.filter(pk__in=result.imported_kept[:20]).values_list("name", flat=True))
    return render(request, "points/settle.html", {"form": form, "result": result, "kept": kept})
