"""§5.3.4 请销假 pages (phone-first; thin: access check, one selector or service call).

- ``/leave/`` 我的请假: the 年休假 balance, the member's requests with 销假 and cancel buttons;
- ``/leave/new/`` the request form with a live day count (``/leave/quote/`` answers JSON);
- ``/leave/<id>/`` one request with its history and the actions the user may take (approve / reject,
  cancel, 销假); 404 outside the user's reach;
- ``/leave/queue/`` the approver's queue (including the requests of an absent approver for their deputy);
- ``/leave/unit/`` who is off on a day and in its week, for leaders (overdue leave flagged);
- ``/leave/overdue/`` leave not reported back in time, for leaders;
- ``/leave/hr/`` the HR company's read-only copy list (leave longer than hr_copy_over_days);
- ``/leave/deputy/`` an approver names the deputy who takes their queue while they are on leave.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.files.forms import clean_uploads
from auxpost.files.models import ALL_TYPES
from auxpost.leave import selectors, services
from auxpost.leave.models import ApproverLevel, Deputy, Half, LeaveStatus
from auxpost.people.selectors import own_member
from auxpost.policy.daily import COUNTING
from auxpost.policy.selectors import PolicyNotFound, policy_in_force

PER_PAGE = 50


def _date(raw) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw).strip()) if raw else None
    except ValueError:
        return None


def _int(raw, default: int) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return default


def _types(day: dt.date):
    try:
        return policy_in_force(day).daily.leave.types
    except PolicyNotFound:
        return ()


def _me_or_404(request):
    me = own_member(request.user)
    if me is None:
        raise Http404
    return me


def _refused(request, exc: services.Refused):
    if exc.code == "forbidden":
        return HttpResponseForbidden(exc.message)
    messages.error(request, exc.message)
    return None


@login_required
def mine(request):
    """§5.3.4 我的请假."""
    me = _me_or_404(request)
    today = timezone.localdate()
    page = Paginator(selectors.mine(me), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "leave/mine.html", {
        "member": me, "page": page, "requests": page.object_list, "today": today,
        "balance": selectors.annual_balance(me, today.year, today),
    })


def _form_context(request, me, data, errors):
    today = timezone.localdate()
    return {"member": me, "data": data, "errors": errors, "types": _types(_date(data.get("start")) or today),
            "halves": Half.choices, "counting": COUNTING, "today": today,
            "balance": selectors.annual_balance(me, today.year, today)}


@login_required
def new(request):
    """§5.3.4 the request form; the day count is shown live (``quote``) and checked again on submit."""
    me = _me_or_404(request)
    if request.method != "POST":
        today = timezone.localdate()
        data = {"type_code": "personal", "start": today.isoformat(), "end": today.isoformat(),
                "start_half": "am", "end_half": "pm", "babies": "1"}
        return render(request, "leave/new.html", _form_context(request, me, data, {}))
    data = request.POST
    errors: dict[str, list[str]] = {}
    notes = []
    try:
        notes = clean_uploads(request.FILES.getlist("notes"), types=ALL_TYPES, max_files=5)
    except ValidationError as exc:
        errors["notes"] = exc.messages
    start, end = _date(data.get("start")), _date(data.get("end"))
    if data.get("start") and start is None:
        errors["start"] = [_("First day: “%(value)s” is not a date.") % {"value": data.get("start")}]
    if data.get("end") and end is None:
        errors["end"] = [_("Last day: “%(value)s” is not a date.") % {"value": data.get("end")}]
    if not errors:
        try:
            req = services.leave_create(
                member=me, by=request.user, type_code=data.get("type_code", ""), start=start, end=end,
                start_half=data.get("start_half", "am"), end_half=data.get("end_half", "pm"),
                reason=data.get("reason", ""), difficult_birth=bool(data.get("difficult_birth")),
                babies=_int(data.get("babies"), 1), notes=notes, submit=data.get("do") != "draft", at=timezone.now())
        except ValidationError as exc:
            errors = exc.message_dict
        except services.Refused as exc:
            errors = {"__all__": [exc.message]}
        else:
            messages.success(request, _("Leave request sent: %(days)s days, approved by %(who)s.") % {
                "days": req.days, "who": services.who_decides(req)} if req.status == LeaveStatus.SUBMITTED
                else _("Leave request kept as a draft."))
            return redirect("leave:detail", req.pk)
    return render(request, "leave/new.html", _form_context(request, me, data, errors), status=400)


@login_required
def quote(request):
    """§5.3.4 the live day count of the form (JSON): days, counting, approver, errors by field."""
    me = _me_or_404(request)
    g = request.GET
    start, end = _date(g.get("start")), _date(g.get("end"))
    q = services.leave_quote(member=me, type_code=g.get("type_code", ""), start=start, end=end,
                             start_half=g.get("start_half", "am"), end_half=g.get("end_half", "pm"),
                             difficult_birth=bool(g.get("difficult_birth")), babies=_int(g.get("babies"), 1),
                             notes=_int(g.get("notes"), 0))
    approver = str(ApproverLevel(q["approver"]).label) if q["approver"] else ""
    return JsonResponse({"days": str(q["days"]), "counting": q["counting"],
                         "counting_label": COUNTING.get(q["counting"], ""), "approver": approver,
                         "hr_copy": q["hr_copy"], "errors": q["errors"]})


@login_required
def detail(request, pk):
    """§5.3.4 one request, its history and the user's actions; 404 outside the user's reach."""
    today = timezone.localdate()
    req = selectors.get_visible(request.user, pk, today=today)
    own = req.member.user_id == request.user.pk
    return render(request, "leave/detail.html", {
        "req": req, "own": own, "today": today,
        "transitions": req.transitions.select_related("by"),
        "notes": req.medical_notes.all(),
        "can_decide": req.status == LeaveStatus.SUBMITTED and services.can_decide(request.user, req, today),
        "can_cancel": req.status in (LeaveStatus.DRAFT, LeaveStatus.SUBMITTED, LeaveStatus.APPROVED)
        and today < req.start and (own or (req.status == LeaveStatus.APPROVED
                                           and services.may_cancel_as_approver(request.user, req, today))),
        "can_report": own and req.status in (LeaveStatus.APPROVED, LeaveStatus.OVERDUE) and today >= req.end,
        "can_submit": own and req.status == LeaveStatus.DRAFT,
        "who": services.who_decides(req),
    })


def _act(request, pk, fn):
    today = timezone.localdate()
    req = selectors.get_visible(request.user, pk, today=today)
    try:
        fn(req)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except services.Refused as exc:
        if (resp := _refused(request, exc)) is not None:
            return resp
    return redirect("leave:detail", req.pk)


@login_required
@require_POST
def decide(request, pk):
    approve = request.POST.get("do") == "approve"

    def fn(req):
        services.leave_decide(request=req, by=request.user, approve=approve, note=request.POST.get("note", ""),
                              at=timezone.now())
        messages.success(request, _("Leave approved.") if approve else _("Leave rejected."))
    return _act(request, pk, fn)


@login_required
@require_POST
def cancel(request, pk):
    def fn(req):
        services.leave_cancel(request=req, by=request.user, reason=request.POST.get("reason", ""), at=timezone.now())
        messages.success(request, _("Leave cancelled."))
    return _act(request, pk, fn)


@login_required
@require_POST
def report_back(request, pk):
    def fn(req):
        services.leave_report_back(request=req, by=request.user, at=timezone.now())
        messages.success(request, _("Reported back: the leave is closed."))
    return _act(request, pk, fn)


@login_required
@require_POST
def submit(request, pk):
    def fn(req):
        services.leave_submit(request=req, by=request.user, at=timezone.now())
        messages.success(request, _("Leave request sent."))
    return _act(request, pk, fn)


@login_required
def queue(request):
    """§5.3.4 requests waiting for my decision (as approver, or as deputy of an absent approver)."""
    today = timezone.localdate()
    absent = services.absent_principals(request.user, today)
    if not selectors.is_approver(request.user) and not absent:
        raise Http404
    page = Paginator(selectors.queue(request.user, today=today), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "leave/queue.html", {"page": page, "requests": page.object_list, "absent": absent})


def _leader_or_404(user):
    if not scope.has_role(user, *selectors.LEADER_ROLES):
        raise Http404


@login_required
def unit(request):
    """§5.3.4 who is off on a day and during its week (Monday–Sunday), in the leader's scope."""
    _leader_or_404(request.user)
    today = timezone.localdate()
    day = _date(request.GET.get("day")) or today
    monday = day - dt.timedelta(days=day.weekday())
    sunday = monday + dt.timedelta(days=6)
    rows = list(selectors.unit_leave(request.user, monday, sunday))
    for r in rows:
        r.today = selectors.covers(r, day)
    week = [monday + dt.timedelta(days=i) for i in range(7)]
    return render(request, "leave/unit.html", {
        "day": day, "week": week, "rows": rows, "today_rows": [r for r in rows if r.today],
        "prev": (monday - dt.timedelta(days=7)).isoformat(), "next": (monday + dt.timedelta(days=7)).isoformat(),
        "overdue_count": selectors.overdue(request.user).count(),
    })


@login_required
def overdue(request):
    """§5.3.4 leave not reported back in time (flagged), in the leader's scope."""
    _leader_or_404(request.user)
    page = Paginator(selectors.overdue(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "leave/overdue.html", {"page": page, "requests": page.object_list})


@login_required
def hr(request):
    """§5.3.4 the HR company's read-only copy list."""
    if not scope.has_role(request.user, Role.HR_COMPANY):
        raise Http404
    page = Paginator(selectors.hr_copies(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "leave/hr.html", {"page": page, "requests": page.object_list})


@login_required
def deputy(request):
    """§5.3.4 an approver names the deputy who takes their queue while they are on leave."""
    if not selectors.is_approver(request.user):
        raise Http404
    current = Deputy.objects.filter(principal=request.user).select_related("deputy").first()
    candidates = services.deputy_candidates(request.user)
    errors = {}
    if request.method == "POST":
        raw = request.POST.get("deputy", "")
        chosen = None
        if raw:
            chosen = get_user_model().objects.filter(pk=_int(raw, 0)).first()
            if chosen is None:
                errors = {"deputy": [_("Deputy: choose a user from the list.")]}
        if not errors:
            try:
                services.deputy_set(principal=request.user, deputy=chosen, by=request.user, at=timezone.now())
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                messages.success(request, _("Deputy saved.") if chosen else _("Deputy cleared."))
                return redirect("leave:deputy")
    return render(request, "leave/deputy.html", {"current": current, "candidates": candidates, "errors": errors},
                  status=400 if errors else 200)
