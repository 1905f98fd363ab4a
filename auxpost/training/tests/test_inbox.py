"""§5.2.3 certificate reminders: the inbox provider and the home-page selector."""

import datetime as dt

import pytest
import time_machine

from auxpost.people.models import Member
from auxpost.testing import make_member
from auxpost.training.inbox import todo
from auxpost.training.selectors import expiring_certificates

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def _counts(user) -> dict:
    return {i.key: i.count for i in todo(user)}


def test_manager_counts_in_scope(district):
    today = dt.date(2026, 6, 15)
    Member.objects.filter(pk=district.m1.pk).update(cert_number="A1", cert_valid_until=today + dt.timedelta(days=30))
    Member.objects.filter(pk=district.m2.pk).update(cert_number="A2", cert_valid_until=today - dt.timedelta(days=1))
    make_member(district.sq1_t2, name="无证")
    make_member(district.sq1_t2, name="远期", cert_number="A3", cert_valid_until=today + dt.timedelta(days=31))
    assert _counts(district.squadron1) == {"training.cert_expiring": 1, "training.cert_expired": 0,
                                           "training.cert_missing": 1}
    assert _counts(district.bureau_user) == {"training.cert_expiring": 1, "training.cert_expired": 1,
                                             "training.cert_missing": 1}
    assert todo(district.assessor) == [] and todo(district.nobody) == []


def test_member_sees_own_reminder(district):
    assert [(i.key, i.count) for i in todo(district.member1)] == [("training.my_cert", 1)]  # missing
    Member.objects.filter(pk=district.m1.pk).update(cert_number="A1", cert_valid_until=dt.date(2026, 7, 1))
    district.member1.refresh_from_db()
    item = todo(district.member1)[0]
    assert item.count == 1 and "2026-07-01" in item.label and item.url == "/training/me/"
    Member.objects.filter(pk=district.m1.pk).update(cert_valid_until=dt.date(2027, 7, 1))
    district.member1.refresh_from_db()
    assert todo(district.member1)[0].count == 0


def test_expiring_certificates_selector(district, django_assert_num_queries):
    Member.objects.filter(pk=district.m1.pk).update(cert_number="A1", cert_valid_until=dt.date(2026, 6, 20))
    Member.objects.filter(pk=district.m2.pk).update(cert_number="A2", cert_valid_until=dt.date(2026, 5, 1))
    rows = expiring_certificates(district.bureau_user, dt.date(2026, 6, 15))
    assert [(r.name, r.state, r.days_left) for r in rows] == [("王二", "expired", -45), ("李一", "expiring", 5)]
    assert [r.name for r in expiring_certificates(district.squadron1, dt.date(2026, 6, 15))] == ["李一"]
    assert [r.number for r in expiring_certificates(district.member1, dt.date(2026, 6, 15))] == ["A1"]
    assert expiring_certificates(district.nobody, dt.date(2026, 6, 15)) == []
