"""§10 Points (岗位积分) writes: record an entry, approve or reject a deduction, appeal an entry and
decide the appeal (upheld → a reversing entry), settle a year for the whole district.

Every service takes keyword-only arguments and the time ``at`` it acts at, runs in one
transaction, and writes its audit link in that same transaction. Errors are
``django.core.exceptions.ValidationError`` keyed by field, with Chinese messages naming the field.

The ledger is append-only: an entry's substance (member, date, rule, points) never changes and no
entry is deleted. A deduction waits for a second person; a correction is a new entry reversing
an earlier one, dated like it so it nets out in the same year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.audit.services import Change, audit_record, audit_record_many, model_snapshot
from auxpost.core.bulk import insert_many, update_many
from auxpost.people.models import ON_ROSTER, Member, MemberStatus
from auxpost.points.models import (
    AnnualPoints,
    AnnualSource,
    AppealStatus,
    EntryStatus,
    PointsAppeal,
    PointsEntry,
    Source,
)
from auxpost.points.rules import PointsRuleError, points_for, settle_sums
from auxpost.points.selectors import (
    DECIDER_ROLES,
    MANAGER_ROLES,
    SETTLE_ROLES,
    appealable,
    ledger_year_aggregates,
    member_in_scope,
    sees_all,
)
from auxpost.policy.selectors import PolicyNotFound, policy_in_force

EVIDENCE_MAX = PointsEntry._meta.get_field("evidence").max_length
REASON_MAX = 2000
REJECTION_MAX = PointsEntry._meta.get_field("rejection_reason").max_length
FIRST_YEAR = 2000  # no ledger or settlement before this year

ENTRY_FIELDS = ["member", "date", "rule_code", "rule_name", "quantity", "points", "source", "evidence", "status",
                "policy_version", "recorded_by", "recorded_at", "approved_by", "approved_at", "rejection_reason",
                "reverses", "origin"]
APPEAL_FIELDS = ["entry", "member", "reason", "status", "decided_by", "decided_at", "decision_note",
                 "reversing_entry"]


def _today(at: dt.datetime) -> dt.date:
    return timezone.localdate(at) if timezone.is_aware(at) else at.date()


def _is_member(user, member: Member) -> bool:
    return user is not None and member.user_id is not None and member.user_id == user.pk


def _policy(on: dt.date, field_name: str):
    try:
        return policy_in_force(on)
    except PolicyNotFound as exc:
        raise ValidationError({field_name: exc.message}) from None


# ------------------------------------------------------------------------------------------- record

def points_entry_record(*, member: Member, rule_code: str, date: dt.date, quantity=1, evidence: str = "",
                        recorded_by, at: dt.datetime) -> PointsEntry:
    """§10 record one ledger entry for a member under a rule of the policy in force on ``date``.

    Points come from the rule (``points_for``); the source is the rule's. A deduction (points < 0)
    is created pending, for a second person to approve; an addition is approved by its recorder.
    Refused: a member not on the roster, a future date, a date before the member was hired or in a
    year whose total was imported, a recorder without a line-manager / bureau / administrator
    scope over the member, or one recording for themself.
    """
    errors: dict[str, list[str]] = {}

    def bad(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    today = _today(at)
    if member.status not in ON_ROSTER:
        bad("member", _("Member: %(name)s is not on the roster (%(status)s); points are recorded only for members "
                        "on the roster.") % {"name": member.name, "status": member.get_status_display()})
    elif recorded_by is None or not member_in_scope(recorded_by, member, MANAGER_ROLES):
        bad("member", _("Member: you may not record points for %(name)s; only a line manager of their unit, the "
                        "bureau or an administrator may.") % {"name": member.name})
    elif _is_member(recorded_by, member):
        bad("member", _("Member: you cannot record points for yourself."))
    if not isinstance(date, dt.date):
        bad("date", _("Date: enter a valid date."))
    elif date > today:
        bad("date", _("Date: %(date)s is in the future; points are recorded for days that have passed.")
            % {"date": date.isoformat()})
    elif date < member.hire_date:
        bad("date", _("Date: %(date)s is before %(name)s was hired (%(hire)s).")
            % {"date": date.isoformat(), "name": member.name, "hire": member.hire_date.isoformat()})
    elif date.year < FIRST_YEAR:
        bad("date", _("Date: the ledger starts in %(year)s.") % {"year": FIRST_YEAR})
    elif AnnualPoints.objects.filter(member=member, year=date.year, source=AnnualSource.IMPORTED).exists():
        bad("date", _("Date: the annual points of %(name)s for %(year)s were imported (kept outside the ledger); "
                      "entries cannot be added to that year.") % {"name": member.name, "year": date.year})
    evidence = (evidence or "").strip()
    if len(evidence) > EVIDENCE_MAX:
        bad("evidence", _("Evidence: at most %(n)s characters.") % {"n": EVIDENCE_MAX})
    if errors:
        raise ValidationError(errors)

    bundle = _policy(date, "date")
    policy = bundle.points
    try:
        rule = policy.rule(rule_code)
    except PointsRuleError:
        raise ValidationError({"rule_code": _("Rule: “%(code)s” is not a rule of the points policy in force on "
                                              "%(date)s (version %(version)s).") % {
            "code": rule_code, "date": date.isoformat(), "version": bundle.version}}) from None
    try:
        points = points_for(rule.code, quantity, policy)
    except PointsRuleError as exc:
        raise ValidationError({"quantity": _("Quantity: %(reason)s") % {"reason": exc.message}}) from None
    quantity = quantity if isinstance(quantity, Decimal) else Decimal(str(quantity))

    pending = points < 0
    with transaction.atomic():
        entry = PointsEntry.objects.create(
            member=member, date=date, rule_code=rule.code, rule_name=rule.name, quantity=quantity, points=points,
            source=rule.source, evidence=evidence,
            status=EntryStatus.PENDING if pending else EntryStatus.APPROVED,
            policy_version=bundle.version, recorded_by=recorded_by, recorded_at=at,
            approved_by=None if pending else recorded_by, approved_at=None if pending else at,
        )
        audit_record(actor=recorded_by, action="create", obj=entry,
                     summary=_("Points entry %(points)+d (%(rule)s) for %(name)s on %(date)s") % {
                         "points": points, "rule": rule.name, "name": member.name, "date": date.isoformat()},
                     after=model_snapshot(entry, ENTRY_FIELDS))
    return entry


# ------------------------------------------------------------------------- from the daily links (§5.3)

def points_entry_automatic(*, member: Member, rule_code: str, date: dt.date, origin: str, quantity=1,
                           evidence: str = "", recorded_by=None, at: dt.datetime) -> PointsEntry | None:
    """§5.3 / §10 the entry a daily link produces (a late mark, 旷工, a failed uniform item, an
    unexcused meeting absence …), so nobody types it again.

    ``origin`` names the record it comes from (``"<app>.<record>:<pk>"``, at most 80 characters) and makes
    the call idempotent: when an entry with that origin exists, nothing is written and None is returned.
    ``recorded_by`` is the person who confirmed the record (the team leader, the inspector, the meeting's
    host) or None for the system (a command run by cron). Points come from the rule of the policy in
    force on ``date``; a deduction still waits for a second person's approval (§10) before it counts and
    pre-fills the scorecard (§7.2). A member not on the roster gets no entry (None). The refusals are
    those of the rule: an unknown rule, a bad quantity, a future date, a year whose points were imported.
    """
    origin = (origin or "").strip()
    if not origin or len(origin) > 80:
        raise ValueError("origin must be 1-80 characters")
    if member.status not in ON_ROSTER or date < member.hire_date:
        return None
    if PointsEntry.objects.filter(origin=origin).exists():
        return None
    if date > _today(at):
        raise ValidationError({"date": _("Date: %(date)s is in the future; points are recorded for days that have "
                                         "passed.") % {"date": date.isoformat()}})
    if AnnualPoints.objects.filter(member=member, year=date.year, source=AnnualSource.IMPORTED).exists():
        return None
    evidence = (evidence or "").strip()[:EVIDENCE_MAX]
    bundle = _policy(date, "date")
    try:
        rule = bundle.points.rule(rule_code)
        points = points_for(rule.code, quantity, bundle.points)
    except PointsRuleError as exc:
        raise ValidationError({"rule_code": _("Rule: “%(code)s” cannot be applied (%(reason)s).") % {
            "code": rule_code, "reason": exc.message}}) from None
    quantity = quantity if isinstance(quantity, Decimal) else Decimal(str(quantity))
    pending = points < 0
    try:
        with transaction.atomic():
            entry = PointsEntry.objects.create(
                member=member, date=date, rule_code=rule.code, rule_name=rule.name, quantity=quantity,
                points=points, source=rule.source, evidence=evidence, origin=origin,
                status=EntryStatus.PENDING if pending else EntryStatus.APPROVED,
                policy_version=bundle.version, recorded_by=recorded_by, recorded_at=at,
                approved_by=None if pending else recorded_by, approved_at=None if pending else at,
            )
            audit_record(actor=recorded_by, action="create", obj=entry,
                         summary=_("Points entry %(points)+d (%(rule)s) for %(name)s on %(date)s") % {
                             "points": points, "rule": rule.name, "name": member.name, "date": date.isoformat()},
                         after=model_snapshot(entry, ENTRY_FIELDS))
    except IntegrityError:  # the same origin written concurrently: the other writer's entry stands
        return None
    return entry


def points_entry_withdraw(*, origin: str, by=None, reason: str, at: dt.datetime) -> PointsEntry | None:
    """§5.3 / §10 the record behind an automatic entry no longer holds (a late mark corrected, a 旷工
    covered by leave approved afterwards, an absence excused): a pending entry is rejected with the
    reason; an approved one is reversed by a correction entry (the ledger stays append-only). Returns
    the rejected entry or the reversing one; None when there is no such entry or it is already undone.
    ``by`` None is the system.
    """
    reason = ((reason or "").strip() or _("The record behind this entry was withdrawn."))[:REJECTION_MAX]
    with transaction.atomic():
        entry = PointsEntry.objects.select_for_update().filter(origin=origin).select_related("member").first()
        if entry is None:
            return None
        if entry.status == EntryStatus.PENDING:
            before = model_snapshot(entry, ENTRY_FIELDS)
            entry.status = EntryStatus.REJECTED
            entry.approved_by = by
            entry.approved_at = at
            entry.rejection_reason = reason
            entry.save(update_fields=["status", "approved_by", "approved_at", "rejection_reason"])
            audit_record(actor=by, action="transition", obj=entry,
                         summary=_("Points entry %(id)s withdrawn: %(reason)s") % {"id": entry.pk, "reason": reason},
                         before=before, after=model_snapshot(entry, ENTRY_FIELDS))
            return entry
        if entry.status != EntryStatus.APPROVED or PointsEntry.objects.filter(reverses=entry).exists():
            return None
        reversing = PointsEntry.objects.create(
            member_id=entry.member_id, date=entry.date, rule_code=entry.rule_code, rule_name=entry.rule_name,
            quantity=entry.quantity, points=-entry.points, source=Source.CORRECTION,
            evidence=reason[:EVIDENCE_MAX], status=EntryStatus.APPROVED, policy_version=entry.policy_version,
            recorded_by=by, recorded_at=at, approved_by=by, approved_at=at, reverses=entry,
        )
        audit_record(actor=by, action="create", obj=reversing,
                     summary=_("Reversing entry %(points)+d for points entry %(id)s: %(reason)s") % {
                         "points": reversing.points, "id": entry.pk, "reason": reason},
                     after=model_snapshot(reversing, ENTRY_FIELDS))
        return reversing


# ------------------------------------------------------------------------------- approve / reject

def _lock_pending(entry: PointsEntry, approver) -> PointsEntry:
    locked = PointsEntry.objects.select_for_update(of=("self",)).select_related("member").get(pk=entry.pk)
    if locked.status != EntryStatus.PENDING:
        raise ValidationError({"status": _("Status: this entry is no longer awaiting approval (it is %(status)s).")
                               % {"status": locked.get_status_display()}})
    if approver is None or (locked.recorded_by_id is not None and locked.recorded_by_id == approver.pk):
        raise ValidationError({"approver": _("Approver: a deduction needs a second person; whoever recorded it "
                                             "cannot approve or reject it.")})
    if _is_member(approver, locked.member):
        raise ValidationError({"approver": _("Approver: you cannot decide an entry about yourself.")})
    if not member_in_scope(approver, locked.member, MANAGER_ROLES):
        raise ValidationError({"approver": _("Approver: only a line manager of the member's unit, the bureau or an "
                                             "administrator may decide this entry.")})
    return locked


def points_entry_approve(*, entry: PointsEntry, approver, at: dt.datetime) -> PointsEntry:
    """§10 a second person approves a pending deduction: it counts from now on."""
    with transaction.atomic():
        locked = _lock_pending(entry, approver)
        before = model_snapshot(locked, ["status", "approved_by", "approved_at"])
        locked.status = EntryStatus.APPROVED
        locked.approved_by = approver
        locked.approved_at = at
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        audit_record(actor=approver, action="transition", obj=locked,
                     summary=_("Points deduction approved"), before=before,
                     after=model_snapshot(locked, ["status", "approved_by", "approved_at"]))
    return locked


def points_entry_reject(*, entry: PointsEntry, approver, reason: str, at: dt.datetime) -> PointsEntry:
    """§10 a second person refuses a pending deduction (with a reason): it never counts."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Reason: say why the deduction is rejected.")})
    if len(reason) > REJECTION_MAX:
        raise ValidationError({"reason": _("Reason: at most %(n)s characters.") % {"n": REJECTION_MAX}})
    fields = ["status", "approved_by", "approved_at", "rejection_reason"]
    with transaction.atomic():
        locked = _lock_pending(entry, approver)
        before = model_snapshot(locked, fields)
        locked.status = EntryStatus.REJECTED
        locked.approved_by = approver
        locked.approved_at = at
        locked.rejection_reason = reason
        locked.save(update_fields=fields)
        audit_record(actor=approver, action="transition", obj=locked, summary=_("Points deduction rejected"),
                     before=before, after=model_snapshot(locked, fields))
    return locked


# ------------------------------------------------------------------------------------------ appeals

def points_appeal_submit(*, entry: PointsEntry, user, reason: str, at: dt.datetime) -> PointsAppeal:
    """§10 a member appeals one of their own approved entries (not a correction, not reversed);
    one open appeal per entry."""
    member = entry.member
    if user is None or not _is_member(user, member):
        raise ValidationError({"entry": _("Entry: you can only appeal your own points entries.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Reason: say why you appeal this entry.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Reason: at most %(n)s characters.") % {"n": REASON_MAX}})
    with transaction.atomic():
        locked = PointsEntry.objects.select_for_update().get(pk=entry.pk)
        if not appealable(locked):
            raise ValidationError({"entry": _("Entry: only an approved entry that is neither a correction nor "
                                              "already reversed can be appealed.")})
        if PointsAppeal.objects.filter(entry=locked, status=AppealStatus.OPEN).exists():
            raise ValidationError({"entry": _("Entry: an appeal against this entry is already open.")})
        try:
            with transaction.atomic():
                appeal = PointsAppeal.objects.create(entry=locked, member=member, reason=reason, submitted_by=user,
                                                     submitted_at=at)
        except IntegrityError:
            raise ValidationError({"entry": _("Entry: an appeal against this entry is already open.")}) from None
        audit_record(actor=user, action="create", obj=appeal,
                     summary=_("Appeal against points entry %(id)s") % {"id": locked.pk},
                     after=model_snapshot(appeal, APPEAL_FIELDS))
    return appeal


def points_appeal_decide(*, appeal: PointsAppeal, decider, upheld: bool, note: str = "",
                         at: dt.datetime) -> PointsAppeal:
    """§10 decide an open appeal (the bureau or a line manager with scope over the member; not the
    entry's recorder, not the member). Upheld → a reversing entry (−points, same rule and date,
    source correction, approved by the decider) linked on the appeal. Dismissed → a note is required.
    """
    note = (note or "").strip()
    if not upheld and not note:
        raise ValidationError({"note": _("Decision note: say why the appeal is dismissed.")})
    if len(note) > REASON_MAX:
        raise ValidationError({"note": _("Decision note: at most %(n)s characters.") % {"n": REASON_MAX}})
    with transaction.atomic():
        locked = PointsAppeal.objects.select_for_update(of=("self",)).select_related("member").get(pk=appeal.pk)
        if locked.status != AppealStatus.OPEN:
            raise ValidationError({"status": _("Status: this appeal has already been decided (%(status)s).")
                                   % {"status": locked.get_status_display()}})
        entry = PointsEntry.objects.select_for_update().get(pk=locked.entry_id)
        if decider is None or not member_in_scope(decider, locked.member, DECIDER_ROLES):
            raise ValidationError({"decider": _("Decided by: only the bureau or a line manager of the member's unit "
                                                "may decide this appeal.")})
        if entry.recorded_by_id is not None and entry.recorded_by_id == decider.pk:
            raise ValidationError({"decider": _("Decided by: whoever recorded the entry cannot decide the appeal "
                                                "against it.")})
        if _is_member(decider, locked.member):
            raise ValidationError({"decider": _("Decided by: you cannot decide your own appeal.")})
        before = model_snapshot(locked, APPEAL_FIELDS)
        if upheld:
            if not appealable(entry):
                raise ValidationError({"entry": _("Entry: it has already been reversed or is no longer approved.")})
            reversing = PointsEntry.objects.create(
                member_id=entry.member_id, date=entry.date, rule_code=entry.rule_code, rule_name=entry.rule_name,
                quantity=entry.quantity, points=-entry.points, source=Source.CORRECTION,
                evidence=(_("Appeal %(id)s upheld") % {"id": locked.pk})[:EVIDENCE_MAX],
                status=EntryStatus.APPROVED, policy_version=entry.policy_version, recorded_by=decider,
                recorded_at=at, approved_by=decider, approved_at=at, reverses=entry,
            )
            audit_record(actor=decider, action="create", obj=reversing,
                         summary=_("Reversing entry %(points)+d for points entry %(id)s (appeal upheld)") % {
                             "points": reversing.points, "id": entry.pk},
                         after=model_snapshot(reversing, ENTRY_FIELDS))
            locked.status = AppealStatus.UPHELD
            locked.reversing_entry = reversing
        else:
            locked.status = AppealStatus.DISMISSED
        locked.decided_by = decider
        locked.decided_at = at
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "reversing_entry"])
        audit_record(actor=decider, action="transition", obj=locked,
                     summary=_("Points appeal upheld") if upheld else _("Points appeal dismissed"),
                     before=before, after=model_snapshot(locked, APPEAL_FIELDS))
    return locked


# --------------------------------------------------------------------------------------- settlement

@dataclass
class Settlement:
    """What ``points_settle_year`` did: rows created, updated, left unchanged, and the members whose
    imported total for the year was kept (not overwritten)."""

    year: int
    policy_version: str
    members: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    imported_kept: list[int] = field(default_factory=list)


def _settled_members(year: int) -> set[int]:
    """Members on the roster at some time in ``year``: hired by its end, and on the roster now or
    separated within or after it. One query, ids only."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    qs = (Member.objects.filter(hire_date__lte=last)
          .filter(Q(status__in=ON_ROSTER) | Q(status=MemberStatus.SEPARATED, separated_on__gte=first))
          .order_by().values_list("id", flat=True))
    return set(qs.iterator(chunk_size=10000))


_SETTLEMENT_LOCK = 0x504F494E  # "POIN": the advisory-lock namespace of points settlements


def _lock_settlement(year: int) -> None:
    """Two settlements of the same year run one after the other (PostgreSQL advisory lock held to the
    end of the transaction); SQLite serialises writing transactions anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_SETTLEMENT_LOCK, year])


def points_settle_year(*, year: int, by, at: dt.datetime) -> Settlement:
    """§10 annual settlement: every member on the roster during ``year`` (or with approved entries
    that year) gets base + Σ approved entries, clamped (cfg 0–120), under the policy in force on
    31 December of that year, stored as AnnualPoints (source settled) with its explanation.

    An imported total of that year is never overwritten (reported in ``imported_kept``).
    Re-settling updates the totals that changed (audited before/after) and leaves the rest.
    Set-based: one GROUP BY over the ledger, one read of the members, one of the stored rows,
    bulk writes — no query per member.
    """
    today = _today(at)
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= today.year:
        raise ValidationError({"year": _("Year: enter a year from %(first)s to %(last)s.") % {
            "first": FIRST_YEAR, "last": today.year}})
    if by is not None and not sees_all(by, SETTLE_ROLES):
        raise ValidationError({"year": _("Year: only the bureau or an administrator (for the whole district) may "
                                         "settle annual points.")})
    bundle = _policy(dt.date(year, 12, 31), "year")
    policy = bundle.points
    result = Settlement(year=year, policy_version=bundle.version)
    stored_fields = ["total", "explanation", "policy_version", "recorded_by_id", "recorded_at"]
    by_id = by.pk if by is not None else None

    with transaction.atomic():
        _lock_settlement(year)
        aggregates = ledger_year_aggregates(year)
        member_ids = _settled_members(year) | set(aggregates)
        existing = {
            m: (pk, source, total, explanation, version)
            for pk, m, source, total, explanation, version in AnnualPoints.objects.filter(year=year).order_by()
            .values_list("id", "member_id", "source", "total", "explanation", "policy_version")
            .iterator(chunk_size=10000)
        }
        new_rows, changed_rows, changes = [], [], []
        summary = _("Annual points %(year)s settled: %(total)s")
        for member_id in sorted(member_ids):
            agg = aggregates.get(member_id)
            plus, minus, n_plus, n_minus = (agg.plus, agg.minus, agg.n_plus, agg.n_minus) if agg else (0, 0, 0, 0)
            total, explanation = settle_sums(year, plus=plus, n_plus=n_plus, minus=minus, n_minus=n_minus,
                                             policy=policy)
            total = Decimal(total)
            old = existing.get(member_id)
            if old is None:
                new_rows.append({"member_id": member_id, "year": year, "total": total, "source": AnnualSource.SETTLED,
                                 "explanation": explanation, "policy_version": bundle.version,
                                 "recorded_by_id": by_id, "recorded_at": at})
                continue
            pk, source, old_total, old_explanation, old_version = old
            if source == AnnualSource.IMPORTED:
                result.imported_kept.append(member_id)
                continue
            if Decimal(old_total) == total and old_explanation == explanation and old_version == bundle.version:
                result.unchanged += 1
                continue
            changed_rows.append({"id": pk, "total": total, "explanation": explanation,
                                 "policy_version": bundle.version, "recorded_by_id": by_id, "recorded_at": at})
            changes.append(Change("update", AnnualPoints._meta.label_lower, str(pk), f"{member_id} {year}",
                                  summary % {"year": year, "total": total},
                                  before={"total": old_total, "explanation": old_explanation,
                                          "policy_version": old_version},
                                  after={"total": total, "explanation": explanation,
                                         "policy_version": bundle.version}))
        if new_rows:
            insert_many(AnnualPoints, new_rows, stamp=at)
            created = {m for m in (r["member_id"] for r in new_rows)}
            pks = {m: pk for m, pk in AnnualPoints.objects.filter(year=year).order_by()
                   .values_list("member_id", "id").iterator(chunk_size=10000) if m in created}
            for r in new_rows:
                changes.append(Change("create", AnnualPoints._meta.label_lower, str(pks[r["member_id"]]),
                                      f"{r['member_id']} {year}", summary % {"year": year, "total": r["total"]},
                                      after={"member_id": r["member_id"], "year": year, "total": r["total"],
                                             "source": AnnualSource.SETTLED, "explanation": r["explanation"],
                                             "policy_version": bundle.version}))
        if changed_rows:
            update_many(AnnualPoints, changed_rows, fields=stored_fields, stamp=at)
        result.members = len(member_ids)
        result.created = len(new_rows)
        result.updated = len(changed_rows)
        changes.append(Change("transition", "points.settlement", str(year), str(year),
                              _("Points settlement of %(year)s (policy %(version)s)") % {
                                  "year": year, "version": bundle.version},
                              after={"members": result.members, "created": result.created,
                                     "updated": result.updated, "unchanged": result.unchanged,
                                     "imported_kept": len(result.imported_kept)}))
        audit_record_many(actor=by, changes=changes)
    return result


def actor_may_settle(user) -> bool:
    """Whether the user may settle a year (bureau / administrator with the whole district in scope)."""
    return scope.has_role(user, *SETTLE_ROLES) and sees_all(user, SETTLE_ROLES)
