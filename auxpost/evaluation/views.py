"""§8 grade evaluation pages (职级评定): the rounds, one round's stage and candidates, one candidate's
case, a member's own result, the 公示 notice, the objections and the separation proposals.

Thin: an access check, one selector or service call, render. Each page answers its own POSTs
(``op`` names the form) so a refused move re-renders the same page with the message: HTTP 409 for a
move out of order, 403 for a party without authority (``rules.MoveRefused.code``), 200 with the
fields marked for bad input. An object out of the user's scope is the same 404 as a missing one.

Access (§3): the rounds list and round pages are for the bureau, the staffing office, the HR
company and the administrator (every candidate) and line managers (the candidates of their
subtree); a member is sent to "my grade evaluation". The notice is for every logged-in user with a
role once the 公示 has started. Objections: the bureau decides them (the administrator reads them
too); whoever filed one sees it on the case. Separation proposals: the bureau, the HR company, the
administrator.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.evaluation import rules
from auxpost.evaluation.forms import (
    BulkForm,
    DecideForm,
    MaterialForm,
    ObjectionDecideForm,
    ObjectionFileForm,
    ObjectionRecordForm,
    PublicityForm,
    ReasonForm,
    RoundOpenForm,
)
from auxpost.evaluation.models import (
    Candidate,
    CandidateStatus,
    EvaluationRound,
    ObjectionStatus,
    Outcome,
)
from auxpost.evaluation.selectors import (
    MATERIAL_STATES,
    approval_bodies_for,
    can_see_notice,
    candidate_actions,
    candidate_for,
    candidates_for,
    counts_by_status,
    history,
    my_candidacy,
    notice_candidate_for,
    notice_rows,
    objection_for,
    objections_for,
    pending_objections,
    round_actions,
    round_for,
    rounds_for,
    separation_proposals_for,
)
from auxpost.evaluation.services import (
    candidate_act,
    candidates_act,
    material_add,
    objection_decide,
    objection_record,
    round_move,
    round_open,
)
from auxpost.org.models import Unit
from auxpost.org.selectors import unit_full_names, units_visible_to
from auxpost.people.forms import unit_choices
from auxpost.people.selectors import own_member

PER_PAGE = 50

#: Who sees the rounds and their candidates (line managers: their subtree, by the selectors).
ROUND_ROLES = (Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU, Role.HR_COMPANY, Role.LINE_MANAGER)
#: Who sees the separation proposals a round produced (the HR company executes separations).
SEPARATION_ROLES = (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)
#: Round states in which the 公示 notice exists.
NOTICE_STATES = (rules.PUBLICITY, rules.DECIDED, rules.EFFECTIVE, rules.ARCHIVED)
#: The stages shown in the stage bar, in order (a cancelled round shows where it stopped).
STAGES = (rules.OPEN, rules.APPLICATIONS, rules.RECOMMENDATION, rules.REVIEW, rules.APPROVAL, rules.PUBLICITY,
          rules.DECIDED, rules.EFFECTIVE, rules.ARCHIVED)
#: Candidate actions that need a reason (the services refuse them without one).
REASON_REQUIRED = {"not_recommend", "disqualify", "reject"}
#: Candidate actions a page may put to several candidates at once.
BULK_ACTIONS = ("recommend", "not_recommend", "qualify", "disqualify", "approve", "reject")


def _refused(request, exc: rules.MoveRefused) -> int:
    """Show a refusal as a message; the status the page answers with (403 not yours, 409 out of order)."""
    messages.error(request, exc.message)
    return 403 if exc.code == "forbidden" else 409


_STATUS_CSS = {
    rules.RECOMMENDED: "ok", rules.QUALIFIED: "ok", rules.APPROVED: "ok", rules.FINAL: "ok",
    rules.CANDIDATE_EFFECTIVE: "ok", rules.NOT_APPLIED: "bad", rules.NOT_RECOMMENDED: "bad",
    rules.DISQUALIFIED: "bad", rules.REJECTED: "bad", rules.WITHDRAWN: "bad", rules.PENDING_APPROVAL: "warn",
}


def _status_css(status: str) -> str:
    return _STATUS_CSS.get(status, "")


def _grade(g) -> str:
    from auxpost.grading.rules import GRADE_LABEL

    return GRADE_LABEL.get(g, "—") if g else "—"


def _page_of(qs, number):
    return Paginator(qs, PER_PAGE).get_page(number)


def _date_param(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def _sees_rounds(user) -> bool:
    return scope.has_role(user, *ROUND_ROLES)


def _member_or_404(request):
    """Send a member with no managing role to their own page; anybody else without a role gets 404."""
    if own_member(request.user) is not None and scope.has_role(request.user, Role.MEMBER):
        return redirect("evaluation:mine")
    raise Http404


# --------------------------------------------------------------------------------------- rounds

@login_required
def rounds(request):
    """§8.3 the evaluation rounds the user may see; the bureau opens a new one here."""
    user = request.user
    if not _sees_rounds(user):
        return _member_or_404(request)
    may_open = scope.has_role(user, Role.BUREAU)
    form = RoundOpenForm(request.POST or None) if may_open else None
    status = 200
    if request.method == "POST" and not may_open:
        try:  # the service refuses a party other than the bureau before looking at the input
            round_open(actor=user, name="", kind="", as_of=None, effective_date=None)
        except rules.MoveRefused as exc:
            status = _refused(request, exc)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    elif request.method == "POST" and form.is_valid():
        try:
            rnd = round_open(actor=user, **form.cleaned_data)
        except rules.MoveRefused as exc:
            status = _refused(request, exc)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The round “%(name)s” has been opened. Compute the outcomes next.")
                             % {"name": rnd.name})
            return redirect("evaluation:round", pk=rnd.pk)
    page = _page_of(rounds_for(user).select_related("created_by").order_by("-as_of", "-pk"), request.GET.get("page"))
    for r in page.object_list:
        r.status_label = rules.ROUND_LABEL.get(r.status, r.status)
    return render(request, "evaluation/rounds.html", {"page": page, "form": form}, status=status)


def _history(obj) -> list:
    """§8.4 the recorded moves of a round or candidate, with the action and the acting party in words."""
    role_labels = dict(Role.choices)
    out = list(history(obj))
    for t in out:
        t.action_label = (rules.ROUND_ACTION_LABEL.get(t.action) or rules.CANDIDATE_ACTION_LABEL.get(t.action)
                          or (_("Open the round") if t.action == "open" else t.action))
        t.acting_as_label = rules.BODY_LABEL.get(t.acting_as) or role_labels.get(t.acting_as, t.acting_as)
    return out


def _stage_bar(rnd: EvaluationRound, transitions: list) -> list[dict]:
    """The stages in order, each done / current / to come (a cancelled round: done up to where it stopped)."""
    if rnd.status == rules.CANCELLED:
        reached = [t.from_status for t in transitions if t.action == "cancel"]
        current = reached[-1] if reached else rules.OPEN
    else:
        current = rnd.status
    idx = STAGES.index(current) if current in STAGES else 0
    return [{"state": s, "label": rules.ROUND_LABEL[s],
             "css": "done" if i < idx else ("current" if i == idx and rnd.status != rules.CANCELLED else
                                            ("stopped" if i == idx else "todo"))}
            for i, s in enumerate(STAGES)]


def _policy_days(rnd: EvaluationRound) -> int:
    """§8.4 the 公示 length (working days) of the round's policy version (default 5)."""
    from auxpost.policy.selectors import PolicyNotFound, policy_by_version, policy_in_force

    try:
        bundle = policy_by_version(rnd.policy_version) if rnd.policy_version else policy_in_force(rnd.as_of)
    except PolicyNotFound:
        return 5
    return getattr(bundle.grade, "publicity_working_days", 5)


def _publicity_end(start: dt.date, days: int) -> tuple[dt.date | None, str]:
    """The 公示 end for a start date, or the calendar's refusal (a year with no confirmed schedule)."""
    from auxpost.workcal.selectors import add_working_days

    try:
        return add_working_days(start, days), ""
    except ValidationError as exc:
        return None, " ".join(exc.messages)


def _bulk_actions(user, rnd: EvaluationRound) -> list[tuple[str, str]]:
    """§8.4 the bulk action(s) the user's role can take on the candidates now, as (key, label); the key
    is ``action`` or ``action:body`` for a signature given as one approving body."""
    roles = scope.roles(user)
    if rnd.status == rules.RECOMMENDATION and Role.LINE_MANAGER in roles:
        return [("recommend", rules.CANDIDATE_ACTION_LABEL["recommend"]),
                ("not_recommend", rules.CANDIDATE_ACTION_LABEL["not_recommend"])]
    if rnd.status == rules.REVIEW and Role.BUREAU in roles:
        return [("qualify", rules.CANDIDATE_ACTION_LABEL["qualify"]),
                ("disqualify", rules.CANDIDATE_ACTION_LABEL["disqualify"])]
    if rnd.status == rules.APPROVAL:
        out = []
        for body in (rules.BUREAU, rules.HR_COMPANY, rules.STAFFING_OFFICE):
            if body in roles:
                name = rules.BODY_LABEL[body]
                out += [(f"approve:{body}", _("Approve as %(body)s") % {"body": name}),
                        (f"reject:{body}", _("Reject as %(body)s") % {"body": name})]
        return out
    return []


class CandidateParams:
    """The candidate-list filters of a round page: status, unit (and below), outcome."""

    def __init__(self, data):
        self.status = data.get("status", "") if data.get("status", "") in CandidateStatus.values else ""
        self.outcome = data.get("outcome", "") if data.get("outcome", "") in Outcome.values else ""
        raw = data.get("unit", "")
        self.unit = int(raw) if raw.isdigit() else None

    def apply(self, qs):
        if self.status:
            qs = qs.filter(status=self.status)
        if self.outcome:
            qs = qs.filter(outcome=self.outcome)
        if self.unit is not None:
            unit = Unit.objects.filter(pk=self.unit).only("path").first()
            qs = qs.filter(unit__path__startswith=unit.path) if unit is not None else qs.none()
        return qs


def _round_forms(rnd: EvaluationRound, today: dt.date, bound: dict | None = None, preview: dt.date | None = None):
    """An unbound (or the re-shown bound) form for each round action that takes input."""
    bound = bound or {}
    return {
        "start_publicity": bound.get("start_publicity") or PublicityForm(initial={"start": preview or today}),
        "decide": bound.get("decide") or DecideForm(initial={"decided_on": today}),
        "cancel": bound.get("cancel") or ReasonForm(),
    }


def _round_page(request, rnd: EvaluationRound, *, bound: dict | None = None, bulk_form=None, status: int = 200):
    user = request.user
    today = timezone.localdate()
    preview = _date_param(request.GET.get("start", ""))
    forms = _round_forms(rnd, today, bound, preview)
    actions = []
    for action, label in round_actions(user, rnd):
        entry = {"action": action, "label": label, "form": forms.get(action)}
        if action == "start_publicity":
            form = forms["start_publicity"]
            start = (form.cleaned_data.get("start") if form.is_bound and hasattr(form, "cleaned_data") else None) \
                or preview or today
            days = _policy_days(rnd)
            entry["start"], entry["days"] = start, days
            entry["end"], entry["end_error"] = _publicity_end(start, days)
        actions.append(entry)
    params = CandidateParams(request.GET)
    qs = params.apply(candidates_for(user, rnd)).select_related("member").order_by("unit__path", "member__name",
                                                                                    "pk")
    page = _page_of(qs, request.GET.get("page"))
    names = unit_full_names()
    for c in page.object_list:
        c.unit_name = names.get(c.unit_id, "")
        c.status_label = rules.CANDIDATE_LABEL.get(c.status, c.status)
        c.status_css = _status_css(c.status)
        c.outcome_label = rules.OUTCOME_LABEL.get(c.outcome, c.outcome)
        c.from_label, c.target_label = _grade(c.from_grade), _grade(c.target_grade)
        c.decision_label = (f"{rules.OUTCOME_LABEL.get(c.decision, c.decision)} {_grade(c.decision_grade)}"
                            if c.decision else "")
    bulk = _bulk_actions(user, rnd)
    if bulk_form is None and bulk:
        bulk_form = BulkForm(actions=bulk)
    units = unit_choices(units_visible_to(user, roles_allowed=ROUND_ROLES))
    unit_options = format_html_join("", '<option value="{}"{}>{}</option>',
                                    ((pk, " selected" if params.unit == pk else "", label) for pk, label in units))
    counts = counts_by_status(rnd, user)
    if isinstance(counts, dict):
        counts = [(s, rules.CANDIDATE_LABEL.get(s, s), counts[s]) for s in rules.CANDIDATE_STATES if counts.get(s)]
    transitions = _history(rnd)
    ctx = {
        "round": rnd, "c": None, "round_status_label": rules.ROUND_LABEL.get(rnd.status, rnd.status),
        "stages": _stage_bar(rnd, transitions), "actions": actions, "counts": counts, "page": page, "params": params,
        "unit_options": unit_options, "statuses": [(s, rules.CANDIDATE_LABEL[s]) for s in rules.CANDIDATE_STATES],
        "outcomes": [(o, rules.OUTCOME_LABEL[o]) for o in Outcome.values], "bulk": bulk, "bulk_form": bulk_form,
        "transitions": transitions,
        "notice": rnd.status in NOTICE_STATES,
        "sees_objections": scope.has_role(user, *OBJECTION_PAGE_ROLES),
        "pending_objections": pending_objections(rnd) if scope.has_role(user, *OBJECTION_PAGE_ROLES) else 0,
    }
    return render(request, "evaluation/round.html", ctx, status=status)


@login_required
def round_detail(request, pk: int):
    """§8.4 one round: its stage, counts, the round actions the user may take, the candidates."""
    user = request.user
    if not _sees_rounds(user):
        return _member_or_404(request)
    rnd = round_for(user, pk)
    if request.method != "POST":
        return _round_page(request, rnd)
    op = request.POST.get("op")
    if op == "bulk":
        return _round_bulk(request, rnd)
    return _round_move(request, rnd)


def _round_move(request, rnd: EvaluationRound):
    """§8.4 a round action (compute, close a stage, start the 公示, decide, make effective, archive, cancel)."""
    user = request.user
    action = request.POST.get("action", "")
    if action not in rules.ROUND_ACTION_LABEL:
        raise Http404
    kwargs = {}
    bound = {}
    form = None
    if action == "start_publicity":
        form = PublicityForm(request.POST)
        bound[action] = form
    elif action == "decide":
        form = DecideForm(request.POST)
        bound[action] = form
    elif action == "cancel":
        form = ReasonForm(request.POST)
        bound[action] = form
    if form is not None and not form.is_valid():
        return _round_page(request, rnd, bound=bound)
    if action == "start_publicity":
        kwargs["start"] = form.cleaned_data["start"]
    elif action == "decide":
        kwargs |= form.cleaned_data
    elif action == "cancel":
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        rnd = round_move(actor=user, round=rnd, action=action, today=timezone.localdate(), **kwargs)
    except rules.MoveRefused as exc:
        return _round_page(request, rnd, bound=bound, status=_refused(request, exc))
    except ValidationError as exc:
        if form is not None:
            form.add_service_errors(exc)
        else:
            messages.error(request, " ".join(exc.messages))
        return _round_page(request, rnd, bound=bound)
    messages.success(request, _("Done: %(action)s. The round is now at “%(status)s”.")
                     % {"action": rules.ROUND_ACTION_LABEL[action], "status": rules.ROUND_LABEL.get(rnd.status)})
    return redirect("evaluation:round", pk=rnd.pk)


def _round_bulk(request, rnd: EvaluationRound):
    """§8.4 one candidate action on the ticked candidates (recommend, qualify, sign as a body, …)."""
    user = request.user
    keys = [(a, a) for a in BULK_ACTIONS] + [(f"{a}:{b}", a) for a in ("approve", "reject")
                                              for b in (rules.BUREAU, rules.HR_COMPANY, rules.STAFFING_OFFICE)]
    ids = [int(v) for v in request.POST.getlist("candidates") if v.isdigit()]
    form = BulkForm(request.POST, actions=keys, candidate_ids=ids)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return _round_page(request, rnd, bulk_form=None)
    action, _sep, body = form.cleaned_data["action"].partition(":")
    if body and body not in scope.roles(user):
        messages.error(request, _("You do not act for %(body)s.") % {"body": rules.BODY_LABEL[body]})
        return _round_page(request, rnd, status=403)
    try:
        result = candidates_act(actor=user, round=rnd, candidate_ids=form.cleaned_data["candidates"], action=action,
                                reason=form.cleaned_data["reason"], body=body or None, today=timezone.localdate())
    except rules.MoveRefused as exc:
        return _round_page(request, rnd, status=_refused(request, exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _round_page(request, rnd)
    label = rules.CANDIDATE_ACTION_LABEL.get(action, action)
    for cand, message in result.refused:
        messages.error(request, f"{cand.member.name}：{message}")
    if result.missing:
        messages.error(request, _("%(n)d ticked candidate(s) are not in your scope.") % {"n": result.missing})
    if not result.done:
        # Nothing moved: every ticked case refused the step (its state, its approving bodies).
        return _round_page(request, rnd, status=409)
    messages.success(request, _("%(action)s: done for %(n)d candidate(s).") % {"action": label, "n": result.done})
    back = request.POST.get("back", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("evaluation:round", args=[rnd.pk])
    return redirect(back)


# ------------------------------------------------------------------------------------ candidate

def _candidate_context(user, cand: Candidate, *, bound: dict | None = None) -> dict:
    bound = bound or {}
    rnd = cand.round
    acts = []
    required = rules.approving_bodies(cand.decision, cand.decision_grade or 0) if cand.decision else frozenset()
    signable = approval_bodies_for(user, cand)
    for action, label in candidate_actions(user, cand):
        bodies = signable if action in ("approve", "reject") else []
        acts.append({"action": action, "label": label, "reason": action in REASON_REQUIRED,
                     "bodies": [(b, rules.BODY_LABEL[b]) for b in bodies]})
    approvals = {a.body: a for a in cand.approvals.select_related("by")}
    signatures = [{"body": b, "label": rules.BODY_LABEL[b], "approval": approvals.get(b)}
                  for b in (rules.BUREAU, rules.HR_COMPANY, rules.STAFFING_OFFICE)
                  if b in required or b in approvals]
    reasons = list(cand.reasons or [])
    sees_objectors = scope.has_role(user, *OBJECTION_PAGE_ROLES)
    me = own_member(user)
    is_self = me is not None and me.pk == cand.member_id
    may_material = rnd.status in MATERIAL_STATES and (scope.has_role(user, Role.BUREAU) or (
        is_self and scope.has_role(user, Role.MEMBER)))
    may_record = (scope.has_role(user, Role.BUREAU) and rnd.status == rules.PUBLICITY
                  and cand.status == rules.APPROVED)
    return {
        "c": cand, "round": rnd, "member": cand.member, "unit_name": unit_full_names().get(cand.unit_id, ""),
        "status_label": rules.CANDIDATE_LABEL.get(cand.status, cand.status), "status_css": _status_css(cand.status),
        "round_status_label": rules.ROUND_LABEL.get(rnd.status, rnd.status),
        "outcome_label": rules.OUTCOME_LABEL.get(cand.outcome, cand.outcome),
        "from_label": _grade(cand.from_grade), "target_label": _grade(cand.target_grade),
        "decision_label": rules.OUTCOME_LABEL.get(cand.decision, cand.decision) if cand.decision else "",
        "decision_grade_label": _grade(cand.decision_grade),
        "reasons": sorted(reasons, key=lambda r: bool(r.get("met"))),
        "unmet": sum(1 for r in reasons if not r.get("met")),
        "actions": acts, "act_form": bound.get("act") or ReasonForm(), "signatures": signatures,
        "materials": list(cand.materials.select_related("by")),
        "objections": list(cand.objections.select_related("recorded_by", "decided_by")),
        "sees_objectors": sees_objectors,
        "material_form": (bound.get("material") or MaterialForm()) if may_material else None,
        "objection_form": (bound.get("objection") or ObjectionRecordForm(initial={"received_on":
                                                                                  timezone.localdate()}))
        if may_record else None,
        "transitions": _history(cand),
        "notice": rnd.status in NOTICE_STATES,
        "is_self": is_self,
    }


@login_required
def candidate_detail(request, pk: int):
    """§8.3/§8.4 one candidate's case: outcome and reasons, materials, signatures, objections, history;
    the forms of the actions the user may take now."""
    user = request.user
    cand = candidate_for(user, pk)
    if request.method != "POST":
        return render(request, "evaluation/candidate.html", _candidate_context(user, cand))
    op = request.POST.get("op", "act")
    bound, status = {}, 200
    try:
        if op == "material":
            form = bound["material"] = MaterialForm(request.POST)
            if form.is_valid():
                material_add(actor=user, candidate=cand, text=form.cleaned_data["text"])
                messages.success(request, _("The material has been added to the case."))
                return redirect("evaluation:candidate", pk=cand.pk)
        elif op == "objection":
            form = bound["objection"] = ObjectionRecordForm(request.POST)
            if form.is_valid():
                objection_record(actor=user, candidate=cand, text=form.cleaned_data["text"],
                                 objector=form.cleaned_data["objector"], received_on=form.cleaned_data["received_on"])
                messages.success(request, _("The objection has been recorded; decide it before the decision is "
                                            "issued."))
                return redirect("evaluation:candidate", pk=cand.pk)
        else:
            action = request.POST.get("action", "")
            if action not in rules.CANDIDATE_ACTION_LABEL:
                raise Http404
            form = bound["act"] = ReasonForm(request.POST)
            if form.is_valid():
                candidate_act(actor=user, candidate=cand, action=action, reason=form.cleaned_data["reason"],
                              body=request.POST.get("body") or None, today=timezone.localdate())
                messages.success(request, _("Done: %(action)s for %(name)s.")
                                 % {"action": rules.CANDIDATE_ACTION_LABEL[action], "name": cand.member.name})
                return redirect("evaluation:candidate", pk=cand.pk)
    except rules.MoveRefused as exc:
        status = _refused(request, exc)
    except ValidationError as exc:
        form.add_service_errors(exc)
    cand = candidate_for(user, pk)
    return render(request, "evaluation/candidate.html", _candidate_context(user, cand, bound=bound), status=status)


# ------------------------------------------------------------------------------------ the member

@login_required
def mine(request):
    """§8.3 a member's own result in the latest round: outcome and reasons, the apply button while
    applications are open, material, the state of the case, the notice during the 公示."""
    user = request.user
    member = own_member(user)
    if member is None:
        raise Http404
    cand = my_candidacy(user)
    bound, status = {}, 200
    if request.method == "POST":
        if cand is None:
            raise Http404
        op = request.POST.get("op")
        try:
            if op == "apply":
                candidate_act(actor=user, candidate=cand, action="apply", today=timezone.localdate())
                messages.success(request, _("Your application has been submitted; your unit recommends next."))
                return redirect("evaluation:mine")
            if op == "material":
                form = bound["material"] = MaterialForm(request.POST)
                if form.is_valid():
                    material_add(actor=user, candidate=cand, text=form.cleaned_data["text"])
                    messages.success(request, _("Your material has been added to your case."))
                    return redirect("evaluation:mine")
            else:
                raise Http404
        except rules.MoveRefused as exc:
            status = _refused(request, exc)
        except ValidationError as exc:
            bound.setdefault("material", MaterialForm(request.POST)).add_service_errors(exc)
        cand = my_candidacy(user)
    ctx = {"member": member, "c": None}
    if cand is not None:
        ctx = _candidate_context(user, cand, bound=bound) | {"member": member}
        ctx["may_apply"] = any(a["action"] == "apply" for a in ctx["actions"])
        ctx["applications_open"] = cand.round.status == rules.APPLICATIONS
    return render(request, "evaluation/mine.html", ctx, status=status)


# -------------------------------------------------------------------------------------- 公示

def _notice_round(user, pk: int) -> EvaluationRound:
    """§8.4 the round whose notice the user may read: every logged-in user with a role, once the 公示
    has started (before that, and for a cancelled round, 404)."""
    rnd = EvaluationRound.objects.filter(pk=pk).first()
    if rnd is None or not can_see_notice(user, rnd):
        raise Http404
    return rnd


@login_required
def notice(request, pk: int):
    """§8.4 the 公示: period start–end, the decisions that change a grade, where to object; a member
    files an objection against a candidate on the list during the period."""
    user = request.user
    rnd = _notice_round(user, pk)
    member = own_member(user)
    may_object = (rnd.status == rules.PUBLICITY and member is not None
                  and rules.authorised("record_objection", scope.roles(user)))
    form, target, status = None, None, 200
    if request.method == "POST":
        target = notice_candidate_for(user, request.POST.get("candidate", ""))
        if target.round_id != rnd.pk:
            raise Http404
        form = ObjectionFileForm(request.POST)
        if form.is_valid():
            try:
                objection_record(actor=user, candidate=target, text=form.cleaned_data["text"],
                                 objector=member.name if member is not None else "",
                                 received_on=timezone.localdate())
            except rules.MoveRefused as exc:
                status = _refused(request, exc)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Your objection has been recorded; the bureau will decide it."))
                return redirect("evaluation:notice", pk=rnd.pk)
    rows = list(notice_rows(rnd))
    names = unit_full_names()
    for c in rows:
        c.unit_name = names.get(c.unit_id, "")
        c.from_label, c.to_label = _grade(c.from_grade), _grade(c.decision_grade)
        c.decision_label = rules.OUTCOME_LABEL.get(c.decision, c.decision)
    return render(request, "evaluation/notice.html", {
        "round": rnd, "c": None, "rows": rows, "may_object": may_object, "me_id": member.pk if member else None, "form": form or ObjectionFileForm(),
        "target": target, "today": timezone.localdate(),
    }, status=status)


# ---------------------------------------------------------------------------------- objections

#: Who sees a round's objections page (the bureau decides; objections_for shows the administrator all too).
OBJECTION_PAGE_ROLES = (Role.ADMIN, Role.BUREAU)


@login_required
def objections(request, pk: int):
    """§8.4 a round's objections; the bureau decides each pending one (a reason is required)."""
    user = request.user
    if not scope.has_role(user, *OBJECTION_PAGE_ROLES):
        raise Http404
    rnd = round_for(user, pk)
    forms, status = {}, 200
    if request.method == "POST":
        obj = objection_for(user, request.POST.get("objection", ""))
        if obj.candidate.round_id != rnd.pk:
            raise Http404
        form = forms[obj.pk] = ObjectionDecideForm(request.POST, prefix=f"o{obj.pk}")
        if form.is_valid():
            try:
                objection_decide(actor=user, objection=obj, upheld=form.cleaned_data["decision"] == "uphold",
                                 note=form.cleaned_data["note"])
            except rules.MoveRefused as exc:
                status = _refused(request, exc)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The objection against %(name)s has been decided.")
                                 % {"name": obj.candidate.member.name})
                return redirect("evaluation:objections", pk=rnd.pk)
    qs = objections_for(user, rnd).order_by("status", "recorded_at", "pk")
    page = _page_of(qs, request.GET.get("page"))
    may_decide = scope.has_role(user, Role.BUREAU) and rnd.status == rules.PUBLICITY
    for o in page.object_list:
        o.form = None
        if o.status == ObjectionStatus.PENDING and (may_decide or o.pk in forms):
            o.form = forms.get(o.pk) or ObjectionDecideForm(prefix=f"o{o.pk}")
    return render(request, "evaluation/objections.html", {"round": rnd, "page": page}, status=status)


# ------------------------------------------------------------------------------ separations

@login_required
def separations(request):
    """§7.4 the separation (退回) proposals produced by final round decisions, for the separation flow."""
    user = request.user
    if not scope.has_role(user, *SEPARATION_ROLES):
        raise Http404
    qs = separation_proposals_for(user)
    state = request.GET.get("state", "")
    if state == "open":
        qs = qs.filter(taken_up_at__isnull=True)
    elif state == "taken":
        qs = qs.filter(taken_up_at__isnull=False)
    page = _page_of(qs, request.GET.get("page"))
    names = unit_full_names()
    for p in page.object_list:
        p.unit_name = names.get(p.member.unit_id, "")
        p.round = p.candidate.round
    return render(request, "evaluation/separations.html", {"page": page, "state": state})
