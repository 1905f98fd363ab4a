"""§5.2.1 pure rules: screening (each reason), weighted totals, ranking (a hypothesis law), the plan quota
check and the 劳动合同法 Art. 19 / Art. 58 contract table at its edges."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from auxpost.recruitment import rules

CTX = rules.ScreeningContext(min_age=18, max_age=45, min_education="high_school")
OK = rules.Applicant(birth_date=dt.date(1990, 5, 17), education="high_school", applied_on=dt.date(2026, 3, 5),
                     no_criminal_record=True, not_dismissed=True)


def screen(**kw):
    ctx = kw.pop("ctx", CTX)
    return rules.screen(rules.Applicant(**{**OK.__dict__, **kw}), ctx)


def test_qualified_has_no_reason():
    assert screen() == []


def test_age_over_the_upper_bound_at_the_application_date():
    assert screen(birth_date=dt.date(1980, 3, 5)) == ["年龄：报名时46岁，超过45岁上限"]
    # 45 until the day before the 46th birthday
    assert screen(birth_date=dt.date(1980, 3, 6)) == []


def test_age_under_the_lower_bound():
    assert screen(birth_date=dt.date(2008, 3, 6)) == ["年龄：报名时17岁，未满18岁下限"]
    assert screen(birth_date=dt.date(2008, 3, 5)) == []


def test_education_below_the_minimum():
    assert screen(education="junior_high") == ["学历：初中，低于最低学历要求（高中及以上）"]
    assert screen(education="vocational") == []  # 中专 is the level of 高中
    assert screen(education="bachelor",
                  ctx=rules.ScreeningContext(min_age=18, max_age=45, min_education="junior_college")) == []


def test_declarations():
    assert screen(no_criminal_record=False) == ["无犯罪记录声明：未声明无犯罪记录"]
    assert screen(not_dismissed=False) == ["未被开除公职声明：未声明未曾被开除公职"]


def test_duplicate_and_on_roster_and_window():
    ctx = rules.ScreeningContext(min_age=18, max_age=45, min_education="high_school",
                                 opens=dt.date(2026, 3, 6), deadline=dt.date(2026, 3, 4),
                                 earlier_application=dt.date(2026, 3, 1), on_roster_as="李一，第一中队")
    assert screen(ctx=ctx) == [
        "重复报名：该身份证号已于2026-03-01报名本招聘计划",
        "已在册：该身份证号为在册辅岗人员（李一，第一中队）",
        "报名日期：2026-03-05早于招聘公告发布日期2026-03-06",
        "报名日期：2026-03-05晚于报名截止日期2026-03-04",
    ]


def test_every_reason_is_kept():
    reasons = screen(birth_date=dt.date(1970, 1, 1), education="junior_high", no_criminal_record=False,
                     not_dismissed=False)
    assert len(reasons) == 4


def test_age_on_29_february():
    assert rules.age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    assert rules.age_on(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18


W = rules.Weights(Decimal("0.5"), Decimal("0.3"), Decimal("0.2"))


def test_weighted_total_rounds_half_up_once():
    assert rules.weighted_total(Decimal("80"), Decimal("75"), Decimal("70"), W) == Decimal("76.50")
    # 0.5×60.01 + 0.3×60.01 + 0.2×60.03 = 60.014 → 60.01; 60.005 → 60.01 (half up)
    assert rules.weighted_total(Decimal("60.01"), Decimal("60.01"), Decimal("60.03"), W) == Decimal("60.01")
    assert rules.weighted_total(Decimal("60.01"), Decimal("60"), Decimal("60"), W) == Decimal("60.01")


def test_score_failures_each_and_the_total():
    assert rules.score_failures(Decimal(60), Decimal(60), Decimal(60), Decimal(60), Decimal(60)) == []
    assert rules.score_failures(Decimal("59.99"), Decimal(90), Decimal(50), Decimal(70), Decimal(60)) == [
        "笔试：59.99分，未达到合格分60分", "体能测试：50分，未达到合格分60分"]


def test_ranking_ties_exam_then_application_time():
    d1, d2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)
    items = [rules.Ranked(1, Decimal("80"), Decimal("70"), d1, 1),
             rules.Ranked(2, Decimal("80"), Decimal("75"), d2, 2),  # same total, better exam
             rules.Ranked(3, Decimal("80"), Decimal("70"), d1, 0),  # same total and exam, entered earlier
             rules.Ranked(4, Decimal("90"), Decimal("60"), d2, 3),
             rules.Ranked(5, Decimal("80"), Decimal("70"), d2, 4)]  # applied a day later
    assert rules.rank(items) == [4, 2, 3, 1, 5]


ranked = st.builds(rules.Ranked, key=st.integers(0, 10**6),
                   total=st.decimals(0, 100, places=2), exam=st.decimals(0, 100, places=2),
                   applied_on=st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), order=st.integers(0, 1000))


@given(st.lists(ranked, max_size=40, unique_by=lambda r: r.key))
def test_ranking_is_a_permutation_sorted_by_total(items):
    order = rules.rank(items)
    assert sorted(order) == sorted(r.key for r in items)
    by_key = {r.key: r for r in items}
    totals = [by_key[k].total for k in order]
    assert totals == sorted(totals, reverse=True)
    for a, b in zip(order, order[1:], strict=False):
        ra, rb = by_key[a], by_key[b]
        if ra.total == rb.total:
            assert ra.exam >= rb.exam
            if ra.exam == rb.exam:
                assert (ra.applied_on, ra.order) <= (rb.applied_on, rb.order)
    assert rules.rank(list(reversed(items))) == order  # deterministic: the input order does not matter


def test_plan_quota_refusal_names_the_numbers():
    lines = [rules.QuotaLine("执法局", 400, 100, 0), rules.QuotaLine("执法局 / 第一中队", 50, 40, 6)]
    assert rules.plan_quota_refusal(lines, 4) is None
    assert rules.plan_quota_refusal(lines, 5) == (
        "超出编制：执法局 / 第一中队编制50人，在册40人，其他已批准招聘计划预留6人，剩余空编4人，本计划拟招5人")


S = dt.date(2026, 1, 1)


def test_art19_table_edges():
    m = rules.max_probation_months
    assert m(S, dt.date(2026, 3, 30)) == 0  # 2 months 30 days
    assert m(S, dt.date(2026, 3, 31)) == 1  # 3 months exactly
    assert m(S, dt.date(2026, 12, 30)) == 1
    assert m(S, dt.date(2026, 12, 31)) == 2  # 1 year
    assert m(S, dt.date(2028, 12, 30)) == 2
    assert m(S, dt.date(2028, 12, 31)) == 6  # 3 years
    assert m(S, None) == 6  # open-ended
    assert rules.latest_probation_end(S, dt.date(2027, 12, 31)) == dt.date(2026, 2, 28)
    assert rules.latest_probation_end(S, dt.date(2026, 2, 1)) is None


def test_contract_refusals_cite_the_articles():
    assert rules.contract_refusal(S, dt.date(2027, 12, 31), dt.date(2026, 2, 28), 2) == []
    assert rules.contract_refusal(S, dt.date(2027, 12, 31), None, 2) == []  # shorter: no probation at all
    [(field, msg)] = rules.contract_refusal(S, dt.date(2027, 12, 30), None, 2)
    assert field == "end_date" and "第五十八条" in msg and "2027-12-31" in msg
    [(field, msg)] = rules.contract_refusal(S, dt.date(2027, 12, 31), dt.date(2026, 3, 1), 2)
    assert field == "probation_end" and "第十九条" in msg and "2个月" in msg
    assert rules.contract_refusal(S, dt.date(2028, 12, 31), dt.date(2026, 6, 30), 2) == []
    assert rules.contract_refusal(S, dt.date(2028, 12, 31), dt.date(2026, 7, 1), 2)[0][0] == "probation_end"
    assert rules.contract_refusal(S, dt.date(2027, 12, 31), dt.date(2025, 12, 31), 2)[0][0] == "probation_end"
    assert rules.contract_refusal(S, S, None, 2) == [("end_date", "合同终止日期：必须晚于合同起始日期")]


def test_add_months_clamps_to_month_end():
    assert rules.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
