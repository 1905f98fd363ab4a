"""§8.4 the grade evaluation steps waiting on a user, for the to-do inbox (``auxpost.core.inbox``).

Only the active round counts (one at a time). Per role:
- the bureau: the round's next move once its guards are met (compute; close the recommendation
  when every unit has recommended; close the review when every case is reviewed; start the 公示
  when all are approved or rejected; issue the decision after the 公示 with no objection pending;
  make effective from the effective date), candidates to review, signatures as the bureau,
  objections to decide;
- the HR company and the staffing office: signatures waiting on them (§8.1);
- a line manager: candidates of their units waiting for a recommendation;
- a member: their application while applications are open for a computed promotion.
Each item is a count or two, never a list.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.core.inbox import TodoItem
from auxpost.evaluation import rules
from auxpost.evaluation.models import Candidate, EvaluationRound, Objection, ObjectionStatus, RoundKind
from auxpost.evaluation.selectors import (
    ACTIVE_STATES,
    candidate_q,
    own_member_id,
    pending_signatures_q,
)


def _round_url(rnd: EvaluationRound, status: str = "") -> str:
    url = reverse("evaluation:round", args=[rnd.pk])
    return f"{url}?status={status}" if status else url


def _ready_move(rnd: EvaluationRound, today) -> str | None:
    """The bureau's next move whose guards are met now (None: waiting on others, or nothing due)."""
    cands = Candidate.objects.filter(round=rnd)
    if rnd.status == rules.OPEN:
        return "compute"
    if rnd.status == rules.RECOMMENDATION:
        track = Q() if rnd.kind == RoundKind.INITIAL else Q(outcome=rules.PROMOTE)
        waiting = cands.filter(track, status__in=(rules.COMPUTED, rules.APPLIED)).exists()
        return None if waiting else "close_recommendation"
    if rnd.status == rules.REVIEW:
        return None if cands.filter(status=rules.RECOMMENDED).exists() else "close_review"
    if rnd.status == rules.APPROVAL:
        return None if cands.filter(status=rules.PENDING_APPROVAL).exists() else "start_publicity"
    if rnd.status == rules.PUBLICITY:
        if rnd.publicity_end is None or today <= rnd.publicity_end:
            return None
        pending = Objection.objects.filter(candidate__round=rnd, status=ObjectionStatus.PENDING).exists()
        return None if pending else "decide"
    if rnd.status == rules.DECIDED:
        return "make_effective" if today >= rnd.effective_date else None
    return None


def _signatures(rnd: EvaluationRound, body: str) -> TodoItem:
    n = Candidate.objects.filter(pending_signatures_q(body), round=rnd).count() if rnd.status == rules.APPROVAL else 0
    return TodoItem(key=f"evaluation.approve.{body}",
                    label=_("Grade evaluation: decisions to approve as %(body)s") % {"body": rules.BODY_LABEL[body]},
                    count=n, url=_round_url(rnd, rules.PENDING_APPROVAL))


def todo(user) -> list[TodoItem]:
    """§8.4 the evaluation steps waiting on ``user`` (see the module docstring)."""
    roles = scope.roles(user)
    if not roles & {rules.BUREAU, rules.HR_COMPANY, rules.STAFFING_OFFICE, rules.LINE_MANAGER, rules.MEMBER}:
        return []
    rnd = EvaluationRound.objects.filter(status__in=ACTIVE_STATES).order_by("-pk").first()
    if rnd is None:
        return []
    today = timezone.localdate()
    items: list[TodoItem] = []
    if rules.BUREAU in roles:
        move = _ready_move(rnd, today)
        items.append(TodoItem(key="evaluation.round", label=_("Grade evaluation “%(name)s”: ready to %(action)s") % {
            "name": rnd.name, "action": rules.ROUND_ACTION_LABEL.get(move, "")}, count=1 if move else 0,
            url=_round_url(rnd)))
        review = (Candidate.objects.filter(round=rnd, status=rules.RECOMMENDED).count()
                  if rnd.status == rules.REVIEW else 0)
        items.append(TodoItem(key="evaluation.review", label=_("Grade evaluation: candidates to review"),
                              count=review, url=_round_url(rnd, rules.RECOMMENDED)))
    for body in (rules.BUREAU, rules.HR_COMPANY, rules.STAFFING_OFFICE):
        if body in roles:
            items.append(_signatures(rnd, body))
    if rules.BUREAU in roles:
        pending = (Objection.objects.filter(candidate__round=rnd, status=ObjectionStatus.PENDING).count()
                   if rnd.status == rules.PUBLICITY else 0)
        items.append(TodoItem(key="evaluation.objections", label=_("Grade evaluation: objections to decide"),
                              count=pending, url=reverse("evaluation:objections", args=[rnd.pk])))
    if rules.LINE_MANAGER in roles and rnd.status == rules.RECOMMENDATION:
        q = candidate_q(user, roles_allowed=(rules.LINE_MANAGER,))
        waiting = rules.COMPUTED if rnd.kind == RoundKind.INITIAL else rules.APPLIED
        n = Candidate.objects.filter(q, round=rnd, status=waiting).count() if q is not None else 0
        items.append(TodoItem(key="evaluation.recommend", label=_("Grade evaluation: candidates to recommend"),
                              count=n, url=_round_url(rnd, waiting)))
    if rules.MEMBER in roles and rnd.status == rules.APPLICATIONS and rnd.kind == RoundKind.ANNUAL:
        member_id = own_member_id(user)
        n = (Candidate.objects.filter(round=rnd, member_id=member_id, status=rules.COMPUTED,
                                      outcome=rules.PROMOTE).count() if member_id else 0)
        items.append(TodoItem(key="evaluation.apply", label=_("Grade evaluation: you may apply for promotion"),
                              count=n, url=reverse("evaluation:mine")))
    return items
