"""§5.3.1 点名 and §5.3.6 执勤: the writes. Keyword-only, one transaction each, audited (§11).

A phone check-in is the member's own act: the mark row (time, coordinates, accuracy, site) is its
record and is not also an audit-chain link, so a morning burst of check-ins does not queue on the
chain's head lock. Everything a leader or the system does to marks (roll call, correction, proxy,
sweep) is audited. Points (§10) go through ``points_entry_automatic`` keyed by the mark's origin.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from auxpost.audit.services import Change, audit_record, audit_record_many, model_snapshot
from auxpost.duty import geo, rules
from auxpost.duty.models import (
    CoordSystem,
    DutyArea,
    GeofenceSite,
    Mark,
    MarkMethod,
    MarkStatus,
    ProxyReport,
    ProxyStatus,
    Roster,
    RosterAssignment,
    SiteKind,
)
from auxpost.duty.selectors import (
    can_confirm_proxy,
    can_manage_area,
    clear_caches,
    daily_policy,
    fences_for_area,
    leads,
)
from auxpost.org.models import Unit, UnitKind
from auxpost.people.models import ON_ROSTER, Member
from auxpost.points.services import points_entry_automatic, points_entry_withdraw

AREA_FIELDS = ["unit", "work_line", "name", "active"]
SITE_FIELDS = ["area", "name", "kind", "coord_system", "center_lat", "center_lng", "radius_m", "polygon"]
ROSTER_FIELDS = ["team", "day", "shift_code", "work_line", "area", "note"]
MARK_FIELDS = ["member", "day", "shift_code", "status", "checked_in_at", "lat", "lng", "accuracy_m", "coord_system",
               "site", "method", "minutes_late", "absence_days", "proxy", "note", "points_rev"]
PROXY_FIELDS = ["mark", "by_member", "reason", "status", "decision_note"]
MAX_RADIUS_M = 5000
MAX_VERTICES = 200
#: Refuse a copy over more days than this at once (a team's fortnight is plenty).
MAX_COPY_DAYS = 14


def _refuse(field: str, message) -> None:
    raise ValidationError({field: [message]})


def _local(at: dt.datetime) -> dt.datetime:
    """Naive local (Asia/Shanghai) wall-clock time of an aware instant, as the shift rules use."""
    return timezone.localtime(at).replace(tzinfo=None)


def _shift(day: dt.date, code: str, field: str = "shift_code"):
    shift = daily_policy(day).shift(code)
    if shift is None:
        _refuse(field, _("Shift: “%(code)s” is not a shift of the policy in force on %(day)s.") % {
            "code": code, "day": day.isoformat()})
    return shift


def _shift_label(day: dt.date, code: str) -> str:
    shift = daily_policy(day).shift(code)
    return shift.name if shift else code


# --- areas and sites -------------------------------------------------------------------------------

def area_create(*, actor, unit: Unit, work_line, name: str, at: dt.datetime) -> DutyArea:
    """§5.3.6 a duty area of a squadron or brigade (or the bureau) on one work line."""
    name = (name or "").strip()
    if not name:
        _refuse("name", _("Area name: enter a name."))
    if unit.kind not in (UnitKind.BUREAU, UnitKind.BRIGADE, UnitKind.SQUADRON):
        _refuse("unit", _("Owning unit: a duty area belongs to a squadron, a brigade or the bureau, not to a team."))
    if not leads(actor, unit, kinds=(UnitKind.BUREAU, UnitKind.BRIGADE, UnitKind.SQUADRON)):
        _refuse("unit", _("Owning unit: you do not lead %(unit)s.") % {"unit": unit.name})
    if work_line is None:
        _refuse("work_line", _("Work line: choose the work line of the area."))
    if DutyArea.objects.filter(unit=unit, name=name).exists():
        _refuse("name", _("Area name: %(unit)s already has an area “%(name)s”.") % {"unit": unit.name, "name": name})
    with transaction.atomic():
        area = DutyArea.objects.create(unit=unit, work_line=work_line, name=name, created_at=at)
        audit_record(actor=actor, action="create", obj=area, summary=_("Duty area %(name)s created") % {"name": name},
                     after=model_snapshot(area, AREA_FIELDS))
    return area


def area_update(*, actor, area: DutyArea, name: str, active: bool, at: dt.datetime) -> DutyArea:
    """§5.3.6 rename or retire a duty area (a retired area takes no new rosters; old marks keep it)."""
    if not can_manage_area(actor, area):
        _refuse("unit", _("Owning unit: you do not lead %(unit)s.") % {"unit": area.unit.name})
    name = (name or "").strip()
    if not name:
        _refuse("name", _("Area name: enter a name."))
    if DutyArea.objects.filter(unit=area.unit, name=name).exclude(pk=area.pk).exists():
        _refuse("name", _("Area name: %(unit)s already has an area “%(name)s”.") % {"unit": area.unit.name,
                                                                                  "name": name})
    with transaction.atomic():
        before = model_snapshot(area, AREA_FIELDS)
        area.name, area.active = name, bool(active)
        area.save(update_fields=["name", "active"])
        audit_record(actor=actor, action="update", obj=area, summary=_("Duty area %(name)s changed") % {"name": name},
                     before=before, after=model_snapshot(area, AREA_FIELDS))
    return area


def _parse_polygon(polygon) -> list[list[float]]:
    """[[lat, lng], …] from a list or from text with one "lat,lng" pair per line (or ";" separated)."""
    if isinstance(polygon, str):
        pairs = [p for chunk in polygon.replace(";", "\n").splitlines() if (p := chunk.strip())]
        polygon = [p.replace("，", ",").split(",") for p in pairs]
    out = []
    for i, pair in enumerate(polygon or [], start=1):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            _refuse("polygon", _("Polygon: vertex %(n)s is not a “latitude,longitude” pair.") % {"n": i})
        try:
            lat, lng = geo.validate_point(pair[0], pair[1])
        except ValueError as exc:
            _refuse("polygon", _("Polygon: vertex %(n)s: %(reason)s.") % {"n": i, "reason": str(exc)})
        out.append([lat, lng])
    if len(out) < 3:
        _refuse("polygon", _("Polygon: enter at least 3 vertices (one “latitude,longitude” per line)."))
    if len(out) > MAX_VERTICES:
        _refuse("polygon", _("Polygon: at most %(n)s vertices.") % {"n": MAX_VERTICES})
    return out


def site_create(*, actor, area: DutyArea, name: str, kind: str, coord_system: str, center_lat=None,
                center_lng=None, radius_m=None, polygon=None, at: dt.datetime) -> GeofenceSite:
    """§5.3.1 a geofence site of an area: a circle (centre, radius in metres) or a polygon, stored in
    the coordinate system it was entered in (GCJ-02 from a map app, WGS-84 from a GPS)."""
    if not can_manage_area(actor, area):
        _refuse("area", _("Duty area: you do not lead %(unit)s.") % {"unit": area.unit.name})
    name = (name or "").strip()
    if not name:
        _refuse("name", _("Site name: enter a name."))
    if coord_system not in CoordSystem.values:
        _refuse("coord_system", _("Coordinate system: choose WGS-84 or GCJ-02."))
    fields = {"center_lat": None, "center_lng": None, "radius_m": None, "polygon": []}
    if kind == SiteKind.CIRCLE:
        try:
            fields["center_lat"], fields["center_lng"] = geo.validate_point(center_lat, center_lng)
        except ValueError as exc:
            _refuse("center_lat", _("Centre: %(reason)s.") % {"reason": str(exc)})
        try:
            radius = int(radius_m)
        except (TypeError, ValueError):
            radius = 0
        if not 1 <= radius <= MAX_RADIUS_M:
            _refuse("radius_m", _("Radius: enter whole metres from 1 to %(max)s.") % {"max": MAX_RADIUS_M})
        fields["radius_m"] = radius
    elif kind == SiteKind.POLYGON:
        fields["polygon"] = _parse_polygon(polygon)
    else:
        _refuse("kind", _("Site shape: choose a circle or a polygon."))
    with transaction.atomic():
        site = GeofenceSite.objects.create(area=area, name=name, kind=kind, coord_system=coord_system,
                                           created_at=at, **fields)
        audit_record(actor=actor, action="create", obj=site, summary=_("Geofence site %(name)s added to %(area)s") % {
            "name": name, "area": area.name}, after=model_snapshot(site, SITE_FIELDS))
    clear_caches(area.pk)
    return site


def site_delete(*, actor, site: GeofenceSite, at: dt.datetime) -> None:
    """§5.3.1 remove a site (marks made at it keep their coordinates; their site link is cleared)."""
    area = site.area
    if not can_manage_area(actor, area):
        _refuse("area", _("Duty area: you do not lead %(unit)s.") % {"unit": area.unit.name})
    with transaction.atomic():
        audit_record(actor=actor, action="delete", obj=site, summary=_("Geofence site %(name)s removed from %(area)s")
                     % {"name": site.name, "area": area.name}, before=model_snapshot(site, SITE_FIELDS))
        site.delete()
    clear_caches(area.pk)


# --- rosters -----------------------------------------------------------------------------------------

def _on_leave(day: dt.date, member_ids) -> set[int]:
    """§5.3.4 members on approved leave on ``day`` (the leave app's selector, imported lazily so the
    duty app does not depend on it at import time)."""
    try:
        from auxpost.leave.selectors import on_leave_ids
    except ImportError:  # the leave app is not installed: nobody is on leave
        return set()
    return on_leave_ids(day, member_ids)


def _check_roster(*, actor, team: Unit, day: dt.date, shift_code: str, area: DutyArea, work_line,
                  members: list[tuple[Member, int]], exclude_roster: Roster | None, today: dt.date) -> list[str]:
    """Validate one roster; raise ValidationError naming who and why, return the warnings."""
    if team.kind != UnitKind.TEAM:
        _refuse("team", _("Team: rosters are made per team; %(unit)s is not a team.") % {"unit": team.name})
    if not leads(actor, team):
        _refuse("team", _("Team: you do not lead %(team)s.") % {"team": team.name})
    if day < today:
        _refuse("day", _("Duty day: %(day)s has passed; rosters are made for today and later.") % {
            "day": day.isoformat()})
    shift = _shift(day, shift_code)
    if area is None or not area.active:
        _refuse("area", _("Duty area: choose an area in use."))
    if not team.path.startswith(area.unit.path):
        _refuse("area", _("Duty area: “%(area)s” belongs to %(unit)s, not to a unit above %(team)s.") % {
            "area": area.name, "unit": area.unit.name, "team": team.name})
    if work_line is None:
        work_line = area.work_line
    if work_line.pk != area.work_line_id:
        _refuse("work_line", _("Work line: the area “%(area)s” is on the work line %(line)s.") % {
            "area": area.name, "line": area.work_line.name})
    if not members:
        _refuse("members", _("Members: put at least one member on the roster."))
    errors: list[str] = []
    seen: set[int] = set()
    for m, _group in members:
        if m.pk in seen:
            errors.append(_("%(name)s is listed twice.") % {"name": m.name})
        seen.add(m.pk)
        if m.status not in ON_ROSTER:
            errors.append(_("%(name)s is not on the roster (status: %(status)s).") % {
                "name": m.name, "status": m.get_status_display()})
        elif not m.unit.path.startswith(team.path):
            errors.append(_("%(name)s is not a member of %(team)s (unit: %(unit)s).") % {
                "name": m.name, "team": team.name, "unit": m.unit.name})
    from auxpost.people.selectors import certificate_refusals

    errors += certificate_refusals([m for m, _g in members], day).values()
    sizes = Counter(group for _m, group in members)
    min_size = daily_policy(day).duty.min_patrol_size
    for group, size in sorted(sizes.items()):
        if size < min_size:
            errors.append(_("Patrol group %(group)s has %(size)s member(s); a patrol has at least %(min)s.") % {
                "group": group, "size": size, "min": min_size})
    taken = RosterAssignment.objects.filter(day=day, shift_code=shift_code, member_id__in=seen)
    if exclude_roster is not None:
        taken = taken.exclude(roster=exclude_roster)
    for a in taken.select_related("member", "roster__team", "roster__area"):
        errors.append(_("%(name)s is already rostered for %(shift)s on %(day)s (%(team)s, %(area)s).") % {
            "name": a.member.name, "shift": shift.name, "day": day.isoformat(), "team": a.roster.team.name,
            "area": a.roster.area.name})
    if errors:
        raise ValidationError({"members": errors})
    clash = Roster.objects.filter(team=team, day=day, shift_code=shift_code, area=area)
    if exclude_roster is not None:
        clash = clash.exclude(pk=exclude_roster.pk)
    if clash.exists():
        _refuse("area", _("Duty area: %(team)s already has a roster for %(shift)s on %(day)s in “%(area)s”.") % {
            "team": team.name, "shift": shift.name, "day": day.isoformat(), "area": area.name})
    on_leave = _on_leave(day, seen)
    return [_("%(name)s is on approved leave on %(day)s.") % {"name": m.name, "day": day.isoformat()}
            for m, _g in members if m.pk in on_leave]


def roster_save(*, actor, team: Unit, day: dt.date, shift_code: str, area: DutyArea, work_line=None,
                note: str = "", members: list[tuple[Member, int]], roster: Roster | None = None,
                at: dt.datetime) -> tuple[Roster, list[str]]:
    """§5.3.6 create (``roster`` None) or replace a duty roster: one team, day, shift, work line and area,
    with its members in patrol groups. Refused, naming who and why: a member without a valid certificate
    (§5.2.3), outside the team, already rostered for that shift, a patrol group smaller than the policy's
    minimum. Returns the roster and warnings (members on approved leave that day)."""
    today = timezone.localdate(at)
    warnings = _check_roster(actor=actor, team=team, day=day, shift_code=shift_code, area=area, work_line=work_line,
                             members=members, exclude_roster=roster, today=today)
    note = (note or "").strip()[:200]
    try:
        with transaction.atomic():
            if roster is None:
                roster = Roster.objects.create(team=team, day=day, shift_code=shift_code, work_line=area.work_line,
                                               area=area, note=note, created_by=actor, created_at=at)
                before, action = None, "create"
            else:
                before = model_snapshot(roster, ROSTER_FIELDS)
                before["members"] = sorted(roster.assignments.values_list("member_id", "group"))
                roster.day, roster.shift_code, roster.area, roster.work_line, roster.note = (
                    day, shift_code, area, area.work_line, note)
                roster.save()
                roster.assignments.all().delete()
                action = "update"
            RosterAssignment.objects.bulk_create([
                RosterAssignment(roster=roster, member=m, day=day, shift_code=shift_code, group=g)
                for m, g in members])
            after = model_snapshot(roster, ROSTER_FIELDS)
            after["members"] = sorted((m.pk, g) for m, g in members)
            audit_record(actor=actor, action=action, obj=roster, summary=_(
                "Duty roster of %(team)s for %(shift)s on %(day)s in %(area)s: %(n)s member(s)") % {
                "team": team.name, "shift": _shift_label(day, shift_code), "day": day.isoformat(),
                "area": area.name, "n": len(members)}, before=before, after=after)
    except IntegrityError:
        _refuse("members", _("Members: someone rostered one of these members for this shift meanwhile; reload and "
                             "try again."))
    return roster, warnings


def roster_copy(*, actor, roster: Roster, days: list[dt.date], at: dt.datetime) -> list[tuple[Roster, list[str]]]:
    """§5.3.6 copy a roster (team, shift, area, members and groups) to other days — a team's week in a
    few clicks. All or nothing: any refused day is named with its reasons and nothing is written."""
    days = sorted(set(days) - {roster.day})
    if not days:
        _refuse("days", _("Days: choose at least one other day."))
    if len(days) > MAX_COPY_DAYS:
        _refuse("days", _("Days: copy to at most %(n)s days at once.") % {"n": MAX_COPY_DAYS})
    members = [(a.member, a.group) for a in roster.assignments.select_related("member", "member__unit")]
    out = []
    try:
        with transaction.atomic():
            for day in days:
                try:
                    out.append(roster_save(actor=actor, team=roster.team, day=day, shift_code=roster.shift_code,
                                           area=roster.area, work_line=roster.work_line, note=roster.note,
                                           members=members, at=at))
                except ValidationError as exc:
                    reasons = [str(m) for msgs in exc.message_dict.values() for m in msgs]
                    raise ValidationError({"days": [_("%(day)s: %(reasons)s") % {
                        "day": day.isoformat(), "reasons": " ".join(reasons)}]}) from None
    except IntegrityError:
        _refuse("days", _("Days: another roster was saved meanwhile; reload and try again."))
    return out


def roster_delete(*, actor, roster: Roster, at: dt.datetime) -> None:
    """§5.3.6 remove a roster of today or later that has no marks yet."""
    if not leads(actor, roster.team):
        _refuse("team", _("Team: you do not lead %(team)s.") % {"team": roster.team.name})
    if roster.day < timezone.localdate(at):
        _refuse("day", _("Duty day: a past roster is kept as the record of who was on duty."))
    ids = list(roster.assignments.values_list("member_id", flat=True))
    if Mark.objects.filter(day=roster.day, shift_code=roster.shift_code, member_id__in=ids).exists():
        _refuse("day", _("Duty day: roll-call marks exist for this roster; correct the marks instead."))
    with transaction.atomic():
        before = model_snapshot(roster, ROSTER_FIELDS)
        before["members"] = sorted(roster.assignments.values_list("member_id", "group"))
        audit_record(actor=actor, action="delete", obj=roster, summary=_("Duty roster %(roster)s removed") % {
            "roster": str(roster)}, before=before)
        roster.delete()


# --- points -------------------------------------------------------------------------------------------

def _evidence(mark: Mark, shift_name: str) -> str:
    """The points entry's evidence, stored in the district's language (Chinese) whatever the request's."""
    with translation.override(settings.LANGUAGE_CODE):
        return _evidence_text(mark, shift_name)


def _evidence_text(mark: Mark, shift_name: str) -> str:
    day = mark.day.isoformat()
    if mark.status in rules.PRESENT_STATUSES and mark.checked_in_at is not None:
        clock = _local(mark.checked_in_at).strftime("%H:%M")
        if mark.status == rules.LATE_ABSENT:
            return _("%(day)s %(shift)s checked in at %(clock)s, %(n)s minutes late: half a day of absence "
                     "without leave") % {"day": day, "shift": shift_name, "clock": clock, "n": mark.minutes_late}
        return _("%(day)s %(shift)s checked in at %(clock)s, %(n)s minutes late") % {
            "day": day, "shift": shift_name, "clock": clock, "n": mark.minutes_late}
    if mark.proxy:
        return _("%(day)s %(shift)s checked in by someone else (confirmed proxy check-in): absence without leave") % {
            "day": day, "shift": shift_name}
    return _("%(day)s %(shift)s no check-in by the end of the shift: absence without leave") % {
        "day": day, "shift": shift_name}


def _points_for(mark: Mark, *, by, at: dt.datetime) -> None:
    """§10 the automatic points entry of a mark (late → ``late``; >30 min late and 旷工 → ``absence``)."""
    wanted = rules.points_for_mark(mark.status, Decimal(mark.absence_days))
    if wanted is None:
        return
    rule_code, quantity = wanted
    points_entry_automatic(member=mark.member, rule_code=rule_code, date=mark.day, origin=mark.origin,
                           quantity=quantity, evidence=_evidence(mark, _shift_label(mark.day, mark.shift_code)),
                           recorded_by=by, at=at)


# --- §5.3.1 phone check-in -------------------------------------------------------------------------------

class _Slot(NamedTuple):
    """A roster assignment as the check-in reads it."""

    day: dt.date
    shift_code: str
    member_id: int
    area_id: int


def _current_assignment(rows: list[_Slot], now: dt.datetime):
    """(assignment, shift, roll-call policy) whose check-in window contains ``now`` (naive local), or a
    refusal naming why (not open yet, ended, not rostered)."""
    today = now.date()
    upcoming = None
    for a in rows:
        daily = daily_policy(a.day)
        shift = daily.shift(a.shift_code)
        if shift is None:
            continue
        if rules.opens_at(shift, a.day, daily.roll_call) <= now < shift.ends_at(a.day):
            return a, shift, daily.roll_call
        if now < rules.opens_at(shift, a.day, daily.roll_call):
            upcoming = (shift, a.day, daily.roll_call)
    if upcoming is not None:
        shift, day, rc = upcoming
        _refuse("at", _("Check-in for %(shift)s opens at %(time)s.") % {
            "shift": shift.name, "time": rules.opens_at(shift, day, rc).strftime("%H:%M")})
    if any(a.day == today for a in rows):
        _refuse("at", _("Your shift today has ended; ask your team leader if your mark is wrong."))
    _refuse("at", _("You are not on a duty roster now (no shift today)."))


def checkin(*, lat, lng, accuracy_m, coord_system: str = "wgs84", member: Member | None = None, user=None,
            at: dt.datetime) -> Mark:
    """§5.3.1 a member checks in on the phone: inside one of the geofences of the assigned duty area,
    with a good enough fix (``max_accuracy_m``); the mark's status comes from the rules (on time, late,
    more than 30 minutes late = half a day 旷工). One mark per member, day and shift: a second
    check-in is refused. A late mark writes its points entry (pending approval).

    ``member`` or, when None, the member of ``user`` (found in the same query as the roster: the
    morning burst path is one SELECT and one INSERT)."""
    try:
        lat_f, lng_f = geo.validate_point(lat, lng)
    except ValueError as exc:
        _refuse("lat", _("Location: %(reason)s.") % {"reason": str(exc)})
    if coord_system not in CoordSystem.values:
        _refuse("coord_system", _("Coordinate system: choose WGS-84 or GCJ-02."))
    try:
        acc = float(accuracy_m)
    except (TypeError, ValueError):
        acc = float("nan")
    if not acc >= 0:
        _refuse("accuracy_m", _("Accuracy: the phone did not report the accuracy of its location."))
    now = _local(at)
    today = now.date()
    qs = RosterAssignment.objects.filter(day__in=[today, today - dt.timedelta(days=1)],
                                         member__status__in=ON_ROSTER)
    qs = qs.filter(member=member) if member is not None else qs.filter(member__user=user)
    # Only the four values the path needs (building model instances with ~40 member and area columns
    # cost more than the query itself in a morning burst); the area's name is read on a refusal only.
    rows = [_Slot(*r) for r in qs.order_by("day", "shift_code").values_list("day", "shift_code", "member_id",
                                                                           "roster__area_id")]
    assignment, shift, roll_call = _current_assignment(rows, now)
    if acc > roll_call.max_accuracy_m:
        _refuse("accuracy_m", _("Accuracy: the location is only accurate to about %(acc)s m (at most %(max)s m "
                                "allowed); move into the open and try again.") % {
            "acc": round(acc), "max": roll_call.max_accuracy_m})
    fences = fences_for_area(assignment.area_id)
    if not fences:
        _refuse("lat", _("Location: the duty area “%(area)s” has no sites yet; ask your team leader to mark you.")
                % {"area": DutyArea.objects.get(pk=assignment.area_id).name})
    wlat, wlng = geo.to_wgs84(lat_f, lng_f, coord_system)
    fence, distance = geo.nearest(fences, wlat, wlng)
    if distance > 0:
        _refuse("lat", _("Not inside the duty area: about %(m)s m from the nearest site “%(site)s”.") % {
            "m": round(distance), "site": fence.name})
    status, late, absence = rules.mark_for(shift, assignment.day, now, roll_call)
    mark = Mark(member_id=assignment.member_id, day=assignment.day, shift_code=shift.code, status=status,
                checked_in_at=at, lat=lat_f, lng=lng_f, accuracy_m=acc, coord_system=coord_system,
                site_id=fence.site_id, method=MarkMethod.PHONE, marked_by=user, minutes_late=late,
                absence_days=absence, created_at=at)
    try:
        if status == rules.ON_TIME and not transaction.get_connection().in_atomic_block:
            mark.save(force_insert=True)  # one INSERT, atomic by itself (no BEGIN/COMMIT round trips)
        else:
            with transaction.atomic():
                mark.save(force_insert=True)
                _points_for(mark, by=None, at=at)
    except IntegrityError:
        _refuse("at", _("You already have a mark for %(shift)s on %(day)s.") % {
            "shift": shift.name, "day": assignment.day.isoformat()})
    return mark


# --- §5.3.1 the team leader's roll call --------------------------------------------------------------------

PRESENT, LATE, ABSENT, LEAVE = "present", "late", "absent", "leave"


def rollcall_take(*, actor, team: Unit, day: dt.date, shift_code: str, exceptions: dict[int, tuple[str, int]],
                  at: dt.datetime) -> list[Mark]:
    """§5.3.1 the morning roll call: every rostered member of ``team`` not yet marked is marked present
    (on time) at once, except those in ``exceptions`` (member id → (``late``, minutes) | (``absent``, 0) |
    (``leave``, 0)). Members on approved leave are marked on leave whatever the form says. Members who
    already checked in on the phone keep their mark. Returns the marks written."""
    if not leads(actor, team):
        _refuse("team", _("Team: you do not lead %(team)s.") % {"team": team.name})
    today = timezone.localdate(at)
    if day > today:
        _refuse("day", _("Duty day: the roll call of %(day)s cannot be taken before the day.") % {
            "day": day.isoformat()})
    shift = _shift(day, shift_code)
    roll_call = daily_policy(day).roll_call
    from auxpost.duty.selectors import team_day

    assignments, marks = team_day(team, day, shift_code)
    if not assignments:
        _refuse("team", _("Team: %(team)s has nobody rostered for %(shift)s on %(day)s.") % {
            "team": team.name, "shift": shift.name, "day": day.isoformat()})
    on_leave = _on_leave(day, [a.member_id for a in assignments])
    rostered_ids = {a.member_id for a in assignments}
    if unknown := set(exceptions) - rostered_ids:
        _refuse("members", _("Members: %(n)s of the exceptions are not rostered on this shift.") % {"n": len(unknown)})
    start = timezone.make_aware(shift.starts_at(day))
    new: list[Mark] = []
    for a in assignments:
        if a.member_id in marks:
            continue
        kind, minutes = exceptions.get(a.member_id, (PRESENT, 0))
        if a.member_id in on_leave or kind == LEAVE:
            status, late, absence, checked = rules.ON_LEAVE, 0, Decimal(0), None
        elif kind == ABSENT:
            status, late, absence, checked = rules.ABSENT, 0, Decimal(roll_call.no_mark_absence_days), None
        elif kind == LATE:
            try:
                late = int(minutes)
            except (TypeError, ValueError):
                late = -1
            if late <= 0 or start + dt.timedelta(minutes=late) >= timezone.make_aware(shift.ends_at(day)):
                _refuse("members", _("Minutes late: %(name)s: enter the minutes late (1 or more, before the shift "
                                     "ends).") % {"name": a.member.name})
            status, absence = rules.status_for_lateness(late, roll_call)
            checked = start + dt.timedelta(minutes=late)
        else:
            status, late, absence, checked = rules.ON_TIME, 0, Decimal(0), start
        new.append(Mark(member=a.member, day=day, shift_code=shift.code, status=status, checked_in_at=checked,
                        method=MarkMethod.TEAM, marked_by=actor, minutes_late=late, absence_days=absence,
                        created_at=at))
    if not new:
        return []
    try:
        with transaction.atomic():
            Mark.objects.bulk_create(new)
            saved = list(Mark.objects.filter(day=day, shift_code=shift.code, method=MarkMethod.TEAM,
                                             member_id__in=[m.member_id for m in new], created_at=at)
                         .select_related("member"))
            audit_record_many(actor=actor, changes=[
                Change("create", Mark._meta.label_lower, str(m.pk), str(m), _(
                    "Roll call of %(team)s: %(name)s %(status)s") % {
                    "team": team.name, "name": m.member.name, "status": m.get_status_display()},
                    None, model_snapshot(m, MARK_FIELDS)) for m in saved], returning=False)
            for m in saved:
                _points_for(m, by=actor, at=at)
    except IntegrityError:
        _refuse("members", _("Members: a member checked in while the roll call was being taken; reload and "
                             "take it again."))
    return saved


# --- corrections and proxies ------------------------------------------------------------------------------

def mark_correct(*, actor, mark: Mark, status: str, minutes_late: int = 0, reason: str,
                 at: dt.datetime) -> Mark:
    """§5.3.1 a leader corrects a mark, with a reason (audited): the old points entry is withdrawn
    (rejected if pending, reversed if approved) and the corrected mark's entry written."""
    if not leads(actor, mark.member.unit):
        _refuse("status", _("Mark: you do not lead %(name)s's unit.") % {"name": mark.member.name})
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", _("Reason: say why the mark is corrected."))
    if status not in (rules.ON_TIME, rules.LATE_MINOR, rules.ABSENT, rules.ON_LEAVE, rules.OFF_DUTY, "late"):
        _refuse("status", _("Mark: choose on time, late, absent, on leave or off duty."))
    if mark.proxy:
        _refuse("status", _("Mark: a confirmed proxy check-in is not corrected here."))
    roll_call = daily_policy(mark.day).roll_call
    shift = _shift(mark.day, mark.shift_code)
    start = timezone.make_aware(shift.starts_at(mark.day))
    late, absence, checked = 0, Decimal(0), mark.checked_in_at
    if status in ("late", rules.LATE_MINOR):
        try:
            late = int(minutes_late)
        except (TypeError, ValueError):
            late = 0
        if late <= 0:
            _refuse("minutes_late", _("Minutes late: enter the minutes late (1 or more)."))
        status, absence = rules.status_for_lateness(late, roll_call)
        checked = start + dt.timedelta(minutes=late)
    elif status == rules.ON_TIME:
        checked = checked or start
    elif status == rules.ABSENT:
        absence, checked = Decimal(roll_call.no_mark_absence_days), None
    else:
        checked = None
    with transaction.atomic():
        mark = Mark.objects.select_for_update().select_related("member").get(pk=mark.pk)
        before = model_snapshot(mark, MARK_FIELDS)
        points_entry_withdraw(origin=mark.origin, by=actor, reason=_("Mark corrected: %(reason)s") % {
            "reason": reason}, at=at)
        mark.status, mark.minutes_late, mark.absence_days, mark.checked_in_at = status, late, absence, checked
        mark.method, mark.marked_by, mark.note = MarkMethod.CORRECTION, actor, reason[:200]
        mark.points_rev += 1
        mark.save()
        audit_record(actor=actor, action="update", obj=mark, summary=_("Mark of %(name)s on %(day)s corrected: "
                                                                      "%(reason)s") % {
            "name": mark.member.name, "day": mark.day.isoformat(), "reason": reason},
            before=before, after=model_snapshot(mark, MARK_FIELDS))
        _points_for(mark, by=actor, at=at)
    return mark


def proxy_report(*, actor, mark: Mark, by_member: Member, reason: str, at: dt.datetime) -> ProxyReport:
    """§5.3.1 a leader reports that ``by_member`` checked in for the member of ``mark`` (代签到). It
    waits for the bureau or a squadron leader to confirm."""
    if not leads(actor, mark.member.unit):
        _refuse("mark", _("Mark: you do not lead %(name)s's unit.") % {"name": mark.member.name})
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", _("What was found: describe how the proxy check-in was found."))
    if by_member.pk == mark.member_id:
        _refuse("by_member", _("Checked in by: choose the person who checked in for %(name)s.") % {
            "name": mark.member.name})
    if not leads(actor, by_member.unit):
        _refuse("by_member", _("Checked in by: you do not lead %(name)s's unit.") % {"name": by_member.name})
    if mark.status not in rules.PRESENT_STATUSES:
        _refuse("mark", _("Mark: only a check-in can be reported as made by someone else."))
    if ProxyReport.objects.filter(mark=mark).exists():
        _refuse("mark", _("Mark: this check-in has already been reported."))
    with transaction.atomic():
        report = ProxyReport.objects.create(mark=mark, by_member=by_member, reason=reason[:300], reported_by=actor,
                                            reported_at=at)
        audit_record(actor=actor, action="create", obj=report, summary=_(
            "Proxy check-in reported: %(by)s checked in for %(name)s on %(day)s") % {
            "by": by_member.name, "name": mark.member.name, "day": mark.day.isoformat()},
            after=model_snapshot(report, PROXY_FIELDS))
    return report


def proxy_decide(*, actor, report: ProxyReport, confirm: bool, note: str = "", at: dt.datetime) -> ProxyReport:
    """§5.3.1 the bureau or a squadron leader confirms (旷工 ``proxy_absence_days`` for both people,
    points for both) or rejects a proxy report."""
    if not can_confirm_proxy(actor, report):
        _refuse("status", _("Decision: the bureau or a squadron leader other than the reporter decides."))
    if report.status != ProxyStatus.REPORTED:
        _refuse("status", _("Decision: this report has already been decided."))
    note = (note or "").strip()
    if not confirm and not note:
        _refuse("decision_note", _("Decision note: say why the report is rejected."))
    with transaction.atomic():
        report = ProxyReport.objects.select_for_update().select_related("mark__member", "by_member").get(pk=report.pk)
        before = model_snapshot(report, PROXY_FIELDS)
        report.status = ProxyStatus.CONFIRMED if confirm else ProxyStatus.REJECTED
        report.decided_by, report.decided_at, report.decision_note = actor, at, note[:300]
        report.save()
        audit_record(actor=actor, action="transition", obj=report, summary=_("Proxy check-in %(decision)s") % {
            "decision": report.get_status_display()}, before=before, after=model_snapshot(report, PROXY_FIELDS))
        if confirm:
            mark = report.mark
            days = Decimal(daily_policy(mark.day).roll_call.proxy_absence_days)
            mark_before = model_snapshot(mark, MARK_FIELDS)
            points_entry_withdraw(origin=mark.origin, by=actor, reason=_("Confirmed proxy check-in"), at=at)
            mark.status, mark.absence_days, mark.proxy, mark.points_rev = rules.ABSENT, days, True, mark.points_rev + 1
            mark.save()
            audit_record(actor=actor, action="update", obj=mark, summary=_("Mark of %(name)s: proxy check-in "
                                                                          "confirmed") % {"name": mark.member.name},
                         before=mark_before, after=model_snapshot(mark, MARK_FIELDS))
            _points_for(mark, by=actor, at=at)
            shift_name = _shift_label(mark.day, mark.shift_code)
            points_entry_automatic(member=report.by_member, rule_code="absence", date=mark.day,
                                   origin=f"duty.proxy:{report.pk}", quantity=days, evidence=_(
                                       "%(day)s %(shift)s checked in for %(name)s (confirmed proxy check-in): "
                                       "absence without leave") % {"day": mark.day.isoformat(), "shift": shift_name,
                                                                   "name": mark.member.name},
                                   recorded_by=actor, at=at)
    return report


# --- §5.3.1 end-of-shift sweep --------------------------------------------------------------------------

def rollcall_sweep(*, at: dt.datetime, day: dt.date | None = None, shift_code: str | None = None) -> Counter:
    """§5.3.1 no mark by the shift end = 旷工: for each shift that has ended (of ``day``, or of today and
    yesterday), every rostered member on the roster with no mark gets an ``absent`` mark and its
    ``absence`` points entry; a member on approved leave (``on_leave_ids``, which also covers leave not
    reported back — the leave app counts those days) gets an ``on_leave`` mark and no points.
    Idempotent and set-based (meant for cron / a systemd timer)."""
    now = _local(at)
    days = [day] if day is not None else [now.date() - dt.timedelta(days=1), now.date()]
    counts: Counter = Counter()
    for d in days:
        daily = daily_policy(d)
        shifts = [daily.shift(shift_code)] if shift_code else list(daily.shifts)
        if shift_code and shifts[0] is None:
            _refuse("shift_code", _("Shift: “%(code)s” is not a shift of the policy in force on %(day)s.") % {
                "code": shift_code, "day": d.isoformat()})
        for shift in shifts:
            if shift.ends_at(d) > now:
                continue
            counts += _sweep_one(d, shift, daily.roll_call, at)
    return counts


def _sweep_one(day: dt.date, shift, roll_call, at: dt.datetime) -> Counter:
    missing = list(RosterAssignment.objects.filter(day=day, shift_code=shift.code, member__status__in=ON_ROSTER)
                   .exclude(member_id__in=Mark.objects.filter(day=day, shift_code=shift.code).values("member_id"))
                   .values_list("member_id", flat=True))
    if not missing:
        return Counter()
    on_leave = _on_leave(day, missing)
    new = [Mark(member_id=mid, day=day, shift_code=shift.code,
                status=rules.ON_LEAVE if mid in on_leave else rules.ABSENT,
                absence_days=Decimal(0) if mid in on_leave else Decimal(roll_call.no_mark_absence_days),
                method=MarkMethod.SWEEP, created_at=at) for mid in missing]
    with transaction.atomic():
        Mark.objects.bulk_create(new, ignore_conflicts=True)
        saved = list(Mark.objects.filter(day=day, shift_code=shift.code, method=MarkMethod.SWEEP, created_at=at,
                                         member_id__in=missing).select_related("member"))
        audit_record_many(actor=None, changes=[
            Change("create", Mark._meta.label_lower, str(m.pk), str(m), _(
                "End-of-shift sweep: %(name)s %(status)s") % {"name": m.member.name,
                                                             "status": m.get_status_display()},
                None, model_snapshot(m, MARK_FIELDS)) for m in saved], returning=False)
        for m in saved:
            _points_for(m, by=None, at=at)
    return Counter(m.status for m in saved)


__all__ = ["area_create", "area_update", "site_create", "site_delete", "roster_save", "roster_copy", "roster_delete",
           "checkin", "rollcall_take", "mark_correct", "proxy_report", "proxy_decide", "rollcall_sweep",
           "MarkStatus", "PRESENT", "LATE", "ABSENT", "LEAVE"]
