"""§5.3.4 请销假 writes: ask for leave, decide, cancel, report back (销假), flag overdue leave, set a deputy.

Every service takes keyword-only arguments, runs in one transaction, records each move of a request as an
append-only :class:`~auxpost.leave.models.LeaveTransition` and writes an audit link in the same
transaction. Refusals:

- ``django.core.exceptions.ValidationError`` keyed by field with Chinese messages — bad input (400);
  a year of the §11 calendar not yet entered is such an error, with the calendar's own message;
- :class:`Refused` code ``forbidden`` (403) — not the member's own request, or not the approver the
  length of the leave requires (the message names who may decide);
- ``Refused`` code ``out_of_order`` (409) — not from this status (the message names the status).

Decisions (DECISIONS.md): 销假 closes the request when the member reports back (no second confirmation);
days of 旷工 written for an overdue leave stay when the member reports back late — they are pending
deductions that the points approver may reject on the points pages (§10 second person).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role, RoleAssignment
from auxpost.audit.services import audit_record, model_snapshot
from auxpost.files.services import attachments_store
from auxpost.leave import rules
from auxpost.leave.models import (
    BLOCKING,
    OUT,
    ApproverLevel,
    Deputy,
    LeaveRequest,
    LeaveStatus,
    LeaveTransition,
)
from auxpost.org.models import Unit, UnitKind
from auxpost.people.models import ON_ROSTER, Member
from auxpost.policy.selectors import PolicyNotFound, policy_in_force
from auxpost.workcal import rules as cal
from auxpost.workcal.selectors import CalendarYearMissing, schedule

#: The purpose code of a stored medical note (``files.Attachment.purpose``).
NOTE_PURPOSE = "leave.medical_note"
REASON_MAX = 1000
NOTE_MAX = 300
SNAPSHOT = ["member_id", "type_code", "start", "start_half", "end", "end_half", "days", "counting", "status",
            "approver_level", "approval_unit_id", "hr_copy", "report_back_due", "returned_on", "overdue_since"]


class Refused(Exception):  # noqa: N818 - the name says what happened
    """A move refused: ``code`` "forbidden" (403) or "out_of_order" (409); ``message`` is Chinese."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _local(at: dt.datetime) -> dt.date:
    return timezone.localdate(at) if timezone.is_aware(at) else at.date()


def _move(req: LeaveRequest, *, to: str, by, at: dt.datetime, note: str = "", summary: str, before: dict) -> None:
    frm = req.status
    req.status = to
    req.save()
    LeaveTransition.objects.create(request=req, by=by, at=at, from_status=frm, to_status=to, note=note[:NOTE_MAX])
    audit_record(actor=by, action="transition", obj=req, summary=summary, before=before,
                 after=model_snapshot(req, SNAPSHOT))


# --- the quote: length, entitlement and clash checks --------------------------------------------------------


def approval_unit(member: Member, level: str) -> Unit | None:
    """The unit whose leader approves: the member's 中队 (``squadron``) or 大队 (``brigade``); None for 局领导.
    A member placed above that level goes to the next level up that exists over them."""
    if level == ApproverLevel.BUREAU:
        return None
    unit = member.unit
    parts = [p for p in unit.path.split("/") if p]
    prefixes = ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    chain = {u.kind: u for u in Unit.objects.filter(path__in=prefixes)}
    if level == ApproverLevel.SQUADRON and UnitKind.SQUADRON in chain:
        return chain[UnitKind.SQUADRON]
    return chain.get(UnitKind.BRIGADE)


def annual_taken(member: Member, year: int, *, exclude_pk: int | None = None) -> Decimal:
    """年休假 days of ``year`` approved or waiting (one indexed query on the member's requests)."""
    qs = LeaveRequest.objects.filter(member=member, type_code="annual", status__in=BLOCKING,
                                     start__gte=dt.date(year, 1, 1), start__lte=dt.date(year, 12, 31))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(s=Sum("days"))["s"] or Decimal(0)


def _clash(member: Member, start, start_half, end, end_half, exclude_pk) -> str:
    """Another submitted or taken request of the member sharing a half day with the period, described
    ("事假 2026-06-01至2026-06-02"), or "". One query on the (member, start) index: its cost grows with
    that member's requests only, never with the table."""
    qs = LeaveRequest.objects.filter(member=member, start__lte=end, end__gte=start, status__in=BLOCKING)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    for o in qs.only("type_name", "start", "start_half", "end", "end_half"):
        if rules.overlaps(start, start_half, end, end_half, o.start, o.start_half, o.end, o.end_half):
            return f"{o.type_name} {o.start:%Y-%m-%d}至{o.end:%Y-%m-%d}"
    return ""


def service_start(member: Member) -> dt.date:
    """The start of total service for 年休假: the date the member started working, else the hire date."""
    return member.work_start_date or member.hire_date


def leave_quote(*, member: Member, type_code: str, start: dt.date | None, end: dt.date | None,
                start_half: str = rules.AM, end_half: str = rules.PM, difficult_birth: bool = False,
                babies: int = 1, notes: int = 0, exclude_pk: int | None = None) -> dict:
    """§5.3.4 the length of a proposed leave and what refuses it, without writing: {days, counting,
    policy_version, approver, hr_copy, errors {field: Chinese}, policy (the LeavePolicy used)} (the form's
    live count uses it too)."""
    out = {"days": Decimal(0), "counting": "", "policy_version": "", "approver": "", "hr_copy": False, "errors": {},
           "policy": None}
    if start is None:
        out["errors"] = {"start": _("First day: required.")}
        return out
    try:
        bundle = policy_in_force(start)
    except PolicyNotFound as exc:
        out["errors"] = {"start": exc.message}
        return out
    lp = bundle.daily.leave
    lt = lp.type(type_code)
    out["policy_version"], out["policy"] = bundle.version, lp
    out["counting"] = lt.counting if lt else ""
    taken = Decimal(0)
    if type_code == "annual" and start is not None:
        taken = annual_taken(member, start.year, exclude_pk=exclude_pk)
    clash = ""
    if start is not None and end is not None and end >= start and start_half in (rules.AM, rules.PM) \
            and end_half in (rules.AM, rules.PM):
        clash = _clash(member, start, start_half, end, end_half, exclude_pk)
    proposal = rules.Proposal(type_code=type_code, start=start, end=end, start_half=start_half, end_half=end_half,
                              difficult_birth=difficult_birth, babies=babies, annual_taken=taken,
                              service_years=rules.service_years(service_start(member), start), notes=notes,
                              clash=clash)
    try:
        days, errors = rules.check(proposal, lp, schedule())
    except cal.YearNotConfirmed as exc:
        out["errors"] = {"end": CalendarYearMissing(exc.year).message}
        return out
    out["days"] = days
    out["errors"] = errors
    if days > 0:
        out["approver"] = lp.approver_for(days)
        out["hr_copy"] = days > lp.hr_copy_over_days
    return out


# --- create, submit ----------------------------------------------------------------------------------------


def leave_create(*, member: Member, by, type_code: str, start: dt.date | None, end: dt.date | None,
                 start_half: str = rules.AM, end_half: str = rules.PM, reason: str, difficult_birth: bool = False,
                 babies: int = 1, notes=(), submit: bool = True, at: dt.datetime) -> LeaveRequest:
    """§5.3.4 a member asks for leave (submitted at once, or kept as a draft). The length is counted on
    the §11 calendar under the policy in force on the first day and stored with its counting mode and the
    policy version; the approver follows from the length (≤1 day 中队长, ≤3 days 大队长, longer 局领导),
    longer than ``hr_copy_over_days`` is copied to the HR company. Only the member asks for their own leave.
    ``notes`` are checked uploads (``auxpost.files.forms.clean_uploads``), stored in the same transaction
    as medical notes; 病假 of ``note_from_days`` or more needs at least one."""
    if by is None or getattr(member, "user_id", None) != by.pk:
        raise Refused(_("Only the member may ask for their own leave."), "forbidden")
    if member.status not in ON_ROSTER:
        raise Refused(_("A member who is not on the roster cannot ask for leave."), "out_of_order")
    reason = (reason or "").strip()
    notes = list(notes)
    quote = leave_quote(member=member, type_code=type_code, start=start, end=end, start_half=start_half,
                        end_half=end_half, difficult_birth=difficult_birth, babies=babies, notes=len(notes))
    errors = dict(quote["errors"])
    if not reason:
        errors["reason"] = _("Reason: required.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("Reason: at most %(n)s characters.") % {"n": REASON_MAX}
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    lp = quote["policy"]
    level = quote["approver"]
    with transaction.atomic():
        # Lock the member row: two requests of one member at once cannot both pass the clash check.
        Member.objects.select_for_update().filter(pk=member.pk).first()
        if clash := _clash(member, start, start_half, end, end_half, None):
            raise ValidationError({"start": [f"开始日期：与已申请的{clash}时间重叠。"]})
        req = LeaveRequest.objects.create(
            member=member, type_code=type_code, type_name=lp.type(type_code).name, start=start,
            start_half=start_half, end=end, end_half=end_half, reason=reason, difficult_birth=difficult_birth,
            babies=babies, days=quote["days"], counting=quote["counting"], policy_version=quote["policy_version"],
            status=LeaveStatus.DRAFT, approver_level=level, approval_unit=approval_unit(member, level),
            hr_copy=quote["hr_copy"], created_by=by, created_at=at)
        if notes:
            req.medical_notes.set(attachments_store(uploads=notes, purpose=NOTE_PURPOSE, uploaded_by=by,
                                                    member=member, at=at))
        LeaveTransition.objects.create(request=req, by=by, at=at, from_status="", to_status=LeaveStatus.DRAFT)
        audit_record(actor=by, action="create", obj=req, summary=_("Leave request created"),
                     after=model_snapshot(req, SNAPSHOT))
        if submit:
            _submit(req, by=by, at=at)
    return req


def _submit(req: LeaveRequest, *, by, at) -> None:
    before = model_snapshot(req, SNAPSHOT)
    req.submitted_at = at
    _move(req, to=LeaveStatus.SUBMITTED, by=by, at=at, summary=_("Leave request submitted"), before=before)


def leave_submit(*, request: LeaveRequest, by, at: dt.datetime) -> LeaveRequest:
    """§5.3.4 the member submits a draft (the checks run again: the calendar or other requests may have moved)."""
    if by is None or request.member.user_id != by.pk:
        raise Refused(_("Only the member may submit their own leave request."), "forbidden")
    if request.status != LeaveStatus.DRAFT:
        raise Refused(_("Only a draft can be submitted; this request is “%(status)s”.")
                      % {"status": request.get_status_display()}, "out_of_order")
    quote = leave_quote(member=request.member, type_code=request.type_code, start=request.start, end=request.end,
                        start_half=request.start_half, end_half=request.end_half,
                        difficult_birth=request.difficult_birth, babies=request.babies,
                        notes=_notes_count(request), exclude_pk=request.pk)
    if quote["errors"]:
        raise ValidationError({k: [v] for k, v in quote["errors"].items()})
    with transaction.atomic():
        req = LeaveRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
        req.days, req.approver_level, req.hr_copy = quote["days"], quote["approver"], quote["hr_copy"]
        req.approval_unit = approval_unit(req.member, req.approver_level)
        _submit(req, by=by, at=at)
    return req


def _notes_count(req: LeaveRequest) -> int:
    return req.medical_notes.count()


# --- who decides ------------------------------------------------------------------------------------------


def principal_q_parts(user) -> tuple[bool, list[int]]:
    """(holds 局领导, ids of the units where the user is the leader) — what the user approves as principal."""
    ras = scope.role_assignments(user)
    bureau = any(ra.role == Role.BUREAU for ra in ras)
    units = [ra.unit_id for ra in ras if ra.role == Role.LINE_MANAGER and ra.unit_id]
    return bureau, units


def is_principal(user, req: LeaveRequest) -> bool:
    bureau, units = principal_q_parts(user)
    if req.approver_level == ApproverLevel.BUREAU:
        return bureau
    return req.approval_unit_id in units


def absent_principals(user, today: dt.date) -> list:
    """The approvers who named ``user`` their deputy and are on approved leave ``today``."""
    from auxpost.leave.selectors import on_leave_ids

    links = list(Deputy.objects.filter(deputy=user).select_related("principal", "principal__member"))
    members = {}
    for d in links:
        m = getattr(d.principal, "member", None) if _has_member(d.principal) else None
        if m is not None:
            members[m.pk] = d.principal
    if not members:
        return []
    away = on_leave_ids(today, member_ids=list(members))
    return [members[mid] for mid in away]


def _has_member(user) -> bool:
    try:
        return user.member is not None
    except Exception:  # RelatedObjectDoesNotExist
        return False


def who_decides(req: LeaveRequest) -> str:
    """The approver the length requires, named for an error message."""
    level = ApproverLevel(req.approver_level).label
    if req.approval_unit_id:
        return f"{req.approval_unit.name}{level}"
    return str(level)


def can_decide(user, req: LeaveRequest, today: dt.date) -> bool:
    """The approver the length requires (or the deputy of an absent one); never the member themself."""
    if user is None or not user.is_authenticated or req.member.user_id == user.pk:
        return False
    if is_principal(user, req):
        return True
    return any(is_principal(p, req) for p in absent_principals(user, today))


def may_cancel_as_approver(user, req: LeaveRequest, today: dt.date) -> bool:
    """The approver of an approved request (or their deputy while they are away) may cancel it."""
    if user is None or not user.is_authenticated or req.member.user_id == user.pk:
        return False
    return is_principal(user, req) or can_decide(user, req, today)


def leave_decide(*, request: LeaveRequest, by, approve: bool, note: str = "", at: dt.datetime) -> LeaveRequest:
    """§5.3.4 the approver approves or rejects a submitted request. Only the approver the length requires
    (中队长 of the member's 中队 for ≤1 day, 大队长 for ≤3 days, 局领导 beyond) or the deputy of that approver
    while the approver is on leave; never the member. Approval fixes the report-back deadline (the
    ``report_back_working_days``-th working day after the last day). A rejection needs a reason."""
    today = _local(at)
    if request.status != LeaveStatus.SUBMITTED:
        raise Refused(_("Only a request awaiting approval can be decided; this one is “%(status)s”.")
                      % {"status": request.get_status_display()}, "out_of_order")
    if by is not None and request.member.user_id == by.pk:
        raise Refused(_("Nobody approves their own leave: %(who)s decides this request.")
                      % {"who": who_decides(request)}, "forbidden")
    if not can_decide(by, request, today):
        raise Refused(_("Only %(who)s (or their deputy while they are on leave) decides this request.")
                      % {"who": who_decides(request)}, "forbidden")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": [_("Note: give the reason for the rejection.")]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("Note: at most %(n)s characters.") % {"n": NOTE_MAX}]})
    due = None
    if approve:
        lp = policy_in_force(request.start).daily.leave
        try:
            due = rules.report_back_due(request.end, lp.report_back_working_days, schedule())
        except cal.YearNotConfirmed as exc:
            raise ValidationError({"end": [CalendarYearMissing(exc.year).message]}) from None
    with transaction.atomic():
        req = (LeaveRequest.objects.select_for_update(of=("self",)).select_related("member", "approval_unit")
               .get(pk=request.pk))
        if req.status != LeaveStatus.SUBMITTED:
            raise Refused(_("Only a request awaiting approval can be decided; this one is “%(status)s”.")
                          % {"status": req.get_status_display()}, "out_of_order")
        before = model_snapshot(req, SNAPSHOT)
        req.decided_by, req.decided_at, req.decision_note = by, at, note
        req.report_back_due = due
        if approve:
            _move(req, to=LeaveStatus.APPROVED, by=by, at=at, note=note, summary=_("Leave approved"), before=before)
        else:
            _move(req, to=LeaveStatus.REJECTED, by=by, at=at, note=note, summary=_("Leave rejected"), before=before)
    return req


# --- cancel, report back -------------------------------------------------------------------------------


def leave_cancel(*, request: LeaveRequest, by, reason: str = "", at: dt.datetime) -> LeaveRequest:
    """§5.3.4 cancel a request before its first day: the member (a draft, a waiting or an approved request),
    or the approver of an approved one (with a reason). Once the leave has begun it ends by 销假."""
    today = _local(at)
    own = by is not None and request.member.user_id == by.pk
    if request.status not in (LeaveStatus.DRAFT, LeaveStatus.SUBMITTED, LeaveStatus.APPROVED):
        raise Refused(_("This request is “%(status)s” and can no longer be cancelled.")
                      % {"status": request.get_status_display()}, "out_of_order")
    if not own:
        if request.status != LeaveStatus.APPROVED or not may_cancel_as_approver(by, request, today):
            raise Refused(_("Only the member, or %(who)s once it is approved, may cancel this request.")
                          % {"who": who_decides(request)}, "forbidden")
    if today >= request.start:
        raise Refused(_("The leave began on %(date)s; it can no longer be cancelled, report back instead.")
                      % {"date": request.start.isoformat()}, "out_of_order")
    reason = (reason or "").strip()
    if not own and not reason:
        raise ValidationError({"reason": [_("Reason: give the reason for cancelling an approved leave.")]})
    with transaction.atomic():
        req = LeaveRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
        before = model_snapshot(req, SNAPSHOT)
        _move(req, to=LeaveStatus.CANCELLED, by=by, at=at, note=reason, summary=_("Leave cancelled"), before=before)
    return req


def leave_report_back(*, request: LeaveRequest, by, at: dt.datetime) -> LeaveRequest:
    """§5.3.4 销假: the member reports back, from the leave's last day on; it closes the request. Reported
    after the deadline, the working days between the last day and the report are 旷工 (written here, as the
    overdue check would; entries already written stay)."""
    if by is None or request.member.user_id != by.pk:
        raise Refused(_("Only the member reports back from their own leave."), "forbidden")
    if request.status not in OUT:
        raise Refused(_("Only an approved leave is reported back; this one is “%(status)s”.")
                      % {"status": request.get_status_display()}, "out_of_order")
    today = _local(at)
    if today < request.end:
        raise Refused(_("The leave runs until %(date)s; report back from that day on.")
                      % {"date": request.end.isoformat()}, "out_of_order")
    with transaction.atomic():
        req = LeaveRequest.objects.select_for_update(of=("self",)).select_related("member").get(pk=request.pk)
        before = model_snapshot(req, SNAPSHOT)
        req.reported_back_at, req.returned_on = at, today
        late = req.report_back_due is not None and today > req.report_back_due
        _move(req, to=LeaveStatus.RETURNED, by=by, at=at, summary=_("Reported back from leave"), before=before,
              note=_("late") if late else "")
        if late:
            _absence_entries(req, until=today, at=at)
    return req


# --- overdue -------------------------------------------------------------------------------------------


def _absence_entries(req: LeaveRequest, *, until: dt.date, at: dt.datetime) -> int:
    """One ``absence`` (旷工) entry per working day after the leave's end and before ``until``; idempotent
    by origin ``leave.request:<pk>:<date>``. Returns how many were written."""
    from auxpost.points.services import points_entry_automatic

    try:
        days = rules.overdue_days(req.end, until, schedule())
    except cal.YearNotConfirmed:
        return 0
    written = 0
    last = _local(at)
    for d in days:
        if d > last:  # a check run for a later date writes only the days that have passed
            break
        evidence = (f"{d:%Y-%m-%d} {req.type_name}（{req.start:%Y-%m-%d}至{req.end:%Y-%m-%d}）期满未按时销假"
                    f"（应于{req.report_back_due:%Y-%m-%d}前销假），计旷工1天")
        if points_entry_automatic(member=req.member, rule_code="absence", date=d, origin=f"leave.request:{req.pk}:{d}",
                                  quantity=1, evidence=evidence, recorded_by=None, at=at) is not None:
            written += 1
    return written


def leave_overdue_run(*, day: dt.date, at: dt.datetime) -> Counter:
    """§5.3.4 the daily overdue check (cron, idempotent): approved leave not reported back by its deadline
    (before ``day``) is flagged 逾期未销假 and gets one 旷工 entry per working day after its end and
    before ``day``; run again, it writes only the days not yet written."""
    counts: Counter = Counter()
    qs = (LeaveRequest.objects.filter(status__in=OUT, report_back_due__lt=day)
          .select_related("member").order_by("pk"))
    for req in qs.iterator(chunk_size=500):
        with transaction.atomic():
            if req.status == LeaveStatus.APPROVED:
                before = model_snapshot(req, SNAPSHOT)
                req.overdue_since = req.report_back_due + dt.timedelta(days=1)
                _move(req, to=LeaveStatus.OVERDUE, by=None, at=at, summary=_("Leave not reported back in time"),
                      before=before)
                counts["flagged"] += 1
            counts["absence_entries"] += _absence_entries(req, until=day, at=at)
        counts["overdue"] += 1
    return counts


# --- deputies ------------------------------------------------------------------------------------------


def deputy_refusal(principal, deputy) -> str | None:
    """Why ``deputy`` cannot stand in for ``principal`` (None = can): the deputy needs the same or higher
    authority over every unit the principal approves for (a leader of that unit or above, or 局领导)."""
    if deputy is None:
        return _("Deputy: choose a user.")
    if deputy.pk == principal.pk:
        return _("Deputy: you cannot be your own deputy.")
    bureau, units = principal_q_parts(principal)
    if not bureau and not units:
        return _("Deputy: only an approver of leave names a deputy.")
    d_bureau, d_units = principal_q_parts(deputy)
    if d_bureau:
        return None
    if bureau:
        return _("Deputy: %(name)s is not bureau leadership.") % {"name": deputy}
    d_paths = list(Unit.objects.filter(pk__in=d_units).values_list("path", flat=True))
    for path in Unit.objects.filter(pk__in=units).values_list("path", flat=True):
        if not any(path.startswith(p) for p in d_paths):
            return _("Deputy: %(name)s does not lead your unit or a unit above it.") % {"name": deputy}
    return None


def deputy_set(*, principal, deputy, by, at: dt.datetime) -> Deputy | None:
    """§5.3.4 an approver names (or clears, ``deputy`` None) the deputy who takes their approval queue
    while they are on leave. Set by the approver themself."""
    if by is None or by.pk != principal.pk:
        raise Refused(_("Only the approver names their own deputy."), "forbidden")
    with transaction.atomic():
        current = Deputy.objects.select_for_update().filter(principal=principal).first()
        if deputy is None:
            if current is not None:
                audit_record(actor=by, action="delete", obj=current, summary=_("Deputy approver cleared"),
                             before={"deputy_id": current.deputy_id})
                current.delete()
            return None
        if (why := deputy_refusal(principal, deputy)) is not None:
            raise ValidationError({"deputy": [why]})
        before = {"deputy_id": current.deputy_id} if current else None
        if current is None:
            current = Deputy(principal=principal)
        current.deputy, current.set_by, current.set_at = deputy, by, at
        current.save()
        audit_record(actor=by, action="update" if before else "create", obj=current,
                     summary=_("Deputy approver set"), before=before, after={"deputy_id": deputy.pk})
    return current


def deputy_candidates(principal):
    """Users who may stand in for ``principal`` (the deputy rule), for the settings form."""
    from django.contrib.auth import get_user_model

    bureau, units = principal_q_parts(principal)
    User = get_user_model()
    bureau_users = RoleAssignment.objects.filter(role=Role.BUREAU).values("user_id")
    if bureau:
        return User.objects.filter(pk__in=bureau_users).exclude(pk=principal.pk).order_by("username")
    paths = list(Unit.objects.filter(pk__in=units).values_list("path", flat=True))
    above: set[str] = set()
    for path in paths:
        parts = [p for p in path.split("/") if p]
        above.update("/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1))
    leaders = RoleAssignment.objects.filter(role=Role.LINE_MANAGER, unit__path__in=above).values("user_id")
    users = User.objects.filter(pk__in=leaders) | User.objects.filter(pk__in=bureau_users)
    return [u for u in users.exclude(pk=principal.pk).distinct().order_by("username")
            if deputy_refusal(principal, u) is None]
