"""A hand-built district for the §9 pay sheet of 2025, with every amount worked out by hand.

Members (default policy: 五级 0, 四级 200, 三级 400, 二级 700, 一级 1000 a month; bonus 6000 × grade
coefficient (1.0, 1.1, 1.2, 1.35, 1.5) × result coefficient (1.2, 1.0, 0.6, 0)):

- m1 李一 五级 all year, 合格 → 0 + 6000.00
- m2 王二 五级 all year, 不合格 → 0 + 0.00
- A 四级 → 三级 from 15 July, 优秀: 200×6 + (200×14 + 400×17)/31 = 309.68 + 400×5 → 3509.68; bonus 6000×1.2×1.2 = 8640.00
- B 三级 → 二级 from 1 March, 合格: 400×2 + 700×10 = 7800.00; bonus 6000×1.35×1.0 = 8100.00
- C 二级, separated 11 September, 合格: 700×8 + 700×10/30 (233.33) = 5833.33; no grade on 31 December → no bonus
- D 四级 all year, no result: 2400.00; no bonus (无年度考核结果)
- E hired 20 May at 五级, 基本合格: 0; bonus 6000×1.0×0.6 = 3600.00
- F hired 5 January 2026 and G separated 30 June 2024: not on the 2025 sheet.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from auxpost.assessment.models import AnnualResult
from auxpost.people.models import GradeHistory, Member, MemberStatus
from auxpost.testing import make_member

D = Decimal
YEAR = 2025


def promote(member: Member, grade: int | None, on: dt.date) -> None:
    GradeHistory.objects.create(member=member, grade=grade, effective_date=on, source="manual",
                                recorded_at=timezone.now())
    Member.objects.filter(pk=member.pk).update(grade=grade, grade_effective_date=on if grade else None)


def result(member: Member, band: str, year: int = YEAR) -> None:
    AnnualResult.objects.create(member=member, year=year, composite=D("80"), band=band, status="confirmed",
                                computed_at=timezone.now())


@dataclass
class PayDistrict:
    d: object
    a: Member
    b: Member
    c: Member
    dd: Member
    e: Member
    f: Member
    g: Member


@pytest.fixture
def pay(district) -> PayDistrict:
    d = district
    a = make_member(d.sq1_t1, name="甲", grade=4, hire_date=dt.date(2020, 3, 1))
    promote(a, 3, dt.date(2025, 7, 15))
    b = make_member(d.sq1_t2, name="乙", grade=3, hire_date=dt.date(2019, 8, 1))
    promote(b, 2, dt.date(2025, 3, 1))
    c = make_member(d.sq2_t1, name="丙", grade=2, hire_date=dt.date(2018, 1, 1))
    promote(c, None, dt.date(2025, 9, 11))
    Member.objects.filter(pk=c.pk).update(status=MemberStatus.SEPARATED, separated_on=dt.date(2025, 9, 11))
    dd = make_member(d.sq2_t1, name="丁", grade=4, hire_date=dt.date(2021, 1, 1))
    e = make_member(d.sq1_t1, name="戊", grade=5, hire_date=dt.date(2025, 5, 20))
    f = make_member(d.sq1_t1, name="己", grade=5, hire_date=dt.date(2026, 1, 5))
    g = make_member(d.sq2_t1, name="庚", grade=4, hire_date=dt.date(2015, 1, 1))
    promote(g, None, dt.date(2024, 6, 30))
    Member.objects.filter(pk=g.pk).update(status=MemberStatus.SEPARATED, separated_on=dt.date(2024, 6, 30))
    for m, band in ((d.m1, "pass"), (d.m2, "fail"), (a, "excellent"), (b, "pass"), (c, "pass"), (e, "basic"),
                    (g, "pass")):
        result(m, band)
    result(dd, "excellent", year=2024)  # another year's result does not count
    return PayDistrict(d, a, b, c, dd, e, f, g)


#: (name, year-end grade label, band label, months, allowance total, bonus, total, remarks)
EXPECTED_ROWS = {
    "李一": ("五级", "合格", [D("0.00")] * 12, D("0.00"), D("6000.00")),
    "王二": ("五级", "不合格", [D("0.00")] * 12, D("0.00"), D("0.00")),
    "甲": ("三级", "优秀", [D("200.00")] * 6 + [D("309.68")] + [D("400.00")] * 5, D("3509.68"), D("8640.00")),
    "乙": ("二级", "合格", [D("400.00")] * 2 + [D("700.00")] * 10, D("7800.00"), D("8100.00")),
    "丙": ("无等级", "合格", [D("700.00")] * 8 + [D("233.33")] + [D("0.00")] * 3, D("5833.33"), None),
    "丁": ("四级", "无结果", [D("200.00")] * 12, D("2400.00"), None),
    "戊": ("五级", "基本合格", [D("0.00")] * 12, D("0.00"), D("3600.00")),
}

#: (grade label, band label) → (count, allowances, bonuses), in the sheet's order.
EXPECTED_SUMMARY = [
    ("五级", "合格", 1, D("0.00"), D("6000.00")),
    ("五级", "基本合格", 1, D("0.00"), D("3600.00")),
    ("五级", "不合格", 1, D("0.00"), D("0.00")),
    ("四级", "无结果", 1, D("2400.00"), D("0.00")),
    ("三级", "优秀", 1, D("3509.68"), D("8640.00")),
    ("二级", "合格", 1, D("7800.00"), D("8100.00")),
    ("无等级", "合格", 1, D("5833.33"), D("0.00")),
]
EXPECTED_TOTAL = (7, D("19543.01"), D("26340.00"))
