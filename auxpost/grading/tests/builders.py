"""Test builders: a candidate who meets every requirement, to be spoiled one field at a time."""

from __future__ import annotations

from datetime import date

from auxpost.grading.rules import EXCELLENT, CandidateRecord, Outcome

AS_OF = date(2026, 3, 1)
YEARS = range(2015, 2026)  # 2015..2025: covers every window of the default policy


def passing(grade: int = 3, **overrides) -> CandidateRecord:
    """A member in ``grade`` who meets every requirement for ``grade − 1`` on ``AS_OF``."""
    fields = dict(
        grade=grade,
        grade_effective_date=date(2015, 1, 1),
        education="master",
        birth_date=date(1990, 6, 15),
        sex="M",
        hire_date=date(2012, 7, 1),
        annual_points={y: 95 for y in YEARS},
        annual_results={y: (EXCELLENT, 92.0) for y in YEARS},
        skills_scores={y: [90.0, 88.0] for y in YEARS},
    )
    fields.update(overrides)
    return CandidateRecord(**fields)


def reason(outcome: Outcome, requirement: str):
    hits = [r for r in outcome.reasons if r.requirement == requirement]
    assert len(hits) == 1, (requirement, [r.requirement for r in outcome.reasons])
    return hits[0]


def reason_starting(outcome: Outcome, prefix: str):
    hits = [r for r in outcome.reasons if r.requirement.startswith(prefix)]
    assert len(hits) == 1, (prefix, [r.requirement for r in outcome.reasons])
    return hits[0]
