"""§5.2.1 招聘 pure rules: qualification screening, weighted scores and ranking, the 劳动合同法 Art. 19
probation table and the Art. 58 minimum term, the plan's quota check and the state machines.

No Django import and no clock: every date is passed in. Messages are Chinese literals (convention: pure
rules may speak Chinese directly) because they are stored with the application as its screening record.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

EDUCATION_LEVEL = {"junior_high": 1, "high_school": 2, "vocational": 2, "junior_college": 3, "bachelor": 4,
                   "master": 5, "doctor": 6}
EDUCATION_LABEL = {"junior_high": "初中", "high_school": "高中", "vocational": "中专", "junior_college": "大专",
                   "bachelor": "本科", "master": "硕士研究生", "doctor": "博士研究生"}
CENT = Decimal("0.01")


class MoveRefused(Exception):
    """A move refused: ``code`` "out_of_order" (409: wrong state or a guard not met) or "forbidden" (403:
    a party without authority for this step)."""

    def __init__(self, message: str, code: str = "out_of_order"):
        super().__init__(message)
        self.message = message
        self.code = code


# --- states --------------------------------------------------------------------------------------

# Plan (招聘计划): drafted by the bureau, approved by the staffing office, posted (招聘公告), closed.
DRAFT, SUBMITTED, APPROVED, POSTED, CLOSED = "draft", "submitted", "approved", "posted", "closed"
PLAN_STATES = (DRAFT, SUBMITTED, APPROVED, POSTED, CLOSED)
#: Plans whose unfilled places are reserved against the quota.
RESERVING_STATES = (APPROVED, POSTED)
PLAN_MOVES = {
    "submit": ({DRAFT}, SUBMITTED),
    "approve": ({SUBMITTED}, APPROVED),
    "return": ({SUBMITTED}, DRAFT),
    "post": ({APPROVED}, POSTED),
    "close": ({APPROVED, POSTED}, CLOSED),
}
PLAN_MOVE_PARTY = {"submit": "bureau", "approve": "staffing_office", "return": "staffing_office",
                   "post": "bureau", "close": "bureau"}

# Application (报名).
REJECTED = "rejected"  # 资格审查未通过
QUALIFIED = "qualified"  # 资格审查通过, scores not (all) entered
FAILED = "failed"  # a score or the total below the pass mark
PASSED = "passed"  # every score passed: ranked
PROPOSED = "proposed"  # 拟录用: checks (体检/政审) next
DROPPED = "dropped"  # a failed check, or an objection upheld during the 公示
PUBLICITY = "publicity"  # on the 公示
HIRED = "hired"  # contract signed, on the roster
APPLICATION_STATES = (REJECTED, QUALIFIED, FAILED, PASSED, PROPOSED, DROPPED, PUBLICITY, HIRED)
#: Applications holding one of the plan's places.
HOLDING_STATES = (PROPOSED, PUBLICITY, HIRED)
#: Applications whose scores may still be entered or changed.
SCORING_STATES = (QUALIFIED, FAILED, PASSED)

# Probation review (试用期考核).
PENDING, CONFIRMED, PROBATION_FAILED = "pending", "confirmed", "failed"


# --- screening -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """What the screening looks at. ``birth_date`` comes from the ID number (GB 11643)."""

    birth_date: dt.date
    education: str
    applied_on: dt.date
    no_criminal_record: bool
    not_dismissed: bool


@dataclass(frozen=True)
class ScreeningContext:
    min_age: int
    max_age: int
    min_education: str
    #: The plan's application window (None: open on that side).
    opens: dt.date | None = None
    deadline: dt.date | None = None
    #: Date of an earlier application of the same ID number to the same plan (None: first).
    earlier_application: dt.date | None = None
    #: "name（unit）" of the roster member holding this ID number (None: not on the roster).
    on_roster_as: str | None = None


def age_on(birth: dt.date, on: dt.date) -> int:
    """Whole years of age on ``on`` (a birthday counts from its day; 29 February from 1 March)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def screen(a: Applicant, ctx: ScreeningContext) -> list[str]:
    """§5.2.1 automatic qualification screening: EVERY reason the applicant does not qualify (empty: qualified).

    Age at the application date within [min_age, max_age]; education at least ``min_education``; both
    declarations (no criminal record, never dismissed from public service); not a second application of
    one ID number to one plan; not someone already on the roster; applied inside the posting's window.
    """
    reasons: list[str] = []
    age = age_on(a.birth_date, a.applied_on)
    if age > ctx.max_age:
        reasons.append(f"年龄：报名时{age}岁，超过{ctx.max_age}岁上限")
    elif age < ctx.min_age:
        reasons.append(f"年龄：报名时{age}岁，未满{ctx.min_age}岁下限")
    if EDUCATION_LEVEL.get(a.education, 0) < EDUCATION_LEVEL[ctx.min_education]:
        reasons.append(f"学历：{EDUCATION_LABEL.get(a.education, a.education or '未填写')}，"
                       f"低于最低学历要求（{EDUCATION_LABEL[ctx.min_education]}及以上）")
    if not a.no_criminal_record:
        reasons.append("无犯罪记录声明：未声明无犯罪记录")
    if not a.not_dismissed:
        reasons.append("未被开除公职声明：未声明未曾被开除公职")
    if ctx.earlier_application is not None:
        reasons.append(f"重复报名：该身份证号已于{ctx.earlier_application.isoformat()}报名本招聘计划")
    if ctx.on_roster_as is not None:
        reasons.append(f"已在册：该身份证号为在册辅岗人员（{ctx.on_roster_as}）")
    if ctx.opens is not None and a.applied_on < ctx.opens:
        reasons.append(f"报名日期：{a.applied_on.isoformat()}早于招聘公告发布日期{ctx.opens.isoformat()}")
    if ctx.deadline is not None and a.applied_on > ctx.deadline:
        reasons.append(f"报名日期：{a.applied_on.isoformat()}晚于报名截止日期{ctx.deadline.isoformat()}")
    return reasons


# --- scores and ranking --------------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    exam: Decimal
    interview: Decimal
    fitness: Decimal


def weighted_total(exam: Decimal, interview: Decimal, fitness: Decimal, w: Weights) -> Decimal:
    """§5.2.1 the total: Σ score × weight, rounded once to 0.01 half-up."""
    total = Decimal(exam) * w.exam + Decimal(interview) * w.interview + Decimal(fitness) * w.fitness
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def score_failures(exam: Decimal, interview: Decimal, fitness: Decimal, total: Decimal, pass_score: Decimal) -> list[str]:
    """Each score and the total must reach ``pass_score``: the ones that do not, in Chinese."""
    out = []
    for label, value in (("笔试", exam), ("面试", interview), ("体能测试", fitness), ("总成绩", total)):
        if Decimal(value) < pass_score:
            out.append(f"{label}：{value}分，未达到合格分{pass_score}分")
    return out


@dataclass(frozen=True)
class Ranked:
    """One passed applicant to rank: ``key`` identifies it (the application id)."""

    key: int
    total: Decimal
    exam: Decimal
    applied_on: dt.date
    order: int  # the order of entry (application id): earlier entry first on the same day


def rank(items: list[Ranked]) -> list[int]:
    """§5.2.1 ranking by the total, high first; ties broken by the written exam (high first), then the
    application time (earlier first: the date, then the order of entry). Deterministic: returns the keys
    in rank order (rank 1 first)."""
    return [r.key for r in sorted(items, key=lambda r: (-r.total, -r.exam, r.applied_on, r.order, r.key))]


# --- quota ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaLine:
    """One quota-holding unit (the plan's unit or an ancestor) at approval time."""

    unit: str
    quota: int
    on_roster: int
    reserved: int  # unfilled places of other approved (or posted) plans under this unit


def plan_quota_refusal(lines: list[QuotaLine], asked: int) -> str | None:
    """§5.2.1/§4.1 a plan is approved only within the free places of every quota above it:
    quota − on the roster − reserved by other approved plans ≥ asked. The first line short of places,
    as a Chinese message naming the unit, quota, roster, reserved and asked; None: within quota."""
    for q in lines:
        free = q.quota - q.on_roster - q.reserved
        if asked > free:
            return (f"超出编制：{q.unit}编制{q.quota}人，在册{q.on_roster}人，其他已批准招聘计划预留{q.reserved}人，"
                    f"剩余空编{max(free, 0)}人，本计划拟招{asked}人")
    return None


# --- contract (劳动合同法 Art. 19, Art. 58) ------------------------------------------------------


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; a day the month lacks becomes its last day (31 Jan + 1 → 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def term_at_least(start: dt.date, end: dt.date | None, months: int) -> bool:
    """Whether a contract from ``start`` to ``end`` (last day, inclusive; None: open-ended) runs at least
    ``months`` months."""
    return end is None or end + dt.timedelta(days=1) >= add_months(start, months)


def max_probation_months(start: dt.date, end: dt.date | None) -> int:
    """劳动合同法 Art. 19: term under 3 months → no probation; 3 months to under 1 year → at most 1 month;
    1 year to under 3 years → at most 2 months; 3 years or more, and open-ended → at most 6 months
    (Chinese "以上" includes the bound)."""
    if term_at_least(start, end, 36):
        return 6
    if term_at_least(start, end, 12):
        return 2
    if term_at_least(start, end, 3):
        return 1
    return 0


def latest_probation_end(start: dt.date, end: dt.date | None) -> dt.date | None:
    """The last day probation may run to under Art. 19 (None: no probation allowed)."""
    months = max_probation_months(start, end)
    return add_months(start, months) - dt.timedelta(days=1) if months else None


def contract_refusal(start: dt.date, end: dt.date | None, probation_end: dt.date | None,
                     min_years: int) -> list[tuple[str, str]]:
    """What is wrong with a dispatch contract's dates, as (field, Chinese reason) pairs (empty: fine).

    Art. 58: the dispatch contract runs at least ``min_years`` years (policy: 2). Art. 19: probation no
    longer than the table allows for the term; shorter (or none) is the HR company's choice."""
    errs: list[tuple[str, str]] = []
    if end is not None and end <= start:
        return [("end_date", "合同终止日期：必须晚于合同起始日期")]
    if not term_at_least(start, end, 12 * min_years):
        errs.append(("end_date", f"合同终止日期：劳务派遣合同期限不得少于{min_years}年（《劳动合同法》第五十八条），"
                                 f"自{start.isoformat()}起至少到{(add_months(start, 12 * min_years) - dt.timedelta(days=1)).isoformat()}"))
    if probation_end is not None:
        latest = latest_probation_end(start, end)
        if probation_end < start:
            errs.append(("probation_end", "试用期截止日期：不能早于合同起始日期"))
        elif latest is None:
            errs.append(("probation_end", "试用期截止日期：合同期限不满三个月的不得约定试用期（《劳动合同法》第十九条）"))
        elif probation_end > latest:
            errs.append(("probation_end", f"试用期截止日期：合同期限下试用期不得超过{max_probation_months(start, end)}个月，"
                                          f"最迟到{latest.isoformat()}（《劳动合同法》第十九条）"))
    return errs
