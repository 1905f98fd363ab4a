"""§5.3.3 会议 pages (thin: access check, one selector or service call).

- ``/meetings/`` a unit's meetings of a month, day by day (leaders, the bureau); ``/meetings/new/``
  schedules one;
- ``/meetings/<id>/`` one meeting: details, the attendance sheet (sign-in marks, excuses, closing), the
  minutes and follow-ups; every action is a POST with ``op``;
- ``/meetings/me/`` 我的会议 on the phone: sign in, send an excuse, see my outcomes;
- ``/meetings/follow-ups/`` follow-ups (open, overdue, done), marked done with a note.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from auxpost.accounts import scope
from auxpost.core.forms import error_text as _errors
from auxpost.meetings import rules, selectors, services
from auxpost.meetings.forms import FollowUpForm, MeetingForm, MinutesForm
from auxpost.meetings.models import Attendee, FollowUp, MeetingStatus
from auxpost.org.models import Unit
from auxpost.org.selectors import unit_full_names
from auxpost.people.models import Member
from auxpost.people.selectors import own_member

PER_PAGE = 50


def _month(request, today: dt.date) -> dt.date:
    raw = request.GET.get("month") or ""
    try:
        y, m = raw.split("-")
        return dt.date(int(y), int(m), 1)
    except ValueError:
        return today.replace(day=1)


def _scope_unit(request, units) -> Unit | None:
    raw = request.GET.get("unit") or ""
    if not raw:
        return None
    try:
        return units.get(pk=int(raw))
    except (Unit.DoesNotExist, ValueError):
        raise Http404 from None


def _can_view_list(user) -> bool:
    return scope.has_role(user, *selectors.VIEW_ROLES)


# -------------------------------------------------------------------------------------------- list

@login_required
def meeting_list(request):
    """§5.3.3 meetings of a month in the caller's units, day by day (an agenda calendar)."""
    user = request.user
    if not _can_view_list(user):
        raise Http404
    today = timezone.localdate()
    month = _month(request, today)
    units = selectors.units_visible_to_staff(user)
    unit = _scope_unit(request, units)
    status = request.GET.get("status", "")
    rows = list(selectors.meeting_list(user, unit=unit, month=month, status=status))
    names = unit_full_names()
    for m in rows:
        m.unit_name = names.get(m.unit_id, m.unit.name)
        m.local_start = timezone.localtime(m.starts_at)
    days = [(d, list(ms)) for d, ms in groupby(rows, key=lambda m: m.local_start.date())]
    prev_m = (month - dt.timedelta(days=1)).replace(day=1)
    next_m = (month + dt.timedelta(days=32)).replace(day=1)
    return render(request, "meetings/list.html", {
        "days": days, "month": month, "prev_month": prev_m, "next_month": next_m, "unit": unit, "status": status,
        "units": [(u.pk, names.get(u.pk, u.name)) for u in units], "statuses": MeetingStatus.choices,
        "can_schedule": selectors.can_schedule(user), "today": today, "count": len(rows)})


@login_required
def meeting_new(request):
    """§5.3.3 a leader schedules a meeting for a unit in their scope."""
    user = request.user
    if not selectors.can_schedule(user):
        raise Http404
    today = timezone.localdate()
    units = selectors.leader_units(user)
    hosts = selectors.hosts_for(user)
    form = MeetingForm(request.POST or None, units=units, kinds=selectors.kinds(today), hosts=hosts,
                       initial={"day": today + dt.timedelta(days=1), "start": dt.time(8, 0), "end": dt.time(8, 30)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            m = services.meeting_schedule(actor=user, unit=d["unit"], title=d["title"], kind=d["kind"],
                                          starts_at=d["starts_at"], ends_at=d["ends_at"], place=d["place"],
                                          host=d["host"], agenda=d["agenda"], at=timezone.now())
        except ValidationError as exc:
            for f, errs in exc.message_dict.items():
                form.add_error(f if f in form.fields else None, errs)
        else:
            messages.success(request, _("Meeting scheduled with %(n)s attendees.") % {"n": m.attendees.count()})
            return redirect("meetings:detail", pk=m.pk)
    return render(request, "meetings/new.html", {"form": form})


# ------------------------------------------------------------------------------------------ detail

OPS = {"excuse_record", "edit", "add", "remove", "mark", "unmark", "decide", "close", "cancel", "minutes", "follow_up",
       "excuse_later", "signin", "excuse"}


@login_required
def meeting_detail(request, pk):
    """§5.3.3 one meeting: details, attendance sheet, minutes, follow-ups; POST ``op`` runs one action."""
    user = request.user
    meeting = selectors.meeting_for(user, pk)
    now = timezone.now()
    host = selectors.is_host(user, meeting)
    manage = selectors.can_manage(user, meeting)
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op not in OPS:
            raise Http404
        try:
            done = _run(request, op, meeting, now=now, host=host, manage=manage)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except PermissionError:
            raise Http404 from None
        else:
            if done:
                messages.success(request, done)
        nxt = request.POST.get("next")
        return redirect("meetings:me" if nxt == "me" else "meetings:detail", **({} if nxt == "me" else {"pk": pk}))
    sheet = selectors.attendance_sheet(meeting) if (manage or host) else []
    me = own_member(user)
    mine = meeting.attendees.filter(member=me).first() if me is not None else None
    leave = set()
    if sheet and meeting.status == MeetingStatus.SCHEDULED:
        leave = services.on_leave_ids(selectors.local_day(meeting.starts_at), [a.member_id for a in sheet])
    for a in sheet:
        a.on_leave = a.member_id in leave
    follow_ups = list(meeting.follow_ups.select_related("owner", "done_by").order_by("due_date", "pk"))
    today = timezone.localdate()
    for f in follow_ups:
        f.overdue = rules.is_overdue(f.due_date, f.done_at is not None, today)
        f.can_finish = f.done_at is None and (manage or (me is not None and f.owner_id == me.pk))
    scheduled = meeting.status == MeetingStatus.SCHEDULED
    ctx = {
        "meeting": meeting, "sheet": sheet, "mine": mine, "host": host, "manage": manage, "now": now,
        "started": now >= meeting.starts_at, "scheduled": scheduled,
        "tally": rules.tally(a.outcome if meeting.status == MeetingStatus.CLOSED
                             else (rules.PRESENT if a.signed_in_at else rules.EXPECTED) for a in sheet),
        "signin_refusal": selectors.signin_refusal(meeting, now) if mine else None,
        "excuse_refusal": rules.excuse_refusal(now=now, starts_at=meeting.starts_at, status=meeting.status,
                                               signed_in=bool(mine and mine.signed_in_at)) if mine else None,
        "follow_ups": follow_ups, "attachments": list(meeting.attachments.all()),
        "unit_name": unit_full_names().get(meeting.unit_id, meeting.unit.name),
    }
    if manage:
        ctx["candidates"] = (selectors.member_candidates(user).exclude(
            pk__in=meeting.attendees.values("member_id")).select_related("unit").order_by("unit__path", "name")[:300]
            if scheduled and now < meeting.starts_at else [])
        ctx["fu_form"] = FollowUpForm(members=Member.objects.filter(meeting_attendances__meeting=meeting)
                                      .order_by("name"))
        ctx["minutes_form"] = MinutesForm(initial={"minutes": meeting.minutes})
        if scheduled and now < meeting.starts_at:
            hosts = selectors.host_candidates(meeting.unit)
            local_s, local_e = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
            ctx["edit_form"] = MeetingForm(units=Unit.objects.filter(pk=meeting.unit_id), kinds=[
                (meeting.kind, meeting.kind_name)], hosts=hosts, initial={
                "unit": meeting.unit_id, "kind": meeting.kind, "title": meeting.title, "day": local_s.date(),
                "start": local_s.time(), "end": local_e.time(), "place": meeting.place, "host": meeting.host_id,
                "agenda": meeting.agenda})
    return render(request, "meetings/detail.html", ctx)


def _attendee(request, meeting) -> Attendee:
    try:
        return meeting.attendees.select_related("member").get(pk=int(request.POST.get("attendee", "")))
    except (Attendee.DoesNotExist, ValueError):
        raise Http404 from None


def _run(request, op: str, meeting, *, now, host: bool, manage: bool) -> str:
    user, post = request.user, request.POST
    if op == "signin":
        services.attendance_sign_in(actor=user, meeting=meeting, at=now)
        return _("Signed in.")
    if op == "excuse":
        services.excuse_send(actor=user, meeting=meeting, reason=post.get("reason", ""), at=now)
        return _("Your excuse was sent to the host.")
    if not manage:
        raise PermissionError
    if op in ("mark", "unmark"):
        a = services.attendance_mark(actor=user, attendee=_attendee(request, meeting), present=op == "mark", at=now)
        return _("%(name)s marked present.") % {"name": a.member.name} if op == "mark" else _(
            "Sign-in of %(name)s taken back.") % {"name": a.member.name}
    if op == "decide":
        accept = post.get("accept") == "1"
        services.excuse_decide(actor=user, attendee=_attendee(request, meeting), accept=accept,
                               note=post.get("note", ""), at=now)
        return _("Excuse accepted.") if accept else _("Excuse refused.")
    if op == "excuse_record":
        a = services.excuse_record(actor=user, attendee=_attendee(request, meeting), reason=post.get("reason", ""),
                                   at=now)
        return _("Excuse of %(name)s recorded.") % {"name": a.member.name}
    if op == "close":
        t = services.meeting_close(actor=user, meeting=meeting, at=now)
        return _("Meeting closed: %(p)s present, %(e)s excused, %(a)s absent without excuse.") % {
            "p": t.present, "e": t.excused, "a": t.absent}
    if op == "cancel":
        services.meeting_cancel(actor=user, meeting=meeting, reason=post.get("reason", ""), at=now)
        return _("Meeting cancelled.")
    if op == "excuse_later":
        a = services.absence_excuse(actor=user, attendee=_attendee(request, meeting), reason=post.get("reason", ""),
                                    at=now)
        return _("The absence of %(name)s is excused; its points deduction is withdrawn.") % {"name": a.member.name}
    if op == "add":
        ids = [int(x) for x in post.getlist("members") if x.isdigit()]
        members = list(Member.objects.filter(pk__in=ids))
        n = services.attendees_add(actor=user, meeting=meeting, members=members, at=now)
        return _("%(n)s attendee(s) added.") % {"n": n}
    if op == "remove":
        a = _attendee(request, meeting)
        services.attendee_remove(actor=user, attendee=a, at=now)
        return _("%(name)s removed from the attendees.") % {"name": a.member.name}
    if op == "minutes":
        form = MinutesForm(post, request.FILES)
        if not form.is_valid():
            raise ValidationError({k: v for k, v in form.errors.items()})
        services.minutes_save(actor=user, meeting=meeting, minutes=form.cleaned_data["minutes"],
                              uploads=form.cleaned_data["files"] or [], at=now)
        return _("Minutes saved.")
    if op == "follow_up":
        form = FollowUpForm(post, members=Member.objects.filter(meeting_attendances__meeting=meeting))
        if not form.is_valid():
            raise ValidationError({k: v for k, v in form.errors.items()})
        d = form.cleaned_data
        services.follow_up_add(actor=user, meeting=meeting, title=d["title"], owner=d["owner"],
                               due_date=d["due_date"], at=now)
        return _("Follow-up added.")
    if op == "edit":
        form = MeetingForm(post, units=Unit.objects.filter(pk=meeting.unit_id),
                           kinds=[(meeting.kind, meeting.kind_name)], hosts=selectors.host_candidates(meeting.unit))
        if not form.is_valid():
            raise ValidationError({k: v for k, v in form.errors.items()})
        d = form.cleaned_data
        services.meeting_update(actor=user, meeting=meeting, title=d["title"], starts_at=d["starts_at"],
                                ends_at=d["ends_at"], place=d["place"], host=d["host"] or meeting.host,
                                agenda=d["agenda"], at=now)
        return _("Meeting changed.")
    raise Http404


# ---------------------------------------------------------------------------------------------- me

@login_required
def my_meetings(request):
    """§5.3.3 我的会议 on the phone: today's and upcoming meetings with the sign-in button (open from 30
    minutes before the start to the end) and the excuse form (before the start); my recent outcomes."""
    me = own_member(request.user)
    if me is None:
        raise Http404
    now = timezone.now()
    upcoming = selectors.my_attendances(me, since=now)
    for a in upcoming:
        m = a.meeting
        a.signin_refusal = selectors.signin_refusal(m, now)
        a.excuse_refusal = rules.excuse_refusal(now=now, starts_at=m.starts_at, status=m.status,
                                                signed_in=a.signed_in_at is not None)
    past = selectors.my_past(me, before=now)
    follow_ups = list(selectors.follow_up_list(request.user, state="open", today=timezone.localdate(), mine=True))
    today = timezone.localdate()
    for f in follow_ups:
        f.overdue = rules.is_overdue(f.due_date, False, today)
    return render(request, "meetings/me.html", {"upcoming": upcoming, "past": past, "follow_ups": follow_ups,
                                                "member": me})


# ---------------------------------------------------------------------------------------- follow-ups

@login_required
def follow_ups(request):
    """§5.3.3 follow-ups of the meetings in scope (and my own): open, overdue, done."""
    user = request.user
    if not _can_view_list(user) and own_member(user) is None:
        raise Http404
    today = timezone.localdate()
    state = request.GET.get("state", "open")
    if state not in ("open", "overdue", "done", "all"):
        state = "open"
    qs = selectors.follow_up_list(user, state=state, today=today)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    me = own_member(user)
    manageable = set(selectors.meetings_visible_to(user).filter(
        pk__in=[f.meeting_id for f in page.object_list]).filter(
        unit__in=selectors.leader_units(user).values("pk")).values_list("pk", flat=True))
    for f in page.object_list:
        f.overdue = rules.is_overdue(f.due_date, f.done_at is not None, today)
        f.can_finish = f.done_at is None and (f.meeting_id in manageable or f.meeting.host_id == user.pk
                                              or (me is not None and f.owner_id == me.pk))
    return render(request, "meetings/follow_ups.html", {"page": page, "state": state, "today": today})


@login_required
@require_POST
def follow_up_done(request, pk):
    """§5.3.3 mark a follow-up done with a note (its owner, the host or a leader of the unit)."""
    user = request.user
    try:
        fu = selectors.follow_ups_visible_to(user).select_related("meeting").get(pk=pk)
    except FollowUp.DoesNotExist:
        raise Http404 from None
    try:
        services.follow_up_done(actor=user, follow_up=fu, note=request.POST.get("note", ""), at=timezone.now())
    except PermissionError:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Follow-up marked done."))
    return redirect(request.POST.get("back") if request.POST.get("back", "").startswith("/meetings/")
                    else "meetings:follow_ups")
