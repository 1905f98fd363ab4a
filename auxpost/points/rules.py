"""Pure points rules (§10 岗位积分): no Django, no clock, no database.

The ledger itself (append-only entries, approval, appeals) lives elsewhere; these rules say
how many points a rule gives and how a year settles. Every number is (cfg) in
:class:`PointsPolicy`; ``WENJIANG_DEFAULT`` is version "1" of Wenjiang's policy.

Readings of the spec decided here (documented for reviewers):

* Commendation levels (§10 "+5/+10/+20 by level"): 区（县）级 → +5, 市级 → +10,
  省级及以上 (including national) → +20. Lower-level praise (e.g. a squadron's) earns nothing
  by default.
* Training (§10 "+1 per 8 学时 beyond the requirement"): the quantity passed to
  :func:`points_for` is the hours completed BEYOND the requirement; points = floor(hours / 8).
  Fewer than 8 extra hours give no entry (refused, since entries are ≠ 0).
* Per-occurrence rules (late, 旷工 per day, failed uniform item, …) multiply by a whole,
  positive quantity; the result is never 0.
* Deductions (negative points) need a second person's approval; additions do not.
* Points are whole numbers. A year settles as base + Σ that year's entries, clamped to
  0–120; a correction is a reversing entry and simply adds in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# Sources of §10 entries.
SOURCES = ("roll_call", "leave", "uniform_check", "meeting", "duty", "commendation", "complaint",
           "training", "manual")


class PointsRuleError(ValueError):
    """A rule refused its input. ``message`` is Chinese and names the field; ``field`` is its code."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class PointsRule:
    """§10 one rule of the catalogue: ``points`` per ``per_quantity`` units of ``unit``."""

    code: str
    name: str
    points: int
    source: str
    unit: str = "次"
    per_quantity: int = 1

    @property
    def needs_second_approval(self) -> bool:
        """§10 deductions need a second person's approval."""
        return self.points < 0


@dataclass(frozen=True)
class PointsPolicy:
    """§10 district points policy (every field is (cfg)); validated on construction."""

    version: str
    annual_base: int
    floor: int
    ceiling: int
    rules: tuple[PointsRule, ...]

    def __post_init__(self):
        codes = [r.code for r in self.rules]
        if len(set(codes)) != len(codes):
            raise PointsRuleError("积分规则代码不能重复", "rules")
        for r in self.rules:
            if r.points == 0 or not isinstance(r.points, int):
                raise PointsRuleError(f"积分规则“{r.name}”的分值必须为非零整数", r.code)
            if r.per_quantity < 1:
                raise PointsRuleError(f"积分规则“{r.name}”的计量单位数必须至少为1", r.code)
            if r.source not in SOURCES:
                raise PointsRuleError(f"积分规则“{r.name}”的来源“{r.source}”无效", r.code)
        if not self.floor <= self.annual_base <= self.ceiling:
            raise PointsRuleError("年度基础分必须在积分下限和上限之间", "annual_base")

    def rule(self, code: str) -> PointsRule:
        for r in self.rules:
            if r.code == code:
                return r
        raise PointsRuleError(f"未知的积分规则：{code}", code)


WENJIANG_DEFAULT = PointsPolicy(
    version="1",
    annual_base=100,
    floor=0,
    ceiling=120,
    rules=(
        PointsRule("commendation_district", "区级表彰", 5, "commendation"),
        PointsRule("commendation_city", "市级表彰", 10, "commendation"),
        PointsRule("commendation_province", "省级及以上表彰", 20, "commendation"),
        PointsRule("training_extra", "超出要求完成培训", 1, "training", unit="学时", per_quantity=8),
        PointsRule("no_complaint_year", "全年无有效投诉", 3, "complaint", unit="年"),
        PointsRule("late", "迟到", -1, "roll_call"),
        PointsRule("leave_post", "脱岗", -5, "duty"),
        PointsRule("absence", "旷工", -10, "roll_call", unit="天"),
        PointsRule("uniform_fail", "着装检查不合格", -2, "uniform_check", unit="项"),
        PointsRule("meeting_absence", "无故缺席会议", -2, "meeting"),
        PointsRule("valid_complaint", "有效投诉", -5, "complaint"),
        PointsRule("discipline_breach", "违反纪律", -20, "manual"),
    ),
)


def points_for(rule_code: str, quantity: int | float | Decimal = 1, policy: PointsPolicy = WENJIANG_DEFAULT) -> int:
    """§10 points of one entry: rule points × floor(quantity / per_quantity) (× quantity for a rule counted
    per occurrence, where the product must be whole: half a day of 旷工 is allowed, half a late mark is not).

    ``quantity`` is 旷工 days, failed uniform items, extra training hours, … . It must be a
    positive number (a whole number for rules counted per occurrence). A result of 0 is
    refused, because ledger entries are ≠ 0 (e.g. 5 extra training hours).
    """
    rule = policy.rule(rule_code)
    if isinstance(quantity, bool) or not isinstance(quantity, int | float | Decimal):
        raise PointsRuleError(f"“{rule.name}”的数量应为数字，实际为{quantity!r}", "quantity")
    q = quantity if isinstance(quantity, Decimal) else Decimal(str(quantity))
    if not q.is_finite() or q <= 0:
        raise PointsRuleError(f"“{rule.name}”的数量必须大于0，实际为{quantity}", "quantity")
    if rule.per_quantity == 1:
        # Per occurrence: a fraction is allowed only where it gives whole points (§5.3.1: half a day of
        # 旷工 for more than 30 minutes late is −5 at −10 a day; half a late mark is never a thing).
        exact = rule.points * q
        if exact != exact.to_integral_value():
            raise PointsRuleError(f"“{rule.name}”的数量必须为整数（按{rule.unit}计），实际为{quantity}", "quantity")
        points = int(exact)
    else:
        points = rule.points * math.floor(q / rule.per_quantity)
    if points == 0:
        raise PointsRuleError(
            f"“{rule.name}”每{rule.per_quantity}{rule.unit}计{rule.points:+d}分，"
            f"{quantity}{rule.unit}不足以产生积分（积分记录不能为0）",
            "quantity",
        )
    return points


def settle_year(
    entries: Iterable[tuple[dt.date, int]], year: int, policy: PointsPolicy = WENJIANG_DEFAULT
) -> tuple[int, str]:
    """§10 a year's settled points: base + Σ entries dated in ``year``, clamped to floor..ceiling.

    Entries of other years are ignored; a reversing entry (correction) simply adds in. An entry
    of 0 points, or not a whole number, is refused. Returns the total and a Chinese explanation.
    """
    plus = minus = 0
    n_plus = n_minus = 0
    for n, (day, pts) in enumerate(entries, start=1):
        if not isinstance(day, dt.date):
            raise PointsRuleError(f"第{n}条积分记录的日期无效：{day!r}", "date")
        if isinstance(pts, bool) or not isinstance(pts, int):
            raise PointsRuleError(f"第{n}条积分记录的分值应为整数，实际为{pts!r}", "points")
        if pts == 0:
            raise PointsRuleError(f"第{n}条积分记录的分值为0，积分记录不能为0", "points")
        if day.year != year:
            continue
        if pts > 0:
            plus += pts
            n_plus += 1
        else:
            minus += pts
            n_minus += 1
    return settle_sums(year, plus=plus, n_plus=n_plus, minus=minus, n_minus=n_minus, policy=policy)


def settle_sums(year: int, *, plus: int, n_plus: int, minus: int, n_minus: int,
                policy: PointsPolicy = WENJIANG_DEFAULT) -> tuple[int, str]:
    """§10 a year's settled points from already aggregated sums (the database's GROUP BY): base +
    ``plus`` (Σ of the ``n_plus`` additions) + ``minus`` (Σ of the ``n_minus`` deductions, ≤ 0),
    clamped to floor..ceiling. Same total and explanation as :func:`settle_year`."""
    for label, value in (("plus", plus), ("n_plus", n_plus), ("minus", minus), ("n_minus", n_minus)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise PointsRuleError(f"积分汇总值{label}应为整数，实际为{value!r}", label)
    if plus < 0 or minus > 0 or n_plus < 0 or n_minus < 0:
        raise PointsRuleError("积分汇总值无效：加分应≥0，扣分应≤0，条数应≥0", "points")
    raw = policy.annual_base + plus + minus
    total = min(max(raw, policy.floor), policy.ceiling)
    explanation = (
        f"{year}年度：基础分{policy.annual_base}，加分{plus:+d}（{n_plus}条），"
        f"扣分{minus:+d}（{n_minus}条），合计{raw}"
    )
    if total != raw:
        limit = "上限" if raw > policy.ceiling else "下限"
        explanation += f"，按积分{limit}计为{total}（积分范围{policy.floor}–{policy.ceiling}）"
    else:
        explanation += f"，年度积分{total}"
    return total, explanation
