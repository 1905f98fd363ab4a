"""§9 incentives pages: the pay sheet overview and download (``/incentives/``) for the HR company, the
bureau and the administrator; a member's own allowance and bonus (``/incentives/me/``).

Everyone else gets 404 on the pay sheet (line managers, the staffing office and assessors do not see
pay); a login without a member record gets 404 on ``/me/``. The overview shows sums by grade and result
only (no names); the download names people with their ID numbers and is logged as an export (§11).
"""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from auxpost.incentives.rules import BAND_LABEL, GRADE_LABEL, annual_bonus
from auxpost.incentives.selectors import (
    MIN_YEAR,
    can_see_all_pay,
    check_period,
    pay_members_for,
    paysheet_compute,
)
from auxpost.incentives.services import paysheet_export
from auxpost.people.models import Member
from auxpost.people.selectors import own_member
from auxpost.policy.selectors import PolicyNotFound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request, today, default_year: int, default_month: int | None):
    """(year, last month, error): from the query string, or the defaults; a bad value gives an error."""
    year = request.GET.get("year") or default_year
    month = request.GET.get("month") or default_month
    try:
        y, m = check_period(year, month, today=today)
    except ValueError as exc:
        y, m = check_period(default_year, default_month, today=today)
        return y, m, str(exc)
    return y, m, ""


def _years(today) -> list[int]:
    return list(range(today.year, max(MIN_YEAR, today.year - 10) - 1, -1))


@login_required
def paysheet(request):
    """§9 a year's pay sheet: totals by grade and result on screen, the .xlsx to download."""
    user = request.user
    if not can_see_all_pay(user):
        raise Http404
    today = timezone.localdate()
    year, month, error = _period(request, today, today.year - 1, None)
    sheet = policy_error = None
    try:
        sheet = paysheet_compute(year=year, last_month=month, members=pay_members_for(user))
    except PolicyNotFound as exc:
        policy_error = exc.message
    return render(request, "incentives/paysheet.html", {
        "sheet": sheet, "year": year, "month": month, "error": error, "policy_error": policy_error,
        "years": _years(today), "months": range(1, 13), "month_given": bool(request.GET.get("month")),
    })


@login_required
def paysheet_download(request):
    """§9/§11 the pay sheet as .xlsx (ID numbers in full: the HR company is the employer); logged."""
    user = request.user
    if not can_see_all_pay(user):
        raise Http404
    today = timezone.localdate()
    year, month, error = _period(request, today, today.year - 1, None)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    try:
        sheet = paysheet_compute(year=year, last_month=month, members=pay_members_for(user))
    except PolicyNotFound as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    buf = io.BytesIO()
    paysheet_export(actor=user, sheet=sheet, out=buf, scope_text="page download")
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    suffix = "" if month == 12 else f"-01-{month:02d}"
    response["Content-Disposition"] = f'attachment; filename="paysheet-{year}{suffix}.xlsx"'
    return response


@login_required
def my_incentives(request):
    """§9 my grade allowance month by month and my annual bonus (or why there is none)."""
    me = own_member(request.user)
    if me is None:
        raise Http404
    today = timezone.localdate()
    year, month, error = _period(request, today, today.year, None)
    if not request.GET.get("month") and year == today.year:
        month = today.month
    sheet = policy_error = None
    row = bonus = None
    try:
        sheet = paysheet_compute(year=year, last_month=month, members=Member.objects.filter(pk=me.pk))
    except PolicyNotFound as exc:
        policy_error = exc.message
    if sheet is not None and sheet.rows:
        row = sheet.rows[0]
        if sheet.full_year:
            bonus = annual_bonus(grade=row.grade, band=row.band, policy=sheet.year_end_policy)
    months = []
    if row is not None:
        months = [(m, amount) for m, amount in enumerate(row.months, start=1) if amount is not None]
    return render(request, "incentives/me.html", {
        "member": me, "sheet": sheet, "row": row, "bonus": bonus, "months": months, "year": year,
        "error": error, "policy_error": policy_error, "years": _years(today),
        "grade_label": GRADE_LABEL, "band_label": BAND_LABEL,
    })
