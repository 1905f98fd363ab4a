"""§8 Grade evaluation (职级评定) writes: open a round and move it through its stages, act on candidates
(apply, recommend, review, approve), materials, objections during the 公示, the final decision, the
separation proposals it produces (§7.4) and the grade changes it makes effective (§8.5).

Every service takes keyword-only arguments, runs in one transaction, records each move as a
:class:`~auxpost.evaluation.models.Transition` (who, in which role, when, why) and writes an audit link
in the same transaction. Refusals:

- :class:`~auxpost.evaluation.rules.MoveRefused` code ``out_of_order`` — not from this state / stage,
  or a guard that needs data (cases not handled yet, 公示 not over, quota full) — the API answers 409;
- ``MoveRefused`` code ``forbidden`` — a party without authority for this step — 403;
- ``django.core.exceptions.ValidationError`` keyed by field, Chinese messages — bad input, 400.

Work over a whole round (computing 100,000 members, lapsing, submitting, finalising, making grades
effective) is set-based: rows are inserted and updated in batches (``core.bulk``), transitions are
inserted in batches and audited with one ``audit_record_many``; no query runs per member.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.audit.services import Change, audit_record, audit_record_many, model_snapshot
from auxpost.core.bulk import insert_many
from auxpost.evaluation import rules
from auxpost.evaluation.models import (
    Approval,
    Candidate,
    EvaluationRound,
    Material,
    Objection,
    ObjectionStatus,
    RoundKind,
    SeparationProposal,
    Transition,
)
from auxpost.evaluation.selectors import (
    ACTIVE_STATES,
    APPROVED_STATES,
    MATERIAL_STATES,
    line_manager_unit_ids,
    own_member_id,
    pending_objections,
)
from auxpost.people.models import ON_ROSTER, GradeHistory, Member
from auxpost.policy.selectors import PolicyNotFound, policy_by_version, policy_in_force

NAME_MAX = EvaluationRound._meta.get_field("name").max_length
CONTACT_MAX = EvaluationRound._meta.get_field("objection_contact").max_length
NUMBER_MAX = EvaluationRound._meta.get_field("decision_number").max_length
NOTE_MAX = Approval._meta.get_field("note").max_length
DECISION_NOTE_MAX = Candidate._meta.get_field("decision_note").max_length
OBJECTOR_MAX = Objection._meta.get_field("objector").max_length
TEXT_MAX = 5000
REASON_MAX = 2000
#: Rows per IN list / update batch.
CHUNK = 500
#: Candidates a big move (a round move, a bulk action) handles at once, and ids per ``UPDATE … WHERE id IN``:
#: memory stays flat with the size of the round.
MOVE_CHUNK = 5000
#: The columns a candidate move reads (``reasons``, a JSON list, only where a separation proposal is built;
#: the member's name only where a refusal message is built).
MOVE_FIELDS = ("id", "round", "member", "unit", "status", "outcome", "target_grade", "from_grade", "quota_rank",
               "decision", "decision_grade", "decision_note")

#: The candidate actions a person takes (the others are taken by round moves).
CANDIDATE_USER_ACTIONS = ("apply", "recommend", "not_recommend", "qualify", "disqualify", "approve", "reject")
#: Candidate actions that need a reason.
REASON_REQUIRED = frozenset({"not_recommend", "disqualify", "reject"})
#: The role a system run (the ``evaluation-effect`` command) acts as.
SYSTEM = "system"
#: Round states after which a 首次定级 counts as done (no second one may be opened).
DECIDED_STATES = (rules.DECIDED, rules.EFFECTIVE, rules.ARCHIVED)

GRADE_LABEL = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}


def _now() -> dt.datetime:
    return timezone.now()


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def _grade(g: int | None) -> str:
    return GRADE_LABEL.get(g, "—") if g is not None else _("ungraded")


def _parties(action: str) -> str:
    return "、".join(rules.BODY_LABEL.get(r, _party_label(r)) for r in sorted(rules.ACTION_ROLES.get(action, ())))


def _party_label(role: str) -> str:
    return {rules.LINE_MANAGER: _("the unit's line manager"), rules.MEMBER: _("the member")}.get(role, role)


def _forbidden(message: str) -> rules.MoveRefused:
    return rules.MoveRefused(message, code="forbidden")


def _refused(message: str) -> rules.MoveRefused:
    return rules.MoveRefused(message, code="out_of_order")


def _round_policy(rnd: EvaluationRound):
    """The policy a round computed with (its recorded version), else the one in force on its date."""
    try:
        if rnd.policy_version:
            return policy_by_version(rnd.policy_version, published_only=False)
        return policy_in_force(rnd.as_of)
    except PolicyNotFound as exc:
        raise ValidationError({"as_of": exc.message}) from None


def _round_snapshot(rnd: EvaluationRound) -> dict:
    return model_snapshot(rnd, ["status", "policy_version", "headcount", "publicity_days", "publicity_start",
                                "publicity_end", "decision_number", "decided_on"])


def _record_round_move(*, actor, rnd: EvaluationRound, action: str, before: str, acting_as: str, reason: str,
                       at: dt.datetime, before_snapshot: dict, summary: str = "") -> None:
    Transition.objects.create(round=rnd, candidate=None, action=action, from_status=before, to_status=rnd.status,
                              actor=actor if actor is not None and actor.pk else None, acting_as=acting_as,
                              reason=reason, at=at)
    audit_record(actor=actor, action="transition", obj=rnd,
                 summary=summary or f"evaluation round {rnd.pk}: {action} {before} → {rnd.status}",
                 before=before_snapshot, after=_round_snapshot(rnd) | {"reason": reason, "acting_as": acting_as})


# --------------------------------------------------------------------------------- candidate moves


@dataclass
class _Move:
    """One candidate moving: to ``to_status`` by ``action``, with field updates (attname → value)."""

    candidate: Candidate
    action: str
    to_status: str
    acting_as: str
    reason: str = ""
    fields: dict = field(default_factory=dict)


def _record_candidate_moves(*, actor, rnd: EvaluationRound, moves: list[_Move], at: dt.datetime) -> None:
    """Apply ``moves`` set-based: the rows grouped by their new values (a handful of groups in a round
    move), one ``UPDATE … WHERE id IN (…)`` per group and chunk of ids, the transitions inserted in
    batches, one audit_record_many. The candidate objects are updated in memory too.

    Callers hold the round's row lock (``select_for_update`` on the round, taken before any candidate is
    read or written): every writer of Candidate in this module does so."""
    if not moves:
        return
    actor_id = actor.pk if actor is not None and actor.pk else None
    groups: dict[tuple, list[int]] = {}
    transitions, changes = [], []
    for mv in moves:
        c = mv.candidate
        before = c.status
        groups.setdefault((mv.to_status, tuple(sorted(mv.fields.items()))), []).append(c.pk)
        transitions.append({"round_id": rnd.pk, "candidate_id": c.pk, "action": mv.action, "from_status": before,
                            "to_status": mv.to_status, "actor_id": actor_id, "acting_as": mv.acting_as,
                            "reason": mv.reason, "at": at})
        changes.append(Change("transition", "evaluation.candidate", str(c.pk), str(c),
                              f"evaluation candidate {c.pk} (member {c.member_id}): {mv.action} {before} → "
                              f"{mv.to_status}",
                              {"status": before, **{k: getattr(c, k) for k in mv.fields}},
                              {"status": mv.to_status, "acting_as": mv.acting_as, "reason": mv.reason, **mv.fields}))
        c.status = mv.to_status
        c.updated_at = at
        for k, v in mv.fields.items():
            setattr(c, k, v)
    for (to_status, values), pks in groups.items():
        for start in range(0, len(pks), MOVE_CHUNK):
            Candidate._base_manager.filter(pk__in=pks[start:start + MOVE_CHUNK]).update(
                status=to_status, updated_at=at, **dict(values))
    insert_many(Transition, transitions, stamp=at)
    audit_record_many(actor=actor, changes=changes, returning=False)


@dataclass
class _Ctx:
    """What checking a candidate action needs once per call (roles, units, signatures, quota)."""

    actor: object
    rnd: EvaluationRound
    action: str
    body: str | None
    roles: set[str]
    member_id: int | None
    lm_units: set[int] | None = None
    signed: dict[int, set[str]] | None = None
    quota: _Quota | None = None
    #: Member names read for refusal messages, and the members of the chunk being judged (read together).
    names: dict[int, str] = field(default_factory=dict)
    name_ids: list[int] = field(default_factory=list)


class _Name:
    """A candidate's member name, read only when a refusal message is formatted with it."""

    __slots__ = ("ctx", "c")

    def __init__(self, ctx: _Ctx, c: Candidate):
        self.ctx, self.c = ctx, c

    def __str__(self) -> str:
        ctx, c = self.ctx, self.c
        if Candidate.member.is_cached(c):
            return c.member.name
        if c.member_id not in ctx.names:
            # One query for the chunk's members: a bulk call refusing many reads their names once.
            wanted = {c.member_id, *ctx.name_ids} - ctx.names.keys()
            ctx.names.update(Member.objects.filter(pk__in=list(wanted)).values_list("pk", "name"))
        return ctx.names.get(c.member_id, "")


def _context(*, actor, rnd: EvaluationRound, action: str, body: str | None) -> _Ctx:
    """Checks that do not depend on the candidate: a known action, the party, the round's stage."""
    if action not in CANDIDATE_USER_ACTIONS:
        raise ValidationError({"action": _("Action: “%(action)s” is not a candidate action; choose one of "
                                           "%(actions)s.") % {"action": action,
                                                              "actions": ", ".join(CANDIDATE_USER_ACTIONS)}})
    if body not in (None, "") and body not in rules.BODY_LABEL:
        raise ValidationError({"body": _("Approving body: “%(body)s” is not one of %(bodies)s.") % {
            "body": body, "bodies": ", ".join(rules.BODY_LABEL)}})
    roles = scope.roles(actor) if actor is not None else set()
    if not rules.authorised(action, roles):
        raise _forbidden(_("Only %(parties)s may take the step “%(action)s”.") % {
            "parties": _parties(action), "action": rules.CANDIDATE_ACTION_LABEL[action]})
    stage = rules.CANDIDATE_ACTION_ROUND_STATE[action]
    if rnd.status != stage:
        raise _refused(_("The round is at the stage “%(now)s”; “%(action)s” is taken only at the stage "
                         "“%(stage)s”.") % {"now": rules.ROUND_LABEL[rnd.status],
                                            "action": rules.CANDIDATE_ACTION_LABEL[action],
                                            "stage": rules.ROUND_LABEL[stage]})
    return _Ctx(actor=actor, rnd=rnd, action=action, body=body or None, roles=roles, member_id=own_member_id(actor))


def _judge(ctx: _Ctx, c: Candidate, *, with_quota: bool = True) -> _Move:
    """§8.1/§8.4 whether ``ctx.actor`` may take ``ctx.action`` on ``c`` now; the move, or MoveRefused /
    ValidationError naming the reason. Party checks first (403), then order (409)."""
    action, roles, rnd = ctx.action, ctx.roles, ctx.rnd
    name = _Name(ctx, c)
    acting_as = ""
    body = None
    if action == "apply":
        if rules.MEMBER in roles and ctx.member_id == c.member_id:
            acting_as = rules.MEMBER
        elif rules.BUREAU in roles:
            acting_as = rules.BUREAU
        else:
            raise _forbidden(_("You may apply only for yourself (the bureau may record a paper application)."))
    elif action in ("recommend", "not_recommend"):
        if ctx.lm_units is None:
            ctx.lm_units = line_manager_unit_ids(ctx.actor)
        if c.unit_id not in ctx.lm_units:
            raise _forbidden(_("%(name)s is not in your units; the line manager of their unit recommends.")
                             % {"name": name})
        acting_as = rules.LINE_MANAGER
    elif action in ("qualify", "disqualify"):
        acting_as = rules.BUREAU
    else:  # approve / reject
        required = rules.approving_bodies(c.decision, c.decision_grade or 0) if c.decision else frozenset()
        if ctx.signed is None:
            ctx.signed = {}
        signed = ctx.signed.get(c.pk)
        if signed is None:
            signed = ctx.signed[c.pk] = set(Approval.objects.filter(candidate=c).values_list("body", flat=True))
        labels = "、".join(rules.BODY_LABEL[b] for b in sorted(required))
        if ctx.body:
            if ctx.body not in roles:
                raise _forbidden(_("You do not act for %(body)s.") % {"body": rules.BODY_LABEL[ctx.body]})
            if ctx.body not in required:
                raise _forbidden(_("This decision is approved by %(bodies)s, not by %(body)s (§8.1).") % {
                    "bodies": labels, "body": rules.BODY_LABEL[ctx.body]})
            body = ctx.body
        else:
            mine = required & roles
            if not mine:
                raise _forbidden(_("This decision is approved by %(bodies)s (§8.1); you may not sign it.")
                                 % {"bodies": labels})
            open_ = mine - signed
            if len(open_) > 1:
                raise ValidationError({"body": _("Approving body: you act for %(bodies)s; choose which one you "
                                                 "sign for.") % {
                    "bodies": "、".join(rules.BODY_LABEL[b] for b in sorted(open_))}})
            body = next(iter(open_)) if open_ else next(iter(mine))
        acting_as = body
    to_status = rules.candidate_move(c.status, action)  # MoveRefused out_of_order

    # Guards that need data.
    if action == "apply" and not rules.needs_application(rnd.kind, c.outcome):
        raise _refused(_("%(name)s's computed outcome is “%(outcome)s”; only a computed promotion in an annual "
                         "round is applied for (other cases go on without an application).") % {
            "name": name, "outcome": rules.OUTCOME_LABEL.get(c.outcome, c.outcome)})
    if action in ("recommend", "not_recommend"):
        if not rules.on_promotion_track(rnd.kind, c.outcome):
            raise _refused(_("%(name)s's case (computed outcome “%(outcome)s”) goes straight to approval; units "
                             "recommend only promotion candidates.") % {
                "name": name, "outcome": rules.OUTCOME_LABEL.get(c.outcome, c.outcome)})
        if c.status == rules.COMPUTED and rules.needs_application(rnd.kind, c.outcome):
            raise _refused(_("%(name)s has not applied; units recommend only those who applied.") % {"name": name})
    if action in ("approve", "reject"):
        if body in ctx.signed[c.pk]:
            raise _refused(_("%(body)s has already signed this decision.") % {"body": rules.BODY_LABEL[body]})
        if action == "approve":
            required = rules.approving_bodies(c.decision, c.decision_grade or 0)
            if not required <= (ctx.signed[c.pk] | {body}):
                to_status = rules.PENDING_APPROVAL  # the other body has still to sign
            elif with_quota:
                if ctx.quota is None:
                    ctx.quota = _Quota.of(rnd)
                ctx.quota.check(c)
    mv = _Move(candidate=c, action=action, to_status=to_status, acting_as=acting_as)
    mv.fields = {"_body": body} if body else {}
    return mv


@dataclass
class _Quota:
    """§6.2 projected holders of 二级+一级 and of 一级 while approving: current holders on the roster,
    plus approved decisions of the round into the band, minus approved ones out of it."""

    cap_12: int
    cap_1: int
    held_12: int
    held_1: int
    headcount: int
    percent_12: int
    percent_1: int

    @classmethod
    def of(cls, rnd: EvaluationRound) -> _Quota:
        from auxpost.grading.rules import quota_limits

        gp = _round_policy(rnd).grade
        headcount = rnd.headcount or 0
        cap_12, cap_1 = quota_limits(headcount, gp)
        roster = Member.objects.filter(status__in=ON_ROSTER)
        approved = Candidate.objects.filter(round=rnd, status__in=APPROVED_STATES).exclude(decision=rules.SEPARATION)

        def band(limit: int) -> int:
            into = approved.filter(decision_grade__lte=limit).filter(Q(from_grade__isnull=True)
                                                                      | Q(from_grade__gt=limit)).count()
            out = approved.filter(from_grade__lte=limit, decision_grade__gt=limit).count()
            return roster.filter(grade__lte=limit).count() + into - out

        return cls(cap_12=cap_12, cap_1=cap_1, held_12=band(2), held_1=band(1), headcount=headcount,
                   percent_12=gp.quota_grades_2_and_1_percent, percent_1=gp.quota_grade_1_percent)

    def check(self, c: Candidate) -> None:
        if c.decision == rules.SEPARATION or c.decision_grade is None:
            return
        enters_12 = c.decision_grade <= 2 and (c.from_grade is None or c.from_grade > 2)
        enters_1 = c.decision_grade <= 1 and (c.from_grade is None or c.from_grade > 1)
        if enters_1 and self.held_1 + 1 > self.cap_1:
            raise _refused(_("The 一级 quota is full: at most %(cap)s (%(pct)s%% of %(n)s on the roster), and "
                             "%(held)s hold or are approved for it.") % {
                "cap": self.cap_1, "pct": self.percent_1, "n": self.headcount, "held": self.held_1})
        if enters_12 and self.held_12 + 1 > self.cap_12:
            raise _refused(_("The 二级 and 一级 quota is full: at most %(cap)s (%(pct)s%% of %(n)s on the roster), "
                             "and %(held)s hold or are approved for those grades.") % {
                "cap": self.cap_12, "pct": self.percent_12, "n": self.headcount, "held": self.held_12})
        # An approved move out of a band frees its place at once (a demotion from 二级 approved earlier
        # in the same bulk call makes room for a promotion later in it).
        self.held_1 += enters_1 - _leaves_band(c, 1)
        self.held_12 += enters_12 - _leaves_band(c, 2)


def _leaves_band(c: Candidate, limit: int) -> bool:
    """Whether an approved decision takes the member out of the grades ≤ ``limit`` (a quota band)."""
    return (c.decision != rules.SEPARATION and c.from_grade is not None and c.decision_grade is not None
            and c.from_grade <= limit < c.decision_grade)


def candidate_check(*, actor, candidate: Candidate, action: str) -> str | None:
    """Why ``actor`` may not take ``action`` on ``candidate`` now (None: they may). No quota check."""
    try:
        ctx = _context(actor=actor, rnd=candidate.round, action=action, body=None)
        _judge(ctx, candidate, with_quota=False)
    except rules.MoveRefused as exc:
        return exc.message
    except ValidationError as exc:
        # Only "choose a body" gets here: the user may act, once they say for which body.
        if hasattr(exc, "error_dict") and set(exc.error_dict) == {"body"}:
            return None
        return " ".join(exc.messages)
    return None


def _check_reason(action: str, reason: str) -> str:
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Reason: required for “%(action)s”.") % {
            "action": rules.CANDIDATE_ACTION_LABEL[action]}})
    limit = NOTE_MAX if action in ("approve", "reject") else REASON_MAX
    if len(reason) > limit:
        raise ValidationError({"reason": _("Reason: at most %(n)s characters.") % {"n": limit}})
    return reason


def _act(*, actor, rnd: EvaluationRound, candidates: list[Candidate], action: str, reason: str, body: str | None,
         at: dt.datetime, collect: bool) -> tuple[int, list[tuple[Candidate, str]]]:
    """Judge and move ``candidates`` by chunks of MOVE_CHUNK (the caller holds the round's lock); returns
    how many moved and the refusals (with ``collect``; else the first refusal is raised)."""
    ctx = _context(actor=actor, rnd=rnd, action=action, body=body)
    if action == "approve":
        # §6.2 places freed by approved demotions count for the promotions approved with them: judge the
        # moves out of a quota band first (a stable sort keeps the given order otherwise).
        candidates = sorted(candidates, key=lambda c: not (_leaves_band(c, 2) or _leaves_band(c, 1)))
    done = 0
    refused: list[tuple[Candidate, str]] = []
    checked_reason: str | None = None
    for start in range(0, len(candidates), MOVE_CHUNK):
        chunk = candidates[start:start + MOVE_CHUNK]
        ctx.name_ids = [c.member_id for c in chunk]
        if action in ("approve", "reject"):
            ctx.signed = {c.pk: set() for c in chunk}
            for cid, b in Approval.objects.filter(candidate__in=list(ctx.signed)).values_list("candidate_id", "body"):
                ctx.signed[cid].add(b)
        moves: list[_Move] = []
        for c in chunk:
            try:
                moves.append(_judge(ctx, c))
            except (rules.MoveRefused, ValidationError) as exc:
                if not collect:
                    raise
                refused.append((c, exc.message if isinstance(exc, rules.MoveRefused) else " ".join(exc.messages)))
        if checked_reason is None:
            checked_reason = _check_reason(action, reason)
        approvals = []
        for mv in moves:
            body = mv.fields.pop("_body", None)
            mv.reason = checked_reason
            if body is not None:
                approvals.append(Approval(candidate=mv.candidate, body=body, approved=action == "approve",
                                          note=checked_reason, by=actor, at=at))
                ctx.signed[mv.candidate.pk].add(body)
        _record_candidate_moves(actor=actor, rnd=rnd, moves=moves, at=at)
        if approvals:
            Approval.objects.bulk_create(approvals, batch_size=CHUNK)
            audit_record_many(actor=actor, returning=False, changes=[
                Change("create", "evaluation.approval", str(a.pk or ""), str(a.candidate),
                       f"approval of candidate {a.candidate_id} by {a.body}: "
                       f"{'approved' if a.approved else 'rejected'}",
                       None, {"candidate": a.candidate_id, "body": a.body, "approved": a.approved, "note": a.note})
                for a in approvals])
        done += len(moves)
    if checked_reason is None:
        _check_reason(action, reason)  # nothing to judge: a missing reason is still refused
    return done, refused


def candidate_act(*, actor, candidate: Candidate, action: str, reason: str = "", body: str | None = None,
                  today: dt.date | None = None) -> Candidate:
    """§8.4 one step on one candidate: apply (the member, or the bureau for them), recommend /
    not_recommend (line manager of the unit; reason required for not), qualify / disqualify (bureau;
    reason required for disqualify), approve / reject (§8.1: the required bodies, each once; all approve →
    approved, one rejects → rejected; quotas re-checked). ``body`` names the body signed for when the
    user acts for several."""
    at = _now()
    with transaction.atomic():
        rnd = EvaluationRound.objects.select_for_update().get(pk=candidate.round_id)
        c = Candidate.objects.select_for_update(of=("self",)).select_related("member", "unit").get(pk=candidate.pk)
        c.round = rnd
        _act(actor=actor, rnd=rnd, candidates=[c], action=action, reason=reason, body=body, at=at, collect=False)
    return c


@dataclass
class BulkResult:
    """What a bulk action did: how many moved, which were refused and why, ids not found in your scope."""

    done: int
    refused: list[tuple[Candidate, str]]
    missing: int = 0


def candidates_act(*, actor, round: EvaluationRound, candidate_ids, action: str, reason: str = "",
                   body: str | None = None, today: dt.date | None = None) -> BulkResult:
    """§8.4 the same step on many candidates of a round at once (the unit's recommendations, the review,
    an approving body's signatures). Each candidate is checked as by ``candidate_act``; the ones that
    pass move together (one transaction), the others are listed with the reason. Ids outside the
    actor's scope count as missing. A party without authority, or the wrong stage, refuses the whole call."""
    from auxpost.evaluation.selectors import candidate_q

    at = _now()
    try:
        ids = sorted({int(i) for i in candidate_ids})
    except (TypeError, ValueError):
        raise ValidationError({"candidate_ids": _("Candidates: give a list of candidate ids.")}) from None
    if not ids:
        raise ValidationError({"candidate_ids": _("Candidates: choose at least one.")})
    q = candidate_q(actor)
    with transaction.atomic():
        # The round's row lock serialises every candidate write: each writer of Candidate in this module
        # (candidate_act, candidates_act, the round moves through _round_move, objection_decide) locks the
        # round row first, in its own transaction, before it reads the candidates it writes. So the
        # candidates are read here without a row lock of their own (SELECT … FOR UPDATE per candidate).
        rnd = EvaluationRound.objects.select_for_update().get(pk=round.pk)
        found = _bulk_candidates(q, rnd, ids, action) if q is not None else []
        for c in found:
            c.round = rnd
        done, refused = _act(actor=actor, rnd=rnd, candidates=found, action=action, reason=reason, body=body,
                             at=at, collect=True)
        if refused:  # the callers list the refusals by member name: read them in one query
            members = Member.objects.in_bulk([c.member_id for c, _m in refused])
            for c, _m in refused:
                if c.member_id in members:
                    c.member = members[c.member_id]
    return BulkResult(done=done, refused=refused, missing=len(ids) - len(found))


def _bulk_candidates(q: Q, rnd: EvaluationRound, ids: list[int], action: str) -> list[Candidate]:
    """The candidates of ``rnd`` among ``ids`` (sorted) within the scope ``q``, by id, with the columns a
    move needs. Many ids: the round's candidates in the states ``action`` moves from, read in one query
    by round and status and intersected with the ids, then the few others by id (they are refused)."""
    base = Candidate.objects.filter(q, round=rnd).only(*MOVE_FIELDS)
    if len(ids) <= CHUNK:
        return list(base.filter(pk__in=ids).order_by("pk"))
    wanted = set(ids)
    sources = sorted({s for (s, a) in rules.CANDIDATE_FLOW if a == action})
    found = [c for c in base.filter(status__in=sources).order_by("pk").iterator(chunk_size=MOVE_CHUNK)
             if c.pk in wanted]
    rest = sorted(wanted.difference(c.pk for c in found))
    for start in range(0, len(rest), MOVE_CHUNK):
        found += base.filter(pk__in=rest[start:start + MOVE_CHUNK])
    found.sort(key=lambda c: c.pk)
    return found


# ------------------------------------------------------------------------------------------- rounds


def round_open(*, actor, name: str, kind: str, as_of: dt.date, effective_date: dt.date, objection_contact: str = "",
               notes: str = "") -> EvaluationRound:
    """§8.3 the bureau opens an evaluation round for a date, effective on a stated date (§8.5). One active
    round at a time; a 首次定级 (§8.4a) only while no earlier 首次定级 has been decided."""
    if actor is None or not scope.has_role(actor, rules.BUREAU):
        raise _forbidden(_("Only the bureau opens an evaluation round."))
    errors: dict[str, list[str]] = {}

    def bad(key, message):
        errors.setdefault(key, []).append(message)

    name = (name or "").strip()
    if not name:
        bad("name", _("Round name: required."))
    elif len(name) > NAME_MAX:
        bad("name", _("Round name: at most %(n)s characters.") % {"n": NAME_MAX})
    if kind not in RoundKind.values:
        bad("kind", _("Round kind: choose annual or initial grading."))
    if not isinstance(as_of, dt.date):
        bad("as_of", _("Evaluation date: enter a valid date."))
    if not isinstance(effective_date, dt.date):
        bad("effective_date", _("Effective date: enter a valid date."))
    elif isinstance(as_of, dt.date) and effective_date < as_of:
        bad("effective_date", _("Effective date: %(date)s is before the evaluation date %(as_of)s.") % {
            "date": effective_date.isoformat(), "as_of": as_of.isoformat()})
    objection_contact = (objection_contact or "").strip()
    if len(objection_contact) > CONTACT_MAX:
        bad("objection_contact", _("Objection contact: at most %(n)s characters.") % {"n": CONTACT_MAX})
    notes = (notes or "").strip()
    if len(notes) > TEXT_MAX:
        bad("notes", _("Notes: at most %(n)s characters.") % {"n": TEXT_MAX})
    if isinstance(as_of, dt.date) and "as_of" not in errors:
        try:
            policy_in_force(as_of)
        except PolicyNotFound as exc:
            bad("as_of", _("Evaluation date: %(reason)s") % {"reason": exc.message})
    if errors:
        raise ValidationError(errors)
    at = _now()
    with transaction.atomic():
        # Serialise openings: lock the active rounds (none → the check below still holds per transaction).
        active = list(EvaluationRound.objects.select_for_update().filter(status__in=ACTIVE_STATES))
        if active:
            raise _refused(_("The round “%(name)s” is still in progress (%(status)s); archive or cancel it before "
                             "opening another.") % {"name": active[0].name,
                                                    "status": rules.ROUND_LABEL[active[0].status]})
        if kind == RoundKind.INITIAL:
            done = EvaluationRound.objects.filter(kind=RoundKind.INITIAL, status__in=DECIDED_STATES).first()
            if done is not None:
                raise _refused(_("Initial grading was decided in “%(name)s”; it is done once (§8.4a). Later changes "
                                 "go through annual rounds.") % {"name": done.name})
        try:
            with transaction.atomic():
                rnd = EvaluationRound.objects.create(
                    name=name, kind=kind, as_of=as_of, effective_date=effective_date,
                    objection_contact=objection_contact, notes=notes, created_by=actor, created_at=at,
                    status=rules.OPEN)
        except IntegrityError:  # another opening committed in the meantime (evaluation_one_active_round)
            raise _refused(_("Another round was opened at the same moment; only one may be in progress.")) from None
        Transition.objects.create(round=rnd, action="open", from_status="", to_status=rules.OPEN, actor=actor,
                                  acting_as=rules.BUREAU, at=at)
        audit_record(actor=actor, action="create", obj=rnd, summary=f"evaluation round opened: {name}",
                     after=model_snapshot(rnd, ["name", "kind", "as_of", "effective_date", "objection_contact",
                                                "notes", "status"]))
    return rnd


def round_move(*, actor, round: EvaluationRound, action: str, reason: str = "", today: dt.date | None = None,
               start: dt.date | None = None, decision_number: str = "", decided_on: dt.date | None = None
               ) -> EvaluationRound:
    """§8.4 the bureau moves a round to its next stage: compute, close_applications, close_recommendation,
    close_review, start_publicity (``start``, default today), decide (``decision_number``, ``decided_on``),
    make_effective, archive, cancel (``reason`` required). Refused out of order (409) or for a party other
    than the bureau (403); each move's guards are in its docstring section of the module."""
    if action not in rules.ROUND_ACTION_LABEL:
        raise ValidationError({"action": _("Action: “%(action)s” is not a round action; choose one of %(actions)s.")
                               % {"action": action, "actions": ", ".join(rules.ROUND_ACTION_LABEL)}})
    if actor is None or not rules.authorised(action, scope.roles(actor)):
        raise _forbidden(_("Only the bureau moves an evaluation round (“%(action)s”).") % {
            "action": rules.ROUND_ACTION_LABEL[action]})
    return _round_move(actor=actor, acting_as=rules.BUREAU, round=round, action=action, reason=reason,
                       today=_today(today), start=start, decision_number=decision_number, decided_on=decided_on)


def _round_move(*, actor, acting_as: str, round: EvaluationRound, action: str, reason: str, today: dt.date,
                start: dt.date | None, decision_number: str, decided_on: dt.date | None) -> EvaluationRound:
    at = _now()
    reason = (reason or "").strip()
    with transaction.atomic():
        rnd = EvaluationRound.objects.select_for_update().get(pk=round.pk)
        before, snapshot = rnd.status, _round_snapshot(rnd)
        nxt = rules.round_move(rnd.status, action)  # MoveRefused out_of_order
        if len(reason) > REASON_MAX:
            raise ValidationError({"reason": _("Reason: at most %(n)s characters.") % {"n": REASON_MAX}})
        handler = _ROUND_HANDLERS.get(action)
        summary = ""
        if handler is not None:
            summary = handler(actor=actor, acting_as=acting_as, rnd=rnd, reason=reason, today=today, start=start,
                              decision_number=decision_number, decided_on=decided_on, at=at) or ""
        rnd.status = nxt
        rnd.save()
        _record_round_move(actor=actor, rnd=rnd, action=action, before=before, acting_as=acting_as,
                           reason=reason or summary, at=at, before_snapshot=snapshot)
    round.__dict__.update({k: v for k, v in rnd.__dict__.items() if not k.startswith("_")})
    return rnd


def _compute(*, actor, acting_as, rnd, at, **_kw) -> str:
    """§8.3 every member's outcome on the round's date with reasons and quota ranking, stored as candidates."""
    from auxpost.grading import selectors as grading

    try:
        policy = policy_in_force(rnd.as_of)
    except PolicyNotFound as exc:
        raise ValidationError({"as_of": exc.message}) from None
    if rnd.kind == RoundKind.INITIAL:
        outcomes = grading.initial_outcomes_compute(as_of=rnd.as_of, policy=policy)
    else:
        outcomes = outcomes_compute_annual(as_of=rnd.as_of, policy=policy)
    n = 0
    outcomes = iter(outcomes)
    while chunk := list(islice(outcomes, MOVE_CHUNK)):  # insert and audit by chunks: flat memory
        rows = []
        for mo in chunk:
            o = mo.outcome
            rows.append({
                "round_id": rnd.pk, "member_id": mo.member_id, "unit_id": mo.unit_id, "status": rules.COMPUTED,
                "from_grade": o.grade or None, "outcome": o.outcome, "target_grade": o.target_grade,
                "quota_rank": o.quota_rank,
                "reasons": [{"requirement": r.requirement, "required": r.required, "actual": r.actual, "met": r.met}
                            for r in o.reasons],
                "decision": "", "decision_grade": None, "decision_note": "", "updated_at": at,
            })
            if hasattr(o, "forget"):
                o.forget()
        del chunk
        insert_many(Candidate, rows, stamp=at)
        ids = dict(Candidate.objects.filter(round=rnd, member_id__in=[r["member_id"] for r in rows])
                   .values_list("member_id", "pk"))
        audit_record_many(actor=actor, returning=False, changes=[
            Change("create", "evaluation.candidate", str(ids.get(r["member_id"], "")), f"{rnd.pk}:{r['member_id']}",
                   f"evaluation candidate computed: member {r['member_id']} {r['outcome']} → {r['target_grade']}",
                   None, {"round": rnd.pk, "member": r["member_id"], "unit": r["unit_id"],
                          "from_grade": r["from_grade"], "outcome": r["outcome"], "target_grade": r["target_grade"],
                          "quota_rank": r["quota_rank"]})
            for r in rows])
        n += len(rows)
    rnd.policy_version = policy.version
    rnd.headcount = grading.headcount()
    return _("%(n)s candidates computed under policy %(version)s.") % {"n": n, "version": policy.version}


def outcomes_compute_annual(*, as_of, policy):
    """§8.3 the annual outcomes (grading's ``outcomes_compute``), every member on the roster with a grade."""
    from auxpost.grading.selectors import outcomes_compute

    return outcomes_compute(as_of=as_of, policy=policy)


def _candidate_chunks(rnd: EvaluationRound, q: Q):
    """The round's candidates matching ``q`` by id, MOVE_CHUNK at a time, with the columns a move needs
    (keyset by id: moving a chunk out of ``q`` does not shift the next one)."""
    last = 0
    while True:
        chunk = list(Candidate.objects.filter(q, round=rnd, pk__gt=last).only(*MOVE_FIELDS).order_by("pk")
                     [:MOVE_CHUNK])
        if chunk:
            yield chunk
        if len(chunk) < MOVE_CHUNK:
            return
        last = chunk[-1].pk


def _close_applications(*, actor, acting_as, rnd, at, **_kw) -> str:
    """§8.4 annual promotions not applied for lapse (→ not_applied)."""
    n = 0
    for chunk in _candidate_chunks(rnd, Q(status=rules.COMPUTED, outcome=rules.PROMOTE)):
        lapsed = [c for c in chunk if rules.needs_application(rnd.kind, c.outcome)]
        _record_candidate_moves(actor=actor, rnd=rnd, at=at, moves=[
            _Move(c, "lapse", rules.NOT_APPLIED, acting_as, _("No application by the end of the application stage."))
            for c in lapsed])
        n += len(lapsed)
    return _("%(n)s promotions not applied for.") % {"n": n}


def _track_q(rnd: EvaluationRound) -> Q:
    return Q() if rnd.kind == RoundKind.INITIAL else Q(outcome=rules.PROMOTE)


def _close_recommendation(*, rnd, **_kw) -> str:
    """§8.4 refused while any promotion-track candidate is neither recommended nor not recommended."""
    waiting = Candidate.objects.filter(_track_q(rnd), round=rnd, status__in=(rules.COMPUTED, rules.APPLIED)).count()
    if waiting:
        raise _refused(_("%(n)s candidates still wait for their unit's recommendation.") % {"n": waiting})
    return ""


def _close_review(*, actor, acting_as, rnd, at, **_kw) -> str:
    """§8.4 refused while any recommended candidate is unreviewed; then every candidate still in the flow
    is submitted for approval with its decision (``rules.decision_at_submit``)."""
    waiting = Candidate.objects.filter(round=rnd, status=rules.RECOMMENDED).count()
    if waiting:
        raise _refused(_("%(n)s recommended candidates still wait for the qualification review.") % {"n": waiting})
    submit_from = [s for (s, a) in rules.CANDIDATE_FLOW if a == "submit"]
    # Why a case ends at 维持原等级: the reason recorded with the step that stopped it.
    stopped = {rules.NOT_RECOMMENDED: "not_recommend", rules.DISQUALIFIED: "disqualify"}
    reasons = dict(Transition.objects.filter(round=rnd, action__in=list(stopped.values()))
                   .order_by("at", "pk").values_list("candidate_id", "reason"))
    notes = {rules.NOT_APPLIED: _("Not applied for: keeps the current grade."),
             rules.NOT_RECOMMENDED: _("Not recommended by the unit: %(reason)s"),
             rules.DISQUALIFIED: _("Not qualified on review: %(reason)s")}
    n = 0
    for chunk in _candidate_chunks(rnd, Q(status__in=submit_from)):
        moves = []
        for c in chunk:
            d = rules.decision_at_submit(state=c.status, outcome=c.outcome, target_grade=c.target_grade,
                                         current_grade=c.from_grade)
            note = notes.get(c.status, "")
            if "%(reason)s" in note:
                note = note % {"reason": reasons.get(c.pk, "")}
            moves.append(_Move(c, "submit", rules.PENDING_APPROVAL, acting_as, fields={
                "decision": d.decision, "decision_grade": d.grade, "decision_note": note[:DECISION_NOTE_MAX]}))
        _record_candidate_moves(actor=actor, rnd=rnd, moves=moves, at=at)
        n += len(moves)
    return _("%(n)s cases submitted for approval.") % {"n": n}


def _start_publicity(*, rnd, today, start, **_kw) -> str:
    """§8.4 the 公示: refused while any case waits for approval; runs the policy's working days from
    ``start`` (default today) by the working-day calendar (§11)."""
    from auxpost.workcal.selectors import CalendarYearMissing, add_working_days

    waiting = Candidate.objects.filter(round=rnd, status=rules.PENDING_APPROVAL).count()
    if waiting:
        raise _refused(_("%(n)s cases still wait for approval; the public notice starts when all are decided.")
                       % {"n": waiting})
    start = start or today
    if not isinstance(start, dt.date):
        raise ValidationError({"start": _("Notice start: enter a valid date.")})
    days = _round_policy(rnd).grade.publicity_working_days
    try:
        end = add_working_days(start, days)
    except CalendarYearMissing as exc:
        raise ValidationError({"start": _("Notice start: %(reason)s") % {"reason": " ".join(exc.messages)}}) from None
    rnd.publicity_days, rnd.publicity_start, rnd.publicity_end = days, start, end
    return _("Public notice from %(start)s to %(end)s (%(days)s working days).") % {
        "start": start.isoformat(), "end": end.isoformat(), "days": days}


def _decide(*, actor, acting_as, rnd, today, decision_number, decided_on, at, **_kw) -> str:
    """§8.4 the final decision: refused while the 公示 runs (today ≤ its end) or an objection waits;
    needs the decision number and date; approved → final; a final separation proposal becomes a
    SeparationProposal (§7.4)."""
    if rnd.publicity_end is None or today <= rnd.publicity_end:
        raise _refused(_("The public notice runs until %(end)s and has not ended yet.") % {
            "end": rnd.publicity_end.isoformat() if rnd.publicity_end else "—"})
    waiting = pending_objections(rnd)
    if waiting:
        raise _refused(_("%(n)s objections still wait for a decision.") % {"n": waiting})
    errors = {}
    decision_number = (decision_number or "").strip()
    if not decision_number:
        errors["decision_number"] = _("Decision number: required.")
    elif len(decision_number) > NUMBER_MAX:
        errors["decision_number"] = _("Decision number: at most %(n)s characters.") % {"n": NUMBER_MAX}
    if not isinstance(decided_on, dt.date):
        errors["decided_on"] = _("Decision date: enter a valid date.")
    elif decided_on <= rnd.publicity_end:
        errors["decided_on"] = _("Decision date: %(date)s is not after the end of the public notice (%(end)s).") % {
            "date": decided_on.isoformat(), "end": rnd.publicity_end.isoformat()}
    elif decided_on > today:
        errors["decided_on"] = _("Decision date: %(date)s is in the future.") % {"date": decided_on.isoformat()}
    if errors:
        raise ValidationError(errors)
    rnd.decision_number, rnd.decided_on = decision_number, decided_on
    n = 0
    separations: list[Candidate] = []
    for chunk in _candidate_chunks(rnd, Q(status=rules.APPROVED)):
        _record_candidate_moves(actor=actor, rnd=rnd, at=at, moves=[
            _Move(c, "finalise", rules.FINAL, acting_as, decision_number) for c in chunk])
        n += len(chunk)
        separations += [c for c in chunk if c.decision == rules.SEPARATION]
    # The outcome reasons (a JSON list per candidate) are read for the separation proposals only.
    reasons = dict(Candidate.objects.filter(pk__in=[c.pk for c in separations]).values_list("pk", "reasons"))
    proposals = [SeparationProposal(
        member_id=c.member_id, candidate=c, proposed_on=decided_on, created_at=at,
        reason=_("%(round)s (%(number)s): separation proposal (§7.4). %(failed)s") % {
            "round": rnd.name, "number": decision_number,
            "failed": "；".join(f"{r['requirement']}：{r['actual']}" for r in reasons[c.pk] if not r.get("met"))})
        for c in separations]
    SeparationProposal.objects.bulk_create(proposals, batch_size=CHUNK)
    audit_record_many(actor=actor, returning=False, changes=[
        Change("create", "evaluation.separationproposal", str(p.pk or ""), str(p.member_id),
               f"separation proposal for member {p.member_id} from round {rnd.pk}", None,
               {"member": p.member_id, "candidate": p.candidate_id, "proposed_on": p.proposed_on,
                "reason": p.reason})
        for p in proposals])
    return _("%(n)s decisions issued, %(s)s separation proposals.") % {"n": n, "s": len(proposals)}


def _make_effective(*, actor, acting_as, rnd, today, at, **_kw) -> str:
    """§8.5 refused before the effective date; every final decision that changes a grade enters the
    member's grade history (source round / initial, the round's effective date, the decision as
    reference) and keeps ``Member.grade`` in step — set-based, as ``people.services.grade_history_append``
    does one at a time; final → effective."""
    if today < rnd.effective_date:
        raise _refused(_("The grade changes take effect on %(date)s, not before.") % {
            "date": rnd.effective_date.isoformat()})
    source = GradeHistory.Source.INITIAL if rnd.kind == RoundKind.INITIAL else GradeHistory.Source.ROUND
    reference = f"职级评定#{rnd.pk} {rnd.decision_number}"[:100]
    eff = rnd.effective_date
    actor_id = actor.pk if actor is not None and actor.pk else None
    n = 0
    for cands in _candidate_chunks(rnd, Q(status=rules.FINAL)):
        n += _make_effective_chunk(actor=actor, acting_as=acting_as, rnd=rnd, cands=cands, actor_id=actor_id,
                                   source=source, reference=reference, at=at)
    return _("%(n)s grade changes in effect from %(date)s.") % {"n": n, "date": eff.isoformat()}


def _make_effective_chunk(*, actor, acting_as, rnd, cands, actor_id, source, reference, at) -> int:
    """One chunk of ``_make_effective``: the grade history rows, the members' grades (one UPDATE per new
    grade), their audit links, then the candidates' moves. Returns the number of grade changes."""
    eff = rnd.effective_date
    members = {}
    member_ids = [c.member_id for c in cands]
    for i in range(0, len(member_ids), MOVE_CHUNK):
        members.update({m[0]: m for m in Member.objects.filter(pk__in=member_ids[i:i + MOVE_CHUNK]).values_list(
            "pk", "status", "grade", "grade_effective_date", "hire_date")})
    history, befores, moves = [], {}, []
    after: dict[int, dict] = {}
    for c in cands:
        note = ""
        if rules.changes_grade(c.decision, c.from_grade, c.decision_grade):
            pk, status, grade, grade_eff, hire = members[c.member_id]
            if status not in ON_ROSTER:
                note = _("No longer on the roster: the grade was not changed.")
            elif eff < hire:
                note = _("The effective date is before the date hired: the grade was not changed.")
            else:
                history.append({
                    "member_id": pk, "grade": c.decision_grade, "effective_date": eff, "source": source,
                    "reason": (_("%(round)s: %(outcome)s, %(from)s → %(to)s") % {
                        "round": rnd.name, "outcome": rules.OUTCOME_LABEL.get(c.decision, c.decision),
                        "from": _grade(c.from_grade), "to": _grade(c.decision_grade)})[:300],
                    "reference": reference, "recorded_by_id": actor_id, "recorded_at": at})
                befores[pk] = {"grade": grade, "grade_effective_date": grade_eff}
                # The newest effective date (then the newest row) gives the current grade.
                if grade_eff is None or eff >= grade_eff:
                    after[pk] = {"grade": c.decision_grade, "grade_effective_date": eff}
        moves.append(_Move(c, "take_effect", rules.CANDIDATE_EFFECTIVE, acting_as, note))
    insert_many(GradeHistory, history, stamp=at)
    by_grade: dict[int, list[int]] = {}
    for pk, values in after.items():
        by_grade.setdefault(values["grade"], []).append(pk)
    for grade, pks in by_grade.items():  # a handful of grades: one UPDATE … WHERE id IN (…) each
        for i in range(0, len(pks), MOVE_CHUNK):
            Member._base_manager.filter(pk__in=pks[i:i + MOVE_CHUNK]).update(
                grade=grade, grade_effective_date=eff, updated_at=at)
    rows = GradeHistory.objects.filter(source=source, reference=reference, effective_date=eff, recorded_at=at,
                                       member_id__in=list(befores)) if befores else []
    audit_record_many(actor=actor, returning=False, changes=[
        Change("create", "people.gradehistory", str(h.pk), str(h),
               f"grade history of member {h.member_id}: {h.grade} from {eff} ({source})",
               befores.get(h.member_id), (after.get(h.member_id) or befores.get(h.member_id) or {})
               | {"entry": model_snapshot(h, ["member", "grade", "effective_date", "source", "reason", "reference"])})
        for h in rows])
    _record_candidate_moves(actor=actor, rnd=rnd, moves=moves, at=at)
    return len(history)


def _cancel(*, reason, **_kw) -> str:
    if not reason:
        raise ValidationError({"reason": _("Reason: required to cancel a round.")})
    return ""


_ROUND_HANDLERS = {
    "compute": _compute, "close_applications": _close_applications, "close_recommendation": _close_recommendation,
    "close_review": _close_review, "start_publicity": _start_publicity, "decide": _decide,
    "make_effective": _make_effective, "cancel": _cancel,
}


def rounds_make_due_effective(*, today: dt.date | None = None, actor=None) -> list[tuple[EvaluationRound, str, str]]:
    """§8.5 make effective every decided round whose effective date has come (the ``evaluation-effect``
    command, for a timer). Returns (round, refusal, summary) per round: a refused one keeps its state and
    says why; a done one has an empty refusal and the summary of what changed."""
    today = _today(today)
    out = []
    for rnd in EvaluationRound.objects.filter(status=rules.DECIDED, effective_date__lte=today).order_by("pk"):
        try:
            _round_move(actor=actor, acting_as=SYSTEM if actor is None else rules.BUREAU, round=rnd,
                        action="make_effective", reason="", today=today, start=None, decision_number="",
                        decided_on=None)
            last = Transition.objects.filter(round=rnd, candidate__isnull=True).order_by("-at", "-pk").first()
            out.append((rnd, "", last.reason if last else ""))
        except (rules.MoveRefused, ValidationError) as exc:
            message = exc.message if isinstance(exc, rules.MoveRefused) else " ".join(exc.messages)
            out.append((rnd, message, ""))
        except DatabaseError as exc:  # rolled back with the round's transaction; the others go on
            out.append((rnd, _("The database refused the change: %(error)s") % {"error": exc}, ""))
    return out


# ------------------------------------------------------------------------------ materials, objections


def material_add(*, actor, candidate: Candidate, text: str) -> Material:
    """§8.3 a member supplies material for their own case (the bureau may add it for them), from the
    application stage until approval ends."""
    roles = scope.roles(actor) if actor is not None else set()
    own = own_member_id(actor) == candidate.member_id
    if not ((rules.MEMBER in roles and own) or rules.BUREAU in roles):
        raise _forbidden(_("Only the member concerned (or the bureau for them) supplies material."))
    text = (text or "").strip()
    at = _now()
    with transaction.atomic():
        rnd = EvaluationRound.objects.select_for_update().get(pk=candidate.round_id)
        if rnd.status not in MATERIAL_STATES:
            raise _refused(_("Material is supplied from the application stage until approval ends; the round is "
                             "at “%(now)s”.") % {"now": rules.ROUND_LABEL[rnd.status]})
        if not text:
            raise ValidationError({"text": _("Statement: required.")})
        if len(text) > TEXT_MAX:
            raise ValidationError({"text": _("Statement: at most %(n)s characters.") % {"n": TEXT_MAX}})
        m = Material.objects.create(candidate=candidate, text=text, by=actor, at=at)
        audit_record(actor=actor, action="create", obj=m, summary=f"material for candidate {candidate.pk}",
                     after=model_snapshot(m, ["candidate", "text"]))
    return m


def objection_record(*, actor, candidate: Candidate, text: str, objector: str = "",
                     received_on: dt.date | None = None) -> Objection:
    """§8.4 an objection against an approved decision on the 公示, received during the publicity period:
    the bureau records one received (any objector, or 匿名), or a member files one from the notice."""
    roles = scope.roles(actor) if actor is not None else set()
    if not rules.authorised("record_objection", roles):
        raise _forbidden(_("Only the bureau records objections; a member files one from the public notice."))
    by_bureau = rules.BUREAU in roles
    today = timezone.localdate()
    received_on = received_on or today
    text = (text or "").strip()
    objector = (objector or "").strip()
    if not by_bureau:
        # A member files in their own name, on the day.
        received_on = today
        objector = getattr(getattr(actor, "member", None), "name", "") if own_member_id(actor) else ""
        objector = objector or actor.get_username()
    at = _now()
    with transaction.atomic():
        rnd = EvaluationRound.objects.select_for_update().get(pk=candidate.round_id)
        c = Candidate.objects.select_related("member").get(pk=candidate.pk)
        if rnd.status != rules.PUBLICITY:
            raise _refused(_("Objections are raised during the public notice; the round is at “%(now)s”.") % {
                "now": rules.ROUND_LABEL[rnd.status]})
        if c.status != rules.APPROVED:
            raise _refused(_("Objections are raised only against an approved decision on the notice; %(name)s's "
                             "case is “%(status)s”.") % {"name": c.member.name,
                                                       "status": rules.CANDIDATE_LABEL[c.status]})
        errors = {}
        if not isinstance(received_on, dt.date):
            errors["received_on"] = _("Received on: enter a valid date.")
        elif not (rnd.publicity_start <= received_on <= rnd.publicity_end):
            errors["received_on"] = _("Received on: %(date)s is outside the public notice (%(start)s to %(end)s).") % {
                "date": received_on.isoformat(), "start": rnd.publicity_start.isoformat(),
                "end": rnd.publicity_end.isoformat()}
        elif received_on > today:
            errors["received_on"] = _("Received on: %(date)s is in the future.") % {"date": received_on.isoformat()}
        if not text:
            errors["text"] = _("Objection: required.")
        elif len(text) > TEXT_MAX:
            errors["text"] = _("Objection: at most %(n)s characters.") % {"n": TEXT_MAX}
        if len(objector) > OBJECTOR_MAX:
            errors["objector"] = _("Objector: at most %(n)s characters.") % {"n": OBJECTOR_MAX}
        if errors:
            raise ValidationError(errors)
        o = Objection.objects.create(candidate=c, received_on=received_on, objector=objector or "匿名", text=text,
                                     recorded_by=actor, recorded_at=at)
        audit_record(actor=actor, action="create", obj=o, summary=f"objection against candidate {c.pk}",
                     after=model_snapshot(o, ["candidate", "received_on", "objector", "text", "status"]))
    return o


def objection_decide(*, actor, objection: Objection, upheld: bool, note: str) -> Objection:
    """§8.4 the bureau decides an objection during the 公示 (note required); upheld → the candidate is
    withdrawn (grade unchanged)."""
    if actor is None or not rules.authorised("decide_objection", scope.roles(actor)):
        raise _forbidden(_("Only the bureau decides objections."))
    note = (note or "").strip()
    at = _now()
    with transaction.atomic():
        o = Objection.objects.select_for_update().get(pk=objection.pk)
        # The round's lock before the candidate is read (as every writer of Candidate here: candidates_act
        # relies on it instead of locking each candidate).
        rnd = EvaluationRound.objects.select_for_update(of=("self",)).get(candidates=o.candidate_id)
        c = Candidate.objects.select_for_update(of=("self",)).select_related("member").get(pk=o.candidate_id)
        if o.status != ObjectionStatus.PENDING:
            raise _refused(_("This objection was decided already (%(status)s).") % {"status": o.get_status_display()})
        if rnd.status != rules.PUBLICITY:
            raise _refused(_("Objections are decided during the public notice; the round is at “%(now)s”.") % {
                "now": rules.ROUND_LABEL[rnd.status]})
        if not isinstance(upheld, bool):
            raise ValidationError({"upheld": _("Decision: choose upheld or dismissed.")})
        if not note:
            raise ValidationError({"note": _("Reason: required for deciding an objection.")})
        if len(note) > TEXT_MAX:
            raise ValidationError({"note": _("Reason: at most %(n)s characters.") % {"n": TEXT_MAX}})
        before = model_snapshot(o, ["status", "decision_note", "decided_by", "decided_at"])
        if upheld:
            _record_candidate_moves(actor=actor, rnd=rnd, at=at, moves=[
                _Move(c, "uphold_objection", rules.candidate_move(c.status, "uphold_objection"), rules.BUREAU, note)])
        o.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        o.decision_note, o.decided_by, o.decided_at = note, actor, at
        o.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        audit_record(actor=actor, action="update", obj=o, summary=f"objection {o.pk} {o.status}", before=before,
                     after=model_snapshot(o, ["status", "decision_note", "decided_by", "decided_at"]))
    objection.__dict__.update({k: v for k, v in o.__dict__.items() if not k.startswith("_")})
    return o
