"""§7.2 the scorecard pre-fill (pure rule)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from auxpost.assessment.rules import LEDGER_INDICATOR, WENJIANG_DEFAULT, LedgerEvent, monthly_prefill

P = WENJIANG_DEFAULT


def ev(code, points, name=None):
    return LedgerEvent(date=None, rule_code=code, rule_name=name or code, points=points)


def test_no_events_is_full_marks():
    pre = monthly_prefill([], P)
    assert pre.scores == {i.code: i.max_points for i in P.monthly_indicators}
    assert pre.reasons == {} and pre.events == {}


def test_mapping_of_every_deduction_rule():
    assert LEDGER_INDICATOR == {
        "late": "attendance", "absence": "attendance", "leave_post": "discipline", "discipline_breach": "discipline",
        "meeting_absence": "discipline", "uniform_fail": "uniform", "valid_complaint": "public_feedback"}
    pre = monthly_prefill([ev("late", -1), ev("absence", -10), ev("leave_post", -5), ev("meeting_absence", -2),
                           ev("uniform_fail", -4), ev("valid_complaint", -5)], P)
    assert pre.scores == {"attendance": Decimal(9), "discipline": Decimal(13), "uniform": Decimal(6),
                          "duty_performance": Decimal(40), "public_feedback": Decimal(5)}
    assert set(pre.reasons) == {"attendance", "discipline", "uniform", "public_feedback"}
    assert len(pre.events["attendance"]) == 2


def test_deduction_is_capped_at_the_indicator_max_with_a_reason():
    pre = monthly_prefill([ev("discipline_breach", -20, "违反纪律"), ev("leave_post", -5, "脱岗")], P)
    assert pre.scores["discipline"] == 0
    assert "超过该项满分" in pre.reasons["discipline"] and "违反纪律1条" in pre.reasons["discipline"]


def test_reversal_gives_points_back_and_other_rules_are_ignored():
    pre = monthly_prefill([ev("late", -1), ev("late", 1), ev("commendation_city", 10), ev("training_extra", 1)], P)
    assert pre.scores["attendance"] == 20
    assert "attendance" in pre.reasons  # the events are still shown


def test_rule_mapped_to_an_indicator_the_policy_lacks_is_ignored():
    import dataclasses

    from auxpost.assessment.rules import Indicator

    policy = dataclasses.replace(P, monthly_indicators=(Indicator("attendance", "出勤", Decimal(50)),
                                                        Indicator("duty_performance", "履职", Decimal(50))))
    pre = monthly_prefill([ev("uniform_fail", -2), ev("late", -3)], policy)
    assert pre.scores == {"attendance": 47, "duty_performance": 50}


codes = st.sampled_from([*LEDGER_INDICATOR, "commendation_city", "training_extra"])
events = st.lists(st.builds(ev, codes, st.integers(min_value=-60, max_value=30).filter(lambda p: p != 0)),
                  max_size=25)


@settings(max_examples=200, deadline=None)
@given(events)
def test_prefill_never_below_zero_nor_above_max(evs):
    pre = monthly_prefill(evs, P)
    for ind in P.monthly_indicators:
        assert 0 <= pre.scores[ind.code] <= ind.max_points
