"""Fixtures and helpers of the assessment tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polib
import pytest
from django.utils import timezone

_PO = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
_MO = _PO.with_suffix(".mo")
if _PO.exists() and (not _MO.exists() or _MO.stat().st_mtime < _PO.stat().st_mtime):
    polib.pofile(str(_PO)).save_as_mofile(str(_MO))

AT = timezone.make_aware(dt.datetime(2026, 4, 10, 10, 0))
MARCH = dt.date(2026, 3, 1)
FULL = {"attendance": 20, "discipline": 20, "uniform": 10, "duty_performance": 40, "public_feedback": 10}


def add_entry(member, day, rule_code, points, *, quantity=1, status="approved", approver=None, name=None):
    """An approved (by default) points-ledger entry."""
    from auxpost.points.models import PointsEntry

    names = {"late": "迟到", "absence": "旷工", "uniform_fail": "着装检查不合格", "leave_post": "脱岗",
             "meeting_absence": "无故缺席会议", "valid_complaint": "有效投诉", "discipline_breach": "违反纪律"}
    return PointsEntry.objects.create(
        member=member, date=day, rule_code=rule_code, rule_name=name or names.get(rule_code, rule_code),
        quantity=quantity, points=points, source="manual", status=status, policy_version="1",
        recorded_at=AT, approved_by=approver if points < 0 and status == "approved" else None,
        approved_at=AT if status == "approved" else None)


@pytest.fixture
def other_assessor(district):
    """A SECOND assessor organisation and its user."""
    from auxpost.accounts.models import Role
    from auxpost.org.models import Organisation, OrganisationKind
    from auxpost.testing import make_user

    org = Organisation.objects.create(name="另一家评估公司", kind=OrganisationKind.ASSESSOR)
    return make_user("assessor2", Role.ASSESSOR, organisation=org)


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    """Published policies are cached per process by version; a test's version "2" is rolled back with it."""
    from auxpost.policy.selectors import clear_cache

    clear_cache()
    yield
    clear_cache()
