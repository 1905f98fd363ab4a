"""§5.2.4 解聘 Separation — pure rules (no Django, no clock, no database; dates are passed in).

* :data:`GROUNDS` — every ground with its Chinese name and the text of its legal basis (劳动合同法, 劳动合同法
  实施条例, the 2024 NPC Standing Committee decision on the progressive retirement age), shown on every page
  and document and snapshotted onto each case.
* :func:`protections` — the 劳动合同法 Art. 42 protections that apply to a member on a date, each with its
  article text; :func:`ground_refusal` refuses an Art. 40 ground when any applies (Art. 42), and a
  contract-end termination (Art. 45: the contract runs on until the situation ends). Art. 39 grounds,
  resignation, retirement and death are never blocked.
* :func:`retirement` — the statutory retirement date (through ``auxpost.grading.rules``, the same function
  the grade rules use) and the day the proposal is due (``retirement_notice_days`` ahead).
* :func:`resignation_earliest_last_day` — Art. 37: 30 days' written notice, 3 days during probation.
* The case flow as a transition table (:data:`FLOW`) with :func:`move` and :data:`ACTION_ROLES`.

Readings this module had to decide:

* 哺乳期 (nursing) runs from the child's birth to the child's first birthday (女职工劳动保护特别规定
  Art. 9): a nursing record's ``start`` is the child's birth date and, without an explicit end, it ends on
  the first birthday. Every other protection record without an end is open (in force until ended).
* "Continuous service with the employer" (Art. 42(5)) counts from the member's hire date (a rehire is a new
  roster row, so its service starts again); "fewer than 5 years to statutory retirement" means the date
  is after the day 5 years before the retirement date.
* Women's original statutory age defaults to 55 — exactly what the grade rules use for members
  (``CandidateRecord.original_retirement_age`` is never set from the roster, so ``None`` → 55). The roster
  records no post type, so 50 (worker posts) is only used where the caller passes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auxpost.grading.rules import add_months, statutory_retirement_date

# ---------------------------------------------------------------------------------------------
# Grounds
# ---------------------------------------------------------------------------------------------

CONTRACT_END = "contract_end"
RESIGNATION = "resignation"
ART39_PROBATION = "art39_probation"
ART39_BREACH = "art39_breach"
ART39_NEGLIGENCE = "art39_negligence"
ART39_CRIMINAL = "art39_criminal"
ART40_UNFIT = "art40_unfit"
RETIREMENT = "retirement"
DEATH = "death"

#: 终止 (the contract ends by law) or 解除 (one party ends it).
TERMINATION, DISSOLUTION = "termination", "dissolution"


@dataclass(frozen=True)
class Ground:
    code: str
    label: str
    #: The article(s), short: "《劳动合同法》第三十九条第（一）项".
    article: str
    #: The article's text (what the law says), shown with the article.
    text: str
    kind: str
    #: The article whose protections block this ground ("42" for Art. 40, "45" for contract end), or "".
    blocked_by: str = ""

    @property
    def legal_basis(self) -> str:
        return f"{self.article}：{self.text}"

    @property
    def kind_label(self) -> str:
        return "终止劳动合同" if self.kind == TERMINATION else "解除劳动合同"


GROUNDS: dict[str, Ground] = {g.code: g for g in (
    Ground(CONTRACT_END, "劳动合同期满终止", "《劳动合同法》第四十四条第（一）项", "劳动合同期满的，劳动合同终止。",
           TERMINATION, blocked_by="45"),
    Ground(RESIGNATION, "本人辞职", "《劳动合同法》第三十七条",
           "劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同。劳动者在试用期内提前三日通知用人单位，"
           "可以解除劳动合同。", DISSOLUTION),
    Ground(ART39_PROBATION, "试用期间不符合录用条件（退回）", "《劳动合同法》第三十九条第（一）项",
           "劳动者在试用期间被证明不符合录用条件的，用人单位可以解除劳动合同。", DISSOLUTION),
    Ground(ART39_BREACH, "严重违反规章制度（退回）", "《劳动合同法》第三十九条第（二）项",
           "劳动者严重违反用人单位的规章制度的，用人单位可以解除劳动合同。", DISSOLUTION),
    Ground(ART39_NEGLIGENCE, "严重失职造成重大损害（退回）", "《劳动合同法》第三十九条第（三）项",
           "劳动者严重失职，营私舞弊，给用人单位造成重大损害的，用人单位可以解除劳动合同。", DISSOLUTION),
    Ground(ART39_CRIMINAL, "被依法追究刑事责任（退回）", "《劳动合同法》第三十九条第（六）项",
           "劳动者被依法追究刑事责任的，用人单位可以解除劳动合同。", DISSOLUTION),
    Ground(ART40_UNFIT, "不能胜任工作经培训或调岗仍不能胜任（退回）", "《劳动合同法》第四十条第（二）项",
           "劳动者不能胜任工作，经过培训或者调整工作岗位，仍不能胜任工作的，用人单位提前三十日以书面形式"
           "通知劳动者本人或者额外支付劳动者一个月工资后，可以解除劳动合同。", DISSOLUTION, blocked_by="42"),
    Ground(RETIREMENT, "达到法定退休年龄", "《劳动合同法》第四十四条第（二）项、《劳动合同法实施条例》第二十一条",
           "劳动者达到法定退休年龄的，劳动合同终止（法定退休年龄按《全国人民代表大会常务委员会关于实施渐进式"
           "延迟法定退休年龄的决定》（2024年）自2025年1月1日起逐步延迟）。", TERMINATION),
    Ground(DEATH, "本人死亡或被宣告死亡、宣告失踪", "《劳动合同法》第四十四条第（四）项",
           "劳动者死亡，或者被人民法院宣告死亡或者宣告失踪的，劳动合同终止。", TERMINATION),
)}

GROUND_CODES = tuple(GROUNDS)
GROUNDS_ART39 = (ART39_PROBATION, ART39_BREACH, ART39_NEGLIGENCE, ART39_CRIMINAL)

# Sources of a proposal.
MANUAL, SRC_RETIREMENT, EVALUATION, ANNUAL_RESULT, PROBATION, SRC_RESIGNATION = (
    "manual", "retirement", "evaluation", "annual_result", "probation", "resignation")
SOURCES = (MANUAL, SRC_RETIREMENT, EVALUATION, ANNUAL_RESULT, PROBATION, SRC_RESIGNATION)
SOURCE_LABEL = {MANUAL: "人工提出", SRC_RETIREMENT: "退休自动提出", EVALUATION: "等级评定退回建议",
                ANNUAL_RESULT: "年度考核连续不合格", PROBATION: "试用期考察", SRC_RESIGNATION: "本人申请"}

# ---------------------------------------------------------------------------------------------
# Art. 42 protections
# ---------------------------------------------------------------------------------------------

PREGNANCY, MATERNITY, NURSING, MEDICAL, OCCUPATIONAL, WORK_INJURY, SERVICE = (
    "pregnancy", "maternity", "nursing", "medical_period", "occupational_disease", "work_injury", "long_service")
#: Kinds a protection record may have (long service is computed, never recorded).
RECORD_KINDS = (PREGNANCY, MATERNITY, NURSING, MEDICAL, OCCUPATIONAL, WORK_INJURY)

_ART42_4 = "《劳动合同法》第四十二条第（四）项：女职工在孕期、产期、哺乳期的，用人单位不得依照第四十条、第四十一条的规定解除劳动合同。"
PROTECTION_ARTICLE: dict[str, str] = {
    PREGNANCY: _ART42_4,
    MATERNITY: _ART42_4,
    NURSING: _ART42_4,
    MEDICAL: "《劳动合同法》第四十二条第（三）项：患病或者非因工负伤，在规定的医疗期内的，用人单位不得依照第四十条、"
             "第四十一条的规定解除劳动合同。",
    OCCUPATIONAL: "《劳动合同法》第四十二条第（一）项：从事接触职业病危害作业的劳动者未进行离岗前职业健康检查，或者疑似"
                  "职业病病人在诊断或者医学观察期间的，用人单位不得依照第四十条、第四十一条的规定解除劳动合同。",
    WORK_INJURY: "《劳动合同法》第四十二条第（二）项：在本单位患职业病或者因工负伤并被确认丧失或者部分丧失劳动能力的，"
                 "用人单位不得依照第四十条、第四十一条的规定解除劳动合同。",
    SERVICE: "《劳动合同法》第四十二条第（五）项：在本单位连续工作满十五年，且距法定退休年龄不足五年的，用人单位不得"
             "依照第四十条、第四十一条的规定解除劳动合同。",
}
PROTECTION_LABEL = {PREGNANCY: "孕期", MATERNITY: "产期", NURSING: "哺乳期", MEDICAL: "医疗期",
                    OCCUPATIONAL: "职业病诊断或医学观察期间", WORK_INJURY: "职业病或因工负伤丧失劳动能力",
                    SERVICE: "连续工作满十五年且距法定退休年龄不足五年"}
ART45_TEXT = ("《劳动合同法》第四十五条：劳动合同期满，有本法第四十二条规定情形之一的，劳动合同应当续延至相应的情形"
              "消失时终止。")

#: Art. 42(5): years of continuous service, and years before retirement.
SERVICE_YEARS = 15
YEARS_TO_RETIREMENT = 5


@dataclass(frozen=True)
class ProtectionFact:
    """One recorded protection period (a ProtectionRecord, as plain data)."""

    kind: str
    start: dt.date
    end: dt.date | None = None


@dataclass(frozen=True)
class Protection:
    """An Art. 42 protection that applies on a date: what, since when, until when (None: open), the law."""

    kind: str
    since: dt.date
    until: dt.date | None

    @property
    def label(self) -> str:
        return PROTECTION_LABEL[self.kind]

    @property
    def article(self) -> str:
        return PROTECTION_ARTICLE[self.kind]

    def describe(self) -> str:
        span = f"{self.since.isoformat()}起" + (f"至{self.until.isoformat()}" if self.until else "")
        return f"{self.label}（{span}）"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "label": self.label, "since": self.since.isoformat(),
                "until": self.until.isoformat() if self.until else None, "article": self.article}


def fact_end(fact: ProtectionFact) -> dt.date | None:
    """The last day a record protects: its end, or for 哺乳期 without an end the child's first birthday."""
    if fact.end is not None:
        return fact.end
    if fact.kind == NURSING:
        return add_months(fact.start, 12)
    return None


def protections(on: dt.date, *, facts: Iterable[ProtectionFact], hire_date: dt.date | None,
                retirement_date: dt.date | None) -> list[Protection]:
    """§5.2.4 The 劳动合同法 Art. 42 protections that apply on ``on`` (recorded periods, then long service)."""
    out: list[Protection] = []
    for f in sorted(facts, key=lambda f: (f.start, f.kind)):
        if f.kind not in RECORD_KINDS:
            raise ValueError(f"unknown protection kind {f.kind!r}")
        end = fact_end(f)
        if f.start <= on and (end is None or on <= end):
            out.append(Protection(f.kind, f.start, end))
    if hire_date is not None and retirement_date is not None:
        served_from = add_months(hire_date, SERVICE_YEARS * 12)
        near_from = add_months(retirement_date, -YEARS_TO_RETIREMENT * 12)
        if served_from <= on and near_from < on:
            out.append(Protection(SERVICE, max(served_from, near_from + dt.timedelta(days=1)), retirement_date))
    return out


def ground_refusal(ground: str, found: Sequence[Protection]) -> str | None:
    """§5.2.4 Why ``ground`` may not be used while ``found`` protections apply, or None.

    Art. 40 (不能胜任) is refused under Art. 42 naming each protection and its article; a contract-end
    termination is refused under Art. 45 (the contract runs on until the situation ends). Art. 39 grounds,
    resignation, retirement and death are never blocked."""
    g = GROUNDS[ground]
    if not found or not g.blocked_by:
        return None
    names = "、".join(p.describe() for p in found)
    articles = "；".join(dict.fromkeys(p.article for p in found))
    if g.blocked_by == "42":
        return (f"不得以“{g.label}”（{g.article}）解除劳动合同：该人员处于{names}，"
                f"受《劳动合同法》第四十二条保护。{articles}")
    return f"不能以“{g.label}”终止劳动合同：该人员处于{names}。{ART45_TEXT}{articles}"


# ---------------------------------------------------------------------------------------------
# Retirement and resignation dates
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetirementDue:
    date: dt.date
    label: str
    propose_on: dt.date


def retirement(birth: dt.date, sex: str, *, notice_days: int, original_age: int | None = None) -> RetirementDue:
    """§5.2.4 The statutory retirement date (2025 progressive rule, ``grading.rules``) and the day the
    proposal is due: ``notice_days`` before it. ``original_age`` None → 60 for men, 55 for women."""
    ret = statutory_retirement_date(birth, sex, original_age)
    return RetirementDue(ret.date, ret.label, ret.date - dt.timedelta(days=notice_days))


RESIGNATION_NOTICE_DAYS = 30
RESIGNATION_NOTICE_DAYS_PROBATION = 3
ART40_NOTICE_DAYS = 30


def resignation_earliest_last_day(notice_on: dt.date, *, on_probation: bool) -> dt.date:
    """劳动合同法 Art. 37: the contract may end 30 days after written notice (3 days during probation)."""
    return notice_on + dt.timedelta(days=RESIGNATION_NOTICE_DAYS_PROBATION if on_probation else RESIGNATION_NOTICE_DAYS)


# ---------------------------------------------------------------------------------------------
# The case flow
# ---------------------------------------------------------------------------------------------

PROPOSED, REVIEWED, REFUSED, EXECUTED, RETURNED, ARCHIVED, CANCELLED = (
    "proposed", "reviewed", "refused", "executed", "returned", "archived", "cancelled")
STATES = (PROPOSED, REVIEWED, REFUSED, EXECUTED, RETURNED, ARCHIVED, CANCELLED)
#: States in which a case is open (a member has at most one).
OPEN_STATES = (PROPOSED, REVIEWED, EXECUTED, RETURNED)
STATE_LABEL = {PROPOSED: "已提出", REVIEWED: "审核同意", REFUSED: "审核不同意", EXECUTED: "已办理解除/终止",
               RETURNED: "物品已交还", ARCHIVED: "已归档", CANCELLED: "已撤销"}

FLOW: dict[tuple[str, str], str] = {
    (PROPOSED, "approve"): REVIEWED,
    (PROPOSED, "refuse"): REFUSED,
    (REVIEWED, "execute"): EXECUTED,
    (EXECUTED, "return_items"): RETURNED,
    (RETURNED, "archive"): ARCHIVED,
    (PROPOSED, "cancel"): CANCELLED,
    (REVIEWED, "cancel"): CANCELLED,
}
ACTION_LABEL = {"propose": "提出解聘", "approve": "审核同意", "refuse": "审核不同意", "execute": "办理解除/终止",
                "return_items": "物品交还完毕", "archive": "归档", "cancel": "撤销"}
#: The step each state waits for (for messages and to-do lists).
NEXT_STEP = {PROPOSED: "审核（区综合行政执法局）", REVIEWED: "办理解除/终止（人力资源公司）",
             EXECUTED: "交还制服、标识和上岗证（人力资源公司或所在中队）", RETURNED: "归档（区综合行政执法局）"}

BUREAU, HR_COMPANY, LINE_MANAGER, MEMBER, SYSTEM = "bureau", "hr_company", "line_manager", "member", "system"
#: Who may take each action (the member only proposes or cancels their own resignation; the services check).
ACTION_ROLES: dict[str, frozenset[str]] = {
    "propose": frozenset({BUREAU, MEMBER, SYSTEM}),
    "approve": frozenset({BUREAU}),
    "refuse": frozenset({BUREAU}),
    "execute": frozenset({HR_COMPANY}),
    "return_item": frozenset({HR_COMPANY, LINE_MANAGER}),
    "return_items": frozenset({HR_COMPANY, LINE_MANAGER}),
    "archive": frozenset({BUREAU}),
    "cancel": frozenset({BUREAU, MEMBER}),
}
PARTY_LABEL = {BUREAU: "区综合行政执法局", HR_COMPANY: "人力资源公司", LINE_MANAGER: "所在中队",
               MEMBER: "本人", SYSTEM: "系统"}

# Checklist of returned items.
UNIFORM, BADGE, CERTIFICATE = "uniform", "badge", "certificate"
ITEMS = (UNIFORM, BADGE, CERTIFICATE)
ITEM_LABEL = {UNIFORM: "制服", BADGE: "胸牌/臂章/执法辅助标识", CERTIFICATE: "上岗证"}


class MoveRefused(Exception):
    """A move not allowed now (``code`` out_of_order → HTTP 409) or not by this party (forbidden → 403);
    ``message`` is plain Chinese naming the current state and the step required."""

    def __init__(self, message: str, *, code: str = "out_of_order"):
        super().__init__(message)
        self.message = message
        self.code = code


def move(state: str, action: str) -> str:
    """§5.2.4 The next state for ``action`` in ``state``, or :class:`MoveRefused` naming both."""
    nxt = FLOW.get((state, action))
    if nxt is None:
        step = NEXT_STEP.get(state)
        hint = f"当前应进行：{step}" if step else "该案件已结束，不能再进行任何操作"
        raise MoveRefused(f"当前状态为“{STATE_LABEL.get(state, state)}”，不能“{ACTION_LABEL.get(action, action)}”"
                          f"（{hint}）")
    return nxt


def authorised(action: str, roles: Iterable[str]) -> bool:
    return bool(ACTION_ROLES.get(action, frozenset()) & set(roles))


def parties(action: str) -> str:
    return "、".join(PARTY_LABEL[r] for r in sorted(ACTION_ROLES.get(action, ())) if r != SYSTEM)
