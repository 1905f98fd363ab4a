"""Fixtures of the grading tests: database rows for the candidate records, a second policy version."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.utils import timezone

AS_OF = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _clear_outcome_cache():
    """The outcome summary is cached per (as-of, policy, data freshness); tests start empty."""
    from django.core.cache import cache

    from auxpost.policy.selectors import clear_cache

    cache.clear()
    clear_cache()
    yield
    cache.clear()
    clear_cache()


def add_points(member, year, total):
    from auxpost.points.models import AnnualPoints

    return AnnualPoints.objects.create(member=member, year=year, total=total, source="imported",
                                       recorded_at=timezone.now(), policy_version="1")


def add_result(member, year, band, composite, status="imported"):
    from auxpost.assessment.models import AnnualResult

    return AnnualResult.objects.create(member=member, year=year, band=band, composite=composite, status=status,
                                       computed_at=timezone.now(), policy_version="1")


def add_skills(member, year, *composites):
    from auxpost.assessment.models import SkillsRound, SkillsScore

    out = []
    for batch, composite in enumerate(composites, start=1):
        rnd, _ = SkillsRound.objects.get_or_create(year=year, batch=batch, assessor=None,
                                                   defaults={"name": f"{year}-{batch}", "created_at": timezone.now()})
        out.append(SkillsScore.objects.create(round=rnd, member=member, year=year, composite=composite,
                                              source="imported"))
    return out


def add_record(member, kind, date, passed=True, level="", description="记录"):
    from auxpost.grading.models import BasicRecord

    return BasicRecord.objects.create(member=member, kind=kind, date=date, passed=passed, level=level,
                                      description=description, recorded_at=timezone.now())


def make_promotable(member, *, grade=5, since=dt.date(2022, 1, 1), points=90, band="pass", composite=80,
                    skills=(80, 82)):
    """Give ``member`` (grade ``grade`` since ``since``) a record meeting every requirement on AS_OF."""
    member.grade = grade
    member.grade_effective_date = since
    member.save(update_fields=["grade", "grade_effective_date"])
    for y in range(2021, 2026):
        add_points(member, y, points)
        add_result(member, y, band, composite)
    add_skills(member, 2025, *skills)
    return member


@pytest.fixture
def policy_v2(db):
    """A second published policy version whose 四级 needs average points ≥ 95 (version 1: ≥ 85)."""
    from auxpost.policy.models import PolicyStatus, PolicyVersion
    from auxpost.policy.rules import DEFAULT_BUNDLE, assessment_to_dict, grade_to_dict, points_to_dict

    grade = DEFAULT_BUNDLE.grade
    reqs = tuple(replace(r, points_average=95) if r.grade == 4 else r for r in grade.requirements)
    return PolicyVersion.objects.create(
        version="2", name="提高积分要求", effective_from=dt.date(2030, 1, 1), status=PolicyStatus.PUBLISHED,
        grade=grade_to_dict(replace(grade, requirements=reqs)),
        assessment=assessment_to_dict(DEFAULT_BUNDLE.assessment), points=points_to_dict(DEFAULT_BUNDLE.points),
        created_at=timezone.now(), published_at=timezone.now())
