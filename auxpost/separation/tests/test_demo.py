"""§5.2.4 the demo loader: cases in different states, idempotent, never touching member1."""

import datetime as dt

import pytest
from django.core.management import call_command

from auxpost.separation.demo import load
from auxpost.separation.models import ProtectionRecord, SeparationCase
from auxpost.testing import make_member

pytestmark = pytest.mark.django_db


def test_demo_cases_in_different_states_and_idempotent(district):
    today = dt.date(2026, 6, 1)
    make_member(district.sq1_t2, name="张强", birth=dt.date(1985, 3, 3))
    make_member(district.sq2_t1, name="刘芳", birth=dt.date(1993, 4, 4), male=False)
    make_member(district.sq2_t1, name="老周", birth=dt.date(1966, 2, 2))  # 60y4m: retires 2026-06-02
    counts = load(today=today)
    assert counts["separation cases"] == 3 and counts["refused under Art. 42"] == 1
    states = {c.member.name: (c.ground, c.status) for c in SeparationCase.objects.select_related("member")}
    assert states["张强"] == ("resignation", "archived")
    assert states["老周"] == ("retirement", "proposed")
    assert states["刘芳"] == ("art40_unfit", "refused")
    assert "第四十二条" in SeparationCase.objects.get(member__name="刘芳").review_note
    assert ProtectionRecord.objects.count() == 1
    assert "李一" not in states  # member1 untouched
    assert load(today=today) == {}
    call_command("audit", "verify")
