"""§5.3.6 / §5.3.2 pages (thin: access check, one selector or service call).

- ``/patrol/`` patrol logs: a member's own (and those of patrol groups they were in), a leader's teams
  filtered by team and day; ``/patrol/new/`` the phone page to log an issue quickly (camera, location);
  ``/patrol/logs/<id>/`` one log, where a leader records the officers' handling of a 上报 item;
- ``/patrol/handovers/`` handovers (waiting for me, overdue, all), ``/patrol/handovers/new/`` record one
  at shift end, ``/patrol/handovers/<id>/`` acknowledge it or append a correction note;
- ``/patrol/team/`` and ``/patrol/team/<unit>/<date>/`` a team's day on one page (leaders).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.org.selectors import unit_full_names
from auxpost.patrol import rules, selectors, services
from auxpost.patrol.forms import AckForm, FollowUpForm, HandoverForm, NoteForm, PatrolLogForm
from auxpost.patrol.models import FollowUp
from auxpost.people.models import ON_ROSTER
from auxpost.people.selectors import own_member

PER_PAGE = 30


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _date(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def _label_units(field, names: dict[int, str]) -> None:
    field.label_from_instance = lambda u: names.get(u.pk, u.name)


# --------------------------------------------------------------------------------------- patrol logs

@login_required
def logs(request):
    """§5.3.6 patrol logs in scope, newest first; leaders filter by team and day."""
    user = request.user
    leader = selectors.is_leader(user)
    me = own_member(user)
    if not leader and me is None:
        raise Http404
    qs = selectors.logs_visible_to(user)
    names = unit_full_names() if leader else {}
    teams = list(selectors.team_day_teams(user)) if leader else []
    team_id = request.GET.get("team", "")
    day = _date(request.GET.get("day"))
    if leader and team_id.isdigit():
        qs = qs.filter(team_id=int(team_id))
    if day:
        qs = qs.filter(day=day)
    if request.GET.get("follow") == "reported":
        qs = qs.filter(follow_up=FollowUp.REPORTED)
    page = Paginator(selectors.log_list(qs), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "patrol/logs.html", {
        "page": page, "leader": leader, "can_log": me is not None and me.status in ON_ROSTER,
        "teams": [(t.pk, names.get(t.pk, t.name)) for t in teams], "team_id": team_id,
        "day": day.isoformat() if day else "", "follow": request.GET.get("follow", ""), "names": names})


@login_required
def log_new(request):
    """§5.3.6 the phone page: category, what was found, what was done (劝阻/宣传/上报 only), photos taken on
    the phone, the browser's location; the patrol group pre-ticked from today's roster."""
    user = request.user
    me = own_member(user)
    if me is None or me.status not in ON_ROSTER:
        raise Http404
    now = timezone.now()
    from auxpost.duty.selectors import rostered

    local = timezone.localtime(now).replace(tzinfo=None)
    current = rules.shift_nearest(selectors.shifts_on(local.date()), local)
    day, code = current if current else (local.date(), "")
    mine = rostered(me, day)
    group_ids = []
    if mine:
        from auxpost.duty.models import RosterAssignment

        a = next((x for x in mine if x.shift_code == code), mine[0])
        group_ids = list(RosterAssignment.objects.filter(roster_id=a.roster_id, group=a.group)
                         .exclude(member_id=me.pk).values_list("member_id", flat=True))
    form = PatrolLogForm(request.POST or None, request.FILES or None, member=me,
                         categories=services.patrol_categories(), group_ids=group_ids)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            log = services.log_create(
                actor=user, category=cd["category"], description=cd["description"], actions=cd["actions"],
                reported_to=cd["reported_to"], members=list(cd["members"]), photos=cd["photos"] or [],
                lat=cd["lat"], lng=cd["lng"], accuracy_m=cd["accuracy_m"], coord_system=cd["coord_system"] or "wgs84",
                address=cd["address"], at=now)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Patrol log saved."))
            return redirect("patrol:log", pk=log.pk)
    names = {s.code: s.name for s in selectors.shifts_on(day)}
    for a in mine:
        a.shift_name = names.get(a.shift_code, a.shift_code)
    return render(request, "patrol/log_new.html", {"form": form, "rostered": mine})


@login_required
def log(request, pk):
    """§5.3.6 one patrol log; a leader of its team records the officers' handling of a 上报 item."""
    user = request.user
    obj = selectors.log_get_for(user, pk)
    can_follow = selectors.can_follow_up(user, obj) and obj.follow_up == FollowUp.REPORTED
    form = FollowUpForm(request.POST or None) if can_follow else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.log_follow_up(actor=user, log=obj, note=form.cleaned_data["follow_up_note"],
                                       at=timezone.now())
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Officers' handling recorded."))
                return redirect("patrol:log", pk=obj.pk)
    return render(request, "patrol/log.html", {
        "log": obj, "form": form, "shift_name": selectors.shift_name(obj.day, obj.shift_code),
        "team_name": unit_full_names().get(obj.team_id, obj.team.name)})


# ----------------------------------------------------------------------------------------- handovers

@login_required
def handovers(request):
    """§5.3.2 handovers in scope: waiting for my acknowledgement, overdue, or all; overdue ones badged."""
    user = request.user
    if not selectors.is_leader(user) and own_member(user) is None:
        raise Http404
    now = timezone.now()
    show = request.GET.get("show", "")
    if show == "mine":
        qs = selectors.awaiting_my_ack(user)
    elif show == "overdue":
        qs = selectors.overdue_handovers(user, now)
    else:
        qs = selectors.handovers_visible_to(user)
    page = Paginator(selectors.handover_list(qs), PER_PAGE).get_page(request.GET.get("page"))
    names = unit_full_names()
    shift_names = {s.code: s.name for s in selectors.shifts_on(timezone.localdate(now))}
    for h in page:
        h.is_overdue = h.overdue_at(now)
        h.from_name, h.to_name = names.get(h.from_team_id, h.from_team.name), names.get(h.to_team_id, h.to_team.name)
        h.shift_name = shift_names.get(h.shift_code, h.shift_code)
        h.to_shift_name = shift_names.get(h.to_shift_code, h.to_shift_code)
    return render(request, "patrol/handovers.html", {
        "page": page, "show": show, "leader": selectors.is_leader(user),
        "can_record": selectors.handover_teams_from(user).exists()})


@login_required
def handover_new(request):
    """§5.3.2 record a handover at shift end for the incoming team and shift."""
    user = request.user
    teams = selectors.handover_teams_from(user)
    team_list = list(teams)
    if not team_list:
        raise Http404
    now = timezone.now()
    local = timezone.localtime(now).replace(tzinfo=None)
    shifts = selectors.shifts_on(local.date())
    current = rules.shift_nearest(shifts, local)
    to_teams = selectors.incoming_teams_for(team_list)
    initial = {"from_team": team_list[0].pk, "to_team": team_list[0].pk,
               "day": current[0] if current else local.date(), "shift_code": current[1] if current else ""}
    form = HandoverForm(request.POST or None, teams=teams, to_teams=to_teams, shifts=shifts, initial=initial)
    names = unit_full_names()
    _label_units(form.fields["from_team"], names)
    _label_units(form.fields["to_team"], names)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            h = services.handover_create(
                actor=user, from_team=cd["from_team"], day=cd["day"], shift_code=cd["shift_code"],
                to_team=cd["to_team"], to_day=cd["to_day"], to_shift_code=cd["to_shift_code"],
                open_issues=cd["open_issues"], cases=cd["cases"], equipment=cd["equipment"],
                vehicles=cd["vehicles"], at=now)
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionError:
            raise Http404 from None
        else:
            messages.success(request, _("Handover recorded; the incoming side has been asked to acknowledge it."))
            return redirect("patrol:handover", pk=h.pk)
    return render(request, "patrol/handover_new.html", {"form": form})


@login_required
def handover(request, pk):
    """§5.3.2 one handover: the incoming side acknowledges it; either side appends a correction note."""
    user = request.user
    obj = selectors.handover_get_for(user, pk)
    now = timezone.now()
    can_ack = selectors.can_acknowledge(user, obj)
    can_note = selectors.can_add_note(user, obj)
    op = request.POST.get("op") if request.method == "POST" else None
    ack_form = AckForm(request.POST if op == "ack" else None) if can_ack else None
    note_form = NoteForm(request.POST if op == "note" else None) if can_note else None
    if request.method == "POST":
        try:
            if op == "ack" and ack_form is not None:
                if ack_form.is_valid():
                    services.handover_acknowledge(actor=user, handover=obj, at=now,
                                                  remarks=ack_form.cleaned_data["ack_remarks"],
                                                  discrepancy=ack_form.cleaned_data["discrepancy"])
                    messages.success(request, _("Handover acknowledged."))
                    return redirect("patrol:handover", pk=obj.pk)
            elif op == "note" and note_form is not None:
                if note_form.is_valid():
                    services.handover_note_add(actor=user, handover=obj, text=note_form.cleaned_data["text"], at=now)
                    messages.success(request, _("Note added."))
                    return redirect("patrol:handover", pk=obj.pk)
            else:
                raise Http404
        except ValidationError as exc:
            _form_errors(ack_form if op == "ack" else note_form, exc)
    names = unit_full_names()
    return render(request, "patrol/handover.html", {
        "h": obj, "ack_form": ack_form, "note_form": note_form, "overdue": obj.overdue_at(now),
        "from_name": names.get(obj.from_team_id, ""), "to_name": names.get(obj.to_team_id, ""),
        "shift_name": selectors.shift_name(obj.day, obj.shift_code),
        "to_shift_name": selectors.shift_name(obj.to_day, obj.to_shift_code)})


# ----------------------------------------------------------------------------------------- team day

@login_required
def team_today(request):
    """The leader's own team today."""
    team = selectors.default_team(request.user)
    if team is None:
        raise Http404
    return redirect("patrol:team_day", unit_id=team.pk, day=timezone.localdate().isoformat())


@login_required
def team_day(request, unit_id, day):
    """§5.3 a team's day on one page: rosters and assignments with their roll-call marks, patrol logs
    with photos, handovers out and in, who is on leave (leaders of the team; 404 outside scope)."""
    team = selectors.team_day_unit(request.user, unit_id)
    on = _date(day)
    if on is None:
        raise Http404
    data = selectors.team_day(team, on)
    now = timezone.now()
    for h in data.handovers_out + data.handovers_in:
        h.is_overdue = h.overdue_at(now)
    names = unit_full_names()
    teams = [(t.pk, names.get(t.pk, t.name)) for t in selectors.team_day_teams(request.user)]
    return render(request, "patrol/team_day.html", {
        "d": data, "team_name": names.get(team.pk, team.name), "names": names, "teams": teams,
        "prev": (on - dt.timedelta(days=1)).isoformat(), "next": (on + dt.timedelta(days=1)).isoformat()})


@login_required
def team_pick(request):
    """The team and date picker of the team-day page (GET ``team``, ``day``)."""
    team = selectors.team_day_unit(request.user, request.GET.get("team"))
    on = _date(request.GET.get("day")) or timezone.localdate()
    return redirect("patrol:team_day", unit_id=team.pk, day=on.isoformat())
