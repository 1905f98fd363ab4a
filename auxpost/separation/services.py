"""§5.2.4 解聘 Separation writes: propose, review (approve / refuse), execute (the HR company, the legal
employer, ends the contract and sets the last day), record the returned items, archive, cancel; the effect
on the last day; retirement proposals ahead of the statutory date; picking up the separation proposals of
grade evaluation rounds and of two consecutive 不合格 annual results; Art. 42 protection records.

Every service takes keyword-only arguments, runs in one transaction, records each move of a case as a
:class:`~auxpost.separation.models.Transition` (who, in which role, when, why, from → to) and writes an audit
link in the same transaction. Refusals:

- :class:`~auxpost.separation.rules.MoveRefused` code ``out_of_order`` — not from this state (the message
  names the current state and the step required), or the member has an open case / is not on the roster,
  or an Art. 42 protection now blocks the ground — the API answers 409;
- ``MoveRefused`` code ``forbidden`` — a party without authority for this step — 403;
- ``django.core.exceptions.ValidationError`` keyed by field, Chinese messages — bad input, 400.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.audit.services import Change, audit_record, audit_record_many, model_snapshot
from auxpost.people.models import ON_ROSTER, Member, MemberStatus
from auxpost.separation import rules
from auxpost.separation.models import (
    ProtectionRecord,
    ReturnedItem,
    SeparationCase,
    Transition,
)

REASON_MAX = 2000
NOTE_MAX = ReturnedItem._meta.get_field("note").max_length
SOURCE_REF_MAX = SeparationCase._meta.get_field("source_ref").max_length
#: Used when no published policy is in force (the policy's default, §5.2.4 cfg).
DEFAULT_RETIREMENT_NOTICE_DAYS = 60
#: The ground a picked-up proposal (evaluation round, annual results) gets unless the bureau chooses another:
#: two 不合格 years are "not competent" (Art. 40(2)), not a breach of rules (Art. 39 needs its own finding).
PICKUP_DEFAULT_GROUND = rules.ART40_UNFIT
#: Annual results that count for the pick-up (final ones).
FINAL_RESULT_STATUSES = ("confirmed", "imported")

CASE_FIELDS = ["status", "ground", "last_day", "reviewed_on", "executed_on", "pay_in_lieu", "effect_applied_at"]


def _now() -> dt.datetime:
    return timezone.now()


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def _forbidden(message: str) -> rules.MoveRefused:
    return rules.MoveRefused(message, code="forbidden")


def _refused(message: str) -> rules.MoveRefused:
    return rules.MoveRefused(message, code="out_of_order")


def _own_member_id(user) -> int | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.member.pk
    except Exception:  # RelatedObjectDoesNotExist
        return None


def _in_scope(user, member_id: int, role: str) -> bool:
    q = scope.member_q(user, roles_allowed=(role,))
    return q is not None and Member.objects.filter(q, pk=member_id).exists()


def _acting_as(actor, action: str, member_id: int, *, ground: str | None = None) -> str:
    """The role ``actor`` takes ``action`` in for this member, or MoveRefused(forbidden) naming who may.

    ``None`` is the system (the cron commands). The member acts only on their own resignation; a line
    manager only on members of their units; the bureau and the HR company within their scope."""
    if actor is None:
        return rules.SYSTEM
    roles = scope.roles(actor)
    deny = _forbidden(_("Only %(parties)s may take the step “%(action)s”.") % {
        "parties": rules.parties(action), "action": rules.ACTION_LABEL.get(action, action)})
    for role in (rules.BUREAU, rules.HR_COMPANY, rules.LINE_MANAGER):
        if role in roles and role in rules.ACTION_ROLES.get(action, ()) and _in_scope(actor, member_id, role):
            return role
    if rules.MEMBER in roles and rules.MEMBER in rules.ACTION_ROLES.get(action, ()):
        if _own_member_id(actor) == member_id and ground == rules.RESIGNATION:
            return rules.MEMBER
        raise _forbidden(_("A member may only submit or withdraw their own resignation."))
    raise deny


def _check_reason(reason: str, *, field: str = "reason", required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({field: _("Reason: please state the reason.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({field: _("Reason: at most %(n)s characters.") % {"n": REASON_MAX}})
    return reason


# ------------------------------------------------------------------------------------------ facts


def retirement_notice_days(on: dt.date) -> int:
    """§5.2.4 (cfg) days ahead of the statutory date a retirement is proposed: the policy in force."""
    from auxpost.policy.selectors import PolicyNotFound, policy_in_force

    try:
        return policy_in_force(on).workforce.separation.retirement_notice_days
    except PolicyNotFound:
        return DEFAULT_RETIREMENT_NOTICE_DAYS


def member_retirement(member: Member, on: dt.date, *, notice_days: int | None = None) -> rules.RetirementDue:
    """§5.2.4 The member's statutory retirement date and proposal date (women: original age 55, as grading)."""
    if notice_days is None:
        notice_days = retirement_notice_days(on)
    return rules.retirement(member.birth_date, member.sex, notice_days=notice_days)


def protection_facts(member_id: int) -> list[rules.ProtectionFact]:
    """The member's protection records in force (not replaced by a correction)."""
    return [r.fact() for r in ProtectionRecord.objects.filter(member_id=member_id, superseded_by__isnull=True)]


def member_protections(member: Member, on: dt.date) -> list[rules.Protection]:
    """§5.2.4 / Art. 42 the protections that apply to ``member`` on ``on``."""
    ret = rules.retirement(member.birth_date, member.sex, notice_days=0).date
    return rules.protections(on, facts=protection_facts(member.pk), hire_date=member.hire_date,
                             retirement_date=ret)


def current_contract(member_id: int, on: dt.date):
    """The member's dispatch contract in force (not ended, started on or before ``on``), newest first."""
    from auxpost.recruitment.models import Contract

    return (Contract.objects.filter(member_id=member_id, ended_on__isnull=True, start_date__lte=on)
            .order_by("-start_date", "-pk").first())


def on_probation(member: Member, on: dt.date) -> bool:
    """Art. 37/39(1): the member is on probation (roster status, or the current contract's probation runs)."""
    if member.status == MemberStatus.PROBATION:
        return True
    contract = current_contract(member.pk, on)
    return bool(contract and contract.probation_end and on <= contract.probation_end)


def _protection_check(case_or_ground: str, member: Member, on: dt.date) -> tuple[list[rules.Protection], str | None]:
    found = member_protections(member, on)
    return found, rules.ground_refusal(case_or_ground, found)


# ------------------------------------------------------------------------------------- recording


def _snapshot(case: SeparationCase) -> dict:
    return model_snapshot(case, CASE_FIELDS)


def _record(*, actor, case: SeparationCase, action: str, before: str, acting_as: str, reason: str,
            at: dt.datetime, before_snapshot: dict | None) -> None:
    Transition.objects.create(case=case, action=action, from_status=before, to_status=case.status,
                              actor=actor if actor is not None and actor.pk else None, acting_as=acting_as,
                              reason=reason, at=at)
    audit_record(actor=actor, action="create" if action == "propose" else "transition", obj=case,
                 summary=f"separation case {case.pk} (member {case.member_id}): {action} {before or '—'} → "
                         f"{case.status}",
                 before=before_snapshot, after=_snapshot(case) | {"reason": reason, "acting_as": acting_as})


def _lock(case: SeparationCase) -> SeparationCase:
    return SeparationCase.objects.select_for_update().select_related("member").get(pk=case.pk)


# -------------------------------------------------------------------------------------- proposal


def _default_last_day(member: Member, ground: str, today: dt.date) -> dt.date | None:
    if ground == rules.RESIGNATION:
        return rules.resignation_earliest_last_day(today, on_probation=on_probation(member, today))
    if ground == rules.RETIREMENT:
        return member_retirement(member, today, notice_days=0).date
    if ground == rules.CONTRACT_END:
        contract = current_contract(member.pk, today)
        return contract.end_date if contract else None
    return None


def proposal_create(*, actor, member: Member, ground: str, reason: str, source: str = rules.MANUAL,
                    source_ref: str = "", last_day: dt.date | None = None,
                    today: dt.date | None = None) -> SeparationCase:
    """§5.2.4 Propose a separation of ``member`` on ``ground`` (one of :data:`rules.GROUNDS`).

    By the bureau (any ground), by the member for their own resignation (Art. 37: the last day at least
    30 days after today, 3 on probation), or by the system (``actor=None``: retirement command). The
    Art. 42 protections are checked: an Art. 40 ground (and a contract-end termination, Art. 45) is
    refused with the reason naming each protection. One open case per member; the member must be on the
    roster. ``last_day`` defaults: resignation → earliest after notice; retirement → the statutory date;
    contract end → the current contract's end; others → set by the HR company on execution."""
    today = _today(today)
    if ground not in rules.GROUNDS:
        raise ValidationError({"ground": _("Ground: “%(value)s” is not a known separation ground.") % {"value": ground}})
    if source not in rules.SOURCES:
        raise ValidationError({"source": _("Source: “%(value)s” is not a known source.") % {"value": source}})
    source_ref = (source_ref or "").strip()
    if len(source_ref) > SOURCE_REF_MAX:
        raise ValidationError({"source_ref": _("Source reference: at most %(n)s characters.") % {"n": SOURCE_REF_MAX}})
    reason = _check_reason(reason)
    acting_as = _acting_as(actor, "propose", member.pk, ground=ground)
    if acting_as == rules.MEMBER:
        source = rules.SRC_RESIGNATION
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.status not in ON_ROSTER:
            raise _refused(_("%(name)s is not on the roster (status: %(status)s); no separation can be proposed.") % {
                "name": member.name, "status": MemberStatus(member.status).label})
        open_case = SeparationCase.objects.filter(member=member, status__in=rules.OPEN_STATES).first()
        if open_case is not None:
            raise _refused(_("%(name)s already has an open separation case (%(ground)s, %(state)s).") % {
                "name": member.name, "ground": open_case.ground_label, "state": open_case.state_label})
        found, refusal = _protection_check(ground, member, today)
        if refusal:
            raise ValidationError({"ground": refusal})
        default = _default_last_day(member, ground, today)
        if last_day is None:
            last_day = default
        elif ground == rules.RESIGNATION and last_day < default:
            raise ValidationError({"last_day": _("Last day: with the notice the law requires (Labour Contract Law "
                                                 "Art. 37) the earliest last day is %(date)s.") % {"date": default}})
        if last_day is not None and last_day < member.hire_date:
            raise ValidationError({"last_day": _("Last day: %(date)s is before the date hired (%(hire)s).") % {
                "date": last_day, "hire": member.hire_date}})
        g = rules.GROUNDS[ground]
        now = _now()
        case = SeparationCase(
            member=member, ground=ground, ground_label=g.label, legal_basis=g.legal_basis, reason=reason,
            source=source, source_ref=source_ref, proposed_on=today,
            proposed_by=actor if actor is not None and actor.pk else None, last_day=last_day,
            status=rules.PROPOSED, protections=[p.as_dict() for p in found], created_at=now, updated_at=now)
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            raise _refused(_("%(name)s already has an open separation case.") % {"name": member.name}) from None
        _record(actor=actor, case=case, action="propose", before="", acting_as=acting_as, reason=reason, at=now,
                before_snapshot=None)
    return case


# --------------------------------------------------------------------------------------- review


def case_approve(*, actor, case: SeparationCase, note: str = "", today: dt.date | None = None) -> SeparationCase:
    """§5.2.4 The bureau approves a proposed separation on review. The Art. 42 check runs again: an Art. 40
    ground of a member now protected is refused (409) with the reason; the bureau then refuses the case."""
    today = _today(today)
    note = _check_reason(note, field="note", required=False)
    with transaction.atomic():
        case = _lock(case)
        acting_as = _acting_as(actor, "approve", case.member_id)
        before, snap = case.status, _snapshot(case)
        nxt = rules.move(case.status, "approve")
        found, refusal = _protection_check(case.ground, case.member, today)
        if refusal:
            raise _refused(refusal)
        case.status, case.review_note, case.reviewed_on = nxt, note, today
        case.reviewed_by = actor if actor is not None and actor.pk else None
        case.protections = [p.as_dict() for p in found]
        case.updated_at = now = _now()
        case.save()
        _record(actor=actor, case=case, action="approve", before=before, acting_as=acting_as, reason=note, at=now,
                before_snapshot=snap)
    return case


def case_refuse(*, actor, case: SeparationCase, reason: str, today: dt.date | None = None) -> SeparationCase:
    """§5.2.4 The bureau refuses a proposed separation on review, with the reason (the case ends there)."""
    today = _today(today)
    reason = _check_reason(reason)
    with transaction.atomic():
        case = _lock(case)
        acting_as = _acting_as(actor, "refuse", case.member_id)
        before, snap = case.status, _snapshot(case)
        case.status = rules.move(case.status, "refuse")
        case.review_note, case.reviewed_on = reason, today
        case.reviewed_by = actor if actor is not None and actor.pk else None
        case.updated_at = now = _now()
        case.save()
        _record(actor=actor, case=case, action="refuse", before=before, acting_as=acting_as, reason=reason, at=now,
                before_snapshot=snap)
    return case


def case_cancel(*, actor, case: SeparationCase, reason: str, today: dt.date | None = None) -> SeparationCase:
    """§5.2.4 Withdraw a case before it is executed, with the reason: the bureau, or the member their own
    resignation while it has not been reviewed yet."""
    reason = _check_reason(reason)
    with transaction.atomic():
        case = _lock(case)
        acting_as = _acting_as(actor, "cancel", case.member_id, ground=case.ground)
        if acting_as == rules.MEMBER and case.status != rules.PROPOSED:
            raise _refused(_("Your resignation has already been reviewed; ask the bureau to withdraw it."))
        before, snap = case.status, _snapshot(case)
        case.status = rules.move(case.status, "cancel")
        case.updated_at = now = _now()
        case.save()
        _record(actor=actor, case=case, action="cancel", before=before, acting_as=acting_as, reason=reason, at=now,
                before_snapshot=snap)
    return case


# ------------------------------------------------------------------------------------- execution


def case_execute(*, actor, case: SeparationCase, last_day: dt.date | None = None, pay_in_lieu: bool = False,
                 note: str = "", today: dt.date | None = None) -> SeparationCase:
    """§5.2.4 The HR company (the legal employer) ends the contract: gives the notice today and sets the last
    day (today, a past date — e.g. a death — or a future one; never before the date hired). Art. 40 needs 30
    days' notice or one month's pay instead (``pay_in_lieu``), and the Art. 42 check runs once more. A last
    day that has come takes effect at once; a future one is made effective by ``auxpost separation-effect``
    on that day."""
    today = _today(today)
    note = _check_reason(note, field="note", required=False)
    with transaction.atomic():
        case = _lock(case)
        acting_as = _acting_as(actor, "execute", case.member_id)
        before, snap = case.status, _snapshot(case)
        nxt = rules.move(case.status, "execute")
        member = case.member
        last_day = last_day or case.last_day
        if last_day is None:
            raise ValidationError({"last_day": _("Last day: please enter the last day of the contract.")})
        if last_day < member.hire_date:
            raise ValidationError({"last_day": _("Last day: %(date)s is before the date hired (%(hire)s).") % {
                "date": last_day, "hire": member.hire_date}})
        if case.ground == rules.ART40_UNFIT:
            _found, refusal = _protection_check(case.ground, member, today)
            if refusal:
                raise _refused(refusal)
            earliest = today + dt.timedelta(days=rules.ART40_NOTICE_DAYS)
            if last_day < earliest and not pay_in_lieu:
                raise ValidationError({"last_day": _(
                    "Last day: Labour Contract Law Art. 40 requires 30 days' written notice (last day %(date)s or "
                    "later) or one month's pay instead of notice.") % {"date": earliest}})
        case.status, case.last_day, case.executed_on = nxt, last_day, today
        case.pay_in_lieu = bool(pay_in_lieu) and case.ground == rules.ART40_UNFIT
        case.executed_by = actor if actor is not None and actor.pk else None
        case.updated_at = now = _now()
        case.save()
        _record(actor=actor, case=case, action="execute", before=before, acting_as=acting_as,
                reason=note or _("Last day: %(date)s") % {"date": last_day}, at=now, before_snapshot=snap)
        if last_day <= today:
            _apply_effect(case, actor=actor, today=today)
    return case


def item_return(*, actor, case: SeparationCase, item: str, returned_on: dt.date | None = None, note: str = "",
                today: dt.date | None = None) -> ReturnedItem:
    """§5.2.4 Record one checklist item handed back (uniform, badge, certificate) with its date and who
    received it — the HR company or the member's squadron (line manager). Once all are back the case moves
    to "items returned"."""
    today = _today(today)
    returned_on = returned_on or today
    if item not in rules.ITEMS:
        raise ValidationError({"item": _("Item: “%(value)s” is not on the checklist.") % {"value": item}})
    if returned_on > today:
        raise ValidationError({"returned_on": _("Returned on: %(date)s is in the future.") % {"date": returned_on}})
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Note: at most %(n)s characters.") % {"n": NOTE_MAX}})
    with transaction.atomic():
        case = _lock(case)
        acting_as = _acting_as(actor, "return_item", case.member_id)
        if case.status != rules.EXECUTED:
            raise _refused(_("The case is “%(state)s”; items are recorded once the HR company has ended the "
                             "contract, before archiving (now required: %(step)s).") % {
                "state": case.state_label, "step": rules.NEXT_STEP.get(case.status, "—")})
        if ReturnedItem.objects.filter(case=case, item=item).exists():
            raise _refused(_("%(item)s has already been recorded as returned.") % {"item": rules.ITEM_LABEL[item]})
        now = _now()
        row = ReturnedItem.objects.create(case=case, item=item, returned_on=returned_on, received_by=actor,
                                          note=note, recorded_at=now)
        audit_record(actor=actor, action="create", obj=row,
                     summary=f"separation case {case.pk}: {item} returned on {returned_on}",
                     after=model_snapshot(row, ["case", "item", "returned_on", "received_by", "note"]))
        if ReturnedItem.objects.filter(case=case).count() == len(rules.ITEMS):
            before, snap = case.status, _snapshot(case)
            case.status = rules.move(case.status, "return_items")
            case.updated_at = now
            case.save()
            _record(actor=actor, case=case, action="return_items", before=before, acting_as=acting_as,
                    reason="、".join(rules.ITEM_LABEL[i] for i in rules.ITEMS), at=now, before_snapshot=snap)
    return row


def case_archive(*, actor, case: SeparationCase, note: str = "", today: dt.date | None = None) -> SeparationCase:
    """§5.2.4 The bureau archives a case once every item is returned and the separation has taken effect."""
    note = _check_reason(note, field="note", required=False)
    with transaction.atomic():
        case = _lock(case)
        acting_as = _acting_as(actor, "archive", case.member_id)
        before, snap = case.status, _snapshot(case)
        nxt = rules.move(case.status, "archive")
        if case.effect_applied_at is None:
            raise _refused(_("The last day (%(date)s) has not come yet; the case is archived after the separation "
                             "has taken effect.") % {"date": case.last_day})
        case.status = nxt
        case.updated_at = now = _now()
        case.save()
        _record(actor=actor, case=case, action="archive", before=before, acting_as=acting_as, reason=note, at=now,
                before_snapshot=snap)
    return case


# ------------------------------------------------------------------------------- effect on last day


def _apply_effect(case: SeparationCase, *, actor, today: dt.date) -> None:
    """§5.2.4 On the last day: the member separated (grade cancelled with a dated history row, separated_on),
    the login closed, the current contract ended, the certificate closed. Runs in the caller's transaction."""
    from auxpost.people.services import member_set_status

    member = Member.objects.select_for_update().get(pk=case.member_id)
    on = case.last_day
    why = f"{case.ground_label}（{case.ground_info.article}）"
    if member.status != MemberStatus.SEPARATED:
        member = member_set_status(actor=actor, member=member, status=MemberStatus.SEPARATED, on=on)
    user = member.user
    if user is not None and user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="update", obj=user, summary=f"login closed: member {member.pk} separated on {on}",
                     before={"is_active": True}, after={"is_active": False})
    from auxpost.recruitment.models import Contract

    for contract in Contract.objects.select_for_update().filter(member=member, ended_on__isnull=True):
        before = model_snapshot(contract, ["ended_on", "end_reason"])
        Contract.objects.filter(pk=contract.pk).update(ended_on=on, end_reason=why[:300])
        contract.ended_on, contract.end_reason = on, why[:300]
        audit_record(actor=actor, action="update", obj=contract, summary=f"contract ended on {on}: {case.ground}",
                     before=before, after=model_snapshot(contract, ["ended_on", "end_reason"]))
    from auxpost.training.services import certificate_close

    certificate_close(actor=actor, member=member, on=on, reason=why, status="returned")
    before = _snapshot(case)
    case.effect_applied_at = now = _now()
    case.updated_at = now
    case.save(update_fields=["effect_applied_at", "updated_at"])
    audit_record(actor=actor, action="transition", obj=case,
                 summary=f"separation case {case.pk}: effective on {on} (member {member.pk} separated)",
                 before=before, after=_snapshot(case))


def separations_make_due_effective(today: dt.date | None = None, *, actor=None) -> int:
    """§5.2.4 Apply the effect of every executed case whose last day has come (``auxpost separation-effect``,
    daily). Idempotent: a case's effect is applied once (``effect_applied_at``)."""
    today = _today(today)
    ids = list(SeparationCase.objects.filter(status__in=[rules.EXECUTED, rules.RETURNED], effect_applied_at__isnull=True,
                                             last_day__lte=today).values_list("pk", flat=True))
    done = 0
    failed: list[str] = []
    for pk in ids:
        try:
            with transaction.atomic():
                case = SeparationCase.objects.select_for_update().select_related("member").get(pk=pk)
                if case.effect_applied_at is not None:
                    continue
                _apply_effect(case, actor=actor, today=today)
                done += 1
        except ValidationError as exc:  # one member's refusal does not hold up the others
            failed.append(f"{case.member.name}（#{case.pk}）：{' '.join(exc.messages)}")
    if failed:
        raise EffectFailed(done, failed)
    return done


class EffectFailed(Exception):
    """Some cases could not take effect (``failed``: one Chinese line each); ``done`` others did."""

    def __init__(self, done: int, failed: list[str]):
        super().__init__("\n".join(failed))
        self.done, self.failed = done, failed


# ----------------------------------------------------------------------------- retirement proposals


def retirements_due(today: dt.date, *, notice_days: int | None = None, within_days: int = 0):
    """§5.2.4 (member, RetirementDue) for members on the roster without an open case whose proposal date
    is on or before ``today + within_days``. One query: the birth dates are bounded first (no one retires
    before 55 under the defaults), the exact date is the pure rule's."""
    from auxpost.grading.rules import add_months

    if notice_days is None:
        notice_days = retirement_notice_days(today)
    horizon = today + dt.timedelta(days=within_days + notice_days)
    latest_birth = add_months(horizon, -55 * 12)
    members = (Member.objects.filter(status__in=ON_ROSTER, birth_date__lte=latest_birth)
               .exclude(separation_cases__status__in=rules.OPEN_STATES)
               .select_related("unit").order_by("birth_date", "pk"))
    out = []
    for m in members:
        due = rules.retirement(m.birth_date, m.sex, notice_days=notice_days)
        if due.propose_on <= today + dt.timedelta(days=within_days):
            out.append((m, due))
    return out


def retirement_proposals_create(today: dt.date | None = None, *, actor=None) -> int:
    """§5.2.4 Propose the separation of every member on the roster whose retirement proposal date has come
    (statutory date − ``retirement_notice_days``) and who has no open case: source and ground retirement,
    last day the statutory date. Set-based (bulk inserts, one audit_record_many) and idempotent."""
    today = _today(today)
    g = rules.GROUNDS[rules.RETIREMENT]
    with transaction.atomic():
        due = retirements_due(today)
        if not due:
            return 0
        now = _now()
        cases = [SeparationCase(
            member_id=m.pk, ground=rules.RETIREMENT, ground_label=g.label, legal_basis=g.legal_basis,
            reason=f"{m.birth_date.isoformat()}出生，法定退休年龄{d.label}，{d.date.isoformat()}达到法定退休年龄。",
            source=rules.SRC_RETIREMENT, source_ref=d.date.isoformat(), proposed_on=today, last_day=d.date,
            status=rules.PROPOSED, protections=[], created_at=now, updated_at=now) for m, d in due]
        created = SeparationCase.objects.bulk_create(cases, batch_size=500)
        if any(c.pk is None for c in created):  # a backend without RETURNING: read the ids back
            by_member = dict(SeparationCase.objects.filter(member_id__in=[c.member_id for c in cases],
                                                           status=rules.PROPOSED, created_at=now)
                             .values_list("member_id", "pk"))
            for c in created:
                c.pk = by_member[c.member_id]
        Transition.objects.bulk_create([Transition(case_id=c.pk, action="propose", from_status="", to_status=c.status,
                                                   actor=None, acting_as=rules.SYSTEM, reason=c.reason, at=now)
                                        for c in created], batch_size=500)
        audit_record_many(actor=actor, changes=[
            Change("create", "separation.separationcase", str(c.pk), f"{m.name} · {g.label}",
                   f"separation case {c.pk} (member {m.pk}): propose — → proposed (retirement {c.last_day})",
                   None, _snapshot(c) | {"acting_as": rules.SYSTEM}) for c, (m, _d) in zip(created, due, strict=True)],
            returning=False)
    return len(created)


# --------------------------------------------------------------------------------------- pick-up


def pickup_take(*, actor, kind: str, ref: str, ground: str = PICKUP_DEFAULT_GROUND, reason: str = "",
                today: dt.date | None = None) -> SeparationCase:
    """§5.2.4/§7.4 The bureau takes up a separation proposal: ``kind`` "evaluation" (an
    ``evaluation.SeparationProposal`` id, whose ``taken_up_at`` is set) or "annual_result" (``ref`` =
    "<member id>:<year>-<year>", two consecutive 不合格 years). The ground defaults to Art. 40(2) and may be
    an Art. 39 ground the bureau chooses; the Art. 42 check applies as for any proposal."""
    from auxpost.evaluation.models import SeparationProposal

    today = _today(today)
    if ground not in (rules.ART40_UNFIT, *rules.GROUNDS_ART39):
        raise ValidationError({"ground": _("Ground: a picked-up proposal is an Art. 40(2) or Art. 39 separation.")})
    if actor is None or rules.BUREAU not in scope.roles(actor):
        raise _forbidden(_("Only %(parties)s may take the step “%(action)s”.") % {
            "parties": rules.PARTY_LABEL[rules.BUREAU], "action": rules.ACTION_LABEL["propose"]})
    with transaction.atomic():
        if kind == rules.EVALUATION:
            try:
                sp = SeparationProposal.objects.select_for_update().select_related("member").get(pk=int(ref))
            except (ValueError, SeparationProposal.DoesNotExist):
                raise ValidationError({"ref": _("Proposal: not found.")}) from None
            if sp.taken_up_at is not None:
                raise _refused(_("This proposal has already been taken up."))
            case = proposal_create(actor=actor, member=sp.member, ground=ground,
                                   reason=(reason or "").strip() or sp.reason, source=rules.EVALUATION,
                                   source_ref=str(sp.pk), today=today)
            SeparationProposal.objects.filter(pk=sp.pk).update(taken_up_at=_now())
            audit_record(actor=actor, action="update", obj=sp, summary=f"separation proposal {sp.pk} taken up: case {case.pk}",
                         before={"taken_up_at": None}, after={"taken_up_at": "set", "case": case.pk})
            return case
        if kind == rules.ANNUAL_RESULT:
            from auxpost.separation.selectors import annual_fail_pairs

            try:
                member_id, years = ref.split(":", 1)
                y1, y2 = (int(y) for y in years.split("-"))
                member_id = int(member_id)
            except ValueError:
                raise ValidationError({"ref": _("Proposal: not found.")}) from None
            pairs = annual_fail_pairs(member_ids=[member_id])
            if (member_id, y1, y2) not in {(p.member.pk, p.year1, p.year2) for p in pairs}:
                raise ValidationError({"ref": _("Proposal: not found.")})
            member = Member.objects.get(pk=member_id)
            text = (reason or "").strip() or f"{y1}年、{y2}年年度考核连续不合格（§7.4）。"
            return proposal_create(actor=actor, member=member, ground=ground, reason=text,
                                   source=rules.ANNUAL_RESULT, source_ref=f"{member_id}:{y1}-{y2}", today=today)
    raise ValidationError({"kind": _("Kind: “%(value)s” is not a proposal kind.") % {"value": kind}})


# ------------------------------------------------------------------------------- protection records


def protection_record(*, actor, member: Member, kind: str, start: dt.date, end: dt.date | None = None,
                      note: str = "", supersedes: ProtectionRecord | None = None) -> ProtectionRecord:
    """§5.2.4 / Art. 42 Record a protection period (pregnancy, maternity, nursing from the child's birth,
    medical period, occupational disease, work injury) — the HR company or the bureau. Append-only: a
    correction is a new record that ``supersedes`` the earlier one."""
    if kind not in rules.RECORD_KINDS:
        raise ValidationError({"kind": _("Protection: “%(value)s” is not a kind of protection.") % {"value": kind}})
    if start is None:
        raise ValidationError({"start": _("From: please enter the date.")})
    if end is not None and end < start:
        raise ValidationError({"end": _("Until: %(end)s is before the start %(start)s.") % {"end": end, "start": start}})
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Note: at most %(n)s characters.") % {"n": NOTE_MAX}})
    if actor is None or not (scope.roles(actor) & {rules.BUREAU, rules.HR_COMPANY}):
        raise _forbidden(_("Only the bureau or the HR company may record a protection."))
    if not any(_in_scope(actor, member.pk, r) for r in (rules.BUREAU, rules.HR_COMPANY) if r in scope.roles(actor)):
        raise _forbidden(_("Only the bureau or the HR company may record a protection."))
    if kind in (rules.PREGNANCY, rules.MATERNITY, rules.NURSING) and member.sex != "F":
        raise ValidationError({"kind": _("Protection: pregnancy, maternity and nursing apply to women.")})
    with transaction.atomic():
        if supersedes is not None:
            supersedes = ProtectionRecord.objects.select_for_update().get(pk=supersedes.pk)
            if supersedes.member_id != member.pk:
                raise ValidationError({"supersedes": _("Replaces: the record belongs to another member.")})
            if ProtectionRecord.objects.filter(supersedes=supersedes).exists():
                raise _refused(_("That record has already been replaced."))
        row = ProtectionRecord.objects.create(member=member, kind=kind, start=start, end=end, note=note,
                                              supersedes=supersedes, recorded_by=actor, recorded_at=_now())
        audit_record(actor=actor, action="create", obj=row,
                     summary=f"protection {kind} for member {member.pk} from {start}"
                             + (f" (replaces {supersedes.pk})" if supersedes else ""),
                     after=model_snapshot(row, ["member", "kind", "start", "end", "note", "supersedes"]))
    return row


__all__ = [
    "case_approve", "case_archive", "case_cancel", "case_execute", "case_refuse", "item_return", "member_protections",
    "member_retirement", "pickup_take", "proposal_create", "protection_record", "retirement_proposals_create",
    "separations_make_due_effective",
]
