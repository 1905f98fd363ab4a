"""§9 the demo district's pay sheet of its last complete year: sheet 2 is sheet 1 grouped by grade and
result, and every row is the allowance and bonus worked out again, independently, from the grade
history day by day, the annual result and the policy in force."""

import calendar
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook

from auxpost.assessment.models import AnnualResult
from auxpost.incentives.rules import BAND_LABEL, GRADE_LABEL
from auxpost.incentives.selectors import paysheet_compute
from auxpost.incentives.services import paysheet_workbook
from auxpost.people.models import GradeHistory, Member
from auxpost.policy.selectors import policy_in_force

D = Decimal
TODAY = "2026-11-27 10:00 +0800"


def money(v) -> Decimal:
    return D(str(v or 0)).quantize(D("0.01"))


def cents(f: Fraction) -> Decimal:
    return (D((f * 100 + Fraction(1, 2)).__floor__()) / 100).quantize(D("0.01"))


def grade_on_day(rows, day, member) -> int | None:
    if day < member.hire_date or (member.separated_on and day >= member.separated_on):
        return None
    held = None
    for r in rows:  # by effective date, then id
        if r.effective_date <= day:
            held = r.grade
    return held


@pytest.mark.django_db
def test_demo_paysheet_sums_by_grade_and_result():
    with time_machine.travel(TODAY, tick=False):
        call_command("demo", "--force")
        year = dt.date(2026, 11, 27).year - 1
        sheet = paysheet_compute(year=year)
    assert len(sheet.rows) > 100
    buf = io.BytesIO()
    paysheet_workbook(sheet, buf)
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    body = list(wb["工资表"].iter_rows(values_only=True))[1:-1]
    summary = list(wb["按等级和等次汇总"].iter_rows(values_only=True))[1:-1]

    # sheet 2 = sheet 1 grouped
    grouped = defaultdict(lambda: [0, D(0), D(0)])
    for r in body:
        g = grouped[(r[3], r[4])]
        g[0] += 1
        g[1] += money(r[17])
        g[2] += money(r[18])
    assert {(s[0], s[1]): [s[2], money(s[3]), money(s[4])] for s in summary} == dict(grouped)
    assert len({r[3] for r in body}) >= 3 and len({r[4] for r in body}) >= 3  # a real spread

    # every row, recomputed independently
    members = {m.id_number: m for m in Member.objects.all()}
    history = defaultdict(list)
    for h in GradeHistory.objects.order_by("member_id", "effective_date", "id"):
        history[h.member_id].append(h)
    bands = dict(AnnualResult.objects.filter(year=year).values_list("member_id", "band"))
    seen = 0
    for r in body:
        m = members[r[1]]
        rows = history[m.pk]
        months = []
        for month in range(1, 13):
            inc = policy_in_force(dt.date(year, month, 1)).incentives
            dim = calendar.monthrange(year, month)[1]
            exact = sum((Fraction(inc.allowance(grade_on_day(rows, dt.date(year, month, d), m))) / dim
                         for d in range(1, dim + 1)), Fraction(0))
            months.append(cents(exact))
        assert [money(v) for v in r[5:17]] == months, m.name
        assert money(r[17]) == sum(months, D(0))
        year_end = grade_on_day(rows, dt.date(year, 12, 31), m)
        band = bands.get(m.pk)
        assert r[3] == (GRADE_LABEL[year_end] if year_end else "无等级")
        assert r[4] == (BAND_LABEL[band] if band else "无结果")
        if year_end and band:
            inc = policy_in_force(dt.date(year, 12, 31)).incentives
            bonus = cents(Fraction(inc.bonus_base) * Fraction(inc.grade_coefficient(year_end))
                          * Fraction(inc.result_coefficient(band)))
            assert money(r[18]) == bonus, m.name
        else:
            assert r[18] is None and "无年终奖金" in r[20]
        assert money(r[19]) == money(r[17]) + money(r[18])
        seen += 1
    assert seen == len(body)
