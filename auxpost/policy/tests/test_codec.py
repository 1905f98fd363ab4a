"""§6/§7/§10 the policy codec: version 1 reproduces the SPEC defaults and survives JSON."""

import json
from decimal import Decimal

import pytest

from auxpost.policy.rules import (
    DEFAULT_BUNDLE,
    PolicyFormatError,
    assessment_from_dict,
    bundle_from_documents,
    default_documents,
    grade_from_dict,
)


def test_default_documents_round_trip_through_json():
    docs = json.loads(json.dumps(default_documents()))
    assert bundle_from_documents(version="1", name=DEFAULT_BUNDLE.name, **docs) == DEFAULT_BUNDLE


def test_version_1_is_the_spec_table():
    g = DEFAULT_BUNDLE.grade
    rows = {r.grade: (r.years_in_grade, r.min_education, r.points_average, r.points_floor, r.excellent_needed,
                      r.skills_min) for r in g.requirements}
    assert rows == {
        4: (2, "high_school", 85, 70, 0, 70),
        3: (3, "high_school", 88, 70, 1, 75),
        2: (3, "junior_college", 90, 75, 1, 80),
        1: (4, "junior_college", 92, 80, 2, 85),
    }
    assert (g.quota_grades_2_and_1_percent, g.quota_grade_1_percent) == (30, 10)
    a = DEFAULT_BUNDLE.assessment
    assert [(i.code, i.max_points) for i in a.monthly_indicators] == [
        ("attendance", 20), ("discipline", 20), ("uniform", 10), ("duty_performance", 40), ("public_feedback", 10)]
    assert (a.weight_monthly, a.weight_skills, a.weight_points) == (Decimal("0.4"), Decimal("0.4"), Decimal("0.2"))
    assert [b.min_score for b in a.bands] == [90, 70, 60, 0]
    assert a.excellent_cap == Decimal("0.15")
    p = DEFAULT_BUNDLE.points
    assert (p.annual_base, p.floor, p.ceiling) == (100, 0, 120)
    assert {r.code: r.points for r in p.rules}["absence"] == -10


def test_decimals_travel_as_strings():
    doc = default_documents()["assessment"]
    assert doc["excellent_cap"] == "0.15"
    assert doc["bands"][0]["min_score"] == "90"


def test_bad_number_names_the_field():
    doc = default_documents()["assessment"]
    doc["excellent_cap"] = "fifteen"
    with pytest.raises(PolicyFormatError) as exc:
        assessment_from_dict(doc, version="2")
    assert "excellent_cap" in exc.value.field


def test_unknown_field_is_refused():
    doc = default_documents()["grade"]
    doc["bogus"] = 1
    with pytest.raises(PolicyFormatError, match="bogus"):
        grade_from_dict(doc, version="2")
