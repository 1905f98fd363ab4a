"""§5.3.1 点名 and §5.3.6 执勤 pages (thin: access check, one selector or service call).

- ``/duty/checkin/`` the member's phone check-in (browser geolocation, ``static/duty/checkin.js``);
- ``/duty/me/`` the member's own marks;
- ``/duty/rollcall/`` the team leader's morning roll call for a team, day and shift;
- ``/duty/marks/`` marks of a unit on a day (leaders, the bureau), ``/duty/marks/<id>/`` one mark with
  the correction and proxy-report forms; ``/duty/proxies/`` proxy reports to confirm;
- ``/duty/areas/`` duty areas (the bureau, brigade and squadron leaders edit), ``/duty/areas/<id>/``
  an area's sites (circle or polygon, WGS-84 or GCJ-02);
- ``/duty/rosters/`` a team's week of rosters, ``/duty/rosters/new/`` and ``/duty/rosters/<id>/`` (edit,
  copy to other days, remove).
Outside the caller's scope: 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.core.forms import error_text as _errors
from auxpost.duties.models import WorkLine
from auxpost.duty import rules, selectors, services
from auxpost.duty.models import (
    CoordSystem,
    GeofenceSite,
    Mark,
    MarkStatus,
    ProxyReport,
    Roster,
    SiteKind,
)
from auxpost.org.models import Unit, UnitKind
from auxpost.people.models import ON_ROSTER, Member
from auxpost.people.selectors import own_member

PER_PAGE = 50


def _date(raw, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat((raw or "").strip()) if raw else default
    except ValueError:
        return default


def _leader_or_404(user) -> None:
    if not selectors.is_leader(user):
        raise Http404


def _shifts(day: dt.date):
    return list(selectors.daily_policy(day).shifts)


def _shift_names(day: dt.date) -> dict[str, str]:
    return {s.code: s.name for s in _shifts(day)}


@login_required
def home(request):
    if selectors.is_leader(request.user):
        return redirect("duty:rollcall")
    return redirect("duty:checkin")


# --- member pages ---------------------------------------------------------------------------------------

@login_required
def checkin(request):
    """§5.3.1 我的签到: today's shift and area, and the check-in button (browser geolocation)."""
    me = own_member(request.user)
    if me is None or me.status not in ON_ROSTER:
        raise Http404
    now = timezone.now()
    if request.method == "POST":
        try:
            mark = services.checkin(member=me, lat=request.POST.get("lat"), lng=request.POST.get("lng"),
                                    accuracy_m=request.POST.get("accuracy"),
                                    coord_system=request.POST.get("coord_system") or "wgs84", user=request.user,
                                    at=now)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Checked in at %(time)s: %(status)s.") % {
                "time": timezone.localtime(mark.checked_in_at).strftime("%H:%M"), "status": mark.get_status_display()})
        return redirect("duty:checkin")
    today = timezone.localdate(now)
    assignments = selectors.rostered(me, today)
    names = _shift_names(today)
    marks = {m.shift_code: m for m in Mark.objects.filter(member=me, day=today)}
    rows = [{"a": a, "shift": names.get(a.shift_code, a.shift_code), "mark": marks.get(a.shift_code)}
            for a in assignments]
    return render(request, "duty/checkin.html", {"rows": rows, "today": today, "member": me,
                                                 "open": any(r["mark"] is None for r in rows)})


@login_required
def my_marks(request):
    """§5.3.1 我的考勤: the member's own marks, newest first."""
    me = own_member(request.user)
    if me is None:
        raise Http404
    qs = Mark.objects.filter(member=me).select_related("site").order_by("-day", "shift_code")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "duty/me.html", {"page": page, "member": me})


# --- leader: roll call -------------------------------------------------------------------------------------

def _pick_team(request, user) -> tuple[list[Unit], Unit | None]:
    teams = list(selectors.teams_for(user).order_by("path"))
    raw = request.GET.get("team") or request.POST.get("team")
    if raw:
        try:
            return teams, next(t for t in teams if t.pk == int(raw))
        except (ValueError, StopIteration):
            raise Http404 from None
    return teams, (teams[0] if teams else None)


@login_required
def rollcall(request):
    """§5.3.1 the morning roll call: the whole team on one page; everyone not yet marked is marked present
    at once, with individual exceptions (late with minutes, absent, on leave)."""
    _leader_or_404(request.user)
    now = timezone.now()
    today = timezone.localdate(now)
    teams, team = _pick_team(request, request.user)
    day = min(_date(request.GET.get("day") or request.POST.get("day"), today), today)
    shifts = _shifts(day)
    codes = [s.code for s in shifts]
    shift_code = request.GET.get("shift") or request.POST.get("shift") or (codes[0] if codes else "")
    if shift_code not in codes:
        raise Http404
    if request.method == "POST" and team is not None:
        exceptions = {}
        for key, value in request.POST.items():
            if key.startswith("m-") and value in (services.LATE, services.ABSENT, services.LEAVE):
                try:
                    mid = int(key[2:])
                except ValueError:
                    continue
                exceptions[mid] = (value, request.POST.get(f"min-{mid}") or 0)
        try:
            saved = services.rollcall_take(actor=request.user, team=team, day=day, shift_code=shift_code,
                                           exceptions=exceptions, at=now)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Roll call saved: %(n)s member(s) marked.") % {"n": len(saved)})
        return redirect(f"{request.path}?team={team.pk}&day={day.isoformat()}&shift={shift_code}")
    rows, on_leave = [], set()
    if team is not None:
        assignments, marks = selectors.team_day(team, day, shift_code)
        on_leave = services._on_leave(day, [a.member_id for a in assignments])
        rows = [{"a": a, "mark": marks.get(a.member_id), "on_leave": a.member_id in on_leave} for a in assignments]
    return render(request, "duty/rollcall.html", {
        "teams": teams, "team": team, "day": day, "today": today, "shifts": shifts, "shift_code": shift_code,
        "rows": rows, "pending": sum(1 for r in rows if r["mark"] is None),
        "choices": [(services.PRESENT, _("Present")), (services.LATE, _("Late")),
                    (services.ABSENT, _("Absent")), (services.LEAVE, _("On leave"))]})


# --- leader: marks, corrections, proxies ---------------------------------------------------------------------

@login_required
def marks(request):
    """§5.3.1 marks of a unit on a day (leaders and the bureau: their subtree)."""
    _leader_or_404(request.user)
    today = timezone.localdate()
    day = _date(request.GET.get("day"), today)
    units = list(Unit.objects.filter(selectors._subtree_q(selectors.managed_units(request.user), ""))
                 .order_by("path")) if selectors.managed_units(request.user) is not None else list(
        Unit.objects.order_by("path"))
    unit = None
    if request.GET.get("unit"):
        try:
            unit = next(u for u in units if u.pk == int(request.GET["unit"]))
        except (ValueError, StopIteration):
            raise Http404 from None
    qs = selectors.marks_for(request.user).filter(day=day)
    if unit is not None:
        qs = qs.filter(member__unit__path__startswith=unit.path)
    status = request.GET.get("status") or ""
    if status in MarkStatus.values:
        qs = qs.filter(status=status)
    qs = qs.order_by("member__unit__path", "member__name", "shift_code")
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "duty/marks.html", {
        "page": page, "day": day, "units": units, "unit": unit, "status": status, "statuses": MarkStatus.choices,
        "counts": [(label, counts.get(code, 0)) for code, label in MarkStatus.choices if counts.get(code)],
        "shift_names": _shift_names(day)})


def _mark_or_404(user, pk) -> Mark:
    mark = selectors.marks_for(user).filter(pk=pk).first()
    if mark is None or not selectors.leads(user, mark.member.unit):
        raise Http404
    return mark


@login_required
def mark_detail(request, pk):
    """§5.3.1 one mark: correct it (with a reason) or report a proxy check-in."""
    _leader_or_404(request.user)
    mark = _mark_or_404(request.user, pk)
    now = timezone.now()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "proxy":
                by = Member.objects.filter(pk=request.POST.get("by_member") or 0).select_related("unit").first()
                if by is None:
                    raise ValidationError({"by_member": [_("Checked in by: choose the person.")]})
                services.proxy_report(actor=request.user, mark=mark, by_member=by,
                                      reason=request.POST.get("reason", ""), at=now)
                messages.success(request, _("Proxy check-in reported; it waits for confirmation."))
            else:
                services.mark_correct(actor=request.user, mark=mark, status=request.POST.get("status", ""),
                                      minutes_late=request.POST.get("minutes_late") or 0,
                                      reason=request.POST.get("reason", ""), at=now)
                messages.success(request, _("Mark corrected."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("duty:mark", pk=mark.pk)
    assignment = (selectors.rostered(mark.member, mark.day) or [None])
    same_team = []
    if mark.status in rules.PRESENT_STATUSES and not hasattr(mark, "proxy_report"):
        same_team = list(Member.objects.filter(unit=mark.member.unit, status__in=ON_ROSTER)
                         .exclude(pk=mark.member_id).order_by("name")[:200])
    report = ProxyReport.objects.filter(mark=mark).select_related("by_member", "reported_by", "decided_by").first()
    return render(request, "duty/mark.html", {
        "mark": mark, "assignment": assignment[0], "shift_name": _shift_names(mark.day).get(mark.shift_code),
        "same_team": same_team, "report": report,
        "correct_choices": [(rules.ON_TIME, _("On time")), ("late", _("Late")), (rules.ABSENT, _("Absent")),
                            (rules.ON_LEAVE, _("On leave")), (rules.OFF_DUTY, _("Off duty"))]})


@login_required
def proxies(request):
    """§5.3.1 proxy check-in reports: those waiting for the caller's confirmation, and the recent ones."""
    _leader_or_404(request.user)
    now = timezone.now()
    if request.method == "POST":
        report = selectors.proxies_to_confirm(request.user).filter(pk=request.POST.get("report") or 0).first()
        if report is None:
            raise Http404
        try:
            services.proxy_decide(actor=request.user, report=report, confirm=request.POST.get("decision") == "confirm",
                                  note=request.POST.get("note", ""), at=now)
            messages.success(request, _("Decision recorded."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("duty:proxies")
    waiting = list(selectors.proxies_to_confirm(request.user)[:100])
    recent = list(selectors.proxies_for(request.user).exclude(pk__in=[r.pk for r in waiting])[:50])
    return render(request, "duty/proxies.html", {"waiting": waiting, "recent": recent})


# --- areas and sites --------------------------------------------------------------------------------------------

def _owning_units(user) -> list[Unit]:
    kinds = (UnitKind.BUREAU, UnitKind.BRIGADE, UnitKind.SQUADRON)
    units = selectors.managed_units(user, kinds=kinds)
    qs = Unit.objects.filter(kind__in=kinds).order_by("path")
    if units is None:
        return list(qs)
    return list(qs.filter(selectors._subtree_q(units, ""))) if units else []


@login_required
def areas(request):
    """§5.3.6 duty areas the caller reads; the bureau, brigade and squadron leaders add them."""
    _leader_or_404(request.user)
    owning = _owning_units(request.user)
    lines = list(WorkLine.objects.all())
    if request.method == "POST":
        unit = next((u for u in owning if str(u.pk) == request.POST.get("unit")), None)
        line = next((wl for wl in lines if str(wl.pk) == request.POST.get("work_line")), None)
        if unit is None:
            messages.error(request, _("Owning unit: choose a unit you lead."))
            return redirect("duty:areas")
        try:
            area = services.area_create(actor=request.user, unit=unit, work_line=line,
                                        name=request.POST.get("name", ""), at=timezone.now())
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect("duty:areas")
        messages.success(request, _("Duty area added: now add its sites."))
        return redirect("duty:area", pk=area.pk)
    qs = selectors.visible_areas(request.user).annotate(n_sites=Count("sites")).order_by("unit__path", "name")
    return render(request, "duty/areas.html", {"areas": qs, "owning": owning, "lines": lines})


@login_required
def area(request, pk):
    """§5.3.1 an area's geofence sites: circles (centre and radius) or polygons, WGS-84 or GCJ-02."""
    area = selectors.visible_areas(request.user).filter(pk=pk).first()
    if area is None:
        raise Http404
    can_edit = selectors.can_manage_area(request.user, area)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        action, now = request.POST.get("action"), timezone.now()
        try:
            if action == "delete_site":
                site = get_object_or_404(GeofenceSite, pk=request.POST.get("site") or 0, area=area)
                services.site_delete(actor=request.user, site=site, at=now)
                messages.success(request, _("Site removed."))
            elif action == "update_area":
                services.area_update(actor=request.user, area=area, name=request.POST.get("name", ""),
                                     active=request.POST.get("active") == "1", at=now)
                messages.success(request, _("Duty area saved."))
            else:
                services.site_create(actor=request.user, area=area, name=request.POST.get("name", ""),
                                     kind=request.POST.get("kind", ""),
                                     coord_system=request.POST.get("coord_system", ""),
                                     center_lat=request.POST.get("center_lat"),
                                     center_lng=request.POST.get("center_lng"),
                                     radius_m=request.POST.get("radius_m"), polygon=request.POST.get("polygon", ""),
                                     at=now)
                messages.success(request, _("Site added."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("duty:area", pk=area.pk)
    return render(request, "duty/area.html", {"area": area, "sites": area.sites.all(), "can_edit": can_edit,
                                              "kinds": SiteKind.choices, "systems": CoordSystem.choices})


# --- rosters ---------------------------------------------------------------------------------------------------

def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@login_required
def rosters(request):
    """§5.3.6 a team's rosters for a week (Monday to Sunday), day by day and shift by shift."""
    _leader_or_404(request.user)
    teams, team = _pick_team(request, request.user)
    today = timezone.localdate()
    start = _week_start(_date(request.GET.get("week"), today))
    days = [start + dt.timedelta(days=i) for i in range(7)]
    rows = []
    if team is not None:
        qs = (Roster.objects.filter(team=team, day__range=(days[0], days[-1])).select_related("area", "work_line")
              .prefetch_related("assignments__member").order_by("day", "shift_code", "area__name"))
        names = _shift_names(start)
        by_day: dict[dt.date, list] = {d: [] for d in days}
        for r in qs:
            by_day[r.day].append({"r": r, "shift": names.get(r.shift_code, r.shift_code),
                                  "members": sorted(r.assignments.all(), key=lambda a: (a.group, a.member.name))})
        rows = [(d, by_day[d]) for d in days]
    return render(request, "duty/rosters.html", {
        "teams": teams, "team": team, "rows": rows, "start": start, "today": today,
        "prev": start - dt.timedelta(days=7), "next": start + dt.timedelta(days=7)})


def _roster_members(request, team: Unit) -> list[tuple[Member, int]]:
    members = {m.pk: m for m in Member.objects.filter(pk__in=[
        int(v) for v in request.POST.getlist("member") if v.isdigit()]).select_related("unit")}
    out = []
    for pk, m in members.items():
        raw = request.POST.get(f"group-{pk}") or "1"
        try:
            group = max(1, min(99, int(raw)))
        except ValueError:
            group = 1
        out.append((m, group))
    return out


def _roster_form(request, team: Unit, roster: Roster | None, day: dt.date):
    today = timezone.localdate()
    candidates = list(Member.objects.filter(unit__path__startswith=team.path, status__in=ON_ROSTER)
                      .select_related("unit").order_by("name"))
    from auxpost.people.selectors import certificate_refusals

    refusals = certificate_refusals(candidates, day)
    chosen = {a.member_id: a.group for a in roster.assignments.all()} if roster else {}
    return {"team": team, "roster": roster, "day": day, "today": today, "shifts": _shifts(day),
            "areas": list(selectors.areas_for_team(team)),
            "candidates": [{"m": m, "refusal": refusals.get(m.pk), "group": chosen.get(m.pk),
                            "checked": m.pk in chosen} for m in candidates],
            "min_size": selectors.daily_policy(day).duty.min_patrol_size}


@login_required
def roster_new(request):
    """§5.3.6 a new roster for a team (members with a valid certificate; patrols of at least the minimum)."""
    _leader_or_404(request.user)
    teams, team = _pick_team(request, request.user)
    if team is None:
        raise Http404
    today = timezone.localdate()
    day = _date(request.POST.get("day") or request.GET.get("day"), today)
    if request.method == "POST":
        area = selectors.areas_for_team(team).filter(pk=request.POST.get("area") or 0).first()
        try:
            if area is None:
                raise ValidationError({"area": [_("Duty area: choose an area in use.")]})
            roster, warnings = services.roster_save(
                actor=request.user, team=team, day=day, shift_code=request.POST.get("shift", ""), area=area,
                note=request.POST.get("note", ""), members=_roster_members(request, team), at=timezone.now())
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            for w in warnings:
                messages.warning(request, w)
            messages.success(request, _("Roster saved."))
            return redirect("duty:roster", pk=roster.pk)
    ctx = _roster_form(request, team, None, day)
    ctx["teams"] = teams
    return render(request, "duty/roster_form.html", ctx)


@login_required
def roster(request, pk):
    """§5.3.6 one roster: edit it (today or later), copy it to other days, remove it."""
    _leader_or_404(request.user)
    r = selectors.rosters_for(request.user).filter(pk=pk).first()
    if r is None:
        raise Http404
    now = timezone.now()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "copy":
                days = [d for d in (_date(v, None) for v in request.POST.getlist("days")) if d is not None]
                n_days = int(request.POST.get("n_days") or 0) if (request.POST.get("n_days") or "").isdigit() else 0
                days += [r.day + dt.timedelta(days=i) for i in range(1, n_days + 1)]
                out = services.roster_copy(actor=request.user, roster=r, days=days, at=now)
                for _roster, warnings in out:
                    for w in warnings:
                        messages.warning(request, w)
                messages.success(request, _("Roster copied to %(n)s day(s).") % {"n": len(out)})
            elif action == "delete":
                services.roster_delete(actor=request.user, roster=r, at=now)
                messages.success(request, _("Roster removed."))
                return redirect(f"{_url('duty:rosters')}?team={r.team_id}&week={r.day.isoformat()}")
            else:
                area = selectors.areas_for_team(r.team).filter(pk=request.POST.get("area") or 0).first()
                if area is None:
                    raise ValidationError({"area": [_("Duty area: choose an area in use.")]})
                _r, warnings = services.roster_save(
                    actor=request.user, team=r.team, day=r.day, shift_code=request.POST.get("shift", ""), area=area,
                    note=request.POST.get("note", ""), members=_roster_members(request, r.team), roster=r, at=now)
                for w in warnings:
                    messages.warning(request, w)
                messages.success(request, _("Roster saved."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("duty:roster", pk=r.pk)
    ctx = _roster_form(request, r.team, r, r.day)
    ctx["shift_name"] = _shift_names(r.day).get(r.shift_code, r.shift_code)
    ctx["editable"] = r.day >= ctx["today"]
    ctx["assignments"] = list(r.assignments.select_related("member").order_by("group", "member__name"))
    return render(request, "duty/roster.html", ctx)


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


__all__ = ["home", "checkin", "my_marks", "rollcall", "marks", "mark_detail", "proxies", "areas", "area", "rosters",
           "roster_new", "roster"]
