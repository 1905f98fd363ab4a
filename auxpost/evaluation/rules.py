"""§8.4 The grade evaluation flow as transition tables — pure, no Django.

A round and each of its candidates are recorded state machines. Every move goes through
:func:`move`, which looks the (state, action) pair up in the table and refuses anything else with a
plain Chinese message; :func:`authorised` says whether a party (role) may take an action. The
services add the guards that need data (all candidates handled, the 公示 has run its course, the
effective date has come, quotas) and record who, when and why.

Round: open → (compute) applications → (close_applications) recommendation → (close_recommendation)
review → (close_review) approval → (start_publicity) publicity → (decide) decided → (make_effective)
effective → (archive) archived; any state before ``decided`` may be cancelled.

Candidate (one member in one round):
- the promotion track (a computed promotion in an annual round, every member in a 首次定级 round):
  computed → (apply; annual only) applied → (recommend) recommended | (not_recommend) not_recommended;
  recommended → (qualify) qualified | (disqualify) disqualified;
- an annual promotion candidate who did not apply by the end of the application stage: (lapse)
  not_applied;
- every candidate still in the flow when the review closes: (submit) pending_approval — decision
  kept when qualified or on the direct track (keep / demote / separation proposal), otherwise 维持原等级;
- pending_approval → (approve) approved once every body §8.1 requires has signed | (reject) rejected;
- approved → (uphold_objection) withdrawn during the 公示;
- approved → (finalise) final when the round's decision is issued → (take_effect) effective.
"""

from __future__ import annotations

from dataclasses import dataclass

# Round states -------------------------------------------------------------------------------
OPEN = "open"
APPLICATIONS = "applications"
RECOMMENDATION = "recommendation"
REVIEW = "review"
APPROVAL = "approval"
PUBLICITY = "publicity"
DECIDED = "decided"
EFFECTIVE = "effective"
ARCHIVED = "archived"
CANCELLED = "cancelled"

ROUND_STATES = (OPEN, APPLICATIONS, RECOMMENDATION, REVIEW, APPROVAL, PUBLICITY, DECIDED, EFFECTIVE, ARCHIVED,
                CANCELLED)
ROUND_LABEL = {
    OPEN: "已开启", APPLICATIONS: "申请中", RECOMMENDATION: "单位推荐", REVIEW: "资格审查", APPROVAL: "审批",
    PUBLICITY: "公示中", DECIDED: "已发文", EFFECTIVE: "已生效", ARCHIVED: "已归档", CANCELLED: "已撤销",
}

#: (state, action) → next state.
ROUND_FLOW: dict[tuple[str, str], str] = {
    (OPEN, "compute"): APPLICATIONS,
    (APPLICATIONS, "close_applications"): RECOMMENDATION,
    (RECOMMENDATION, "close_recommendation"): REVIEW,
    (REVIEW, "close_review"): APPROVAL,
    (APPROVAL, "start_publicity"): PUBLICITY,
    (PUBLICITY, "decide"): DECIDED,
    (DECIDED, "make_effective"): EFFECTIVE,
    (EFFECTIVE, "archive"): ARCHIVED,
    **{(s, "cancel"): CANCELLED for s in (OPEN, APPLICATIONS, RECOMMENDATION, REVIEW, APPROVAL, PUBLICITY)},
}
ROUND_ACTION_LABEL = {
    "compute": "计算评定结果", "close_applications": "结束申请", "close_recommendation": "结束单位推荐",
    "close_review": "结束资格审查", "start_publicity": "开始公示", "decide": "发布评定决定",
    "make_effective": "等级调整生效", "archive": "归档", "cancel": "撤销评定",
}

# Candidate states ---------------------------------------------------------------------------
COMPUTED = "computed"
APPLIED = "applied"
NOT_APPLIED = "not_applied"
RECOMMENDED = "recommended"
NOT_RECOMMENDED = "not_recommended"
QUALIFIED = "qualified"
DISQUALIFIED = "disqualified"
PENDING_APPROVAL = "pending_approval"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
FINAL = "final"
CANDIDATE_EFFECTIVE = "effective"

CANDIDATE_STATES = (COMPUTED, APPLIED, NOT_APPLIED, RECOMMENDED, NOT_RECOMMENDED, QUALIFIED, DISQUALIFIED,
                    PENDING_APPROVAL, APPROVED, REJECTED, WITHDRAWN, FINAL, CANDIDATE_EFFECTIVE)
CANDIDATE_LABEL = {
    COMPUTED: "已计算", APPLIED: "已申请", NOT_APPLIED: "未申请", RECOMMENDED: "单位已推荐",
    NOT_RECOMMENDED: "单位未推荐", QUALIFIED: "审查通过", DISQUALIFIED: "审查未通过",
    PENDING_APPROVAL: "待审批", APPROVED: "已批准", REJECTED: "未批准", WITHDRAWN: "异议成立已撤出",
    FINAL: "已决定", CANDIDATE_EFFECTIVE: "已生效",
}

CANDIDATE_FLOW: dict[tuple[str, str], str] = {
    (COMPUTED, "apply"): APPLIED,
    (COMPUTED, "lapse"): NOT_APPLIED,
    (APPLIED, "recommend"): RECOMMENDED,
    (APPLIED, "not_recommend"): NOT_RECOMMENDED,
    # A 首次定级 candidate needs no application: the unit recommends from "computed" (the services
    # refuse this for an annual promotion that was not applied for).
    (COMPUTED, "recommend"): RECOMMENDED,
    (COMPUTED, "not_recommend"): NOT_RECOMMENDED,
    (RECOMMENDED, "qualify"): QUALIFIED,
    (RECOMMENDED, "disqualify"): DISQUALIFIED,
    **{(s, "submit"): PENDING_APPROVAL for s in (COMPUTED, NOT_APPLIED, NOT_RECOMMENDED, QUALIFIED, DISQUALIFIED)},
    (PENDING_APPROVAL, "approve"): APPROVED,
    (PENDING_APPROVAL, "reject"): REJECTED,
    (APPROVED, "uphold_objection"): WITHDRAWN,
    (APPROVED, "finalise"): FINAL,
    (FINAL, "take_effect"): CANDIDATE_EFFECTIVE,
}
CANDIDATE_ACTION_LABEL = {
    "apply": "申请", "lapse": "申请期结束未申请", "recommend": "单位推荐", "not_recommend": "单位不推荐",
    "qualify": "资格审查通过", "disqualify": "资格审查不通过", "submit": "提交审批", "approve": "批准",
    "reject": "不予批准", "uphold_objection": "异议成立", "finalise": "发布决定", "take_effect": "生效",
}

#: The round state in which each candidate action may be taken.
CANDIDATE_ACTION_ROUND_STATE = {
    "apply": APPLICATIONS, "lapse": APPLICATIONS,
    "recommend": RECOMMENDATION, "not_recommend": RECOMMENDATION,
    "qualify": REVIEW, "disqualify": REVIEW, "submit": REVIEW,
    "approve": APPROVAL, "reject": APPROVAL,
    "uphold_objection": PUBLICITY, "finalise": PUBLICITY, "take_effect": DECIDED,
}

# Parties (role values of auxpost.accounts.models.Role) ---------------------------------------
BUREAU = "bureau"
HR_COMPANY = "hr_company"
STAFFING_OFFICE = "staffing_office"
LINE_MANAGER = "line_manager"
MEMBER = "member"

#: Who may take each action. Candidate approvals are further limited by :func:`approving_bodies`.
ACTION_ROLES: dict[str, frozenset[str]] = {
    **{a: frozenset({BUREAU}) for a in ROUND_ACTION_LABEL},
    "apply": frozenset({MEMBER, BUREAU}),  # the bureau may record a paper application on the member's behalf
    "recommend": frozenset({LINE_MANAGER}), "not_recommend": frozenset({LINE_MANAGER}),
    "qualify": frozenset({BUREAU}), "disqualify": frozenset({BUREAU}),
    "approve": frozenset({BUREAU, HR_COMPANY, STAFFING_OFFICE}),
    "reject": frozenset({BUREAU, HR_COMPANY, STAFFING_OFFICE}),
    "record_objection": frozenset({BUREAU, MEMBER}),
    "decide_objection": frozenset({BUREAU}),
    "supply_material": frozenset({MEMBER, BUREAU}),
}

BODY_LABEL = {BUREAU: "区综合行政执法局", HR_COMPANY: "人力资源公司", STAFFING_OFFICE: "区委编办"}

# Outcomes (the rule core's names) ------------------------------------------------------------
PROMOTE, KEEP, DEMOTE, SEPARATION, INITIAL = "promote", "keep", "demote", "separation_proposal", "initial"
OUTCOME_LABEL = {PROMOTE: "晋级", KEEP: "维持", DEMOTE: "降级", SEPARATION: "退回建议", INITIAL: "首次定级"}

ANNUAL = "annual"
INITIAL_ROUND = "initial"


class MoveRefused(Exception):
    """A move not allowed from the current state, or not by this party; ``message`` is plain Chinese.
    The API answers it with HTTP 409 (out of order) or 403 (not this party's step)."""

    def __init__(self, message: str, *, code: str = "out_of_order"):
        super().__init__(message)
        self.message = message
        self.code = code


def move(flow: dict[tuple[str, str], str], state: str, action: str, *, labels: dict[str, str],
         action_labels: dict[str, str]) -> str:
    """§8.4 The next state for ``action`` taken in ``state``, or :class:`MoveRefused` naming both."""
    nxt = flow.get((state, action))
    if nxt is None:
        allowed = [action_labels.get(a, a) for (s, a) in flow if s == state]
        hint = f"当前可进行：{'、'.join(allowed)}" if allowed else "当前状态下不能再进行任何操作"
        raise MoveRefused(f"当前状态为“{labels.get(state, state)}”，不能“{action_labels.get(action, action)}”（{hint}）")
    return nxt


def round_move(state: str, action: str) -> str:
    return move(ROUND_FLOW, state, action, labels=ROUND_LABEL, action_labels=ROUND_ACTION_LABEL)


def candidate_move(state: str, action: str) -> str:
    return move(CANDIDATE_FLOW, state, action, labels=CANDIDATE_LABEL, action_labels=CANDIDATE_ACTION_LABEL)


def authorised(action: str, roles: set[str] | frozenset[str]) -> bool:
    """§8.1/§8.4 whether a party holding ``roles`` may take ``action`` at all."""
    return bool(ACTION_ROLES.get(action, frozenset()) & set(roles))


def approving_bodies(decision: str, decision_grade: int) -> frozenset[str]:
    """§8.1 The bodies that must all approve a decision: one resulting in 五级 — the bureau and the HR
    company, both signing; one resulting in 四级 or above — the staffing office. A separation
    proposal (§7.4) is the bureau's and the HR company's (the employer executes separations)."""
    if decision == SEPARATION or decision_grade == 5:
        return frozenset({BUREAU, HR_COMPANY})
    return frozenset({STAFFING_OFFICE})


def on_promotion_track(round_kind: str, outcome: str) -> bool:
    """Whether a candidate goes through application, unit recommendation and qualification review:
    every member of a 首次定级 round, and a computed promotion in an annual round. Keep, demotion and
    separation proposals go straight to approval (the member may still supply material)."""
    return round_kind == INITIAL_ROUND or outcome == PROMOTE


def needs_application(round_kind: str, outcome: str) -> bool:
    """A promotion must be applied for (个人申请); a 首次定级 needs none (everyone is graded)."""
    return round_kind == ANNUAL and outcome == PROMOTE


@dataclass(frozen=True)
class Decision:
    """What a candidate's case results in: decision (an outcome name) and the resulting grade."""

    decision: str
    grade: int


def decision_at_submit(*, state: str, outcome: str, target_grade: int, current_grade: int | None) -> Decision:
    """The decision put to approval: the computed outcome when the case got through (qualified, or on the
    direct track), otherwise 维持原等级 (not applied, not recommended, disqualified) — or, for a member
    without a grade in a 首次定级 whose case was stopped, the entry grade 五级 (a member on the roster
    holds a grade; the higher one the record supports needed the recommendation and the review)."""
    if state in (QUALIFIED, COMPUTED):
        return Decision(outcome, target_grade)
    if current_grade is None:
        return Decision(INITIAL, 5)
    return Decision(KEEP, current_grade)


def changes_grade(decision: str, from_grade: int | None, to_grade: int) -> bool:
    """Whether a final decision writes a new grade into the grade history (§8.5)."""
    return decision != SEPARATION and from_grade != to_grade
