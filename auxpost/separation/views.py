"""§5.2.4 解聘 pages: the cases list, one case (flow buttons per role, legal basis, protections, checklist,
history), a new proposal, a member's protection records, upcoming retirements, the pick-up list and the
member's own resignation page.

Thin: an access check, one selector or service call, render. Each page answers its own POSTs (``op`` names
the form) so a refused move re-renders the same page with the message: HTTP 409 for a move out of order,
403 for a party without authority (``rules.MoveRefused.code``), 200 with the fields marked for bad input.
An object out of the user's scope is the same 404 as a missing one.

Access (§3): cases — the bureau, the HR company, the administrator, line managers (their units' members) and
the member (own cases, on "my resignation"); new proposal and pick-up — the bureau; protection records — the
bureau, the HR company, the administrator; upcoming retirements — the bureau, the HR company, the
administrator. An auxiliary staff member is never offered a decision over others.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.org.selectors import unit_full_names, units_visible_to
from auxpost.people.forms import unit_choices
from auxpost.people.models import ON_ROSTER
from auxpost.separation import rules, selectors, services
from auxpost.separation.forms import ItemForm, MoveForm, PickupForm, ProposalForm, ProtectionForm, ResignForm
from auxpost.separation.models import CaseStatus, Ground, ProtectionRecord, SeparationCase

PER_PAGE = 50
#: Roles that see the cases list (a member sees their own on "my resignation").
LIST_ROLES = (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY, Role.LINE_MANAGER)
_STATUS_CSS = {rules.PROPOSED: "warn", rules.REVIEWED: "warn", rules.EXECUTED: "warn", rules.RETURNED: "warn",
               rules.ARCHIVED: "ok", rules.REFUSED: "bad", rules.CANCELLED: ""}


def _refused(request, exc: rules.MoveRefused) -> int:
    messages.error(request, exc.message)
    return 403 if exc.code == "forbidden" else 409


def _require(user, roles) -> None:
    if not scope.has_role(user, *roles):
        raise Http404


def _decorate(case: SeparationCase) -> SeparationCase:
    case.status_css = _STATUS_CSS.get(case.status, "")
    case.ground_obj = rules.GROUNDS[case.ground]
    return case


# ------------------------------------------------------------------------------------------ list


@login_required
def cases(request):
    """§5.2.4 separation cases in the user's scope, filtered by status, ground and unit."""
    user = request.user
    if not scope.has_role(user, *LIST_ROLES):
        if selectors.own_member(user) is not None:
            return redirect("separation:mine")
        raise Http404
    g = request.GET
    status = g.get("status", "") if g.get("status", "") in ("open", *CaseStatus.values) else ""
    ground = g.get("ground", "") if g.get("ground", "") in Ground.values else ""
    unit = int(g["unit"]) if g.get("unit", "").isdigit() else None
    qs = selectors.cases_for(user, status=status, ground=ground, unit_id=unit)
    page = Paginator(qs, PER_PAGE).get_page(g.get("page"))
    names = unit_full_names()
    for c in page.object_list:
        _decorate(c)
        c.unit_name = names.get(c.member.unit_id, "")
    return render(request, "separation/cases.html", {
        "page": page, "status": status, "ground": ground, "unit": unit,
        "statuses": [("open", _("Open cases"))] + [(s, rules.STATE_LABEL[s]) for s in rules.STATES],
        "grounds": [(code, gr.label) for code, gr in rules.GROUNDS.items()],
        "units": unit_choices(units_visible_to(user, roles_allowed=LIST_ROLES)),
        "may_propose": scope.has_role(user, Role.BUREAU),
        "sees_pickup": scope.has_role(user, *selectors.PICKUP_ROLES),
        "sees_retirements": scope.has_role(user, *selectors.RETIREMENT_ROLES),
    })


# ------------------------------------------------------------------------------------------ case


def _case_page(request, case: SeparationCase, *, move_form=None, item_form=None, status: int = 200):
    user = request.user
    case = _decorate(selectors.case_for(user, case.pk))
    today = timezone.localdate()
    actions = selectors.case_actions(user, case)
    role_labels = dict(Role.choices)
    transitions = list(case.transitions.select_related("actor"))
    for t in transitions:
        t.acting_as_label = rules.PARTY_LABEL.get(t.acting_as) or role_labels.get(t.acting_as, t.acting_as)
        t.from_label = rules.STATE_LABEL.get(t.from_status, "—")
        t.to_label = rules.STATE_LABEL.get(t.to_status, t.to_status)
    returned = {r.item: r for r in case.returned_items.select_related("received_by")}
    checklist = [{"item": i, "label": rules.ITEM_LABEL[i], "row": returned.get(i)} for i in rules.ITEMS]
    sees_protections = scope.has_role(user, *selectors.PROTECTION_ROLES)
    ctx = {
        "case": case, "member": case.member, "ground": case.ground_obj, "actions": actions,
        "action_labels": rules.ACTION_LABEL, "next_step": rules.NEXT_STEP.get(case.status, ""),
        "transitions": transitions, "checklist": checklist,
        "missing_items": [(i, rules.ITEM_LABEL[i]) for i in rules.ITEMS if i not in returned],
        "move_form": move_form or MoveForm(initial={"last_day": case.last_day or today}),
        "item_form": item_form or ItemForm(initial={"returned_on": today}),
        "protections_found": case.protections,
        "protections_today": services.member_protections(case.member, today) if sees_protections else None,
        "sees_protections": sees_protections,
        "source_label": rules.SOURCE_LABEL.get(case.source, case.source),
        "has_notice": case.status in (rules.EXECUTED, rules.RETURNED, rules.ARCHIVED),
        "is_member_view": selectors.own_member(user) is not None and selectors.own_member(user).pk == case.member_id
        and not scope.has_role(user, *LIST_ROLES),
    }
    return render(request, "separation/case.html", ctx, status=status)


@login_required
def case_detail(request, pk: int):
    """§5.2.4 one case: legal basis, protections, checklist, history; the moves the user may take."""
    user = request.user
    case = selectors.case_for(user, pk)
    if request.method != "POST":
        return _case_page(request, case)
    op = request.POST.get("op")
    if op == "item":
        form = ItemForm(request.POST)
        if form.is_valid():
            v = form.cleaned_data
            try:
                services.item_return(actor=user, case=case, item=v["item"], returned_on=v["returned_on"],
                                     note=v["note"])
            except rules.MoveRefused as exc:
                return _case_page(request, case, item_form=form, status=_refused(request, exc))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("%(item)s recorded as returned.") % {"item": rules.ITEM_LABEL[v["item"]]})
                return redirect("separation:case", pk=case.pk)
        return _case_page(request, case, item_form=form)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, move_form=form)
    v = form.cleaned_data
    a = v["action"]
    try:
        if a == "approve":
            services.case_approve(actor=user, case=case, note=v["reason"])
        elif a == "refuse":
            services.case_refuse(actor=user, case=case, reason=v["reason"])
        elif a == "execute":
            services.case_execute(actor=user, case=case, last_day=v["last_day"], pay_in_lieu=v["pay_in_lieu"],
                                  note=v["reason"])
        elif a == "archive":
            services.case_archive(actor=user, case=case, note=v["reason"])
        else:
            services.case_cancel(actor=user, case=case, reason=v["reason"])
    except rules.MoveRefused as exc:
        return _case_page(request, case, move_form=form, status=_refused(request, exc))
    except ValidationError as exc:
        form.add_service_errors(exc)
        return _case_page(request, case, move_form=form)
    messages.success(request, _("Done: %(action)s.") % {"action": rules.ACTION_LABEL[a]})
    return redirect("separation:case", pk=case.pk)


# ------------------------------------------------------------------------------------ new proposal


@login_required
def case_new(request):
    """§5.2.4 the bureau proposes a separation: find the member, choose the ground (legal basis shown)."""
    user = request.user
    _require(user, (Role.BUREAU,))
    raw = request.POST.get("member") or request.GET.get("member", "")
    member = None
    if str(raw).isdigit():
        member = selectors.members_for_select(user).filter(pk=int(raw)).first()
        if member is None:
            raise Http404
    q = request.GET.get("q", "").strip()
    found = list(selectors.members_for_select(user).filter(name__icontains=q)[:50]) if q and member is None else []
    form = ProposalForm(request.POST or None, initial={"member": member.pk if member else None})
    status = 200
    if request.method == "POST" and member is not None and form.is_valid():
        v = form.cleaned_data
        try:
            case = services.proposal_create(actor=user, member=member, ground=v["ground"], reason=v["reason"],
                                            last_day=v["last_day"])
        except rules.MoveRefused as exc:
            status = _refused(request, exc)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The separation of %(name)s has been proposed.") % {"name": member.name})
            return redirect("separation:case", pk=case.pk)
    today = timezone.localdate()
    return render(request, "separation/new.html", {
        "form": form, "member": member, "q": q, "found": found, "grounds": list(rules.GROUNDS.values()),
        "protections": services.member_protections(member, today) if member else [],
        "retirement": services.member_retirement(member, today) if member else None,
    }, status=status)


# ------------------------------------------------------------------------------------ protections


@login_required
def protections_index(request):
    """§5.2.4 find a member to see or record their Art. 42 protection records."""
    user = request.user
    _require(user, selectors.PROTECTION_ROLES)
    q = request.GET.get("q", "").strip()
    found = list(selectors.members_for_select(user, roles_allowed=selectors.PROTECTION_ROLES)
                 .filter(name__icontains=q)[:50]) if q else []
    current = (ProtectionRecord.objects.filter(superseded_by__isnull=True, member__status__in=ON_ROSTER)
               .select_related("member", "member__unit").order_by("-start", "-pk")[:50])
    return render(request, "separation/protections_index.html", {"q": q, "found": found, "recent": current})


@login_required
def protections(request, pk: int):
    """§5.2.4 / Art. 42 a member's protection records (append-only) and what applies today; record one."""
    user = request.user
    member = selectors.member_for(user, pk)
    records = selectors.protection_records(member)
    replaced = {r.supersedes_id for r in records if r.supersedes_id}
    open_records = [r for r in records if r.pk not in replaced]
    may_record = scope.has_role(user, Role.BUREAU, Role.HR_COMPANY)
    form = ProtectionForm(request.POST or None, records=open_records) if may_record else None
    status = 200
    if request.method == "POST":
        if form is None:
            status = _refused(request, rules.MoveRefused(_("Only the bureau or the HR company may record a "
                                                           "protection."), code="forbidden"))
        elif form.is_valid():
            v = form.cleaned_data
            sup = next((r for r in open_records if r.pk == v["supersedes"]), None) if v["supersedes"] else None
            try:
                services.protection_record(actor=user, member=member, kind=v["kind"], start=v["start"], end=v["end"],
                                           note=v["note"], supersedes=sup)
            except rules.MoveRefused as exc:
                status = _refused(request, exc)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Protection recorded."))
                return redirect("separation:protections", pk=member.pk)
    for r in records:
        r.replaced = r.pk in replaced
    today = timezone.localdate()
    return render(request, "separation/protections.html", {
        "member": member, "records": records, "form": form,
        "applies": services.member_protections(member, today),
        "retirement": services.member_retirement(member, today),
        "art42": rules.PROTECTION_ARTICLE,
    }, status=status)


# ------------------------------------------------------------------------------- retirements, pick-up


@login_required
def retirements(request):
    """§5.2.4 retirements whose proposal is due within a year (2025 progressive rule), no open case yet."""
    user = request.user
    _require(user, selectors.RETIREMENT_ROLES)
    today = timezone.localdate()
    rows = selectors.upcoming_retirements(user, today)
    return render(request, "separation/retirements.html", {
        "rows": rows, "today": today, "notice_days": services.retirement_notice_days(today),
        "ground": rules.GROUNDS[rules.RETIREMENT]})


@login_required
def pickup(request):
    """§5.2.4/§7.4 proposals from grade evaluation rounds and two consecutive 不合格 years, to take up."""
    from auxpost.separation.api import pickup_rows

    user = request.user
    _require(user, selectors.PICKUP_ROLES)
    status = 200
    form = PickupForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            v = form.cleaned_data
            try:
                case = services.pickup_take(actor=user, kind=v["kind"], ref=v["ref"], ground=v["ground"],
                                            reason=v["reason"])
            except rules.MoveRefused as exc:
                status = _refused(request, exc)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                status = 400
            else:
                messages.success(request, _("Taken up: the case has been proposed."))
                return redirect("separation:case", pk=case.pk)
        else:
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
            status = 400
    return render(request, "separation/pickup.html", {
        "rows": pickup_rows(user),
        "grounds": [(g, rules.GROUNDS[g]) for g in (rules.ART40_UNFIT, *rules.GROUNDS_ART39)],
        "default_ground": services.PICKUP_DEFAULT_GROUND,
    }, status=status)


# ---------------------------------------------------------------------------------- member's own


@login_required
def mine(request):
    """§5.2.4 / Art. 37 我的离职申请: the member resigns from their phone (30 days' notice, 3 on probation),
    sees their cases and withdraws a resignation not yet reviewed."""
    user = request.user
    member = selectors.own_member(user)
    if member is None:
        raise Http404
    today = timezone.localdate()
    own_cases = [_decorate(c) for c in SeparationCase.objects.filter(member=member).order_by("-proposed_on", "-pk")]
    open_case = next((c for c in own_cases if c.status in rules.OPEN_STATES), None)
    earliest = rules.resignation_earliest_last_day(today, on_probation=services.on_probation(member, today))
    status = 200
    form = ResignForm(request.POST or None, initial={"last_day": earliest})
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "withdraw" and open_case is not None:
            try:
                services.case_cancel(actor=user, case=open_case, reason=request.POST.get("reason", "")
                                     or _("Withdrawn by the member"))
            except rules.MoveRefused as exc:
                status = _refused(request, exc)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Your resignation has been withdrawn."))
                return redirect("separation:mine")
        elif form.is_valid():
            v = form.cleaned_data
            try:
                services.proposal_create(actor=user, member=member, ground=rules.RESIGNATION,
                                         reason=v["reason"], last_day=v["last_day"])
            except rules.MoveRefused as exc:
                status = _refused(request, exc)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Your resignation has been submitted to the bureau."))
                return redirect("separation:mine")
    may_withdraw = bool(open_case and open_case.ground == rules.RESIGNATION and open_case.status == rules.PROPOSED)
    return render(request, "separation/mine.html", {
        "member": member, "cases": own_cases, "open_case": open_case, "form": form, "earliest": earliest,
        "ground": rules.GROUNDS[rules.RESIGNATION], "may_withdraw": may_withdraw,
        "on_roster": member.status in ON_ROSTER,
    }, status=status)


# ------------------------------------------------------------------------------------------ document


@login_required
def notice_pdf(request, pk: int):
    """§5.2.4/§11 the 解除/终止劳动合同通知书 of an executed case (same scope as the case page); a logged
    personal-data export (the ID number full only for roles that see personal data and the member)."""
    from django.db import transaction

    from auxpost.audit.services import audit_record
    from auxpost.core.pdf import issuing_body, pdf_response
    from auxpost.recruitment.models import Contract
    from auxpost.separation import documents

    user = request.user
    case = selectors.case_for(user, pk)
    if case.status not in documents.NOTICE_STATES:
        raise Http404
    contract = (Contract.objects.filter(member_id=case.member_id, start_date__lte=case.last_day)
                .select_related("employer").order_by("-start_date", "-pk").first())
    employer = contract.employer.name if contract is not None else str(rules.PARTY_LABEL[rules.HR_COMPANY])
    full = scope.sees_personal_data(user, case.member)
    content = documents.notice_pdf(case=case, contract=contract, employer=employer, user_unit=issuing_body(),
                                   show_id_number=full, printed_on=timezone.localdate())
    title = documents.title_of(case)
    with transaction.atomic():
        audit_record(actor=user, action="export", obj=case, summary=f"{title} {case.member.name}",
                     after={"document": "separation_notice", "members": [case.member_id],
                            "numbers": "full" if full else "masked"})
    return pdf_response(content, f"{title}-{case.member.name}.pdf", fallback=f"separation-notice-{case.pk}.pdf")
