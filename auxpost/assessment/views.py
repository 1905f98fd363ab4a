"""§7 assessment pages. Thin: access check, one selector or service call, render.

Access (§3): 月度考核 for line managers (their unit and below), the bureau and the administrator;
集中考核 rounds for the bureau / administrator (all) and assessors (their organisation's rounds);
annual results for the bureau / administrator (all) and line managers (their subtree); a member
sees their own monthly and annual results on "my assessment". Anything else is the same 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.assessment.forms import RoundForm, ScorecardForm, SkillsScoreForm
from auxpost.assessment.models import AnnualResult, MonthlyScore, ResultStatus
from auxpost.assessment.rules import WENJIANG_DEFAULT
from auxpost.assessment.selectors import (
    BUREAU_ROLES,
    REVIEWER_ROLES,
    SCORER_ROLES,
    annual_results_visible_to,
    can_enter_scores,
    can_review,
    members_for_month,
    parse_month,
    previous_month,
    round_get_for,
    rounds_visible_to,
    scorable_member_get,
)
from auxpost.assessment.services import (
    annual_result_review,
    annual_results_confirm,
    annual_results_record,
    monthly_score_save,
    monthly_scorecard,
    round_policy,
    skills_round_close,
    skills_round_create,
    skills_score_enter,
)
from auxpost.org.selectors import unit_full_names, units_visible_to
from auxpost.people.forms import unit_choices
from auxpost.people.selectors import own_member
from auxpost.policy.models import PolicyStatus, PolicyVersion
from auxpost.policy.selectors import bundle_of

PER_PAGE = 50


def _page(qs, number):
    return Paginator(qs, PER_PAGE).get_page(number)


# --- §7.2 monthly -------------------------------------------------------------------------------


@login_required
def monthly(request):
    """§7.1/§7.2 a scorer picks a month (default: last month) and sees their members' status."""
    user = request.user
    if not scope.has_role(user, *SCORER_ROLES):
        if scope.has_role(user, Role.MEMBER):
            return redirect("assessment:mine")
        raise Http404
    today = timezone.localdate()
    month = parse_month(request.GET.get("month", "")) or previous_month(today)
    page = _page(members_for_month(user, month), request.GET.get("page"))
    members = list(page.object_list)
    scored = {s.member_id: s for s in MonthlyScore.objects.filter(month=month, member__in=[m.pk for m in members])}
    names = unit_full_names()
    rows = [{"member": m, "unit": names.get(m.unit_id, ""), "score": scored.get(m.pk)} for m in members]
    return render(request, "assessment/monthly.html", {
        "page": page, "rows": rows, "month": month, "month_value": f"{month:%Y-%m}",
        "max_month": f"{today:%Y-%m}",
    })


@login_required
def scorecard(request, member_id: int, ym: str):
    """§7.2 the scorecard of one member and month: pre-fill with its ledger events, input, reason."""
    member = scorable_member_get(request.user, member_id)
    month = parse_month(ym)
    if month is None:
        raise Http404
    try:
        card = monthly_scorecard(member=member, month=month)
    except ValidationError:
        raise Http404 from None
    ap = card.policy.assessment
    if card.score is not None and card.score.scores:
        initial_scores = card.score.scores
        initial_reasons = card.score.adjustments
    else:
        initial_scores = {c: str(v) for c, v in card.prefill.scores.items()}
        initial_reasons = {}
    form = ScorecardForm(request.POST or None, policy=ap, initial_scores=initial_scores,
                         initial_reasons=initial_reasons)
    if request.method == "POST" and not card.locked and form.is_valid():
        scores, reasons = form.service_data()
        try:
            saved = monthly_score_save(member=member, month=month, scores=scores, reasons=reasons,
                                       scorer=request.user, at=timezone.now())
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Monthly score of %(name)s for %(month)s saved: %(total)s.")
                             % {"name": member.name, "month": f"{month:%Y-%m}", "total": saved.total})
            return redirect(f"{_url('assessment:monthly')}?month={month:%Y-%m}")
    rows = []
    for ind, score_field, reason_field in form.rows():
        rows.append({"indicator": ind, "score": score_field, "reason": reason_field,
                     "prefill": card.prefill.scores[ind.code], "prefill_reason": card.prefill.reasons.get(ind.code, ""),
                     "events": card.prefill.events.get(ind.code, ())})
    return render(request, "assessment/scorecard.html", {
        "member": member, "month": month, "card": card, "form": form, "rows": rows,
        "unit": unit_full_names().get(member.unit_id, member.unit.name),
    })


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


@login_required
def mine(request):
    """§7 a member's own monthly scores and annual results (with the explanation), read-only."""
    member = own_member(request.user)
    if member is None:
        raise Http404
    scores = list(MonthlyScore.objects.filter(member=member).order_by("-month")[:36])
    # The published versions, newest first, read once: each month shows the indicators of its own policy.
    versions = list(PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED)
                    .order_by("-effective_from", "-published_at", "-pk"))
    for s in scores:
        pv = next((v for v in versions if v.effective_from <= s.month), None)
        ap = bundle_of(pv).assessment if pv is not None else WENJIANG_DEFAULT
        s.lines = [(i.name, i.max_points, s.scores.get(i.code), s.adjustments.get(i.code, ""))
                   for i in ap.monthly_indicators] if s.scores else []
    results = list(AnnualResult.objects.filter(member=member).select_related("cap_unit").order_by("-year"))
    for r in results:
        r.band_label = _band_label(r.band)
    return render(request, "assessment/mine.html", {"member": member, "scores": scores, "results": results})


def _band_label(code: str) -> str:
    for b in WENJIANG_DEFAULT.bands:
        if b.code == code:
            return b.name
    return code


# --- §7.1/§7.2 rounds ----------------------------------------------------------------------------


def _check_rounds_access(user):
    if not scope.has_role(user, *BUREAU_ROLES, Role.ASSESSOR):
        raise Http404


@login_required
def rounds(request):
    """§7.1 the 集中考核 rounds: the bureau sees all, an assessor only its organisation's."""
    _check_rounds_access(request.user)
    qs = (rounds_visible_to(request.user).select_related("assessor")
          .annotate(n_candidates=Count("scores"), n_scored=Count("scores__composite"))
          .order_by("-year", "-batch", "pk"))
    page = _page(qs, request.GET.get("page"))
    return render(request, "assessment/rounds.html", {
        "page": page, "can_create": scope.has_role(request.user, *BUREAU_ROLES)})


@login_required
def round_new(request):
    """§7.1 the bureau commissions a round from an assessor; candidates are the roster (of a unit)."""
    user = request.user
    if not scope.has_role(user, *BUREAU_ROLES):
        raise Http404
    units = list(units_visible_to(user))
    form = RoundForm(request.POST or None, units=unit_choices(units))
    if request.method == "POST" and form.is_valid():
        unit = None
        if form.cleaned_data["unit"]:
            unit = next((u for u in units if str(u.pk) == form.cleaned_data["unit"]), None)
        try:
            rnd = skills_round_create(year=form.cleaned_data["year"], batch=form.cleaned_data["batch"],
                                      name=form.cleaned_data["name"], assessor=form.cleaned_data["assessor"],
                                      unit=unit, by=user, at=timezone.now())
        except ValidationError as exc:
            from auxpost.core.forms import add_service_errors

            add_service_errors(form, exc)
        else:
            messages.success(request, _("Round %(name)s created.") % {"name": rnd.name})
            return redirect("assessment:round", pk=rnd.pk)
    return render(request, "assessment/round_new.html", {"form": form})


@login_required
def round_detail(request, pk: int):
    """§7.2 a round's candidates and scores, with an entry form per candidate while it is open."""
    user = request.user
    _check_rounds_access(user)
    rnd = round_get_for(user, pk)
    policy = round_policy(rnd).assessment
    may_enter = can_enter_scores(user, rnd) and rnd.status == "open"
    failed_form, failed_id = None, None
    if request.method == "POST":
        if request.POST.get("action") == "close":
            if not scope.has_role(user, *BUREAU_ROLES):
                raise Http404
            try:
                skills_round_close(round=rnd, by=user, at=timezone.now())
                messages.success(request, _("Round closed."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect("assessment:round", pk=rnd.pk)
        try:
            score = rnd.scores.select_related("member", "round").get(pk=int(request.POST.get("score", "")))
        except (ValueError, TypeError, rnd.scores.model.DoesNotExist):
            raise Http404 from None
        form = SkillsScoreForm(request.POST, policy=policy, prefix=f"s{score.pk}")
        if form.is_valid():
            try:
                saved = skills_score_enter(score=score, components=form.components(), by=user, at=timezone.now())
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                from auxpost.core.forms import add_service_errors

                add_service_errors(form, exc)
            else:
                messages.success(request, _("Score of %(name)s saved: %(composite)s.")
                                 % {"name": saved.member.name, "composite": saved.composite})
                return redirect(f"{_url('assessment:round', rnd.pk)}?page={request.POST.get('page', '')}")
        failed_form, failed_id = form, score.pk
    qs = rnd.scores.select_related("member").order_by("member__name", "member_id")
    page = _page(qs, request.GET.get("page") or request.POST.get("page"))
    rows = []
    for s in page.object_list:
        if s.pk == failed_id:
            form = failed_form
        elif may_enter:
            form = SkillsScoreForm(policy=policy, initial=s.components, prefix=f"s{s.pk}")
        else:
            form = None
        rows.append({"score": s, "form": form,
                     "components": [(c.name, s.components.get(c.code)) for c in policy.skills_components]})
    return render(request, "assessment/round.html", {
        "round": rnd, "page": page, "rows": rows, "policy": policy, "may_enter": may_enter,
        "can_close": scope.has_role(user, *BUREAU_ROLES) and rnd.status == "open",
    })


# --- §7.3 annual results ---------------------------------------------------------------------------


def _check_annual_access(user):
    if not scope.has_role(user, *REVIEWER_ROLES) or scope.member_q(user, roles_allowed=REVIEWER_ROLES) is None:
        raise Http404


@login_required
def annual_index(request):
    """The annual results of last year."""
    user = request.user
    if not scope.has_role(user, *REVIEWER_ROLES) and scope.has_role(user, Role.MEMBER):
        return redirect("assessment:mine")
    _check_annual_access(user)
    return redirect("assessment:annual", year=timezone.localdate().year - 1)


@login_required
def annual(request, year: int):
    """§7.3 the year's results with filters (unit, band, status); compute / confirm (bureau), review."""
    user = request.user
    _check_annual_access(user)
    if not 2000 <= year <= 2100:
        raise Http404
    is_bureau = scope.has_role(user, *BUREAU_ROLES)
    if request.method == "POST":
        return _annual_post(request, year, is_bureau)
    units = list(units_visible_to(user, roles_allowed=REVIEWER_ROLES))
    qs = annual_results_visible_to(user).filter(year=year).select_related("member", "cap_unit")
    unit_id = request.GET.get("unit", "")
    unit = next((u for u in units if str(u.pk) == unit_id), None)
    if unit is not None:
        qs = qs.filter(member__unit__path__startswith=unit.path)
    band = request.GET.get("band", "")
    if band in {b.code for b in WENJIANG_DEFAULT.bands}:
        qs = qs.filter(band=band)
    status = request.GET.get("status", "")
    if status in ResultStatus.values:
        qs = qs.filter(status=status)
    page = _page(qs.order_by("cap_unit__path", "rank", "member_id"), request.GET.get("page"))
    names = unit_full_names()
    rows = []
    for r in page.object_list:
        r.band_label = _band_label(r.band)
        rows.append({"result": r, "unit": names.get(r.member.unit_id, ""),
                     "cap_unit": names.get(r.cap_unit_id, "") if r.cap_unit_id else "",
                     "can_review": r.status == ResultStatus.COMPUTED and r.member.user_id != user.pk})
    return render(request, "assessment/annual.html", {
        "year": year, "page": page, "rows": rows, "is_bureau": is_bureau,
        "unit_options": unit_choices(units), "unit_id": unit_id, "band": band, "status": status,
        "bands": [(b.code, b.name) for b in WENJIANG_DEFAULT.bands], "statuses": ResultStatus.choices,
        "prev_year": year - 1, "next_year": year + 1,
    })


def _annual_post(request, year: int, is_bureau: bool):
    user = request.user
    action = request.POST.get("action")
    at = timezone.now()
    back = redirect("assessment:annual", year=year)
    try:
        if action == "compute":
            if not is_bureau:
                raise Http404
            counts = annual_results_record(year=year, by=user, at=at)
            messages.success(request, _("Annual results of %(year)s computed: %(created)s new, %(updated)s "
                                        "recomputed, %(kept)s confirmed or imported kept.") % {"year": year, **counts})
        elif action == "confirm":
            if not is_bureau:
                raise Http404
            unit = None
            if request.POST.get("unit"):
                unit = next((u for u in units_visible_to(user) if str(u.pk) == request.POST["unit"]), None)
            n = annual_results_confirm(year=year, unit=unit, by=user, at=at)
            messages.success(request, _("%(n)s annual results of %(year)s confirmed.") % {"n": n, "year": year})
        elif action == "review":
            try:
                result = annual_results_visible_to(user).get(pk=int(request.POST.get("result", "")), year=year)
            except (AnnualResult.DoesNotExist, TypeError, ValueError):
                raise Http404 from None
            if not can_review(user, result):
                raise Http404
            annual_result_review(result=result, by=user, at=at)
            messages.success(request, _("Result reviewed."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    return back
