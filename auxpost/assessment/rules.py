"""Pure assessment rules (§7 考核评价): no Django, no clock, no database.

Every number the standard leaves to the district is a field of :class:`AssessmentPolicy`
(§7, "(cfg)"); ``WENJIANG_DEFAULT`` is version "1" of Wenjiang's policy.

Arithmetic is done in :class:`~decimal.Decimal` so that band boundaries are exact
(89.99 is 合格, 90.00 is 优秀; no binary floating-point drift). Numbers may be passed in as
``int``, ``float`` or ``Decimal``; results are ``Decimal`` rounded half-up to 2 decimals.

Readings of the spec decided here (documented for reviewers):

* 集中考核 component weights (§7.2, cfg) default to 法律法规 0.3, 实操技能 0.3, 体能 0.2,
  民主测评 0.2 — knowledge and skills count most, fitness and peer rating less.
* Missing data (§7.3): the stricter reading is taken. A part with no score at all counts as 0
  with a reason ("缺少月度考核" / "缺少集中考核"); the remaining weights are NOT re-normalised,
  so a member cannot reach 优秀 by skipping an assessment. When the caller says how many
  months / rounds were due (``months_expected`` / ``rounds_expected``), each one missing
  counts as 0 in the mean. Otherwise the mean is over the scores supplied (the caller passes
  only months / rounds the member was in post for).
* Annual points enter as min(points, 100) (§7.3); a negative settled total is refused
  because settled totals are clamped to 0–120 (§10).
* The 优秀 cap (§7.3) is applied per group of (unit, year) over every member passed in with a
  result; allowed = floor(cap × members). Vetoed members (§7.3) never take a 优秀 place; the
  ones over the cap get 合格 with a reason. Ranks are strict (1..n): composite desc, then
  annual points desc (the settled total, not capped at 100, so 110 beats 105), then years of
  service desc (passed in by the caller), then member id (for determinism only).
* A veto ruling out 优秀 turns a 优秀 composite into 合格 (the next band down).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

EXCELLENT = "excellent"
PASS = "pass"
BASIC = "basic"
FAIL = "fail"
BAND_CODES = (EXCELLENT, PASS, BASIC, FAIL)

#: §7.3 the cap may be configured, but never above 20 %.
MAX_EXCELLENT_CAP = Decimal("0.20")


class AssessmentRuleError(ValueError):
    """A rule refused its input. ``message`` is Chinese and names the field; ``field`` is its code."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def _dec(value, what: str) -> Decimal:
    """Exact Decimal of an int/float/Decimal (floats via their shortest repr, so 0.1 is 0.1)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise AssessmentRuleError(f"{what}应为数字，实际为{value!r}", what)
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if not d.is_finite():
        raise AssessmentRuleError(f"{what}不是有效数字：{value!r}", what)
    return d


def _q(d: Decimal) -> Decimal:
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def _pct(d: Decimal) -> str:
    return format((d * 100).normalize(), "f")


def _fmt(d: Decimal) -> str:
    return f"{_q(d):.2f}"


@dataclass(frozen=True)
class Indicator:
    """§7.2 one 日常考核 indicator of the monthly scorecard."""

    code: str
    name: str
    max_points: Decimal


@dataclass(frozen=True)
class SkillsComponent:
    """§7.2 one 集中考核 component (each scored 0–100) and its weight."""

    code: str
    name: str
    weight: Decimal


@dataclass(frozen=True)
class Band:
    """§7.3 a result band: a composite ≥ ``min_score`` (and below the next band up) gets it."""

    code: str
    name: str
    min_score: Decimal


@dataclass(frozen=True)
class AssessmentPolicy:
    """§7 district assessment policy (every field is (cfg)); validated on construction."""

    version: str
    monthly_indicators: tuple[Indicator, ...]
    skills_rounds_per_year: int
    skills_components: tuple[SkillsComponent, ...]
    weight_monthly: Decimal
    weight_skills: Decimal
    weight_points: Decimal
    points_ceiling: Decimal
    bands: tuple[Band, ...]
    excellent_cap: Decimal
    # The unit level the cap applies to (§7.3, cfg); the caller sets AnnualInput.unit_id to it.
    cap_unit_level: str = "squadron"
    veto_absence_days: int = 5
    veto_lates: int = 15
    veto_sanction: bool = True

    def __post_init__(self):
        codes = [i.code for i in self.monthly_indicators]
        if not codes or len(set(codes)) != len(codes):
            raise AssessmentRuleError("月度考核指标不能为空且代码不能重复", "monthly_indicators")
        for ind in self.monthly_indicators:
            if ind.max_points <= 0:
                raise AssessmentRuleError(f"考核指标“{ind.name}”的满分必须大于0", ind.code)
        if sum((i.max_points for i in self.monthly_indicators), ZERO) != HUNDRED:
            raise AssessmentRuleError("月度考核各指标满分之和必须为100", "monthly_indicators")
        if self.skills_rounds_per_year < 1:
            raise AssessmentRuleError("集中考核每年至少一次", "skills_rounds_per_year")
        scodes = [c.code for c in self.skills_components]
        if not scodes or len(set(scodes)) != len(scodes):
            raise AssessmentRuleError("集中考核科目不能为空且代码不能重复", "skills_components")
        if any(c.weight < 0 for c in self.skills_components) or sum(
            (c.weight for c in self.skills_components), ZERO
        ) != 1:
            raise AssessmentRuleError("集中考核各科目权重必须非负且合计为1", "skills_components")
        weights = (self.weight_monthly, self.weight_skills, self.weight_points)
        if any(w < 0 for w in weights) or sum(weights, ZERO) != 1:
            raise AssessmentRuleError("综合得分的三项权重必须非负且合计为1", "weights")
        if not ZERO < self.points_ceiling:
            raise AssessmentRuleError("年度积分计入上限必须大于0", "points_ceiling")
        if tuple(b.code for b in self.bands) != BAND_CODES:
            raise AssessmentRuleError("考核等次须依次为优秀、合格、基本合格、不合格", "bands")
        mins = [b.min_score for b in self.bands]
        if mins[-1] != 0 or any(a <= b for a, b in zip(mins, mins[1:], strict=False)) or mins[0] > HUNDRED:
            raise AssessmentRuleError("考核等次分数线须从高到低严格递减，且不合格为0分起", "bands")
        if not ZERO <= self.excellent_cap <= MAX_EXCELLENT_CAP:
            raise AssessmentRuleError(
                f"优秀比例须在0%到{_pct(MAX_EXCELLENT_CAP)}%之间，实际为{_pct(self.excellent_cap)}%",
                "excellent_cap",
            )
        if self.veto_absence_days < 1 or self.veto_lates < 1:
            raise AssessmentRuleError("否决条件的天数和次数必须至少为1", "vetoes")

    def indicator(self, code: str) -> Indicator:
        for ind in self.monthly_indicators:
            if ind.code == code:
                return ind
        raise AssessmentRuleError(f"未知的月度考核指标：{code}", code)

    def band(self, code: str) -> Band:
        for b in self.bands:
            if b.code == code:
                return b
        raise AssessmentRuleError(f"未知的考核等次：{code}", code)

    def band_name(self, code: str) -> str:
        return self.band(code).name


WENJIANG_DEFAULT = AssessmentPolicy(
    version="1",
    monthly_indicators=(
        Indicator("attendance", "出勤", Decimal(20)),
        Indicator("discipline", "纪律", Decimal(20)),
        Indicator("uniform", "着装仪容", Decimal(10)),
        Indicator("duty_performance", "履职情况", Decimal(40)),
        Indicator("public_feedback", "群众评价", Decimal(10)),
    ),
    skills_rounds_per_year=2,
    skills_components=(
        SkillsComponent("law", "法律法规", Decimal("0.3")),
        SkillsComponent("practical", "实操技能", Decimal("0.3")),
        SkillsComponent("fitness", "体能", Decimal("0.2")),
        SkillsComponent("peer_rating", "民主测评", Decimal("0.2")),
    ),
    weight_monthly=Decimal("0.4"),
    weight_skills=Decimal("0.4"),
    weight_points=Decimal("0.2"),
    points_ceiling=Decimal(100),
    bands=(
        Band(EXCELLENT, "优秀", Decimal(90)),
        Band(PASS, "合格", Decimal(70)),
        Band(BASIC, "基本合格", Decimal(60)),
        Band(FAIL, "不合格", ZERO),
    ),
    excellent_cap=Decimal("0.15"),
)


# --- §7.2 scorecards -------------------------------------------------------------------------


def monthly_total(scores: Mapping[str, float | int | Decimal], policy: AssessmentPolicy) -> Decimal:
    """§7.2 日常考核: the month's total of the scorecard (0–100).

    Every indicator of the policy must be scored, each within 0..its maximum; an unknown or
    missing indicator, or one out of range, raises :class:`AssessmentRuleError` naming it.
    """
    unknown = [c for c in scores if c not in {i.code for i in policy.monthly_indicators}]
    if unknown:
        raise AssessmentRuleError(f"未知的月度考核指标：{'、'.join(map(str, unknown))}", str(unknown[0]))
    total = ZERO
    for ind in policy.monthly_indicators:
        if ind.code not in scores or scores[ind.code] is None:
            raise AssessmentRuleError(f"缺少考核指标“{ind.name}”的得分", ind.code)
        value = _dec(scores[ind.code], ind.name)
        if not ZERO <= value <= ind.max_points:
            raise AssessmentRuleError(
                f"考核指标“{ind.name}”的得分应在0到{ind.max_points}之间，实际为{value}", ind.code
            )
        total += value
    return _q(total)


def skills_composite(components: Mapping[str, float | int | Decimal], policy: AssessmentPolicy) -> Decimal:
    """§7.2 集中考核: one round's 综合得分 = Σ weight × component score (each 0–100).

    Every component must be present and within 0–100; errors name the component.
    """
    known = {c.code for c in policy.skills_components}
    unknown = [c for c in components if c not in known]
    if unknown:
        raise AssessmentRuleError(f"未知的集中考核科目：{'、'.join(map(str, unknown))}", str(unknown[0]))
    total = ZERO
    for comp in policy.skills_components:
        if comp.code not in components or components[comp.code] is None:
            raise AssessmentRuleError(f"缺少集中考核科目“{comp.name}”的成绩", comp.code)
        value = _dec(components[comp.code], comp.name)
        if not ZERO <= value <= HUNDRED:
            raise AssessmentRuleError(f"集中考核科目“{comp.name}”的成绩应在0到100之间，实际为{value}", comp.code)
        total += comp.weight * value
    return _q(total)


# --- §7.3 annual composite, bands, vetoes ------------------------------------------------------


def _mean_part(
    scores: Sequence, expected: int | None, label: str, missing_reason: str, reasons: list[str]
) -> Decimal:
    values = []
    for n, s in enumerate(scores, start=1):
        v = _dec(s, f"第{n}个{label}成绩")
        if not ZERO <= v <= HUNDRED:
            raise AssessmentRuleError(f"第{n}个{label}成绩应在0到100之间，实际为{v}", label)
        values.append(v)
    if expected is not None:
        if expected < 0:
            raise AssessmentRuleError(f"应有的{label}次数不能为负数", label)
        if len(values) > expected:
            raise AssessmentRuleError(f"{label}成绩有{len(values)}个，多于应有的{expected}个", label)
    if not values:
        reasons.append(f"{missing_reason}，该项按0分计")
        return ZERO
    divisor = len(values)
    if expected is not None and len(values) < expected:
        reasons.append(f"{label}应有{expected}次，只有{len(values)}次，缺少的按0分计")
        divisor = expected
    return sum(values, ZERO) / divisor


def annual_composite(
    monthly: Sequence[float | int | Decimal],
    skills: Sequence[float | int | Decimal],
    annual_points: float | int | Decimal,
    policy: AssessmentPolicy,
    *,
    months_expected: int | None = None,
    rounds_expected: int | None = None,
) -> tuple[Decimal, str]:
    """§7.3 annual composite on 0–100 and a Chinese explanation.

    composite = w_m × mean(monthly totals) + w_s × mean(集中考核 综合得分)
    + w_p × min(annual points, ceiling), rounded half-up to 2 decimals.
    A part with no scores counts as 0 (reason "缺少月度考核" / "缺少集中考核"); weights are not
    re-normalised (the stricter reading). With ``months_expected`` / ``rounds_expected``, each
    missing month / round counts as 0 in its mean.
    """
    reasons: list[str] = []
    m = _mean_part(monthly, months_expected, "月度考核", "缺少月度考核", reasons)
    s = _mean_part(skills, rounds_expected, "集中考核", "缺少集中考核", reasons)
    pts = _dec(annual_points, "年度积分")
    if pts < 0:
        raise AssessmentRuleError(f"年度积分不能为负数，实际为{pts}", "annual_points")
    p = min(pts, policy.points_ceiling)
    # Scale points to 0-100 when the ceiling is not 100, so the composite stays on 0–100.
    p_scaled = p * HUNDRED / policy.points_ceiling
    composite = _q(policy.weight_monthly * m + policy.weight_skills * s + policy.weight_points * p_scaled)
    parts = [
        f"月度考核平均{_fmt(m)}分×{policy.weight_monthly}",
        f"集中考核平均{_fmt(s)}分×{policy.weight_skills}",
        f"年度积分{pts}（计入{_fmt(p_scaled)}，上限{policy.points_ceiling}）×{policy.weight_points}",
    ]
    explanation = "＋".join(parts) + f"＝综合得分{composite:.2f}"
    if reasons:
        explanation += "；" + "；".join(reasons)
    return composite, explanation


def band_for(composite: float | int | Decimal, policy: AssessmentPolicy) -> str:
    """§7.3 band code for a composite: 优秀 ≥90, 合格 ≥70, 基本合格 ≥60, else 不合格 (cfg).

    The composite is first rounded to 2 decimals, as stored and shown.
    """
    c = _q(_dec(composite, "综合得分"))
    if not ZERO <= c <= HUNDRED:
        raise AssessmentRuleError(f"综合得分应在0到100之间，实际为{c}", "composite")
    for b in policy.bands:
        if c >= b.min_score:
            return b.code
    return FAIL  # pragma: no cover - bands end at 0, checked by the policy


@dataclass(frozen=True)
class VetoOutcome:
    """§7.3 result of the vetoes: the band after them, whether 优秀 is still possible, why."""

    band: str
    excellent_allowed: bool
    reasons: tuple[str, ...]


def apply_vetoes(
    band: str,
    policy: AssessmentPolicy,
    *,
    absence_days: float | int | Decimal = 0,
    lates: int = 0,
    sanctioned: bool = False,
) -> VetoOutcome:
    """§7.3 vetoes (cfg): ≥5 days 旷工 in the year → 不合格; a disciplinary sanction or ≥15 lates
    in the year rule out 优秀 (a 优秀 becomes 合格)."""
    policy.band(band)
    absent = _dec(absence_days, "旷工天数")
    if absent < 0 or lates < 0:
        raise AssessmentRuleError("旷工天数和迟到次数不能为负数", "vetoes")
    reasons: list[str] = []
    allowed = True
    if absent >= policy.veto_absence_days:
        reasons.append(f"全年旷工{absent}天（≥{policy.veto_absence_days}天），一票否决，评为不合格")
        return VetoOutcome(FAIL, False, tuple(reasons))
    if policy.veto_sanction and sanctioned:
        allowed = False
        reasons.append("年度内受到纪律处分，不得评为优秀")
    if lates >= policy.veto_lates:
        allowed = False
        reasons.append(f"全年迟到{lates}次（≥{policy.veto_lates}次），不得评为优秀")
    if not allowed and band == EXCELLENT:
        reasons.append("等次由优秀调整为合格")
        band = PASS
    return VetoOutcome(band, allowed, tuple(reasons))


# --- §7.3 the 优秀 cap per unit ----------------------------------------------------------------


@dataclass(frozen=True)
class AnnualInput:
    """§7.3 one member's facts for a year (the unit is the cap's unit, by default the squadron)."""

    member_id: Hashable
    unit_id: Hashable
    year: int
    monthly: tuple = ()
    skills: tuple = ()
    annual_points: float | int | Decimal = 0
    years_of_service: float | int | Decimal = 0
    absence_days: float | int | Decimal = 0
    lates: int = 0
    sanctioned: bool = False
    months_expected: int | None = None
    rounds_expected: int | None = None


@dataclass(frozen=True)
class AnnualResult:
    """§7.3 a member's annual result: composite, band, rank within the unit, and why."""

    member_id: Hashable
    unit_id: Hashable
    year: int
    composite: Decimal
    band: str
    band_name: str
    rank: int
    unit_size: int
    explanation: str
    reasons: tuple[str, ...] = field(default=())


def excellent_allowed_count(members_with_result: int, policy: AssessmentPolicy) -> int:
    """§7.3 number of 优秀 places: floor(cap × members with a result), e.g. 15 % of 13 → 1."""
    if members_with_result < 0:
        raise AssessmentRuleError("人数不能为负数", "members")
    return math.floor(policy.excellent_cap * members_with_result)


def apply_excellent_cap(
    members_in_unit: Iterable[AnnualInput], policy: AssessmentPolicy
) -> dict[Hashable, AnnualResult]:
    """§7.3 annual results for the members of a unit: composite, band, vetoes and the 优秀 cap.

    All inputs must be for one year (results are keyed by member id); they are grouped by unit
    (a caller may pass a whole district); in each group allowed = floor(cap × members). Members
    are ranked by composite desc, ties by annual points desc, then years of service desc, then
    member id. Eligible 优秀 members take places in rank order; those beyond the cap get 合格
    with a reason. Vetoed members never take a place.
    """
    items = list(members_in_unit)
    groups: dict[tuple, list[AnnualInput]] = {}
    seen: set = set()
    if len({item.year for item in items}) > 1:
        raise AssessmentRuleError("一次只能计算同一年度的考核结果", "year")
    for item in items:
        if item.member_id in seen:
            raise AssessmentRuleError(f"人员{item.member_id}在{item.year}年度出现了不止一次", "member_id")
        seen.add(item.member_id)
        groups.setdefault((item.unit_id, item.year), []).append(item)

    results: dict[Hashable, AnnualResult] = {}
    for (unit_id, year), group in groups.items():
        scored = []
        for item in group:
            composite, explanation = annual_composite(
                item.monthly,
                item.skills,
                item.annual_points,
                policy,
                months_expected=item.months_expected,
                rounds_expected=item.rounds_expected,
            )
            veto = apply_vetoes(
                band_for(composite, policy),
                policy,
                absence_days=item.absence_days,
                lates=item.lates,
                sanctioned=item.sanctioned,
            )
            scored.append((item, composite, explanation, veto))
        scored.sort(
            key=lambda t: (
                -t[1],
                -_dec(t[0].annual_points, "年度积分"),
                -_dec(t[0].years_of_service, "工作年限"),
                t[0].member_id,
            )
        )
        size = len(scored)
        allowed = excellent_allowed_count(size, policy)
        used = 0
        for rank, (item, composite, explanation, veto) in enumerate(scored, start=1):
            band = veto.band
            reasons = list(veto.reasons)
            if band == EXCELLENT:
                if used < allowed:
                    used += 1
                else:
                    band = PASS
                    reasons.append(
                        f"本单位{size}人，优秀比例{_pct(policy.excellent_cap)}%，限{allowed}名；"
                        f"排名第{rank}，超出优秀名额，评为合格"
                    )
            results[item.member_id] = AnnualResult(
                member_id=item.member_id,
                unit_id=unit_id,
                year=year,
                composite=composite,
                band=band,
                band_name=policy.band_name(band),
                rank=rank,
                unit_size=size,
                explanation=explanation,
                reasons=tuple(reasons),
            )
    return results


# --- §7.2 the scorecard's pre-fill from the month's records -----------------------------------

#: §7.2 which approved points-ledger rules (§10) pre-fill which scorecard indicator. An unexcused
#: meeting absence is a breach of the duty to attend (纪律), not a judgement of how duties were
#: performed, which stays the scorer's own assessment; so it deducts from 纪律 (discipline).
LEDGER_INDICATOR = {
    "late": "attendance",
    "absence": "attendance",
    "leave_post": "discipline",
    "discipline_breach": "discipline",
    "meeting_absence": "discipline",
    "uniform_fail": "uniform",
    "valid_complaint": "public_feedback",
}


@dataclass(frozen=True)
class LedgerEvent:
    """One approved points-ledger entry of the month, as the pre-fill reads it."""

    date: object
    rule_code: str
    rule_name: str
    points: int
    quantity: float | int | Decimal = 1
    entry_id: Hashable = None


@dataclass(frozen=True)
class MonthlyPrefill:
    """§7.2 the proposed scorecard: points per indicator, the reason for each deduction and the
    ledger events behind it (indicator code → events)."""

    scores: dict[str, Decimal]
    reasons: dict[str, str]
    events: dict[str, tuple[LedgerEvent, ...]]


def monthly_prefill(ledger_events: Iterable, policy: AssessmentPolicy) -> MonthlyPrefill:
    """§7.2 pre-fill a month's scorecard from its approved ledger entries (§10).

    Every indicator starts at full marks. The entries of a rule in :data:`LEDGER_INDICATOR` deduct
    their points from that indicator: deduction = |Σ points| of the indicator's entries (a reversing
    entry, carrying the same rule with the opposite sign, gives the points back), never below 0 and
    capped at the indicator's maximum, so a pre-filled value is always within 0..max. Entries of
    other rules, and rules mapped to an indicator the policy does not have, change nothing.
    ``ledger_events`` are :class:`LedgerEvent` objects (or anything with the same attributes).
    """
    codes = {i.code for i in policy.monthly_indicators}
    net: dict[str, Decimal] = {}
    events: dict[str, list] = {}
    for ev in ledger_events:
        target = LEDGER_INDICATOR.get(ev.rule_code)
        if target is None or target not in codes:
            continue
        net[target] = net.get(target, ZERO) + _dec(ev.points, "积分")
        events.setdefault(target, []).append(ev)
    scores: dict[str, Decimal] = {}
    reasons: dict[str, str] = {}
    for ind in policy.monthly_indicators:
        deduction = min(max(-net.get(ind.code, ZERO), ZERO), ind.max_points)
        scores[ind.code] = ind.max_points - deduction
        if ind.code in events:
            by_rule: dict[str, list] = {}
            for ev in events[ind.code]:
                by_rule.setdefault(ev.rule_name or ev.rule_code, []).append(ev)
            parts = []
            for name, evs in by_rule.items():
                pts = sum((_dec(e.points, "积分") for e in evs), ZERO)
                parts.append(f"{name}{len(evs)}条，计{pts:+}分")
            reason = "本月积分记录：" + "；".join(parts)
            raw = -net.get(ind.code, ZERO)
            if raw > ind.max_points:
                reason += f"；扣分{raw}超过该项满分，按{ind.max_points}分扣完"
            reasons[ind.code] = reason + f"；预填{scores[ind.code]}分"
    return MonthlyPrefill(scores=scores, reasons=reasons,
                          events={k: tuple(v) for k, v in events.items()})
