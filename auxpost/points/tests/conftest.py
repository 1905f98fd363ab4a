"""Fixtures for the points tests: a fixed clock and helpers that record entries through the services."""

import datetime as dt

import pytest
from django.utils import timezone

AT = dt.datetime(2026, 6, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def at():
    return AT


@pytest.fixture
def record(district):
    """record(member, rule_code, date=..., by=squadron1, quantity=1) → entry through the service."""
    from auxpost.points.services import points_entry_record

    def make(member=None, rule_code="late", date=dt.date(2026, 3, 2), by=None, quantity=1, evidence="", at=AT):
        return points_entry_record(member=member or district.m1, rule_code=rule_code, date=date, quantity=quantity,
                                   evidence=evidence, recorded_by=by or district.squadron1, at=at)

    return make


@pytest.fixture
def approved_deduction(district, record):
    """m1: 迟到 −1 on 2026-03-02 recorded by squadron1, approved by the bureau."""
    from auxpost.points.services import points_entry_approve

    entry = record(district.m1, "late")
    return points_entry_approve(entry=entry, approver=district.bureau_user, at=AT)


def now():
    return timezone.now()
