import datetime as dt

import pytest

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def contract(district):
    """m1's current dispatch contract with the HR company."""
    from django.utils import timezone

    from auxpost.recruitment.models import Contract

    return Contract.objects.create(member=district.m1, employer=district.hr, number="HX-2024-001",
                                   start_date=dt.date(2024, 3, 1), end_date=dt.date(2027, 2, 28),
                                   source="recorded", recorded_at=timezone.now())
