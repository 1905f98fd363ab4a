"""§5.2.1 recruitment pages (招聘): the plans, one plan with its applicants (screening, scores, rank, checks,
公示, hire), one application, the forms, and the probation reviews with the two signatures.

Thin: an access check, a selector or a service call, render. Each page answers its own POSTs (``op`` names
the form); a refused move re-renders the page with the message and HTTP 409 (out of order) or 403 (a party
without authority); bad input 200 with the fields marked. An object outside the user's scope is the same
404 as a missing one. Access: see ``selectors`` (members and assessors see nothing here).
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts.models import Role
from auxpost.duties.models import WorkLine
from auxpost.imports.framework import (
    XLSX_CONTENT_TYPE,
    ImportContext,
    error_workbook,
    run_import,
    template_workbook,
)
from auxpost.org.selectors import units_visible_to
from auxpost.people.forms import unit_choices
from auxpost.recruitment import rules, selectors, services
from auxpost.recruitment.forms import (
    ApplicationForm,
    ChecksForm,
    ContractForm,
    ImportForm,
    ObjectionDecideForm,
    ObjectionForm,
    PlanForm,
    PublicityForm,
    ReasonForm,
    ScoresForm,
)
from auxpost.recruitment.imports import SCORES_SPEC
from auxpost.recruitment.imports import SPEC as IMPORT_SPEC
from auxpost.recruitment.models import ObjectionStatus

PER_PAGE = 50
STATUS_CSS = {rules.REJECTED: "bad", rules.FAILED: "bad", rules.DROPPED: "bad", rules.QUALIFIED: "",
              rules.PASSED: "ok", rules.PROPOSED: "warn", rules.PUBLICITY: "warn", rules.HIRED: "ok",
              rules.DRAFT: "", rules.SUBMITTED: "warn", rules.APPROVED: "ok", rules.POSTED: "ok", rules.CLOSED: "",
              rules.PENDING: "warn", rules.CONFIRMED: "ok", rules.PROBATION_FAILED: "bad"}


def _refused(request, exc: rules.MoveRefused) -> int:
    messages.error(request, exc.message)
    return 403 if exc.code == "forbidden" else 409


def _plans_or_404(user):
    if not selectors.sees_plans(user):
        raise Http404


def _plan_form(request, data=None, initial=None):
    units = units_visible_to(request.user, roles_allowed=(Role.BUREAU,))
    lines = [(w.pk, w.name) for w in WorkLine.objects.all()]
    return PlanForm(data, initial=initial, units=unit_choices(units), lines=lines)


@login_required
def plans(request):
    _plans_or_404(request.user)
    qs = selectors.plans_for(request.user).order_by("-year", "-pk")
    status = request.GET.get("status", "")
    if status in rules.PLAN_STATES:
        qs = qs.filter(status=status)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for p in page:
        p.css = STATUS_CSS.get(p.status, "")
    return render(request, "recruitment/plans.html", {
        "page": page, "status": status, "statuses": services.HiringPlan._meta.get_field("status").choices,
        "can_create": selectors.is_bureau(request.user),
        "sees_reviews": selectors.sees_reviews(request.user)})


@login_required
def plan_new(request):
    if not selectors.is_bureau(request.user):
        raise Http404
    today = timezone.localdate()
    form = _plan_form(request, request.POST or None, initial={"year": today.year})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, data=form.cleaned_data, today=today)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The plan is drafted."))
            return redirect("recruitment:plan", plan.pk)
    return render(request, "recruitment/plan_form.html", {"form": form, "plan": None})


@login_required
def plan_edit(request, pk):
    plan = selectors.plan_for(request.user, pk)
    if not selectors.is_bureau(request.user):
        raise Http404
    initial = {f: getattr(plan, f + "_id", None) if f in ("unit", "work_line") else getattr(plan, f)
               for f in services.PLAN_FIELDS}
    form = _plan_form(request, request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, data=form.cleaned_data)
        except rules.MoveRefused as exc:
            status = _refused(request, exc)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect("recruitment:plan", plan.pk)
    return render(request, "recruitment/plan_form.html", {"form": form, "plan": plan}, status=status)


def _plan_actions(user, plan) -> list[tuple[str, str]]:
    out = []
    labels = {"submit": _("Submit for approval"), "approve": _("Approve"), "return": _("Return to the bureau"),
              "post": _("Post the plan (招聘公告)"), "close": _("Close the plan")}
    for action, (sources, _target) in rules.PLAN_MOVES.items():
        party = rules.PLAN_MOVE_PARTY[action]
        allowed = {services.BUREAU: selectors.is_bureau, services.STAFFING: selectors.is_staffing}[party](user)
        if allowed and plan.status in sources:
            out.append((action, labels[action]))
    return out


@login_required
def plan_detail(request, pk):
    plan = selectors.plan_for(request.user, pk)
    user = request.user
    bureau = selectors.is_bureau(user)
    status = 200
    publicity_form = PublicityForm(initial={"start": timezone.localdate()})
    import_form = ImportForm()
    scores_form = ImportForm(auto_id="id_scores_%s")
    report = None
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            if op == "move":
                services.plan_move(actor=user, plan=plan, action=request.POST.get("action", ""),
                                   reason=request.POST.get("reason", ""))
                messages.success(request, _("Done."))
                return redirect("recruitment:plan", plan.pk)
            if op == "propose":
                done = services.plan_propose(actor=user, plan=plan)
                messages.success(request, _("%(n)s applicants proposed for hire.") % {"n": len(done)})
                return redirect("recruitment:plan", plan.pk)
            if op == "publicity":
                publicity_form = PublicityForm(request.POST)
                if publicity_form.is_valid():
                    done = services.publicity_start(actor=user, plan=plan, start=publicity_form.cleaned_data["start"])
                    messages.success(request, _("%(n)s applicants are on the public notice until %(end)s.") % {
                        "n": len(done), "end": done[0].publicity_end if done else ""})
                    return redirect("recruitment:plan", plan.pk)
            elif op in ("import", "import_scores"):
                if not bureau:
                    raise rules.MoveRefused(_("Only the enforcement bureau may enter applications."), "forbidden")
                spec = IMPORT_SPEC if op == "import" else SCORES_SPEC
                form = ImportForm(request.POST, request.FILES, auto_id="id_%s" if op == "import" else "id_scores_%s")
                if op == "import":
                    import_form = form
                else:
                    scores_form = form
                if form.is_valid():
                    ctx = ImportContext(actor=user, only_good=form.cleaned_data["only_good"],
                                        today=timezone.localdate(), source_name=form.cleaned_data["file"].name,
                                        data={"plan": plan})
                    report = run_import(spec, form.cleaned_data["file"], ctx)
                    if report.written:
                        messages.success(request, spec.summary(report.counts))
                        if not report.errors:
                            return redirect("recruitment:plan", plan.pk)
                    if report.bad_rows:
                        request.session[f"recruitment-import-errors-{plan.pk}"] = error_workbook(spec, report).hex()
            else:
                raise Http404
        except rules.MoveRefused as exc:
            status = _refused(request, exc)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            status = 200
        plan = selectors.plan_for(user, pk)
    apps = list(selectors.applications_for(user, plan).order_by(
        "rank", "status", "pk").defer("plan__posting_text"))
    view = selectors.ApplicantView(user)
    for a in apps:
        a.shown_id, a.shown_phone, a.css = view.id_number(a), view.phone(a), STATUS_CSS.get(a.status, "")
    today = timezone.localdate()
    return render(request, "recruitment/plan.html", {
        "plan": plan, "plan_css": STATUS_CSS.get(plan.status, ""), "apps": apps,
        "actions": _plan_actions(user, plan), "bureau": bureau, "posted": plan.status == rules.POSTED,
        "free": services.free_places(plan), "publicity_form": publicity_form, "import_form": import_form,
        "scores_form": scores_form,
        "report": report, "moves": selectors.moves_of(plan=plan), "today": today,
        "ready_for_publicity": any(a.status == rules.PROPOSED and a.health_check == "pass"
                                   and a.background_check == "pass" for a in apps),
        "has_passed": any(a.status == rules.PASSED for a in apps),
    }, status=status)


@login_required
def import_template(request, pk, kind="applications"):
    selectors.plan_for(request.user, pk)
    if not selectors.is_bureau(request.user):
        raise Http404
    spec = SCORES_SPEC if kind == "scores" else IMPORT_SPEC
    resp = HttpResponse(template_workbook(spec), content_type=XLSX_CONTENT_TYPE)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(spec.filename)}"
    return resp


@login_required
def import_errors(request, pk):
    selectors.plan_for(request.user, pk)
    data = request.session.get(f"recruitment-import-errors-{pk}")
    if not data or not selectors.is_bureau(request.user):
        raise Http404
    resp = HttpResponse(bytes.fromhex(data), content_type=XLSX_CONTENT_TYPE)
    resp["Content-Disposition"] = "attachment; filename=errors.xlsx"
    return resp


@login_required
def application_new(request, pk):
    plan = selectors.plan_for(request.user, pk)
    if not selectors.is_bureau(request.user):
        raise Http404
    form = ApplicationForm(request.POST or None, initial={"applied_on": timezone.localdate(),
                                                          "no_criminal_record": "是", "not_dismissed": "是"})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_create(actor=request.user, plan=plan, data=form.cleaned_data)
        except rules.MoveRefused as exc:
            status = _refused(request, exc)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if app.status == rules.REJECTED:
                messages.warning(request, _("Recorded, not qualified: %(reasons)s") % {"reasons": "；".join(app.reasons)})
            else:
                messages.success(request, _("Recorded; the applicant qualifies."))
            return redirect("recruitment:plan", plan.pk)
    return render(request, "recruitment/application_form.html", {"form": form, "plan": plan}, status=status)


@login_required
def application_detail(request, pk):
    app = selectors.application_for(request.user, pk)
    user = request.user
    bureau, hr = selectors.is_bureau(user), selectors.is_hr(user)
    forms = {"scores": ScoresForm(initial={"exam_score": app.exam_score, "interview_score": app.interview_score,
                                           "fitness_score": app.fitness_score}),
             "checks": ChecksForm(initial={"health_check": app.health_check, "health_note": app.health_note,
                                           "background_check": app.background_check,
                                           "background_note": app.background_note}),
             "objection": ObjectionForm(initial={"received_on": timezone.localdate()}),
             "decide": ObjectionDecideForm(),
             "contract": ContractForm(initial={"start_date": timezone.localdate()})}
    status = 200
    if request.method == "POST":
        op = request.POST.get("op", "")
        form_class = {"scores": ScoresForm, "checks": ChecksForm, "objection": ObjectionForm,
                      "decide": ObjectionDecideForm, "contract": ContractForm}.get(op)
        if form_class is None:
            raise Http404
        form = forms[op] = form_class(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if op == "scores":
                    services.scores_set(actor=user, application=app, exam=d["exam_score"],
                                        interview=d["interview_score"], fitness=d["fitness_score"])
                elif op == "checks":
                    services.checks_record(actor=user, application=app, health=d["health_check"],
                                           health_note=d["health_note"], background=d["background_check"],
                                           background_note=d["background_note"])
                elif op == "objection":
                    services.objection_record(actor=user, application=app, text=d["text"], objector=d["objector"],
                                              received_on=d["received_on"])
                elif op == "decide":
                    objection = selectors.objection_for(user, d["objection"])
                    if objection.application_id != app.pk:
                        raise Http404
                    services.objection_decide(actor=user, objection=objection, upheld=d["upheld"] == "1",
                                              note=d["note"])
                else:
                    services.hire(actor=user, application=app, data=d)
            except rules.MoveRefused as exc:
                status = _refused(request, exc)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Done."))
                return redirect("recruitment:application", app.pk)
        app = selectors.application_for(user, pk)
    view = selectors.ApplicantView(user)
    app.shown_id, app.shown_phone, app.css = view.id_number(app), view.phone(app), STATUS_CSS.get(app.status, "")
    today = timezone.localdate()
    return render(request, "recruitment/application.html", {
        "app": app, "forms": forms, "bureau": bureau, "hr": hr,
        "can_score": bureau and app.status in rules.SCORING_STATES and app.plan.status == rules.POSTED,
        "can_check": bureau and app.status == rules.PROPOSED,
        "can_object": bureau and app.status == rules.PUBLICITY,
        "can_hire": hr and app.status == rules.PUBLICITY,
        "publicity_over": app.publicity_end is not None and today > app.publicity_end,
        "objections": list(app.objections.all()), "pending": ObjectionStatus.PENDING,
        "moves": selectors.moves_of(application=app),
        "education_label": rules.EDUCATION_LABEL.get(app.education, app.education),
    }, status=status)


@login_required
def reviews(request):
    user = request.user
    if not selectors.sees_reviews(user):
        raise Http404
    status = 200
    reason_form = ReasonForm()
    if request.method == "POST":
        review = selectors.review_for(user, request.POST.get("review"))
        op = request.POST.get("op", "")
        try:
            if op == "sign":
                services.review_sign(actor=user, review=review)
            elif op == "fail":
                reason_form = ReasonForm(request.POST)
                reason_form.is_valid()
                services.review_fail(actor=user, review=review, reason=reason_form.cleaned_data.get("reason", ""))
            else:
                raise Http404
        except rules.MoveRefused as exc:
            status = _refused(request, exc)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("Done."))
            return redirect(reverse("recruitment:reviews") + f"?status={request.GET.get('status', '')}")
    qs = selectors.reviews_for(user).order_by("status", "probation_end", "pk")
    st = request.GET.get("status", rules.PENDING)
    if st in (rules.PENDING, rules.CONFIRMED, rules.PROBATION_FAILED):
        qs = qs.filter(status=st)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    party = services.BUREAU if selectors.is_bureau(user) else services.HR if selectors.is_hr(user) else None
    for r in page:
        r.css = STATUS_CSS.get(r.status, "")
        r.my_signed = (party == services.BUREAU and r.bureau_signed_by_id) or (
            party == services.HR and r.hr_signed_by_id)
    return render(request, "recruitment/reviews.html", {
        "page": page, "status": st, "party": party, "today": timezone.localdate(),
        "statuses": [(rules.PENDING, _("Probation running")), (rules.CONFIRMED, _("Confirmed")),
                     (rules.PROBATION_FAILED, _("Failed probation")), ("all", _("All"))]}, status=status)
