"""§5.2.2/§5.2.3 the training demo loader: courses, sessions, attendance (some units short of hours),
certificate rows for the roster's certificate numbers; a second run changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from auxpost.accounts.models import User
from auxpost.people.models import Member, MemberStatus
from auxpost.training import demo
from auxpost.training.models import Certificate, Course, Session, TrainingRecord
from auxpost.training.selectors import expiring_certificates, shortfall

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def demo_world(db, settings):
    settings.DEMO_MODE = True
    from auxpost.core.demo import load_demo

    load_demo(today=TODAY)


def test_demo_loads_training_and_certificates(demo_world):
    # The demo district (the fixture) loads the training record; this loader is what it calls.
    assert Course.objects.count() == 3
    assert Session.objects.count() >= 3
    assert TrainingRecord.objects.count() > 100
    bureau = User.objects.get(username="bureau")
    short_last = shortfall(bureau, year=2025, today=TODAY)
    assert 0 < len(short_last) < Member.objects.filter(hire_date__lt=dt.date(2025, 1, 1)).count()
    with_number = Member.objects.exclude(cert_number="").filter(cert_valid_until__isnull=False)
    # The demo's one resignation returned its certificate when it took effect (closed, kept on record).
    returned = Certificate.objects.filter(member__status=MemberStatus.SEPARATED)
    assert returned.count() == 1 and not returned.filter(status="valid").exists()
    assert Certificate.objects.exclude(member__status=MemberStatus.SEPARATED).count() == with_number.count()
    assert Certificate.objects.filter(status="valid").count() == with_number.count()
    states = {e.state for e in expiring_certificates(bureau, TODAY, limit=1000)}
    assert states == {"expiring", "expired"}
    again = demo.load(today=TODAY)
    assert sum(again.values()) == 0
