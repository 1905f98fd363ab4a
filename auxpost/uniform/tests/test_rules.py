"""§5.3.5 pure rules: failures normalised, evidence naming the items, pass rates."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auxpost.uniform import rules

ITEMS = [("complete", "制服整洁完整"), ("no_mixing", "不混穿"), ("insignia", "佩戴标志"), ("grooming", "仪容仪表")]


def test_normalise_orders_and_drops_passed_notes():
    codes, notes = rules.normalise_failures(["grooming", "complete", "grooming"],
                                            {"complete": " 衣领破损 ", "insignia": "x", "grooming": ""}, ITEMS)
    assert codes == ["complete", "grooming"] and notes == {"complete": "衣领破损"}


def test_unknown_code_and_long_note_refused():
    with pytest.raises(rules.InspectionError) as e:
        rules.normalise_failures(["hat"], {}, ITEMS)
    assert "hat" in e.value.message
    with pytest.raises(rules.InspectionError) as e:
        rules.normalise_failures(["complete"], {"complete": "长" * 201}, ITEMS)
    assert e.value.field == "notes"


def test_evidence_names_items():
    text = rules.evidence(day=dt.date(2026, 6, 15), failed=["complete", "insignia"], notes={"complete": "衣领破损"},
                          names=dict(ITEMS))
    assert text == "2026-06-15 着装检查不合格2项：制服整洁完整（衣领破损）；佩戴标志"
    assert len(rules.evidence(day=dt.date(2026, 6, 15), failed=["complete"], notes={"complete": "长" * 200},
                              names=dict(ITEMS), limit=50)) == 50


@given(st.lists(st.integers(min_value=0, max_value=4), max_size=50))
def test_pass_rate_bounds(counts):
    r = rules.pass_rate(counts)
    assert r.inspections == len(counts) and r.failed_items == sum(counts)
    assert 0 <= r.passed <= r.inspections
    assert r.rate is None if not counts else 0 <= r.rate <= 100


@given(st.sets(st.sampled_from([c for c, _ in ITEMS])))
def test_failed_count_equals_distinct_codes(codes):
    out, _notes = rules.normalise_failures(list(codes) * 2, {}, ITEMS)
    assert len(out) == len(codes) and out == [c for c, _ in ITEMS if c in codes]
