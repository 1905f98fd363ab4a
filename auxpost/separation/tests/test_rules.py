"""§5.2.4 pure rules: grounds, Art. 42 protections, the 2025 retirement rule, notice, the flow."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auxpost.grading.rules import add_months, statutory_retirement_date
from auxpost.separation import rules
from auxpost.separation.rules import ProtectionFact


def test_every_ground_has_name_article_and_text():
    assert set(rules.GROUNDS) == {"contract_end", "resignation", "art39_probation", "art39_breach",
                                  "art39_negligence", "art39_criminal", "art40_unfit", "retirement", "death"}
    for g in rules.GROUNDS.values():
        assert g.label and g.article.startswith("《") and g.text
        assert g.article in g.legal_basis and g.text in g.legal_basis
    assert "第四十条第（二）项" in rules.GROUNDS["art40_unfit"].article
    assert "第三十七条" in rules.GROUNDS["resignation"].article
    assert "实施条例》第二十一条" in rules.GROUNDS["retirement"].article


# --- Art. 42 -------------------------------------------------------------------------------------

ON = date(2026, 6, 1)


def _prot(facts, *, hire=date(2020, 1, 1), retire=date(2050, 1, 1), on=ON):
    return rules.protections(on, facts=facts, hire_date=hire, retirement_date=retire)


@pytest.mark.parametrize("kind", rules.RECORD_KINDS)
def test_each_recorded_protection_applies_inside_its_period_only(kind):
    fact = ProtectionFact(kind, date(2026, 1, 1), date(2026, 12, 31))
    assert [p.kind for p in _prot([fact])] == [kind]
    assert _prot([fact], on=date(2025, 12, 31)) == []
    assert _prot([fact], on=date(2027, 1, 1)) == []
    assert _prot([fact], on=date(2026, 12, 31))[0].until == date(2026, 12, 31)


def test_open_record_applies_from_start_on():
    assert _prot([ProtectionFact("medical_period", date(2026, 5, 1))])[0].until is None


def test_nursing_runs_to_the_childs_first_birthday():
    birth = date(2025, 6, 15)
    fact = ProtectionFact("nursing", birth)
    assert _prot([fact], on=date(2026, 6, 15))[0].until == date(2026, 6, 15)
    assert _prot([fact], on=date(2026, 6, 16)) == []


def test_long_service_needs_both_15_years_and_fewer_than_5_to_retirement():
    hire, retire = date(2010, 3, 1), date(2030, 3, 1)
    # 15 years on 2025-03-01; 5 years before retirement is 2025-03-01: protected from 2025-03-02.
    assert _prot([], hire=hire, retire=retire, on=date(2025, 3, 1)) == []
    found = _prot([], hire=hire, retire=retire, on=date(2025, 3, 2))
    assert [p.kind for p in found] == ["long_service"]
    # Enough service but far from retirement: not protected.
    assert _prot([], hire=date(2000, 1, 1), retire=date(2045, 1, 1), on=ON) == []
    # Close to retirement but 14 years' service: not protected.
    assert _prot([], hire=date(2012, 7, 1), retire=date(2028, 1, 1), on=ON) == []


def test_art40_refused_naming_each_protection_and_art42():
    found = _prot([ProtectionFact("pregnancy", date(2026, 3, 1)), ProtectionFact("medical_period", date(2026, 5, 1),
                                                                                 date(2026, 8, 1))])
    msg = rules.ground_refusal("art40_unfit", found)
    assert "孕期" in msg and "医疗期" in msg and "第四十二条" in msg
    assert "第四十二条第（四）项" in msg and "第四十二条第（三）项" in msg


@pytest.mark.parametrize("ground", [*rules.GROUNDS_ART39, "resignation", "retirement", "death"])
def test_art39_and_other_grounds_are_not_blocked(ground):
    found = _prot([ProtectionFact("pregnancy", date(2026, 3, 1))])
    assert rules.ground_refusal(ground, found) is None


def test_contract_end_runs_on_under_art45():
    found = _prot([ProtectionFact("maternity", date(2026, 3, 1))])
    assert "第四十五条" in rules.ground_refusal("contract_end", found)
    assert rules.ground_refusal("art40_unfit", []) is None


# --- Retirement (2025 progressive rule) ----------------------------------------------------------
# The State Council's published comparison table (人社部 对照表) for the 2024 NPC Standing Committee
# decision, as implemented and tested in auxpost/grading: men 60 → 63 (1 month per 4), women 55 → 58
# (1 per 4), women 50 → 55 (1 per 2). Note: women originally 50 reach 55 from births in November 1984
# (October 1984 → 54y11m), not September 1984.

@pytest.mark.parametrize(("birth", "sex", "original", "label", "on"), [
    (date(1964, 12, 1), "M", None, "60岁", date(2024, 12, 1)),
    (date(1965, 1, 1), "M", None, "60岁1个月", date(2025, 2, 1)),  # published example: Feb 2025
    (date(1966, 1, 1), "M", None, "60岁4个月", date(2026, 5, 1)),
    (date(1970, 6, 1), "M", None, "61岁5个月", date(2031, 11, 1)),  # table: 1970-05…08 → 61y5m
    (date(1976, 8, 1), "M", None, "62岁11个月", date(2039, 7, 1)),
    (date(1976, 9, 1), "M", None, "63岁", date(2039, 9, 1)),
    (date(1985, 3, 1), "M", None, "63岁", date(2048, 3, 1)),
    (date(1969, 12, 1), "F", None, "55岁", date(2024, 12, 1)),
    (date(1970, 1, 1), "F", None, "55岁1个月", date(2025, 2, 1)),
    (date(1975, 5, 1), "F", None, "56岁5个月", date(2031, 10, 1)),
    (date(1981, 8, 1), "F", None, "57岁11个月", date(2039, 7, 1)),
    (date(1981, 9, 1), "F", None, "58岁", date(2039, 9, 1)),
    (date(1974, 12, 1), "F", 50, "50岁", date(2024, 12, 1)),
    (date(1975, 1, 1), "F", 50, "50岁1个月", date(2025, 2, 1)),
    (date(1980, 1, 1), "F", 50, "52岁7个月", date(2032, 8, 1)),
    (date(1984, 10, 1), "F", 50, "54岁11个月", date(2039, 9, 1)),
    (date(1984, 11, 1), "F", 50, "55岁", date(2039, 11, 1)),
])
def test_published_examples(birth, sex, original, label, on):
    due = rules.retirement(birth, sex, notice_days=60, original_age=original)
    assert (due.label, due.date) == (label, on)
    assert due.propose_on == on - timedelta(days=60)


births = st.dates(min_value=date(1950, 1, 1), max_value=date(2005, 12, 31))
schedules = st.sampled_from([("M", 60, 63), ("F", 55, 58), ("F", 50, 55)])


@given(births, schedules)
def test_retirement_between_original_and_new_age(birth, sched):
    sex, original, new = sched
    d = rules.retirement(birth, sex, notice_days=0, original_age=original).date
    assert add_months(birth, original * 12) <= d <= add_months(birth, new * 12)


@given(births, births, schedules)
def test_retirement_monotone_in_birth_date(b1, b2, sched):
    sex, original, _new = sched
    lo, hi = sorted((b1, b2))
    assert (rules.retirement(lo, sex, notice_days=0, original_age=original).date
            <= rules.retirement(hi, sex, notice_days=0, original_age=original).date)


@given(births, st.sampled_from(["M", "F"]), st.integers(0, 365))
def test_proposal_date_is_notice_days_ahead_and_same_as_grading(birth, sex, days):
    due = rules.retirement(birth, sex, notice_days=days)
    assert due.date == statutory_retirement_date(birth, sex).date
    assert (due.date - due.propose_on).days == days


def test_resignation_notice():
    assert rules.resignation_earliest_last_day(date(2026, 3, 1), on_probation=False) == date(2026, 3, 31)
    assert rules.resignation_earliest_last_day(date(2026, 3, 1), on_probation=True) == date(2026, 3, 4)


# --- flow ----------------------------------------------------------------------------------------

def test_flow_happy_path_and_refusals_name_current_and_required_step():
    s = rules.PROPOSED
    for action in ("approve", "execute", "return_items", "archive"):
        s = rules.move(s, action)
    assert s == rules.ARCHIVED
    with pytest.raises(rules.MoveRefused) as exc:
        rules.move(rules.PROPOSED, "execute")
    assert "已提出" in exc.value.message and "审核" in exc.value.message and exc.value.code == "out_of_order"
    with pytest.raises(rules.MoveRefused):
        rules.move(rules.EXECUTED, "cancel")
    with pytest.raises(rules.MoveRefused) as exc:
        rules.move(rules.ARCHIVED, "archive")
    assert "已结束" in exc.value.message


def test_authority():
    assert rules.authorised("execute", {"hr_company"}) and not rules.authorised("execute", {"bureau"})
    assert rules.authorised("approve", {"bureau"}) and not rules.authorised("approve", {"hr_company"})
    assert rules.authorised("return_item", {"line_manager"})
    assert "人力资源公司" in rules.parties("execute")
