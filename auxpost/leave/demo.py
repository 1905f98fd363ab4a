"""§5.3.4 demo data for 请销假 in the demo district.

About one member in eight of the on-roster members gets leave, spread over the last months and the
coming weeks: past leave reported back (事假, 病假, 年休假, 婚假), leave under way today, requests waiting
for approval (1-day ones in ``squadron1``'s queue), one rejected and one cancelled request, and one
leave not reported back in time (flagged overdue, with its 旷工 days as pending points entries). The
demo login ``member1`` has a past 年休假 reported back and a 1-day 事假 waiting for ``squadron1``.
Lengths are counted by the same quote the form uses (the §11 calendar); a period the calendar cannot
count (a year not yet entered) is skipped. Runs once on a fresh demo; it changes no member's status.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils import timezone

from auxpost.accounts.models import Role, RoleAssignment, User
from auxpost.audit.services import Change, audit_record_many
from auxpost.leave import services
from auxpost.leave.models import LeaveRequest, LeaveStatus, LeaveTransition
from auxpost.people.models import ON_ROSTER, Member
from auxpost.workcal.selectors import add_working_days

REASONS = {
    "personal": ["家中老人住院需陪护", "孩子升学报名", "办理房产过户手续", "家中装修验收"],
    "sick": ["急性肠胃炎就诊", "腰椎间盘突出复查", "发热就医"],
    "annual": ["年休假探亲", "年休假外出旅游", "年休假休整"],
    "marriage": ["本人结婚"],
    "bereavement": ["直系亲属丧事"],
}


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _workday_on_or_after(day: dt.date) -> dt.date:
    return add_working_days(day, 1)


def _approver(req: LeaveRequest, leaders: dict[int, User], bureau: User | None) -> User | None:
    if req.approver_level == "bureau":
        return bureau
    return leaders.get(req.approval_unit_id) or bureau


def _make(member: Member, type_code: str, start: dt.date, n_days: int, final: str, *, today: dt.date,
          leaders: dict[int, User], bureau: User | None, changes: list[Change], note: str = "") -> LeaveRequest | None:
    """One request through its life up to ``final`` (history and audit included); None if not countable."""
    try:
        start = _workday_on_or_after(start)
        end = add_working_days(start, n_days) if type_code != "marriage" else start + dt.timedelta(days=n_days - 1)
    except Exception:  # CalendarYearMissing: a year not entered yet — skip, never guess
        return None
    q = services.leave_quote(member=member, type_code=type_code, start=start, end=end)
    if q["errors"]:
        return None
    asked = min(start - dt.timedelta(days=5), today)
    level = q["approver"]
    req = LeaveRequest.objects.create(
        member=member, type_code=type_code, type_name=dict(
            personal="事假", sick="病假", annual="年休假", marriage="婚假", bereavement="丧假")[type_code],
        start=start, end=end, reason=REASONS[type_code][member.pk % len(REASONS[type_code])], days=q["days"],
        counting=q["counting"], policy_version=q["policy_version"], status=LeaveStatus.SUBMITTED,
        approver_level=level, approval_unit=services.approval_unit(member, level), hr_copy=q["hr_copy"],
        submitted_at=_at(asked), created_by=member.user, created_at=_at(asked))
    steps = [("", LeaveStatus.DRAFT, member.user, asked, ""), (LeaveStatus.DRAFT, LeaveStatus.SUBMITTED,
                                                                 member.user, asked, "")]
    approver = _approver(req, leaders, bureau)
    decided = asked + dt.timedelta(days=1) if asked + dt.timedelta(days=1) <= today else asked
    if final in (LeaveStatus.APPROVED, LeaveStatus.RETURNED, LeaveStatus.OVERDUE, LeaveStatus.CANCELLED):
        req.status, req.decided_by, req.decided_at = LeaveStatus.APPROVED, approver, _at(decided, 10)
        req.report_back_due = add_working_days(end + dt.timedelta(days=1), 1)
        steps.append((LeaveStatus.SUBMITTED, LeaveStatus.APPROVED, approver, decided, ""))
    if final == LeaveStatus.REJECTED:
        req.status, req.decided_by, req.decided_at, req.decision_note = (LeaveStatus.REJECTED, approver,
                                                                         _at(decided, 10), note or "近期任务繁重，请改期")
        steps.append((LeaveStatus.SUBMITTED, LeaveStatus.REJECTED, approver, decided, req.decision_note))
    if final == LeaveStatus.CANCELLED:
        req.status = LeaveStatus.CANCELLED
        steps.append((LeaveStatus.APPROVED, LeaveStatus.CANCELLED, member.user, decided, "行程取消"))
    if final == LeaveStatus.RETURNED:
        back = min(req.report_back_due, today)
        req.status, req.returned_on, req.reported_back_at = LeaveStatus.RETURNED, back, _at(back, 8)
        steps.append((LeaveStatus.APPROVED, LeaveStatus.RETURNED, member.user, back, ""))
    if final == LeaveStatus.OVERDUE:
        req.status, req.overdue_since = LeaveStatus.OVERDUE, req.report_back_due + dt.timedelta(days=1)
        steps.append((LeaveStatus.APPROVED, LeaveStatus.OVERDUE, None, req.overdue_since, ""))
    req.save()
    LeaveTransition.objects.bulk_create([LeaveTransition(request=req, from_status=f, to_status=t, by=by, at=_at(d),
                                                         note=n) for f, t, by, d, n in steps])
    changes.append(Change("create", "leave.leaverequest", str(req.pk), str(req), "demo leave",
                          after={"member_id": member.pk, "status": req.status, "days": str(req.days)}))
    return req


@transaction.atomic
def load(*, today: dt.date) -> Counter:
    """Add the leave demo (see the module docstring); returns what was created. Does nothing once any
    leave request exists (the demo runs once on a fresh district; ``auxpost demo`` may be run again)."""
    counts: Counter = Counter()
    if LeaveRequest.objects.exists():
        return counts
    bureau = User.objects.filter(username="bureau").first()
    leaders = {ra.unit_id: ra.user for ra in RoleAssignment.objects.filter(role=Role.LINE_MANAGER)
               .select_related("user").order_by("pk") if ra.unit_id}
    members = list(Member.objects.filter(status__in=ON_ROSTER).select_related("unit", "user").order_by("pk"))
    changes: list[Change] = []
    demo_member = next((m for m in members if m.user_id and m.user.username == "member1"), None)
    picked = [m for m in members if m.pk % 8 == 3 and m is not demo_member]
    plan = [
        # (offset of the first day from today, type, working days, final status)
        (-150, "annual", 5, LeaveStatus.RETURNED), (-120, "personal", 1, LeaveStatus.RETURNED),
        (-90, "sick", 1, LeaveStatus.RETURNED), (-60, "personal", 2, LeaveStatus.RETURNED),
        (-45, "marriage", 10, LeaveStatus.RETURNED), (-30, "annual", 3, LeaveStatus.RETURNED),
        (-20, "personal", 1, LeaveStatus.REJECTED), (-1, "annual", 4, LeaveStatus.APPROVED),
        (0, "personal", 2, LeaveStatus.APPROVED), (0, "sick", 1, LeaveStatus.APPROVED),
        (3, "personal", 1, LeaveStatus.SUBMITTED), (5, "personal", 2, LeaveStatus.SUBMITTED),
        (8, "annual", 5, LeaveStatus.SUBMITTED), (10, "personal", 1, LeaveStatus.CANCELLED),
        (14, "annual", 2, LeaveStatus.APPROVED), (-10, "bereavement", 3, LeaveStatus.RETURNED),
    ]
    for i, member in enumerate(picked):
        offset, type_code, n, final = plan[i % len(plan)]
        start = today + dt.timedelta(days=offset - (i // len(plan)) * 2)
        if final in (LeaveStatus.RETURNED, LeaveStatus.REJECTED) and start + dt.timedelta(days=n + 3) > today:
            continue
        if _make(member, type_code, start, n, final, today=today, leaders=leaders, bureau=bureau,
                 changes=changes) is not None:
            counts[f"leave_{final}"] += 1
    # one leave not reported back in time: ended a week ago, its days of 旷工 written as pending entries
    late = next((m for m in members if m.pk % 8 == 5 and m is not demo_member), None)
    if late is not None:
        start = today - dt.timedelta(days=12)
        req = _make(late, "personal", start, 2, LeaveStatus.OVERDUE, today=today, leaders=leaders, bureau=bureau,
                    changes=changes)
        if req is not None and req.report_back_due < today:
            counts["leave_overdue"] += 1
            counts["absence_entries"] += services._absence_entries(req, until=today, at=_at(today, 6))
        elif req is not None:  # too close to today to be overdue: leave it approved
            req.status, req.overdue_since = LeaveStatus.APPROVED, None
            req.save(update_fields=["status", "overdue_since"])
    if demo_member is not None:
        if _make(demo_member, "annual", today - dt.timedelta(days=70), 3, LeaveStatus.RETURNED, today=today,
                 leaders=leaders, bureau=bureau, changes=changes):
            counts["leave_returned"] += 1
        if _make(demo_member, "personal", today + dt.timedelta(days=4), 1, LeaveStatus.SUBMITTED, today=today, leaders=leaders,
                 bureau=bureau, changes=changes):
            counts["leave_submitted"] += 1
    audit_record_many(actor=None, changes=changes, returning=False)
    return counts
