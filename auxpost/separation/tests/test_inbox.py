"""§5.2.4 the inbox provider: each party sees the cases waiting on its step."""

import datetime as dt

import pytest

from auxpost.separation.inbox import todo
from auxpost.separation.services import case_approve, case_execute, item_return, proposal_create
from auxpost.testing import make_member

pytestmark = pytest.mark.django_db


def _counts(user):
    return {i.key: i.count for i in todo(user)}


def test_each_party_sees_its_step(district):
    d = district
    case = proposal_create(actor=d.bureau_user, member=d.m1, ground="art39_breach", reason="x")
    assert _counts(d.bureau_user)["separation.review"] == 1
    assert _counts(d.hrco)["separation.execute"] == 0
    case_approve(actor=d.bureau_user, case=case)
    assert _counts(d.bureau_user)["separation.review"] == 0
    assert _counts(d.hrco)["separation.execute"] == 1
    case = case_execute(actor=d.hrco, case=case, last_day=dt.date.today())
    assert _counts(d.hrco)["separation.items"] == 1
    assert _counts(d.squadron1)["separation.items"] == 1
    assert _counts(d.squadron2)["separation.items"] == 0
    for item in ("uniform", "badge", "certificate"):
        item_return(actor=d.hrco, case=case, item=item)
    assert _counts(d.hrco)["separation.items"] == 0
    assert _counts(d.bureau_user)["separation.archive"] == 1
    assert todo(d.member1) == [] and todo(d.nobody) == []


def test_retirements_due(district):
    from auxpost.separation.rules import retirement

    today = dt.date.today()
    birth = today.replace(year=today.year - 60)
    while retirement(birth, "M", notice_days=60).propose_on > today:  # the youngest man whose proposal is due
        birth -= dt.timedelta(days=1)
    make_member(district.sq1_t1, name="老王", birth=birth)
    make_member(district.sq1_t1, name="小王", birth=birth + dt.timedelta(days=40))
    assert _counts(district.bureau_user)["separation.retirements"] == 1
    assert _counts(district.hrco)["separation.retirements"] == 1
