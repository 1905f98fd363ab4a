"""§6.1 / §8.3 grading pages: basic-requirement records, the district's outcomes, a member's own path.

Access (§3): the outcomes list is for the administrator, the staffing office, the bureau and the HR
company (everyone) and line managers (their subtree); a member is sent to their own path page;
anyone else gets 404. Basic records of a member: readable by whoever may see the member (a member
their own), added by the bureau, the HR company and the administrator within their scope.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.grading import rules
from auxpost.grading.exports import OUTCOME_LABEL
from auxpost.grading.forms import BasicRecordForm
from auxpost.grading.selectors import (
    OUTCOME_CHOICES,
    RECORD_READ_ROLES,
    OutcomeParams,
    can_see_outcomes,
    outcome_listing,
    outcomes_for_ids,
    records_of,
)
from auxpost.grading.services import basic_record_add, can_record
from auxpost.org.selectors import units_visible_to
from auxpost.people.forms import unit_choices
from auxpost.people.selectors import PersonalDataView, member_get_for, own_member
from auxpost.policy.models import PolicyStatus, PolicyVersion
from auxpost.policy.selectors import PolicyNotFound, policy_by_version, policy_in_force

PER_PAGE = 50
GRADES = [(g, rules.GRADE_LABEL[g]) for g in (5, 4, 3, 2, 1)]


def _as_of_and_policy(request):
    """The page's as-of date (default today) and policy (default the one in force); bad input is
    reported and replaced by the default. Returns (as_of, policy bundle or None, error)."""
    today = timezone.localdate()
    raw = request.GET.get("as_of", "").strip()
    as_of = today
    if raw:
        try:
            as_of = dt.date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("As-of date: “%(value)s” is not a date; today is used.") % {"value": raw})
    version = request.GET.get("policy", "").strip()
    try:
        if version:
            return as_of, policy_by_version(version), version
        return as_of, policy_in_force(as_of), ""
    except PolicyNotFound as exc:
        messages.error(request, exc.message)
        try:
            return as_of, policy_in_force(as_of), ""
        except PolicyNotFound:
            return as_of, None, ""


def _policy_options():
    return list(PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED).order_by("-effective_from")
                .values_list("version", "name"))


@login_required
def outcomes(request):
    """§8.3 every member's computed outcome on an as-of date, filtered, counted, 50 a page."""
    user = request.user
    if not can_see_outcomes(user):
        if own_member(user) is not None and scope.has_role(user, Role.MEMBER):
            return redirect("grading:path")
        raise Http404
    as_of, policy, version = _as_of_and_policy(request)
    params = OutcomeParams.parse(request.GET)
    view = PersonalDataView(user)
    ctx = {"as_of": as_of, "policy": policy, "version": version, "params": params, "grades": GRADES,
           "outcome_choices": [(o, OUTCOME_LABEL[o]) for o in OUTCOME_CHOICES], "policies": _policy_options(),
           "masked": not view.all}
    units = unit_choices(units_visible_to(user))
    ctx["unit_options"] = format_html_join(
        "", '<option value="{}"{}>{}</option>',
        ((pk, " selected" if params.unit == pk else "", label) for pk, label in units))
    if policy is None:
        return render(request, "grading/outcomes.html", ctx | {"page": None})
    listing = outcome_listing(user, as_of=as_of, policy=policy, params=params, personal_data=view.all)
    page = Paginator(listing.ids, PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"m": m, "id_number": view.id_number(_Ref(m.member_id, m.id_number)),
             "outcome_label": OUTCOME_LABEL[m.outcome.outcome],
             "grade_label": rules.GRADE_LABEL[m.outcome.grade], "target_label": rules.GRADE_LABEL[m.outcome.target_grade],
             "reasons": sorted(m.outcome.reasons, key=lambda r: r.met)}
            for m in outcomes_for_ids(as_of=as_of, policy=policy, ids=list(page.object_list))]
    ctx |= {"page": page, "rows": rows, "counts": [(o, OUTCOME_LABEL[o], listing.counts[o]) for o in OUTCOME_CHOICES],
            "total": listing.total}
    return render(request, "grading/outcomes.html", ctx)


class _Ref:
    """The two attributes PersonalDataView looks at, for a computed outcome row."""

    def __init__(self, pk, id_number):
        self.pk, self.id_number = pk, id_number


_NUM = re.compile(r"(\d+(?:\.\d+)?)")
_YEARS = re.compile(r"^(?:(\d+)年)?(?:(\d+)个月)?")


def _months(text: str) -> int | None:
    m = _YEARS.match(text)
    if not m or not (m.group(1) or m.group(2)):
        return None
    return int(m.group(1) or 0) * 12 + int(m.group(2) or 0)


def progress_of(reason: rules.Reason) -> int | None:
    """A percentage for a numeric requirement ("≥85" against "82"; years in grade), else None."""
    if "≥" not in reason.required:
        return None
    wanted = _NUM.search(reason.required.split("≥", 1)[1])
    if wanted is None:
        return None
    target = float(wanted.group(1))
    if reason.requirement in (rules.REQ_YEARS, rules.REQ_AGE):
        have = _months(reason.actual)
        target_months = target * 12 if reason.requirement == rules.REQ_YEARS else _months(
            reason.required.split("≥", 1)[1])
        if have is None or not target_months:
            return None
        return max(0, min(100, round(100 * have / target_months)))
    have = _NUM.match(reason.actual)
    if have is None or target <= 0:
        return None
    return max(0, min(100, round(100 * float(have.group(1)) / target)))


@login_required
def path(request):
    """§6 / §8.3 a member's own path to the next grade: each requirement, required vs actual."""
    member = own_member(request.user)
    if member is None:
        raise Http404
    as_of, policy, version = _as_of_and_policy(request)
    ctx = {"member": member, "as_of": as_of, "policy": policy, "records": list(records_of(member)[:50])}
    if policy is not None and member.grade:
        rows = outcomes_for_ids(as_of=as_of, policy=policy, ids=[member.pk])
        if rows:
            o = rows[0].outcome
            promotion, risks = [], []
            for r in o.reasons:
                if r.requirement.startswith(("降级条件", "退回条件")):
                    risks.append(r)
                else:
                    promotion.append((r, progress_of(r)))
            ctx |= {"outcome": o, "outcome_label": OUTCOME_LABEL[o.outcome], "promotion": promotion, "risks": risks,
                    "next_grade": rules.GRADE_LABEL.get(member.grade - 1) if member.grade > 1 else None,
                    "met_count": sum(1 for r, _p in promotion if r.met), "req_count": len(promotion)}
    return render(request, "grading/path.html", ctx)


@login_required
def records(request, member_id: int):
    """§6.1 a member's basic-requirement records (append-only); the bureau, the HR company and the
    administrator add records within their scope."""
    user = request.user
    member = member_get_for(user, member_id, roles_allowed=RECORD_READ_ROLES)
    may_add = can_record(user, member)
    form = BasicRecordForm(request.POST or None) if may_add else None
    if request.method == "POST":
        if not may_add:
            raise Http404
        if form.is_valid():
            try:
                basic_record_add(member=member, by=user, at=timezone.now(), **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The record has been added."))
                return redirect("grading:records", member_id=member.pk)
    return render(request, "grading/records.html", {
        "member": member, "records": list(records_of(member)), "form": form, "may_add": may_add,
    })
