"""§9 Incentives — pure rules: the incentives policy (cfg), monthly grade allowances, annual bonuses
and the pay sheet's grouped sums. No Django import.

- 晋级激励 (§9): a monthly grade allowance per grade, pro-rated by calendar days from each grade
  history row's effective date (§8.5 "allowances follow from that date"). A month's allowance is
  Σ allowance(grade) × days held / days in the month, computed exactly and rounded once per member
  and month to 0.01 (ROUND_HALF_UP). Nothing before hire, nothing from the separation date on, nothing
  while a cancellation row (grade null) is in effect. The policy applying to a month is the one in force
  on its first day.
- 奖金激励 (§9): annual bonus = base × grade coefficient × result coefficient, rounded once to 0.01.
  The grade is the one held on 31 December of the year; the result is that year's annual result band
  (any status); the policy is the one in force on 31 December. No grade on 31 December or no result →
  no bonus, with the reason.

Money is ``Decimal`` throughout; the policy's numbers travel as strings in the JSON document.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Any

GRADES = (5, 4, 3, 2, 1)
GRADE_LABEL: Mapping[int, str] = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}
BANDS = ("excellent", "pass", "basic", "fail")
BAND_LABEL: Mapping[str, str] = {"excellent": "优秀", "pass": "合格", "basic": "基本合格", "fail": "不合格"}
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

#: Upper bounds of the (cfg) values (a typo of an extra zero or two is refused, not paid).
MAX_ALLOWANCE = Decimal("100000")
MAX_BONUS_BASE = Decimal("1000000")
MAX_COEFFICIENT = Decimal("10")

REASON_NO_RESULT = "无年度考核结果"
REASON_NO_GRADE = "12月31日无职级"
REASON_PARTIAL_YEAR = "年终奖金在全年工资表中计发"


class IncentivesFormatError(ValueError):
    """A stored or submitted incentives document cannot be used; ``field`` names the part
    (``monthly_allowance.4``, ``bonus_base``, ``grade_coefficients.3``, ``result_coefficients.pass``)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def _pairs(mapping: Mapping) -> tuple:
    return tuple(sorted(mapping.items(), key=lambda kv: str(kv[0])))


@dataclass(frozen=True)
class IncentivesPolicy:
    """§9 the (cfg) values of the incentives. Mappings are kept as sorted pairs so the policy is hashable.

    ``monthly_allowance``: grade → RMB per month; ``bonus_base``: RMB; ``grade_coefficients``: grade →
    factor; ``result_coefficients``: band code → factor.
    """

    version: str = "1"
    monthly_allowance: tuple[tuple[int, Decimal], ...] = _pairs(
        {5: Decimal("0"), 4: Decimal("200"), 3: Decimal("400"), 2: Decimal("700"), 1: Decimal("1000")})
    #: Placeholder (the SPEC leaves the base to the district): 6,000 RMB.
    bonus_base: Decimal = Decimal("6000")
    #: Placeholders (the SPEC leaves them to the district): 五级 1.0 … 一级 1.5.
    grade_coefficients: tuple[tuple[int, Decimal], ...] = _pairs(
        {5: Decimal("1.0"), 4: Decimal("1.1"), 3: Decimal("1.2"), 2: Decimal("1.35"), 1: Decimal("1.5")})
    result_coefficients: tuple[tuple[str, Decimal], ...] = _pairs(
        {"excellent": Decimal("1.2"), "pass": Decimal("1.0"), "basic": Decimal("0.6"), "fail": Decimal("0")})

    def allowance(self, grade: int | None) -> Decimal:
        return Decimal(0) if grade is None else dict(self.monthly_allowance)[grade]

    @cached_property
    def allowance_table(self) -> dict[int, tuple[Decimal, int | None]]:
        """grade → (the monthly allowance rounded to 0.01, the allowance in whole cents — None when it is
        not a whole number of cents, never for a stored policy, which has at most 2 decimal places).
        Computed once per policy (a cached attribute beside the fields; not part of equality or hash)."""
        table = {}
        for grade, amount in self.monthly_allowance:
            cents = amount * 100
            table[grade] = (round_money(amount), int(cents) if cents == cents.to_integral_value() else None)
        return table

    def grade_coefficient(self, grade: int) -> Decimal:
        return dict(self.grade_coefficients)[grade]

    def result_coefficient(self, band: str) -> Decimal:
        return dict(self.result_coefficients)[band]


DEFAULT = IncentivesPolicy()

_ALLOWANCE_WHERE = "monthly_allowance"
_GRADE_COEF_WHERE = "grade_coefficients"
_RESULT_COEF_WHERE = "result_coefficients"


def incentives_to_dict(policy: IncentivesPolicy) -> dict:
    """§9 the policy as a JSON-able dict (decimals as strings, grades as "5"…"1"; no version)."""
    return {
        "monthly_allowance": {str(g): str(v) for g, v in sorted(policy.monthly_allowance, key=lambda kv: -kv[0])},
        "bonus_base": str(policy.bonus_base),
        "grade_coefficients": {str(g): str(v) for g, v in sorted(policy.grade_coefficients, key=lambda kv: -kv[0])},
        "result_coefficients": {b: str(dict(policy.result_coefficients)[b]) for b in BANDS},
    }


def _money(value: Any, label: str, where: str, high: Decimal, places: int = 2) -> Decimal:
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise IncentivesFormatError(f"{label}：不能为空，应为数字", where)
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise IncentivesFormatError(f"{label}：“{value}”不是有效的数字", where) from None
    if not d.is_finite():
        raise IncentivesFormatError(f"{label}：“{value}”不是有效的数字", where)
    if d < 0 or d > high:
        raise IncentivesFormatError(f"{label}：必须在0到{high}之间", where)
    if d != d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        raise IncentivesFormatError(f"{label}：最多{places}位小数", where)
    return d


def _mapping(data: dict, name: str, keys: Sequence, label_of, high: Decimal, places: int, what: str) -> tuple:
    items = data.get(name)
    if not isinstance(items, dict):
        raise IncentivesFormatError(f"{what}：格式错误，应为对象", name)
    unknown = set(items) - {str(k) for k in keys}
    if unknown:
        raise IncentivesFormatError(f"{what}：未知的项目 {', '.join(sorted(unknown))}", name)
    out = {}
    for k in keys:
        label = f"{label_of(k)}{what}"
        if str(k) not in items:
            raise IncentivesFormatError(f"{label}：缺少此项", f"{name}.{k}")
        out[k] = _money(items[str(k)], label, f"{name}.{k}", high, places)
    return _pairs(out)


def incentives_from_dict(data: dict | None, *, version: str = "1") -> IncentivesPolicy:
    """§9 the policy stored in ``data``; an empty document means the SPEC defaults (version 1 was
    shipped before the document existed). Errors are Chinese and name the field."""
    if data is None or data == {}:
        return IncentivesPolicy(version=version)
    if not isinstance(data, dict):
        raise IncentivesFormatError("激励政策：格式错误，应为对象", "")
    known = {"monthly_allowance", "bonus_base", "grade_coefficients", "result_coefficients"}
    unknown = set(data) - known
    if unknown:
        raise IncentivesFormatError(f"激励政策：未知的字段 {', '.join(sorted(unknown))}", "")
    allowance = _mapping(data, "monthly_allowance", GRADES, GRADE_LABEL.get, MAX_ALLOWANCE, 2, "月度职级津贴")
    if "bonus_base" not in data:
        raise IncentivesFormatError("年终奖金基数：缺少此项", "bonus_base")
    base = _money(data["bonus_base"], "年终奖金基数", "bonus_base", MAX_BONUS_BASE, 2)
    grade_coef = _mapping(data, "grade_coefficients", GRADES, GRADE_LABEL.get, MAX_COEFFICIENT, 3, "等级系数")
    result_coef = _mapping(data, "result_coefficients", BANDS, BAND_LABEL.get, MAX_COEFFICIENT, 3, "考核系数")
    return IncentivesPolicy(version=version, monthly_allowance=allowance, bonus_base=base,
                            grade_coefficients=grade_coef, result_coefficients=result_coef)


# --- grade spans ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    """One grade history row: from ``effective_date`` the member holds ``grade`` (None: cancelled)."""

    effective_date: dt.date
    grade: int | None


def grade_on(history: Sequence[HistoryRow], day: dt.date, *, hire_date: dt.date,
             separated_on: dt.date | None = None) -> int | None:
    """§8.5 the grade held on ``day``: the latest row effective on or before it (rows in recorded
    order, so of two rows on one date the later one wins); None before hire or from separation on."""
    if day < hire_date or (separated_on is not None and day >= separated_on):
        return None
    grade = None
    for row in history:
        if row.effective_date <= day:
            grade = row.grade
    return grade


def spans_in(history: Sequence[HistoryRow], first: dt.date, last: dt.date, *, hire_date: dt.date,
             separated_on: dt.date | None = None) -> list[tuple[dt.date, dt.date, int]]:
    """The (start, end inclusive, grade) spans within [first, last] during which a grade is held.

    ``history`` is in recorded order (effective date, then id). Days before hire, from the separation
    date on and under a cancellation row hold no grade."""
    start = max(first, hire_date)
    end = last if separated_on is None else min(last, separated_on - dt.timedelta(days=1))
    if start > end:
        return []
    # The grade in force at each change date inside the window (the last row of a date wins).
    changes: dict[dt.date, int | None] = {}
    current = None
    for row in history:
        if row.effective_date <= start:
            current = row.grade
        elif row.effective_date <= end:
            changes[row.effective_date] = row.grade
    points = [(start, current)] + sorted(changes.items())
    spans = []
    for i, (begin, grade) in enumerate(points):
        stop = points[i + 1][0] - dt.timedelta(days=1) if i + 1 < len(points) else end
        if grade is not None and begin <= stop:
            spans.append((begin, stop, grade))
    return spans


def round_money(value: Fraction | Decimal) -> Decimal:
    """Round half up to 0.01 (amounts are never negative)."""
    f = Fraction(value)
    cents = (f * 100 + Fraction(1, 2)).__floor__()
    return (Decimal(cents) / 100).quantize(CENT)


def _from_cents(cents: int) -> Decimal:
    """``cents`` as a 2-place Decimal (the same value and exponent as :func:`round_money` gives)."""
    return (Decimal(cents) / 100).quantize(CENT)


def days_in_month(year: int, month: int) -> int:
    return calendar.mdays[month] + (month == 2 and calendar.isleap(year))


@lru_cache(maxsize=1024)
def _month_bounds(year: int, month: int) -> tuple[int, dt.date, dt.date]:
    """(days in the month, its first day, its last day)."""
    dim = days_in_month(year, month)
    return dim, dt.date(year, month, 1), dt.date(year, month, dim)


def month_allowance(history: Sequence[HistoryRow], year: int, month: int, policy: IncentivesPolicy, *,
                    hire_date: dt.date, separated_on: dt.date | None = None) -> Decimal:
    """§9/§8.5 one member's grade allowance for one month: Σ allowance(grade) × days / days in the month,
    exact, rounded once (ROUND_HALF_UP to 0.01).

    Computed in whole cents: one grade held the whole month is that grade's allowance; otherwise
    Σ cents × days, divided once by the days of the month and rounded half up — the same number as the
    exact fraction (``tests/test_rules.py`` checks it against the exact computation)."""
    dim, first, last = _month_bounds(year, month)
    table = policy.allowance_table
    if hire_date <= first and (separated_on is None or separated_on > last):
        # The common case first: employed all month, no history row dated inside it.
        grade = None
        for row in history:
            if row.effective_date <= first:
                grade = row.grade
            elif row.effective_date <= last:
                break
        else:
            return ZERO if grade is None else table[grade][0]
    spans = spans_in(history, first, last, hire_date=hire_date, separated_on=separated_on)
    if not spans:
        return ZERO
    if len(spans) == 1 and spans[0][0] == first and spans[0][1] == last:
        return table[spans[0][2]][0]
    total = 0  # cents × days
    for begin, stop, grade in spans:
        cents = table[grade][1]
        if cents is None:
            return _month_allowance_exact(spans, dim, policy)
        total += cents * ((stop - begin).days + 1)
    return _from_cents((2 * total + dim) // (2 * dim))  # total / dim, rounded half up


def _month_allowance_exact(spans, dim: int, policy: IncentivesPolicy) -> Decimal:
    total = Fraction(0)
    for begin, stop, grade in spans:
        total += Fraction(policy.allowance(grade)) * ((stop - begin).days + 1) / dim
    return round_money(total)


@dataclass(frozen=True)
class Bonus:
    amount: Decimal | None  # None: no bonus (see ``reason``)
    grade: int | None
    band: str | None
    reason: str = ""
    formula: str = ""


@lru_cache(maxsize=1024)
def _bonus_amount(base: Decimal, gc: Decimal, rc: Decimal) -> Decimal:
    return round_money(Fraction(base) * Fraction(gc) * Fraction(rc))


def annual_bonus(*, grade: int | None, band: str | None, policy: IncentivesPolicy) -> Bonus:
    """§9 base × grade coefficient × result coefficient, rounded once to 0.01.

    ``grade`` is the grade held on 31 December, ``band`` the year's annual result band."""
    if band is None:
        return Bonus(None, grade, band, REASON_NO_RESULT)
    if grade is None:
        return Bonus(None, grade, band, REASON_NO_GRADE)
    gc, rc = policy.grade_coefficient(grade), policy.result_coefficient(band)
    amount = _bonus_amount(policy.bonus_base, gc, rc)
    formula = f"{policy.bonus_base} × {gc}（{GRADE_LABEL[grade]}）× {rc}（{BAND_LABEL[band]}）"
    return Bonus(amount, grade, band, "", formula)


# --- the pay sheet -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberFacts:
    """What the pay sheet needs of one member (read by the selector in a fixed number of queries)."""

    member_id: int
    name: str
    id_number: str
    unit: str
    hire_date: dt.date
    separated_on: dt.date | None
    history: tuple[HistoryRow, ...]
    band: str | None  # the year's annual result band, None when there is none


@dataclass(frozen=True)
class PayRow:
    member_id: int
    name: str
    id_number: str
    unit: str
    grade: int | None  # held on the last day of the sheet's period (31 December for a full year)
    band: str | None
    months: tuple[Decimal | None, ...]  # 12 entries; None for months after the sheet's last month
    allowance_total: Decimal
    bonus: Decimal | None
    total: Decimal
    remarks: tuple[str, ...] = field(default=())

    @property
    def grade_label(self) -> str:
        return GRADE_LABEL.get(self.grade, "无等级") if self.grade else "无等级"

    @property
    def band_label(self) -> str:
        return BAND_LABEL.get(self.band, self.band) if self.band else "无结果"


@dataclass(frozen=True)
class SummaryRow:
    grade: int | None
    band: str | None
    count: int
    allowance_total: Decimal
    bonus_total: Decimal

    @property
    def grade_label(self) -> str:
        return GRADE_LABEL[self.grade] if self.grade else "无等级"

    @property
    def band_label(self) -> str:
        return BAND_LABEL[self.band] if self.band else "无结果"


def pay_row(facts: MemberFacts, *, year: int, last_month: int,
            policy_for_month: Mapping[int, IncentivesPolicy], year_end_policy: IncentivesPolicy) -> PayRow:
    """§9 one member's row: allowances of months 1…``last_month``, and (for a full year) the bonus."""
    months: list[Decimal | None] = []
    for m in range(1, 13):
        if m > last_month:
            months.append(None)
            continue
        months.append(month_allowance(facts.history, year, m, policy_for_month[m], hire_date=facts.hire_date,
                                      separated_on=facts.separated_on))
    allowance_total = sum((a for a in months if a is not None), ZERO)
    period_end = dt.date(year, last_month, days_in_month(year, last_month))
    grade = grade_on(facts.history, period_end, hire_date=facts.hire_date, separated_on=facts.separated_on)
    remarks: list[str] = []
    bonus_amount = None
    if last_month == 12:
        bonus = annual_bonus(grade=grade, band=facts.band, policy=year_end_policy)
        bonus_amount = bonus.amount
        if bonus.amount is None:
            remarks.append(f"无年终奖金：{bonus.reason}")
    else:
        remarks.append(REASON_PARTIAL_YEAR)
    if facts.hire_date > dt.date(year, 1, 1) and facts.hire_date <= period_end:
        remarks.append(f"{facts.hire_date.isoformat()}入职")
    if facts.separated_on is not None and facts.separated_on <= period_end:
        remarks.append(f"{facts.separated_on.isoformat()}离职")
    return PayRow(
        member_id=facts.member_id, name=facts.name, id_number=facts.id_number, unit=facts.unit, grade=grade,
        band=facts.band, months=tuple(months), allowance_total=allowance_total, bonus=bonus_amount,
        total=allowance_total + (bonus_amount or ZERO), remarks=tuple(remarks),
    )


def summarise(rows: Iterable[PayRow]) -> list[SummaryRow]:
    """§9 sheet 2: count, allowance total and bonus total per (grade, band), grades 五级→一级 then
    no grade, bands 优秀→不合格 then no result. Only groups with members are listed."""
    groups: dict[tuple, list] = {}
    for r in rows:
        g = groups.setdefault((r.grade, r.band), [0, ZERO, ZERO])
        g[0] += 1
        g[1] += r.allowance_total
        g[2] += r.bonus or ZERO

    def order(key):
        grade, band = key
        return (GRADES.index(grade) if grade in GRADES else len(GRADES),
                BANDS.index(band) if band in BANDS else len(BANDS))

    return [SummaryRow(k[0], k[1], v[0], v[1], v[2]) for k, v in sorted(groups.items(), key=lambda kv: order(kv[0]))]


def totals(rows: Iterable[SummaryRow]) -> SummaryRow:
    rows = list(rows)
    return SummaryRow(None, None, sum(r.count for r in rows), sum((r.allowance_total for r in rows), ZERO),
                      sum((r.bonus_total for r in rows), ZERO))
