"""§5.2.1 the recruitment demo loader: a posted plan with screened and scored applications, contracts and
probation reviews for the demo members on probation; a second run changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from auxpost.people.models import Member, MemberStatus
from auxpost.recruitment import demo, rules
from auxpost.recruitment.models import Application, Contract, HiringPlan, ProbationReview

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def demo_world(db, settings):
    settings.DEMO_MODE = True
    from auxpost.core.demo import load_demo

    load_demo(today=TODAY)


def test_demo_loads_a_campaign_and_the_probation_contracts(demo_world):
    # The demo district (the fixture) loads the campaign; this loader is what it calls.
    plan = HiringPlan.objects.get()
    assert plan.status == rules.POSTED
    apps = Application.objects.filter(plan=plan)
    assert apps.count() == 9
    rejected = apps.filter(status=rules.REJECTED)
    assert rejected.count() == 4 and all(a.reasons for a in rejected)
    assert apps.filter(status=rules.PASSED).count() == 3 and apps.filter(status=rules.FAILED).count() == 1
    on_probation = Member.objects.filter(status=MemberStatus.PROBATION)
    assert on_probation.exists()
    assert Contract.objects.filter(member__in=on_probation).count() == on_probation.count()
    assert ProbationReview.objects.filter(status=rules.PENDING, probation_end__lt=TODAY).exists()

    again = demo.load(today=TODAY)
    assert sum(again.values()) == 0
    assert Application.objects.count() == 9 and HiringPlan.objects.count() == 1
