"""§5.2.2 培训 and §5.2.3 持证上岗: the pure rules (no Django).

Decisions (docs/DECISIONS.md):

- The annual requirement (年度 ≥ annual_hours per calendar year) counts the hours of 年度 (annual) and
  专题 (topical) courses attended in that year. 岗前 (induction) and 晋级 (promotion) hours have their
  own requirements (induction once on hiring; promotion before a promotion) and do not count.
- A member hired during a year owes no annual hours that year (their induction training covers it).
- Hours credited: the session's 学时 when attended, 0 when absent or excused.
- An exam is passed when a score is recorded and it is ≥ the policy's pass score.
- A certificate is valid through its ``valid_until`` day inclusive; ``valid_until`` = ``issued_on`` +
  validity years, a 29 February issue date giving 28 February.
- Renewal needs the annual requirement met in the 365 days before the renewal date (annual and
  topical hours ≥ annual_hours).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

INDUCTION, ANNUAL, PROMOTION, TOPICAL = "induction", "annual", "promotion", "topical"
#: Course categories whose hours count toward the annual requirement.
ANNUAL_COUNTING = (ANNUAL, TOPICAL)

ATTENDED, ABSENT, EXCUSED = "attended", "absent", "excused"

#: Certificate states.
VALID, SUPERSEDED, REVOKED, RETURNED = "valid", "superseded", "revoked", "returned"

#: Short Chinese category names as written in the §12 template (岗前培训 … accepted too).
CATEGORY_WRITTEN = {"岗前": INDUCTION, "年度": ANNUAL, "晋级": PROMOTION, "专题": TOPICAL}
CATEGORY_SHORT = {v: k for k, v in CATEGORY_WRITTEN.items()}


def parse_category(text: str) -> str | None:
    """岗前 / 岗前培训 / induction … → the category code; None when not a category."""
    t = (text or "").strip()
    if t in (INDUCTION, ANNUAL, PROMOTION, TOPICAL):
        return t
    t = t.removesuffix("培训").removesuffix("类")
    return CATEGORY_WRITTEN.get(t)


def credited_hours(attendance: str, session_hours: Decimal) -> Decimal:
    """§5.2.2 学时 credited for one attendance: the session's hours if attended, else 0."""
    return Decimal(session_hours) if attendance == ATTENDED else Decimal(0)


def exam_passed(score: Decimal | None, pass_score: Decimal) -> bool | None:
    """Whether a score passes (None: no score recorded)."""
    if score is None:
        return None
    return Decimal(score) >= Decimal(pass_score)


@dataclass(frozen=True)
class HoursLine:
    """One effective record reduced to what the sums need."""

    category: str
    date: dt.date
    hours: Decimal


def hours_by_category(lines: Iterable[HoursLine]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for line in lines:
        out[line.category] = out.get(line.category, Decimal(0)) + Decimal(line.hours)
    return out


def annual_hours(lines: Iterable[HoursLine], year: int) -> Decimal:
    """The hours that count toward ``year``'s annual requirement (年度 and 专题, dated in that year)."""
    return sum((Decimal(x.hours) for x in lines if x.date.year == year and x.category in ANNUAL_COUNTING),
               Decimal(0))


def hours_between(lines: Iterable[HoursLine], first: dt.date, last: dt.date,
                  categories: Iterable[str] = ANNUAL_COUNTING) -> Decimal:
    cats = set(categories)
    return sum((Decimal(x.hours) for x in lines if first <= x.date <= last and x.category in cats), Decimal(0))


@dataclass(frozen=True)
class Requirement:
    """A member's position against one year's annual requirement."""

    year: int
    required: Decimal
    actual: Decimal
    exempt: bool = False  # hired during the year

    @property
    def shortfall(self) -> Decimal:
        if self.exempt:
            return Decimal(0)
        return max(Decimal(0), self.required - self.actual)

    @property
    def met(self) -> bool:
        return self.shortfall == 0

    @property
    def percent(self) -> int:
        if self.exempt or self.required <= 0:
            return 100
        return min(100, int(self.actual * 100 / self.required))


def annual_requirement(*, year: int, actual: Decimal, required: Decimal, hire_date: dt.date | None) -> Requirement:
    """§5.2.2 one year's annual requirement for a member; a member hired in ``year`` is exempt."""
    exempt = hire_date is not None and hire_date.year >= year
    return Requirement(year=year, required=Decimal(required), actual=Decimal(actual), exempt=exempt)


def induction_missing(*, hours: Decimal, required_hours: Decimal, best_score: Decimal | None,
                      pass_score: Decimal) -> list[str]:
    """§5.2.3 what is missing before a first certificate: induction hours and a passing induction exam.
    Chinese sentences, empty when the member qualifies."""
    missing = []
    if Decimal(hours) < Decimal(required_hours):
        missing.append(f"岗前培训学时不足：已完成{_num(hours)}学时，需{_num(required_hours)}学时")
    if best_score is None:
        missing.append("没有岗前培训考试成绩")
    elif Decimal(best_score) < Decimal(pass_score):
        missing.append(f"岗前培训考试未通过：最高成绩{_num(best_score)}分，合格分{_num(pass_score)}分")
    return missing


def renewal_missing(*, hours_last_year: Decimal, required_hours: Decimal) -> list[str]:
    """§5.2.3 renewal: annual (年度 and 专题) hours in the 365 days before renewal ≥ the annual requirement."""
    if Decimal(hours_last_year) < Decimal(required_hours):
        return [f"近一年年度培训学时不足：已完成{_num(hours_last_year)}学时，需{_num(required_hours)}学时"]
    return []


def renewal_window(on: dt.date) -> tuple[dt.date, dt.date]:
    """The 365 days up to and including ``on``."""
    return on - dt.timedelta(days=364), on


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def valid_until(issued_on: dt.date, validity_years: int) -> dt.date:
    """§5.2.3 the last day a certificate issued on ``issued_on`` is valid (cfg validity years)."""
    return add_years(issued_on, validity_years)


def cert_state(valid_until_: dt.date | None, today: dt.date, reminder_days: int) -> str:
    """"missing", "expired", "expiring" (within reminder_days, today included) or "ok"."""
    if valid_until_ is None:
        return "missing"
    if valid_until_ < today:
        return "expired"
    if (valid_until_ - today).days <= reminder_days:
        return "expiring"
    return "ok"


def certificate_number(year: int, seq: int) -> str:
    """A generated 上岗证 number: WJ-<issue year>-<6-digit sequence of that year>, e.g. WJ-2026-000123."""
    return f"WJ-{year}-{seq:06d}"


def _num(value) -> str:
    d = Decimal(value).normalize()
    return format(d, "f")
