"""§6 Grades — pure rules (no Django import, no clock, no database; dates are passed in).

Readings of SPEC §6 this module had to decide:

* Retirement date = the day the member reaches original age + delay (birth date plus that many
  months; a day that does not exist in the target month, e.g. 29 Feb, becomes the month's last day).
* The "last N years" window uses the candidate's own required N: the 本科+ shortcut for 四级 gives
  N = 1, and a 市级-or-higher commendation that waives a year also shortens the window (never
  below 1 year).
* A commendation waives one year of the years-in-grade requirement when it is 市级 or higher,
  dated on/after the current grade's effective date and within the evaluation year (from
  1 January of the last complete calendar year up to the as-of date).
* A missing year never *triggers* a demotion (there is nothing to judge) but fails every
  promotion requirement that needs it.
* Two consecutive 不合格 years (the last two complete calendar years) → separation proposal
  (§7.4; whether retraining or a post change happened in between is checked at review). A single
  demotion trigger at 五级 keeps the grade with 待岗 retraining.
* Quotas count holders *after* this round's demotions; a 二级→一级 promotion does not change the
  二级+一级 total. Full ties are broken by input order (stable).
* §8.4a 首次定级 (``initial_grade``, ``rank_initial_for_quota``): the highest grade reached by
  climbing from 五级 one step at a time, years counted cumulatively from the hire date, each
  step's record judged over its own last-N-years window; the imported grade is disregarded; an
  over-quota 一级 competes for 二级, an over-quota 二级 gets 三级 (details in their docstrings).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

#: Education codes as in ``auxpost.people.models.Education``; 高中/中专 are one level.
EDUCATION_RANK: Mapping[str, int] = {
    "junior_high": 1,
    "high_school": 2,
    "vocational": 2,
    "junior_college": 3,
    "bachelor": 4,
    "master": 5,
    "doctor": 6,
}
EDUCATION_LABEL: Mapping[str, str] = {
    "junior_high": "初中",
    "high_school": "高中",
    "vocational": "中专",
    "junior_college": "大专",
    "bachelor": "本科",
    "master": "硕士研究生",
    "doctor": "博士研究生",
}
#: Label for the minimum a requirement names ("高中/中专及以上").
EDUCATION_MIN_LABEL: Mapping[str, str] = {
    "junior_high": "初中及以上",
    "high_school": "高中/中专及以上",
    "vocational": "高中/中专及以上",
    "junior_college": "大专及以上",
    "bachelor": "本科及以上",
    "master": "硕士研究生及以上",
    "doctor": "博士研究生",
}

EXCELLENT, PASS, BASIC, FAIL = "excellent", "pass", "basic", "fail"
#: Annual result bands (§7.3), higher is better.
BAND_RANK: Mapping[str, int] = {FAIL: 0, BASIC: 1, PASS: 2, EXCELLENT: 3}
BAND_LABEL: Mapping[str, str] = {EXCELLENT: "优秀", PASS: "合格", BASIC: "基本合格", FAIL: "不合格"}

COMMENDATION_RANK: Mapping[str, int] = {"district": 1, "city": 2, "province": 3, "national": 4}
COMMENDATION_LABEL: Mapping[str, str] = {"district": "区级", "city": "市级", "province": "省级", "national": "国家级"}

GRADE_LABEL: Mapping[int, str] = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}

PROMOTE, KEEP, DEMOTE, SEPARATION = "promote", "keep", "demote", "separation_proposal"
#: Order used by property tests and callers: a better outcome has a higher rank.
OUTCOME_RANK: Mapping[str, int] = {SEPARATION: 0, DEMOTE: 1, KEEP: 2, PROMOTE: 3}

TO_BE_CONFIRMED = "待资格审查确认"

# Requirement names (Chinese, shown to users).
REQ_YEARS = "现等级任职年限"
REQ_EDUCATION = "学历"
REQ_RESULTS = "年度考核结果"
REQ_EXCELLENT = "优秀次数"
REQ_SKILLS = "技能成绩"
REQ_AGE = "年龄（距法定退休）"
REQ_SANCTION = "处分"
REQ_HEALTH = "身心素质"
REQ_POLITICS = "思想政治"
REQ_CONDUCT = "行为标准"
REQ_TOP = "晋级"
REQ_QUOTA = "名额"
REQ_RETRAINING = "降级处理"


def req_points_average(years: int) -> str:
    return f"年度积分（近{years}年平均）"


def req_points_floor(years: int) -> str:
    return f"年度积分（近{years}年最低）"


# ---------------------------------------------------------------------------------------------
# Policy (§6, every (cfg) value)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeRequirement:
    """§6.2 One row of the grade table: what it takes to be promoted into ``grade``."""

    grade: int
    from_grade: int
    years_in_grade: int
    min_education: str
    points_average: float
    points_floor: float
    results_min_band: str = PASS
    excellent_needed: int = 0
    skills_min: float = 0
    decided_by: str = "区委编办"
    #: Education at or above which ``shortcut_years`` replaces ``years_in_grade`` (四级: 本科+ ≥1).
    shortcut_education: str | None = None
    shortcut_years: int | None = None


@dataclass(frozen=True)
class GradePolicy:
    """§6 A versioned set of grade rules; every number is a district (cfg) value."""

    version: str
    name: str
    requirements: tuple[GradeRequirement, ...]
    #: §6.2 五级 (entry from hire): minimum education and who decides.
    entry_min_education: str = "high_school"
    entry_decided_by: str = "区综合行政执法局与人力资源公司共同评定"
    #: §6.2 Age: a promotion candidate must be at least this far from statutory retirement.
    promotion_age_margin_months: int = 12
    #: §6.1 A sanction within this many months before the as-of date blocks promotion.
    sanction_lookback_months: int = 12
    #: §6.2 Quotas in percent of headcount (floored).
    quota_grades_2_and_1_percent: int = 30
    quota_grade_1_percent: int = 10
    #: §6.2 Demotion triggers.
    demote_on_fail: bool = True
    demote_consecutive_basic: int = 2
    demote_points_below: float = 60
    #: §7.4 Consecutive 不合格 years that give a separation (退回) proposal.
    separation_consecutive_fail: int = 2
    #: §6.2 Early promotion by commendation.
    early_promotion_allowed: bool = True
    early_promotion_min_level: str = "city"
    early_promotion_years_waived: int = 1
    #: §8.4 The 公示 public notice of a round's decisions runs at least this many working days.
    publicity_working_days: int = 5

    def requirement_for(self, grade: int) -> GradeRequirement:
        for req in self.requirements:
            if req.grade == grade:
                return req
        raise KeyError(f"policy {self.version} has no requirements for grade {grade}")

    def decided_by(self, grade: int) -> str:
        """§8.1 Who decides an outcome resulting in ``grade``."""
        return self.entry_decided_by if grade == 5 else self.requirement_for(grade).decided_by


WENJIANG_DEFAULT = GradePolicy(
    version="1",
    name="温江区默认政策",
    requirements=(
        GradeRequirement(grade=4, from_grade=5, years_in_grade=2, min_education="high_school",
                         points_average=85, points_floor=70, excellent_needed=0, skills_min=70,
                         shortcut_education="bachelor", shortcut_years=1),
        GradeRequirement(grade=3, from_grade=4, years_in_grade=3, min_education="high_school",
                         points_average=88, points_floor=70, excellent_needed=1, skills_min=75),
        GradeRequirement(grade=2, from_grade=3, years_in_grade=3, min_education="junior_college",
                         points_average=90, points_floor=75, excellent_needed=1, skills_min=80),
        GradeRequirement(grade=1, from_grade=2, years_in_grade=4, min_education="junior_college",
                         points_average=92, points_floor=80, excellent_needed=2, skills_min=85),
    ),
)


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months`` calendar months; a day missing in the target month becomes its last day."""
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    month = month0 + 1
    day = d.day
    if day > 28:  # only the 29th–31st can fall off the end of a month
        if month == 2:
            last = 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
        else:
            last = _MONTH_DAYS[month - 1]
        day = min(day, last)
    return date(year, month, day)


def whole_months_between(start: date, end: date) -> int:
    """Number of whole months from ``start`` to ``end`` (0 if ``end`` is before ``start``)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def _years_months(months: int) -> str:
    y, m = divmod(months, 12)
    if m == 0:
        return f"{y}年"
    if y == 0:
        return f"{m}个月"
    return f"{y}年{m}个月"


# ---------------------------------------------------------------------------------------------
# §6.2 Statutory retirement age (2025 progressive rule)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retirement:
    date: date
    years: int
    months: int
    delay_months: int

    @property
    def label(self) -> str:
        return f"{self.years}岁" + (f"{self.months}个月" if self.months else "")


#: original age → (divisor in months, cap in months)
_RETIREMENT_SCHEDULE: Mapping[tuple[str, int], tuple[int, int]] = {
    ("M", 60): (4, 36),
    ("F", 55): (4, 36),
    ("F", 50): (2, 60),
}


def statutory_retirement_date(birth: date, sex: str, original_age: int | None = None) -> Retirement:
    """§6.2 / §5.2.4 Statutory retirement under the 2025 progressive rule.

    Men 60 → 63, one month per 4 months; women originally 55 → 58, one month per 4 months; women
    originally 50 (worker posts) → 55, one month per 2 months. With
    ``n = (birth year + original age − 2025) × 12 + birth month`` the delay is
    ``min(ceil(n / divisor), cap)`` months for ``n > 0``, else 0.

    ``original_age`` defaults to 60 for men and 55 for women (cadre / management posts); pass 50
    for women on worker posts. The date is the day the member reaches the age.
    """
    if sex not in ("M", "F"):
        raise ValueError(f"sex must be 'M' or 'F', not {sex!r}")
    if original_age is None:
        original_age = 60 if sex == "M" else 55
    try:
        divisor, cap = _RETIREMENT_SCHEDULE[(sex, original_age)]
    except KeyError:
        raise ValueError(f"no retirement schedule for sex {sex} and original age {original_age}")
    n = (birth.year + original_age - 2025) * 12 + birth.month
    delay = min(math.ceil(n / divisor), cap) if n > 0 else 0
    total = original_age * 12 + delay
    return Retirement(date=add_months(birth, total), years=total // 12, months=total % 12, delay_months=delay)


# ---------------------------------------------------------------------------------------------
# Inputs and outputs
# ---------------------------------------------------------------------------------------------


@dataclass
class CandidateRecord:
    """What evaluation needs to know about one member (plain data, filled by the caller)."""

    grade: int
    grade_effective_date: date
    education: str
    birth_date: date
    sex: str
    hire_date: date
    annual_points: dict[int, float] = field(default_factory=dict)
    #: year → (band, composite score)
    annual_results: dict[int, tuple[str, float]] = field(default_factory=dict)
    #: year → 集中考核 composite scores, one per batch
    skills_scores: dict[int, list[float]] = field(default_factory=dict)
    sanctions: list[date] = field(default_factory=list)
    health_check_failed: bool = False
    #: §6.1 The latest 思想政治 / 行为标准 attestation on record was negative.
    politics_failed: bool = False
    conduct_failed: bool = False
    #: (date, level) with level "district" / "city" / "province" / "national"
    commendation_levels: list[tuple[date, str]] = field(default_factory=list)
    #: Original statutory retirement age (women: 55 by default, 50 on worker posts).
    original_retirement_age: int | None = None


@dataclass(frozen=True)
class Reason:
    """§6.2 One line of the explanation: requirement, required value, member's value, met or not."""

    requirement: str
    required: str
    actual: str
    met: bool

    def __str__(self) -> str:
        mark = "符合" if self.met else "不符合"
        return f"{self.requirement}：{self.actual}（要求 {self.required}）{mark}"


@dataclass(frozen=True)
class Outcome:
    """§8.3 The computed outcome for one member, with its explanation."""

    outcome: str
    #: The current grade; ``None`` for a member without one (§8.4a initial grading only).
    grade: int | None
    target_grade: int
    reasons: tuple[Reason, ...]
    policy_version: str
    decided_by: str
    quota_rank: int | None = None

    @property
    def promotion_eligible(self) -> bool:
        return self.outcome == PROMOTE


def _fmt(x: float) -> str:
    if isinstance(x, int) or float(x).is_integer():
        return str(int(x))
    return f"{round(float(x), 2):g}"


# ---------------------------------------------------------------------------------------------
# §6.1 / §6.2 evaluation
# ---------------------------------------------------------------------------------------------


def _qualifying_commendation(record: CandidateRecord, as_of: date, policy: GradePolicy) -> tuple[date, str] | None:
    if not record.commendation_levels or not policy.early_promotion_allowed or policy.early_promotion_years_waived <= 0:
        return None
    floor = COMMENDATION_RANK[policy.early_promotion_min_level]
    start = max(date(as_of.year - 1, 1, 1), record.grade_effective_date)
    hits = [
        (d, lvl) for d, lvl in record.commendation_levels
        if COMMENDATION_RANK.get(lvl, 0) >= floor and start <= d <= as_of
    ]
    return min(hits) if hits else None


def required_years(record: CandidateRecord, req: GradeRequirement, as_of: date,
                   policy: GradePolicy) -> tuple[int, int, tuple[date, str] | None]:
    """§6.2 N for this candidate: (N after waivers, N before the commendation waiver, commendation)."""
    base = req.years_in_grade
    if (req.shortcut_education and req.shortcut_years is not None
            and EDUCATION_RANK.get(record.education, 0) >= EDUCATION_RANK[req.shortcut_education]):
        base = min(base, req.shortcut_years)
    commendation = _qualifying_commendation(record, as_of, policy)
    years = base
    if commendation is not None:
        years = max(1, base - policy.early_promotion_years_waived)
        if years == base:
            commendation = None
    return years, base, commendation


def promotion_requirement_names(target_grade: int, window_years: int, policy: GradePolicy) -> list[str]:
    """Every requirement name the explanation carries for a promotion into ``target_grade``."""
    req = policy.requirement_for(target_grade)
    names = [REQ_YEARS, REQ_EDUCATION, req_points_average(window_years), req_points_floor(window_years),
             REQ_RESULTS]
    if req.excellent_needed > 0:
        names.append(REQ_EXCELLENT)
    names += [REQ_SKILLS, REQ_AGE, REQ_SANCTION, REQ_HEALTH, REQ_POLITICS, REQ_CONDUCT]
    return names


def _promotion_reasons(record: CandidateRecord, as_of: date, policy: GradePolicy) -> tuple[list[Reason], int]:
    """§6.1 + §6.2 Every promotion requirement for grade − 1; returns (reasons, window N)."""
    target = record.grade - 1
    req = policy.requirement_for(target)
    reasons: list[Reason] = []

    # Years in the current grade.
    n, base, commendation = required_years(record, req, as_of, policy)
    served = whole_months_between(record.grade_effective_date, as_of)
    required = f"≥{n}年"
    if base != req.years_in_grade:
        required += f"（{EDUCATION_MIN_LABEL[req.shortcut_education]}）"
    if commendation is not None:
        required += (f"（{COMMENDATION_LABEL.get(commendation[1], commendation[1])}表彰 "
                     f"{commendation[0].isoformat()} 减免{base - n}年，原≥{base}年）")
    reasons.append(Reason(REQ_YEARS, required,
                          f"{_years_months(served)}（自 {record.grade_effective_date.isoformat()}）",
                          add_months(record.grade_effective_date, 12 * n) <= as_of))

    # Education.
    have = EDUCATION_RANK.get(record.education)
    reasons.append(Reason(REQ_EDUCATION, EDUCATION_MIN_LABEL[req.min_education],
                          EDUCATION_LABEL.get(record.education, "未登记"),
                          have is not None and have >= EDUCATION_RANK[req.min_education]))
    reasons += _window_reasons(record, req, n, as_of)
    reasons.append(_age_reason(record, as_of, policy))
    reasons += _basic_reasons(record, as_of, policy)
    return reasons, n


def _window_reasons(record: CandidateRecord, req: GradeRequirement, n: int, as_of: date) -> list[Reason]:
    """§6.2 The requirements of ``req`` judged on the record over the last ``n`` complete calendar
    years (points average and floor, results, 优秀 count) and the last year's skills score."""
    reasons: list[Reason] = []

    # Points over the last N complete calendar years.
    years = list(range(as_of.year - n, as_of.year))
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    missing = [y for y in years if y not in record.annual_points]
    if missing:
        gap = "缺 " + "、".join(str(y) for y in missing) + " 年记录"
        reasons.append(Reason(req_points_average(n), f"{span} 平均 ≥{_fmt(req.points_average)}", gap, False))
        reasons.append(Reason(req_points_floor(n), f"{span} 每年 ≥{_fmt(req.points_floor)}", gap, False))
    else:
        values = [record.annual_points[y] for y in years]
        avg = math.fsum(values) / len(values)
        low = min(values)
        reasons.append(Reason(req_points_average(n), f"{span} 平均 ≥{_fmt(req.points_average)}",
                              _fmt(avg), avg >= req.points_average))
        reasons.append(Reason(req_points_floor(n), f"{span} 每年 ≥{_fmt(req.points_floor)}",
                              _fmt(low), low >= req.points_floor))

    # Annual results over the same years.
    bands = {y: record.annual_results[y][0] for y in years if y in record.annual_results}
    missing = [y for y in years if y not in bands]
    shown = "、".join(f"{y} {BAND_LABEL.get(bands[y], bands[y]) if y in bands else '无记录'}" for y in years)
    all_ok = not missing and all(BAND_RANK.get(b, -1) >= BAND_RANK[req.results_min_band] for b in bands.values())
    reasons.append(Reason(REQ_RESULTS, f"{span} 均为{BAND_LABEL[req.results_min_band]}及以上", shown, all_ok))
    if req.excellent_needed > 0:
        count = sum(1 for b in bands.values() if b == EXCELLENT)
        reasons.append(Reason(REQ_EXCELLENT, f"{span} ≥{req.excellent_needed}次", f"{count}次",
                              count >= req.excellent_needed))

    # Skills score: mean of the 集中考核 batches of the last complete calendar year.
    last = as_of.year - 1
    batches = record.skills_scores.get(last) or []
    if batches:
        mean = math.fsum(batches) / len(batches)
        reasons.append(Reason(REQ_SKILLS, f"{last} 集中考核平均 ≥{_fmt(req.skills_min)}", _fmt(mean),
                              mean >= req.skills_min))
    else:
        reasons.append(Reason(REQ_SKILLS, f"{last} 集中考核平均 ≥{_fmt(req.skills_min)}",
                              f"缺 {last} 年记录", False))

    return reasons


def _age_reason(record: CandidateRecord, as_of: date, policy: GradePolicy) -> Reason:
    """§6.2 Age: a promotion candidate is at least the margin away from statutory retirement."""
    ret = statutory_retirement_date(record.birth_date, record.sex, record.original_retirement_age)
    left = whole_months_between(as_of, ret.date)
    return Reason(
        REQ_AGE, f"距法定退休 ≥{_years_months(policy.promotion_age_margin_months)}",
        f"{_years_months(left)}（法定退休 {ret.label}，{ret.date.isoformat()}）",
        add_months(as_of, policy.promotion_age_margin_months) <= ret.date,
    )


def _basic_reasons(record: CandidateRecord, as_of: date, policy: GradePolicy) -> list[Reason]:
    """§6.1 The basic requirements: no sanction in the look-back window, no failed health check, no
    negative 思想政治 / 行为标准 attestation (no negative record counts as met, to be confirmed)."""
    reasons: list[Reason] = []
    since = add_months(as_of, -policy.sanction_lookback_months)
    recent = sorted(d for d in record.sanctions if since < d <= as_of)
    if recent:
        reasons.append(Reason(REQ_SANCTION, f"近{policy.sanction_lookback_months}个月内无处分",
                              "处分 " + "、".join(d.isoformat() for d in recent), False))
    else:
        reasons.append(Reason(REQ_SANCTION, f"近{policy.sanction_lookback_months}个月内无处分",
                              f"无（{TO_BE_CONFIRMED}）", True))
    if record.health_check_failed:
        reasons.append(Reason(REQ_HEALTH, "体检合格", "体检不合格", False))
    else:
        reasons.append(Reason(REQ_HEALTH, "体检合格", f"无不合格记录（{TO_BE_CONFIRMED}）", True))
    for name, failed in ((REQ_POLITICS, record.politics_failed), (REQ_CONDUCT, record.conduct_failed)):
        if failed:
            reasons.append(Reason(name, "无负面记录", "有负面记录", False))
        else:
            reasons.append(Reason(name, "无负面记录", f"无负面记录（{TO_BE_CONFIRMED}）", True))
    return reasons


def _band_of(record: CandidateRecord, year: int) -> str | None:
    result = record.annual_results.get(year)
    return result[0] if result else None


def _demotion_reasons(record: CandidateRecord, as_of: date, policy: GradePolicy) -> tuple[list[Reason], bool, bool]:
    """§6.2 demotion triggers and §7.4 separation, on the last complete calendar year(s).

    Returns (reasons, demotion triggered, separation proposed). A missing year triggers nothing.
    """
    last = as_of.year - 1
    reasons: list[Reason] = []
    demote = False

    def label(y: int) -> str:
        band = _band_of(record, y)
        return BAND_LABEL.get(band, band) if band else "无记录"

    if policy.demote_on_fail:
        hit = _band_of(record, last) == FAIL
        demote |= hit
        reasons.append(Reason(f"降级条件：年度考核结果（{last}）", "不为不合格", label(last), not hit))

    k = policy.demote_consecutive_basic
    if k > 0:
        years = list(range(last - k + 1, last + 1))
        # "Two 基本合格 in a row" counts a 不合格 year as at most 基本合格, so that a better result
        # never brings a demotion (a 不合格 then 基本合格 record demotes like two 基本合格).
        hit = all(_band_of(record, y) in (BASIC, FAIL) for y in years)
        demote |= hit
        span = f"{years[0]}–{years[-1]}" if k > 1 else str(last)
        reasons.append(Reason(f"降级条件：连续{k}年基本合格（{span}）", f"不连续{k}年基本合格",
                              "、".join(label(y) for y in years), not hit))

    points = record.annual_points.get(last)
    hit = points is not None and points < policy.demote_points_below
    demote |= hit
    reasons.append(Reason(f"降级条件：年度积分（{last}）", f"≥{_fmt(policy.demote_points_below)}",
                          _fmt(points) if points is not None else "无记录", not hit))

    separation = False
    k = policy.separation_consecutive_fail
    if k > 0:
        years = list(range(last - k + 1, last + 1))
        separation = all(_band_of(record, y) == FAIL for y in years)
        span = f"{years[0]}–{years[-1]}" if k > 1 else str(last)
        actual = "、".join(label(y) for y in years)
        if separation:
            actual += "（须核实期间已培训或调岗，§7.4）"
        reasons.append(Reason(f"退回条件：连续{k}年不合格（{span}）", f"不连续{k}年不合格", actual, not separation))
    return reasons, demote, separation


def _demotion_decision(record: CandidateRecord, as_of: date, policy: GradePolicy) -> tuple[bool, bool]:
    """``_demotion_reasons`` without the explanation: (demotion triggered, separation proposed)."""
    last = as_of.year - 1
    results = record.annual_results
    latest = results.get(last)
    band = latest[0] if latest else None
    demote = policy.demote_on_fail and band == FAIL
    points = record.annual_points.get(last)
    if points is not None and points < policy.demote_points_below:
        demote = True
    separation = False
    if band == BASIC or band == FAIL:  # both consecutive-year rules need the last year to match
        k = policy.demote_consecutive_basic
        if k > 0:
            for y in range(last - k + 1, last):
                r = results.get(y)
                if r is None or r[0] not in (BASIC, FAIL):
                    break
            else:
                demote = True
        k = policy.separation_consecutive_fail
        if k > 0 and band == FAIL:
            for y in range(last - k + 1, last):
                r = results.get(y)
                if r is None or r[0] != FAIL:
                    break
            else:
                separation = True
    return bool(demote), separation


def _promotable(record: CandidateRecord, as_of: date, policy: GradePolicy) -> bool:
    """``all(r.met for r in _promotion_reasons(...))`` without building the explanation; stops at
    the first requirement not met."""
    req = policy.requirement_for(record.grade - 1)
    n, _base, _commendation = required_years(record, req, as_of, policy)
    if add_months(record.grade_effective_date, 12 * n) > as_of:
        return False
    have = EDUCATION_RANK.get(record.education)
    if have is None or have < EDUCATION_RANK[req.min_education]:
        return False
    if not _window_ok(record, req, n, as_of):
        return False
    ret = statutory_retirement_date(record.birth_date, record.sex, record.original_retirement_age)
    if add_months(as_of, policy.promotion_age_margin_months) > ret.date:
        return False
    since = add_months(as_of, -policy.sanction_lookback_months)
    if any(since < d <= as_of for d in record.sanctions):
        return False
    return not (record.health_check_failed or record.politics_failed or record.conduct_failed)


def _window_ok(record: CandidateRecord, req: GradeRequirement, n: int, as_of: date) -> bool:
    """``all(r.met for r in _window_reasons(...))`` without building the explanation."""
    years = range(as_of.year - n, as_of.year)
    points = record.annual_points
    values = [points.get(y) for y in years]
    if any(v is None for v in values):
        return False
    if math.fsum(values) / len(values) < req.points_average or min(values) < req.points_floor:
        return False
    results = record.annual_results
    floor = BAND_RANK[req.results_min_band]
    excellent = 0
    for y in years:
        r = results.get(y)
        if r is None or BAND_RANK.get(r[0], -1) < floor:
            return False
        excellent += r[0] == EXCELLENT
    if excellent < req.excellent_needed:
        return False
    batches = record.skills_scores.get(as_of.year - 1) or []
    return bool(batches) and math.fsum(batches) / len(batches) >= req.skills_min


def decide(record: CandidateRecord, as_of: date, policy: GradePolicy = WENJIANG_DEFAULT) -> tuple[str, int]:
    """§6 / §8.3 (outcome, target grade) exactly as ``evaluate`` decides them, without the explanation."""
    demote, separation = _demotion_decision(record, as_of, policy)
    grade = record.grade
    if separation:
        return SEPARATION, grade
    if demote:
        return (KEEP, grade) if grade == 5 else (DEMOTE, grade + 1)
    if grade > 1 and _promotable(record, as_of, policy):
        return PROMOTE, grade - 1
    return KEEP, grade


def evaluate(record: CandidateRecord, as_of: date, policy: GradePolicy = WENJIANG_DEFAULT, *,
             explain: bool = True) -> Outcome:
    """§6 / §8.3 A member's grade outcome on ``as_of`` with its full explanation.

    Separation proposal (§7.4) > demotion (§6.2, one grade whatever the number of triggers,
    precedence over promotion) > promotion (one grade at a time, all requirements met) > keep.

    ``explain=False`` decides the same outcome without building the explanation (``reasons`` is
    empty): a district-wide computation decides everyone first and explains only what it shows.
    """
    if record.grade not in GRADE_LABEL:
        raise ValueError(f"grade must be 1..5, not {record.grade!r}")
    if not explain:
        outcome, target = decide(record, as_of, policy)
        return Outcome(outcome=outcome, grade=record.grade, target_grade=target, reasons=(),
                       policy_version=policy.version, decided_by=policy.decided_by(target))
    reasons, demote, separation = _demotion_reasons(record, as_of, policy)
    promotable = False
    if record.grade > 1:
        promo, _n = _promotion_reasons(record, as_of, policy)
        reasons += promo
        promotable = all(r.met for r in promo)
    else:
        reasons.append(Reason(REQ_TOP, "—", "一级为最高等级", False))

    grade = record.grade
    if separation:
        outcome, target = SEPARATION, grade
    elif demote and grade == 5:
        reasons.append(Reason(REQ_RETRAINING, "五级不再降级", "待岗培训（§6.2）", False))
        outcome, target = KEEP, grade
    elif demote:
        outcome, target = DEMOTE, grade + 1
    elif promotable:
        outcome, target = PROMOTE, grade - 1
    else:
        outcome, target = KEEP, grade
    return Outcome(outcome=outcome, grade=grade, target_grade=target, reasons=tuple(reasons),
                   policy_version=policy.version, decided_by=policy.decided_by(target))


# ---------------------------------------------------------------------------------------------
# §6.2 quotas
# ---------------------------------------------------------------------------------------------


def quota_limits(headcount: int, policy: GradePolicy = WENJIANG_DEFAULT) -> tuple[int, int]:
    """§6.2 (二级+一级 allowed, 一级 allowed), floored."""
    return (headcount * policy.quota_grades_2_and_1_percent // 100,
            headcount * policy.quota_grade_1_percent // 100)


def _rank_key(record: CandidateRecord, as_of: date) -> tuple:
    last = as_of.year - 1
    result = record.annual_results.get(last)
    composite = result[1] if result else -math.inf
    points = record.annual_points.get(last, -math.inf)
    # Higher composite, higher points, longer in grade (earlier date), earlier hire.
    return (-composite, -points, record.grade_effective_date, record.hire_date)


def rank_for_quota(
    candidates: Mapping[Hashable, tuple[CandidateRecord, Outcome]] | Sequence[tuple[Hashable, CandidateRecord, Outcome]],
    *,
    headcount: int,
    as_of: date,
    policy: GradePolicy = WENJIANG_DEFAULT,
) -> dict[Hashable, Outcome]:
    """§6.2 Apply the 二级+一级 and 一级 quotas to promotions of one evaluation round.

    ``candidates`` are every member counted in ``headcount`` (key → (record, evaluate outcome)).
    Holders are counted after this round's non-promotion outcomes (demotions free a place).
    Promotees into 一级/二级 are ranked by the last complete year's annual-result composite, then
    that year's points, then years in grade, then hire date (earlier first), then input order; those
    beyond the quota stay "keep" with "名额已满（排名第k）". ``quota_rank`` is set for every promotee
    into 一级/二级 (1-based, per target grade); others keep ``None``.
    """
    items = list(candidates.items()) if isinstance(candidates, Mapping) else [(k, (r, o)) for k, r, o in candidates]
    cap_12, cap_1 = quota_limits(headcount, policy)
    result: dict[Hashable, Outcome] = {}
    holders_1 = holders_12 = 0
    to_1: list[tuple[int, Hashable, CandidateRecord, Outcome]] = []
    to_2: list[tuple[int, Hashable, CandidateRecord, Outcome]] = []
    for i, (key, (record, outcome)) in enumerate(items):
        result[key] = outcome
        if outcome.outcome == PROMOTE and outcome.target_grade == 1:
            to_1.append((i, key, record, outcome))
            holders_12 += 1  # in 二级 now, 一级 or 二级 after: counts against 二级+一级 either way
        elif outcome.outcome == PROMOTE and outcome.target_grade == 2:
            to_2.append((i, key, record, outcome))
        else:
            final = outcome.target_grade
            holders_1 += final == 1
            holders_12 += final <= 2

    def apply(group, slots: int, label: str, cap: int) -> None:
        group.sort(key=lambda t: (_rank_key(t[2], as_of), t[0]))
        for rank, (_i, key, _record, outcome) in enumerate(group, start=1):
            required = f"{label} ≤{cap}人（可晋升 {max(slots, 0)} 人）"
            if rank <= slots:
                reason = Reason(REQ_QUOTA, required, f"名额内（排名第{rank}）", True)
                result[key] = replace(outcome, quota_rank=rank, reasons=outcome.reasons + (reason,))
            else:
                reason = Reason(REQ_QUOTA, required, f"名额已满（排名第{rank}）", False)
                result[key] = replace(outcome, outcome=KEEP, target_grade=outcome.grade, quota_rank=rank,
                                      reasons=outcome.reasons + (reason,),
                                      decided_by=policy.decided_by(outcome.grade))

    slots_1 = cap_1 - holders_1
    apply(to_1, slots_1, f"一级 {policy.quota_grade_1_percent}%", cap_1)
    slots_2 = cap_12 - holders_12
    apply(to_2, slots_2, f"二级+一级 {policy.quota_grades_2_and_1_percent}%", cap_12)
    return result


# ---------------------------------------------------------------------------------------------
# §8.4a 首次定级 (initial grading)
# ---------------------------------------------------------------------------------------------

INITIAL = "initial"
#: ``CandidateRecord.grade`` of a member on the roster who holds no grade yet. Only the initial
#: grading accepts it (``evaluate`` refuses any grade outside 1..5); its outcome's ``grade`` is None.
UNGRADED = 0

REQ_SERVICE = "累计任职年限（自入职）"
REQ_IMPORTED = "原等级"
REQ_INITIAL = "首次定级"
REQ_SHORT_WINDOW = "缩短的考察期"


def _step(grade: int, name: str) -> str:
    """A requirement name of one step of the climb: "四级·学历"."""
    return f"{GRADE_LABEL[grade]}·{name}"


def step_years(record: CandidateRecord, req: GradeRequirement) -> int:
    """§6.2 The years the step into ``req.grade`` asks in the grade below, before any commendation
    waiver (the 本科+ shortcut of 四级 applies by education)."""
    base = req.years_in_grade
    if (req.shortcut_education and req.shortcut_years is not None
            and EDUCATION_RANK.get(record.education, 0) >= EDUCATION_RANK[req.shortcut_education]):
        base = min(base, req.shortcut_years)
    return base


def initial_commendation(record: CandidateRecord, as_of: date, policy: GradePolicy) -> tuple[date, str] | None:
    """§6.2 / §8.4a The commendation that waives years in the initial grading: as in the annual rule
    (市级 or higher by default, dated within the evaluation year: 1 January of the last complete year
    up to ``as_of``), with the hire date in place of the grade's effective date."""
    if not record.commendation_levels or not policy.early_promotion_allowed or policy.early_promotion_years_waived <= 0:
        return None
    floor = COMMENDATION_RANK[policy.early_promotion_min_level]
    start = max(date(as_of.year - 1, 1, 1), record.hire_date)
    hits = [(d, lvl) for d, lvl in record.commendation_levels
            if COMMENDATION_RANK.get(lvl, 0) >= floor and start <= d <= as_of]
    return min(hits) if hits else None


def initial_grade(record: CandidateRecord, as_of: date, policy: GradePolicy = WENJIANG_DEFAULT, *,
                  explain: bool = True) -> Outcome:
    """§8.4a 首次定级: the highest grade the member's whole record supports on ``as_of``.

    The rule, step by step (every step is explained, requirement by requirement):

    * **五级** (entry, §6.2): education at least ``entry_min_education`` and the §6.1 basic
      requirements (no sanction in the look-back window, no failed health check, no negative
      思想政治 / 行为标准 attestation). Every member on the roster must hold exactly one grade
      (§4.3), so a member who misses an entry requirement is still graded 五级, with the missed
      requirement shown (met = false) and the climb stops there: the record does not support more.
    * **The climb**: from 五级 the member rises one grade at a time — 四级, 三级, 二级, 一级 — while
      the record supports the next step; the first step not supported ends the climb (the steps
      above are not judged, so a grade is never reached by skipping one).
    * **Years**: the years in the lower grade are counted cumulatively from the hire date. Step t
      needs its own N_t (§6.2: 四级 2, 本科+ 1; 三级 3; 二级 3; 一级 4 by default); step t is
      reachable when the member was hired at least N_4 + … + N_t years before ``as_of`` (默认: 四级
      ≥2 years since hire, 三级 ≥5, 二级 ≥8, 一级 ≥12). A 市级-or-higher commendation of the
      evaluation year (as in the annual rule, dated on/after the hire date) waives its years ONCE
      from that cumulative total (never below 1 year).
    * **Record windows**: each step's points (average and floor), annual results, 优秀 count are
      judged over the last N complete calendar years before ``as_of`` — the window the annual rule
      would use today — and the skills score on the last complete year. This is the simplest
      defensible reading: a grade is given only on evidence the member would need to reach it in
      an annual round now, and records from before the standard was adopted (usually not kept) are
      never needed. A missing year fails the step that needs it. N is the table's years; when the
      member's own N is shorter (本科+ shortcut, commendation waiver: N − waiver, at least 1 year, as
      the annual rule shortens it) a record not met over the table's window may also be met over the
      shorter one — either will do, so a degree or a commendation never lowers a grade (the annual
      rule, judging the shorter window only, can; that is its own reading and left unchanged).
    * **Age, sanctions, health** block as in a promotion (§6.2 age margin, §6.1 basic requirements),
      so one of them failing keeps the member at 五级. They do not change from step to step, so
      the explanation shows them once: the basic requirements under 五级, the age under 四级.
    * **The imported grade is disregarded**: the initial grading is the first grading, so it sets the
      grade the record supports whether that is above or below a grade entered before; the
      imported grade is shown for reference (``grade`` of the outcome; None when there was none).
    * No demotion or separation is judged here (that is the annual round's job, §6.2 / §7.4).

    Quotas (二级 + 一级, 一级) are applied afterwards by ``rank_initial_for_quota``. ``decided_by``
    follows the resulting grade (§8.1). ``explain=False`` decides the same grade (property-tested)
    without building the explanation (``reasons`` is empty).
    """
    if record.grade not in GRADE_LABEL and record.grade != UNGRADED:
        raise ValueError(f"grade must be 1..5 or UNGRADED (0), not {record.grade!r}")
    current = record.grade if record.grade in GRADE_LABEL else None
    if not explain:
        target = _initial_target(record, as_of, policy)
        return Outcome(outcome=INITIAL, grade=current, target_grade=target, reasons=(),
                       policy_version=policy.version, decided_by=policy.decided_by(target))
    reasons: list[Reason] = []
    if current is not None:
        reasons.append(Reason(REQ_IMPORTED, "首次定级按记录重新确定，不以原等级为准",
                              f"{GRADE_LABEL[current]}（自 {record.grade_effective_date.isoformat()}）", True))

    # 五级: the entry requirements.
    have = EDUCATION_RANK.get(record.education)
    entry = [Reason(REQ_EDUCATION, EDUCATION_MIN_LABEL[policy.entry_min_education],
                    EDUCATION_LABEL.get(record.education, "未登记"),
                    have is not None and have >= EDUCATION_RANK[policy.entry_min_education])]
    entry += _basic_reasons(record, as_of, policy)
    reasons += [replace(r, requirement=_step(5, r.requirement)) for r in entry]
    target = 5
    if all(r.met for r in entry):
        commendation = initial_commendation(record, as_of, policy)
        waived = policy.early_promotion_years_waived if commendation is not None else 0
        cumulative = 0
        parts: list[str] = []
        for grade in sorted((r.grade for r in policy.requirements), reverse=True):
            req = policy.requirement_for(grade)
            base = step_years(record, req)
            cumulative += base
            need = max(1, cumulative - waived)
            n = max(1, base - waived)
            part = f"{GRADE_LABEL[req.from_grade]}{base}年"
            if base != req.years_in_grade:
                part += f"（{EDUCATION_MIN_LABEL[req.shortcut_education]}）"
            parts.append(part)
            required = f"≥{need}年（逐级累计：{'+'.join(parts)}）"
            if commendation is not None and need < cumulative:
                required += (f"（{COMMENDATION_LABEL.get(commendation[1], commendation[1])}表彰 "
                             f"{commendation[0].isoformat()} 减免{cumulative - need}年，原≥{cumulative}年）")
            step = [Reason(REQ_SERVICE, required,
                           f"{_years_months(whole_months_between(record.hire_date, as_of))}"
                           f"（入职 {record.hire_date.isoformat()}）",
                           add_months(record.hire_date, 12 * need) <= as_of),
                    Reason(REQ_EDUCATION, EDUCATION_MIN_LABEL[req.min_education],
                           EDUCATION_LABEL.get(record.education, "未登记"),
                           have is not None and have >= EDUCATION_RANK[req.min_education])]
            window = _window_reasons(record, req, req.years_in_grade, as_of)
            if n < req.years_in_grade and not all(r.met for r in window):
                short = _window_reasons(record, req, n, as_of)
                if all(r.met for r in short):
                    window = short
                else:
                    window.append(Reason(REQ_SHORT_WINDOW, f"或近{n}年记录符合条件（年限减免）", "亦未符合", False))
            step += window
            if not parts[1:]:  # the same on every step: judged once, on the first step above 五级
                step.append(_age_reason(record, as_of, policy))
            reasons += [replace(r, requirement=_step(grade, r.requirement)) for r in step]
            if not all(r.met for r in step):
                break
            target = grade
        if target == 5:
            summary = Reason(REQ_INITIAL, "记录逐级支持的最高等级", "五级（未达到四级的条件，见上）", True)
        elif target == min(GRADE_LABEL):
            summary = Reason(REQ_INITIAL, "记录逐级支持的最高等级", f"{GRADE_LABEL[target]}（最高等级）", True)
        else:
            summary = Reason(REQ_INITIAL, "记录逐级支持的最高等级",
                             f"{GRADE_LABEL[target]}（未达到{GRADE_LABEL[target - 1]}的条件，见上）", True)
    else:
        summary = Reason(REQ_INITIAL, "花名册人员均须持有一个等级（§4.3）",
                         "五级（五级基本条件未全部符合，见上；不再逐级晋升）", False)
    reasons.append(summary)
    return Outcome(outcome=INITIAL, grade=current, target_grade=target, reasons=tuple(reasons),
                   policy_version=policy.version, decided_by=policy.decided_by(target))


def _initial_target(record: CandidateRecord, as_of: date, policy: GradePolicy) -> int:
    """The grade ``initial_grade`` reaches, without building the explanation."""
    have = EDUCATION_RANK.get(record.education)
    if have is None or have < EDUCATION_RANK[policy.entry_min_education]:
        return 5
    since = add_months(as_of, -policy.sanction_lookback_months)
    if (any(since < d <= as_of for d in record.sanctions) or record.health_check_failed or record.politics_failed
            or record.conduct_failed):
        return 5
    waived = policy.early_promotion_years_waived if initial_commendation(record, as_of, policy) is not None else 0
    target, cumulative, first = 5, 0, True
    for grade in sorted((r.grade for r in policy.requirements), reverse=True):
        req = policy.requirement_for(grade)
        base = step_years(record, req)
        cumulative += base
        if (add_months(record.hire_date, 12 * max(1, cumulative - waived)) > as_of
                or have < EDUCATION_RANK[req.min_education]
                or not (_window_ok(record, req, req.years_in_grade, as_of)
                        or (max(1, base - waived) < req.years_in_grade
                            and _window_ok(record, req, max(1, base - waived), as_of)))):
            break
        if first:  # the age margin, judged on the first step above 五级
            ret = statutory_retirement_date(record.birth_date, record.sex, record.original_retirement_age)
            if add_months(as_of, policy.promotion_age_margin_months) > ret.date:
                break
            first = False
        target = grade
    return target


def _initial_rank_key(record: CandidateRecord, as_of: date) -> tuple:
    last = as_of.year - 1
    result = record.annual_results.get(last)
    composite = result[1] if result else -math.inf
    points = record.annual_points.get(last, -math.inf)
    # Higher composite, higher points, longer service (earlier hire).
    return (-composite, -points, record.hire_date)


def rank_initial_for_quota(
    candidates: Mapping[Hashable, tuple[CandidateRecord, Outcome]] | Sequence[tuple[Hashable, CandidateRecord, Outcome]],
    *,
    headcount: int,
    as_of: date,
    policy: GradePolicy = WENJIANG_DEFAULT,
) -> dict[Hashable, Outcome]:
    """§6.2 / §8.4a The 一级 and 二级+一级 quotas applied to an initial grading.

    ``candidates`` are every member counted in ``headcount`` (key → (record, ``initial_grade``
    outcome)). Nobody holds a grade before the first grading, so the whole quota is open:

    1. Targets 一级 are ranked (last complete year's annual-result composite, then that year's
       points, then the earlier hire date, then input order); the first ``一级 quota`` keep 一级
       (never more than the 二级+一级 quota either). The others were supported up to 一级 step by
       step, so they pass to the 二级 candidates with "名额已满".
    2. Targets 二级 and the 一级 overflow are ranked together the same way; the places left in
       the 二级+一级 quota (after the 一级 given) get 二级, the rest get 三级 — the highest grade
       below within quota, which their record supports since the climb passed it.

    Each ranked outcome gets a "名额" reason per pool it was ranked in and ``quota_rank`` = its
    rank in the last pool (1-based); others keep ``None``. Limits: 一级 ≤ the 一级 quota and
    一级 + 二级 ≤ the 二级+一级 quota, always.
    """
    items = list(candidates.items()) if isinstance(candidates, Mapping) else [(k, (r, o)) for k, r, o in candidates]
    cap_12, cap_1 = quota_limits(headcount, policy)
    cap_1 = min(cap_1, cap_12)
    result: dict[Hashable, Outcome] = {}
    pool_1, pool_2 = [], []
    for i, (key, (record, outcome)) in enumerate(items):
        result[key] = outcome
        if outcome.target_grade == 1:
            pool_1.append((_initial_rank_key(record, as_of), i, key))
        elif outcome.target_grade == 2:
            pool_2.append((_initial_rank_key(record, as_of), i, key))

    label_1 = f"一级 {policy.quota_grade_1_percent}% ≤{cap_1}人"
    pool_1.sort()
    for rank, (rank_key, i, key) in enumerate(pool_1, start=1):
        o = result[key]
        if rank <= cap_1:
            reason = Reason(_step(1, REQ_QUOTA), label_1, f"名额内（排名第{rank}）", True)
            result[key] = replace(o, quota_rank=rank, reasons=o.reasons + (reason,))
        else:
            reason = Reason(_step(1, REQ_QUOTA), label_1, f"名额已满（排名第{rank}），按二级参加排名", False)
            result[key] = replace(o, target_grade=2, quota_rank=rank, reasons=o.reasons + (reason,),
                                  decided_by=policy.decided_by(2))
            pool_2.append((rank_key, i, key))
    granted_1 = min(len(pool_1), cap_1)

    slots_2 = max(cap_12 - granted_1, 0)
    label_2 = f"二级+一级 {policy.quota_grades_2_and_1_percent}% ≤{cap_12}人（二级可定 {slots_2} 人）"
    pool_2.sort()
    for rank, (_rank_key, _i, key) in enumerate(pool_2, start=1):
        o = result[key]
        if rank <= slots_2:
            reason = Reason(_step(2, REQ_QUOTA), label_2, f"名额内（排名第{rank}）", True)
            result[key] = replace(o, quota_rank=rank, reasons=o.reasons + (reason,))
        else:
            reason = Reason(_step(2, REQ_QUOTA), label_2, f"名额已满（排名第{rank}），定三级", False)
            result[key] = replace(o, target_grade=3, quota_rank=rank, reasons=o.reasons + (reason,),
                                  decided_by=policy.decided_by(3))
    return result
