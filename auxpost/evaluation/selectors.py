"""§8 Reading grade evaluation rounds, scoped to the caller (§3).

Who sees what:
- rounds: the bureau, staffing office, HR company, administrator and line managers see every round;
  a member sees the rounds they are a candidate in; anyone else none.
- candidates: the bureau, staffing office, HR company and administrator see all (within their role's
  scope, normally the whole district); a line manager the candidates whose unit (as computed) lies in
  their subtree; a member only their own candidacy.
- the 公示 notice (§8.4) of a round in or after its publicity: every logged-in user with a role.

"Not found" and "not yours" are the same 404 (``round_for``, ``candidate_for``, ``objection_for``).
"""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from auxpost.accounts import scope
from auxpost.accounts.models import Role, Scope
from auxpost.evaluation import rules
from auxpost.evaluation.models import (
    Candidate,
    EvaluationRound,
    Objection,
    ObjectionStatus,
    SeparationProposal,
    Transition,
)
from auxpost.org.models import Unit

#: §8 roles that see every candidate of a round (within their role's scope).
ALL_ROLES = (Role.ADMIN, Role.BUREAU, Role.STAFFING_OFFICE, Role.HR_COMPANY)
#: Roles that see every round (line managers see the rounds; their candidates are scoped).
ROUND_ROLES = (*ALL_ROLES, Role.LINE_MANAGER)
#: §7.4 who reads the separation proposals a round produced.
SEPARATION_ROLES = (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)
#: Round states in which the round is "active" (one at a time).
ACTIVE_STATES = tuple(s for s in rules.ROUND_STATES if s not in (rules.ARCHIVED, rules.CANCELLED))
#: Round states in which the 公示 notice exists.
NOTICE_STATES = (rules.PUBLICITY, rules.DECIDED, rules.EFFECTIVE, rules.ARCHIVED)
#: Candidate states that count as an approved decision.
APPROVED_STATES = (rules.APPROVED, rules.FINAL, rules.CANDIDATE_EFFECTIVE)
#: Round states in which a member may supply material (§8.3).
MATERIAL_STATES = (rules.APPLICATIONS, rules.RECOMMENDATION, rules.REVIEW, rules.APPROVAL)


def _subtree_q(unit: Unit, field: str = "unit") -> Q:
    # IN over the subtree's unit ids (a subquery on the small unit table), as accounts.scope does.
    return Q(**{f"{field}__in": Unit.objects.filter(path__startswith=unit.path).values("pk")})


def candidate_q(user, *, roles_allowed: tuple[str, ...] | None = None) -> Q | None:
    """§3 a Q over Candidate for what the user may see (None: nothing). Line managers reach the
    candidates whose unit lies in their subtree; a member only their own."""
    q = None
    for ra in scope.role_assignments(user):
        if roles_allowed is not None and ra.role not in roles_allowed:
            continue
        if ra.role == Role.MEMBER or ra.scope == Scope.SELF:
            part = Q(member__user_id=user.pk)
        elif ra.role not in ROUND_ROLES:
            continue
        elif ra.scope == Scope.ALL:
            return Q()
        elif ra.scope == Scope.UNIT and ra.unit is not None:
            part = _subtree_q(ra.unit)
        else:
            continue
        q = part if q is None else q | part
    return q


def own_member_id(user) -> int | None:
    """The member record of the user (a member acting for themself), or None."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.member.pk
    except Exception:  # RelatedObjectDoesNotExist
        return None


def line_manager_unit_ids(user) -> set[int]:
    """The unit ids in the subtrees of the user's line-manager assignments (one query)."""
    q = None
    for ra in scope.role_assignments(user):
        if ra.role != Role.LINE_MANAGER:
            continue
        if ra.scope == Scope.ALL:
            return set(Unit.objects.values_list("pk", flat=True))
        if ra.scope == Scope.UNIT and ra.unit is not None:
            part = Q(path__startswith=ra.unit.path)
            q = part if q is None else q | part
    if q is None:
        return set()
    return set(Unit.objects.filter(q).values_list("pk", flat=True))


# --- rounds ------------------------------------------------------------------------------------


def rounds_for(user) -> QuerySet[EvaluationRound]:
    """§8.3 the rounds the user may see (newest first)."""
    qs = EvaluationRound.objects.select_related("created_by")
    if scope.has_role(user, *ROUND_ROLES):
        return qs
    member_id = own_member_id(user)
    if member_id is not None and scope.has_role(user, Role.MEMBER):
        return qs.filter(pk__in=Candidate.objects.filter(member_id=member_id).values("round_id"))
    return qs.none()


def round_for(user, pk) -> EvaluationRound:
    """One round the user may see, or 404 (not found and not yours alike)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    rnd = rounds_for(user).filter(pk=pk).first()
    if rnd is None:
        raise Http404
    return rnd


def active_round() -> EvaluationRound | None:
    """The one round neither archived nor cancelled, if any."""
    return EvaluationRound.objects.filter(status__in=ACTIVE_STATES).order_by("-pk").first()


def round_actions(user, rnd: EvaluationRound) -> list[tuple[str, str]]:
    """§8.4 the round moves the user may take from the round's current state (action, label). Guards
    that need data (all handled, the 公示 over, the effective date come) are checked when taken."""
    roles = scope.roles(user)
    return [(a, rules.ROUND_ACTION_LABEL[a]) for (s, a) in rules.ROUND_FLOW
            if s == rnd.status and rules.authorised(a, roles)]


def counts_by_status(rnd: EvaluationRound, user) -> dict[str, int]:
    """Candidates of the round the user sees, per status (one GROUP BY)."""
    q = candidate_q(user)
    if q is None:
        return {}
    rows = (Candidate.objects.filter(q, round=rnd).order_by().values("status").annotate(n=Count("id"))
            .values_list("status", "n"))
    return dict(rows)


def history(obj) -> QuerySet[Transition]:
    """§8.4 the recorded moves of a candidate, or of a round (its own moves, not its candidates')."""
    if isinstance(obj, Candidate):
        qs = Transition.objects.filter(candidate=obj)
    else:
        qs = Transition.objects.filter(round=obj, candidate__isnull=True)
    return qs.select_related("actor").order_by("at", "pk")


# --- candidates --------------------------------------------------------------------------------


def candidates_for(user, rnd: EvaluationRound) -> QuerySet[Candidate]:
    """The candidates of ``rnd`` the user may see (§3), with member and unit joined."""
    q = candidate_q(user)
    if q is None:
        return Candidate.objects.none()
    return Candidate.objects.filter(q, round=rnd).select_related("member", "unit")


def candidate_for(user, pk) -> Candidate:
    """One candidate the user may see, or 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    q = candidate_q(user)
    if q is None:
        raise Http404
    cand = Candidate.objects.filter(q, pk=pk).select_related("member", "unit", "round").first()
    if cand is None:
        raise Http404
    return cand


def candidate_actions(user, candidate: Candidate) -> list[tuple[str, str]]:
    """§8.4 the candidate actions the user may take now (action, label): the same checks the services
    make (party, round stage, candidate state, unit, application needed, signatures), except quotas."""
    from auxpost.evaluation import services  # the checks live with the moves

    out = []
    for action in services.CANDIDATE_USER_ACTIONS:
        if services.candidate_check(actor=user, candidate=candidate, action=action) is None:
            out.append((action, rules.CANDIDATE_ACTION_LABEL[action]))
    return out


def approval_bodies_for(user, candidate: Candidate) -> list[str]:
    """§8.1 the bodies the user may still sign for on this candidate (pending approval)."""
    if candidate.status != rules.PENDING_APPROVAL or not candidate.decision:
        return []
    required = rules.approving_bodies(candidate.decision, candidate.decision_grade or 0)
    signed = set(candidate.approvals.values_list("body", flat=True))
    return sorted((required & scope.roles(user)) - signed)


def my_candidacy(user) -> Candidate | None:
    """§8.3 the user's own candidacy in the latest round (not cancelled) they are in."""
    member_id = own_member_id(user)
    if member_id is None:
        return None
    return (Candidate.objects.filter(member_id=member_id).exclude(round__status=rules.CANCELLED)
            .select_related("round", "unit", "member").order_by("-round__as_of", "-round_id").first())


def pending_signatures_q(body: str) -> Q:
    """§8.1 a Q over Candidate: pending approval, ``body`` among the required signers, not yet signed by it."""
    if body == rules.STAFFING_OFFICE:
        needs = ~Q(decision=rules.SEPARATION) & ~Q(decision_grade=5)
    else:
        needs = Q(decision=rules.SEPARATION) | Q(decision_grade=5)
    return Q(status=rules.PENDING_APPROVAL) & needs & ~Q(pk__in=_signed_by(body))


def _signed_by(body: str):
    from auxpost.evaluation.models import Approval

    return Approval.objects.filter(body=body).values("candidate_id")


# --- the 公示 notice and objections ------------------------------------------------------------


def notice_q() -> Q:
    """§8.4 the candidates on a 公示 list: approved decisions that change a grade, and 首次定级 grades."""
    changes = ~Q(decision=rules.SEPARATION) & (Q(from_grade__isnull=True) | ~Q(from_grade=F("decision_grade")))
    return Q(status__in=APPROVED_STATES) & (Q(decision=rules.INITIAL) | changes)


def notice_rows(rnd: EvaluationRound) -> QuerySet[Candidate]:
    """§8.4 the candidates on the round's 公示 notice (empty before the publicity starts)."""
    if rnd.status not in NOTICE_STATES:
        return Candidate.objects.none()
    return (Candidate.objects.filter(notice_q(), round=rnd).select_related("member", "unit")
            .order_by("unit__path", "member__name", "pk"))


def can_see_notice(user, rnd: EvaluationRound) -> bool:
    """Every logged-in user with a role sees a round's notice during and after its publicity."""
    return bool(scope.roles(user)) and rnd.status in NOTICE_STATES


def notice_candidate_for(user, pk) -> Candidate:
    """A candidate on a notice the user may see (to file an objection), or 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not scope.roles(user):
        raise Http404
    cand = (Candidate.objects.filter(notice_q(), pk=pk, round__status__in=NOTICE_STATES)
            .select_related("member", "unit", "round").first())
    if cand is None:
        raise Http404
    return cand


def objections_for(user, rnd: EvaluationRound | None = None) -> QuerySet[Objection]:
    """§8.4 objections: the bureau (and administrator) all, everyone else those they recorded."""
    qs = Objection.objects.select_related("candidate__member", "candidate__round", "recorded_by", "decided_by")
    if rnd is not None:
        qs = qs.filter(candidate__round=rnd)
    if scope.has_role(user, Role.BUREAU, Role.ADMIN):
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    return qs.filter(recorded_by=user)


def objection_for(user, pk) -> Objection:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    obj = objections_for(user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def pending_objections(rnd: EvaluationRound) -> int:
    return Objection.objects.filter(candidate__round=rnd, status=ObjectionStatus.PENDING).count()


def separation_proposals_for(user) -> QuerySet[SeparationProposal]:
    """§7.4 the separation proposals rounds produced: the bureau, HR company and administrator."""
    if not scope.has_role(user, *SEPARATION_ROLES):
        return SeparationProposal.objects.none()
    return SeparationProposal.objects.select_related("member", "candidate__round").order_by("-proposed_on", "pk")
